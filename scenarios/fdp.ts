/**
 * The seed's Fast Datapath flows (docs/seed-flows.md FD-L and FD-X) under every FDP configuration: the three
 * ARP hypotheses (H1 controller upcall, H2 fake MAC, H3 through the vtep) with each vtep variant (V1
 * multicast, V2 unicast list, V3 zero-MAC entries), and upstream Weave, also on a partial mesh.
 */
import { type Config, DEFAULT_CONFIGS, type FdpSeedConfig } from '../model/config.ts';
import { fakeMacOf, VTEP_GROUP } from '../model/network/wiring.ts';
import type { Frame } from '../model/packets.ts';
import type { Topology } from '../model/topology.ts';
import {
  all,
  arpReply,
  delivers,
  drops,
  type Expectation,
  echo,
  type FramePredicate,
  pinged,
  receives,
  type Scenario,
  sends,
  sendsKind,
  timerFired,
  whoHas,
} from './scenario.ts';
import { A, B, D, SUBNET, seedTopology, T0 } from './seed-topology.ts';
import { localEcho, localReply, requestFlooded } from './steps.ts';

const h1 = (n: string) => `h1/${n}`;
const h2 = (n: string) => `h2/${n}`;
const H2_FAKE = fakeMacOf(1);
const H2_ADDRESS = seedTopology.hosts[1]!.address;

const and =
  (...ps: FramePredicate[]): FramePredicate =>
  (f: Frame) =>
    ps.every((p) => p(f));
const toMac =
  (mac: string): FramePredicate =>
  (f) =>
    f.dst === mac;

export const FDP_CONFIGS: readonly Config[] = DEFAULT_CONFIGS.filter((c) => c.plane === 'fdp');

/** How host 1's vtep sends a frame it has no FDB entry for (FD-X.6). */
function vtepFlood(c: FdpSeedConfig, p: FramePredicate, what: string): Expectation {
  const variant = {
    multicast: { seed: 'V1', says: `to the multicast group ${VTEP_GROUP}`, dst: VTEP_GROUP },
    unicast: {
      seed: 'V2',
      says: `a copy to each vtep on the list given at creation (${H2_ADDRESS})`,
      dst: H2_ADDRESS,
    },
    'zero-mac': {
      seed: 'V3',
      says: `a copy to each all-zero-MAC FDB entry (${H2_ADDRESS})`,
      dst: H2_ADDRESS,
    },
  }[c.vtep];
  return {
    seed: ['FD-X.6', variant.seed],
    component: h1('vtep'),
    says: `the vtep has no FDB entry for ${what}: it sends it ${variant.says}`,
    match: (s) =>
      receives(p)(s) &&
      s.outputs.some(
        (o) =>
          o.type === 'send' &&
          o.port === 'udp' &&
          o.packet.kind === 'vxlan' &&
          o.packet.dst === variant.dst &&
          p(o.packet.frame),
      ),
  };
}

/** FD-L: A pings B on the same host. */
function sameHost(config: Config): Scenario {
  const upstream = config.plane === 'fdp' && config.hypothesis === 'upstream';
  const h = config.plane === 'fdp' ? config.hypothesis : 'upstream';
  const datapath: Expectation =
    h === 'h1'
      ? {
          seed: ['FD-L.2.2', 'H1'],
          component: h1('datapath'),
          says: "the datapath drops the request by a flow the controller installed when B's gratuitous ARP was punted at start-up (B is local): no reply from that side",
          match: all(receives(whoHas(B.ip)), drops('is local')),
        }
      : h === 'upstream'
        ? {
            seed: ['FD-L.2.2'],
            component: h1('datapath'),
            says: 'the datapath floods the broadcast to the peers (upstream: a flow installed by the GARPs at start-up already matches it); no reply comes back from that side',
            departs: 'upstream: the request also crosses to host 2, where nobody answers',
            match: all(receives(whoHas(B.ip)), sends('vxlan', whoHas(B.ip))),
          }
        : {
            seed: ['FD-L.2.2'],
            component: h1('datapath'),
            says: 'the datapath floods it on to the vtep; no reply comes back from that side',
            match: all(receives(whoHas(B.ip)), sends('vtep', whoHas(B.ip))),
          };
  return {
    name: 'FD-L',
    title: 'A pings B on the same host',
    config: config.id,
    topology: seedTopology,
    traffic: [{ at: T0, from: 'A', to: B.ip }],
    summary:
      'Fast Datapath, same host ("as in Flannel UDP"): the ARP request is flooded, B answers, and the bridge delivers the echo request locally. ethbr passes the request on towards the datapath, and no reply comes from that side.' +
      (upstream ? ' Upstream, the datapath floods the broadcast to the other peers too.' : ''),
    expect: [...requestFlooded('FD-L', B), localReply('FD-L'), datapath, ...localEcho('FD-L')],
  };
}

/** FD-X.2.2 to FD-X.4 under each hypothesis: how A's ARP request for D gets its answer. */
function arpAcross(c: Config): Expectation[] {
  if (c.plane !== 'fdp') return [];
  const common = requestFlooded('FD-X', D);
  switch (c.hypothesis) {
    case 'h1':
      return [
        ...common,
        {
          seed: ['FD-X.2.2', 'H1'],
          component: h1('datapath'),
          says: 'the ARP flow rule sends the request up to the controller',
          match: all(receives(whoHas(D.ip)), sends('controller', whoHas(D.ip))),
        },
        {
          seed: ['FD-X.3', 'H1'],
          component: h1('controller'),
          says: 'the controller consumes the request (nobody answers it) and installs a responder flow for D',
          match: all(
            receives(whoHas(D.ip)),
            drops('first request consumed'),
            sendsKind('datapath', 'flow-install'),
          ),
        },
        {
          seed: ['FD-X.3'],
          component: h1('A'),
          says: 'no answer after 1 s: A sends the request again',
          match: all(timerFired, sends('eth0', whoHas(D.ip))),
        },
        {
          seed: ['FD-X.3', 'H1'],
          component: h1('datapath'),
          says: "this time the responder flow answers with D's real MAC",
          match: all(receives(whoHas(D.ip)), sends('bridge', arpReply(D.ip, D.mac))),
        },
        {
          seed: ['FD-X.4'],
          component: h1('A'),
          says: "A learns D's MAC and sends the echo request",
          match: all(receives(arpReply(D.ip, D.mac)), sends('eth0', echo('echo-request'))),
        },
      ];
    case 'h2':
      return [
        ...common,
        {
          seed: ['FD-X.2.2', 'H2'],
          component: h1('datapath'),
          says: `the datapath answers at once with host 2's fake MAC ${H2_FAKE}`,
          match: all(receives(whoHas(D.ip)), sends('bridge', arpReply(D.ip, H2_FAKE))),
        },
        {
          seed: ['FD-X.4', 'H2'],
          component: h1('A'),
          says: 'A caches the fake MAC and sends the echo request to it',
          match: all(
            receives(arpReply(D.ip, H2_FAKE)),
            sends('eth0', and(echo('echo-request'), toMac(H2_FAKE))),
          ),
        },
      ];
    case 'h3':
      return [
        ...common,
        {
          seed: ['FD-X.2.2', 'H3'],
          component: h1('datapath'),
          says: 'the datapath floods the request unchanged to the vtep',
          match: all(receives(whoHas(D.ip)), sends('vtep', whoHas(D.ip))),
        },
        vtepFlood(c, whoHas(D.ip), 'a broadcast'),
        {
          seed: ['FD-X.7', 'H3'],
          component: h2('vtep'),
          says: "host 2's vtep decapsulates the request (learning A behind host 1) and hands it to the datapath",
          match: all(receives(whoHas(D.ip), 'vxlan'), sends('dp', whoHas(D.ip))),
        },
        {
          seed: ['FD-X.8', 'H3'],
          component: h2('bridge'),
          says: "host 2's bridge floods it to C and D",
          match: all(receives(whoHas(D.ip)), sends('D', whoHas(D.ip))),
        },
        {
          seed: ['H3'],
          component: h2('D'),
          says: 'D, the owner, answers with its real MAC',
          match: all(receives(whoHas(D.ip)), sends('eth0', arpReply(D.ip, D.mac))),
        },
        {
          seed: ['H3'],
          component: h2('vtep'),
          says: 'the reply goes back through the vtep, unicast to host 1 where it learned A',
          match: all(receives(arpReply(D.ip)), sends('udp', arpReply(D.ip))),
        },
        {
          seed: ['FD-X.4'],
          component: h1('A'),
          says: "A learns D's MAC and sends the echo request",
          match: all(receives(arpReply(D.ip, D.mac)), sends('eth0', echo('echo-request'))),
        },
      ];
    case 'upstream':
      return [
        ...common,
        {
          seed: ['FD-X.2.2', 'H3'],
          component: h1('datapath'),
          says: "the datapath sends the broadcast to host 2 with set-tunnel to host 2's address (a flow installed when A's gratuitous ARP missed at start-up)",
          departs: 'upstream: no vtep and no FDB; the remote address is written into the flow',
          match: all(receives(whoHas(D.ip)), sends('vxlan', whoHas(D.ip))),
        },
        {
          seed: [],
          component: h2('datapath'),
          says: "host 2's datapath injects the request into its bridge, by a flow installed when A's gratuitous ARP crossed at start-up",
          match: all(receives(whoHas(D.ip), 'vxlan'), sends('bridge', whoHas(D.ip))),
        },
        {
          seed: [],
          component: h2('D'),
          says: 'D, the owner, answers',
          departs: 'upstream: H3 is what happens; nobody answers for D',
          match: all(receives(whoHas(D.ip)), sends('eth0', arpReply(D.ip, D.mac))),
        },
        {
          seed: [],
          component: h2('controller'),
          says: 'the reply misses on host 2; the controller executes it at once towards host 1 and installs a set-tunnel flow',
          departs: 'upstream: the missed packet is executed, not lost (H1 is half right)',
          match: all(receives(arpReply(D.ip)), sends('datapath', arpReply(D.ip))),
        },
        {
          seed: ['FD-X.4'],
          component: h1('A'),
          says: "A learns D's real MAC and sends the echo request",
          match: all(receives(arpReply(D.ip, D.mac)), sends('eth0', echo('echo-request'))),
        },
      ];
  }
}

/** FD-X.5 to FD-X.9 for the echo request, and the reply reaching A. */
function dataAcross(c: Config): Expectation[] {
  if (c.plane !== 'fdp') return [];
  const req = echo('echo-request');
  const head: Expectation[] = [
    {
      seed: ['FD-X.5'],
      component: h1('bridge'),
      says: 'the bridge forwards the echo request to ethbr',
      match: all(receives(req), sends('ethbr', req)),
    },
  ];
  const tail: Expectation[] = [
    {
      seed: ['FD-X.8'],
      component: h2('bridge'),
      says: "host 2's bridge forwards it to D",
      match: all(receives(req), sends('D', and(req, toMac(D.mac)))),
    },
    { seed: ['FD-X.9'], component: h2('D'), says: 'D receives it', match: delivers(req) },
    { seed: [], component: h1('A'), says: "D's echo reply reaches A", match: delivers(echo('echo-reply')) },
  ];
  if (c.hypothesis === 'upstream')
    return [
      ...head,
      {
        seed: ['FD-X.5', 'FD-X.6'],
        component: h1('controller'),
        says: 'the echo request misses; the controller executes it with set-tunnel to host 2 and installs the flow',
        departs: 'upstream: the datapath does not flood; the flow carries the remote address',
        match: all(receives(req), sends('datapath', req)),
      },
      {
        seed: ['FD-X.7'],
        component: h2('controller'),
        says: "host 2's datapath misses on the tunnel; the controller injects the frame and installs a flow keyed on the tunnel",
        match: all(receives(req), sends('datapath', req)),
      },
      ...tail,
    ];
  const learned = c.hypothesis === 'h3' && c.learning;
  const vtep: Expectation = learned
    ? {
        seed: ['FD-X.6'],
        component: h1('vtep'),
        says: "the vtep learned D behind host 2 from D's ARP reply: one unicast VXLAN packet",
        match: all(receives(req), (s) =>
          s.outputs.some(
            (o) => o.type === 'send' && o.packet.kind === 'vxlan' && o.packet.dst === H2_ADDRESS,
          ),
        ),
      }
    : vtepFlood(c, req, c.hypothesis === 'h2' ? 'the fake MAC (it never learns it)' : 'D yet');
  return [
    ...head,
    {
      seed: ['FD-X.5'],
      component: h1('datapath'),
      says: 'the datapath floods it to the vtep',
      match: all(receives(req), sends('vtep', req)),
    },
    vtep,
    {
      seed: ['FD-X.7'],
      component: h2('vtep'),
      says: "host 2's vtep decapsulates it and hands it to the datapath",
      match: all(receives(req, 'vxlan'), sends('dp', req)),
    },
    c.hypothesis === 'h2'
      ? {
          seed: ['FD-X.7', 'H2'],
          component: h2('datapath'),
          says: "host 2's datapath rewrites the fake destination MAC to D's real MAC before the bridge",
          match: all(receives(and(req, toMac(H2_FAKE))), sends('bridge', and(req, toMac(D.mac)))),
        }
      : {
          seed: ['FD-X.7'],
          component: h2('datapath'),
          says: "host 2's datapath floods it into the bridge",
          match: all(receives(req), sends('bridge', req)),
        },
    ...tail,
  ];
}

function crossHost(config: Config): Scenario {
  const h = config.plane === 'fdp' ? config.hypothesis : '';
  const summaries: Record<string, string> = {
    h1: "H1: the datapath punts A's ARP request to the controller, which consumes it (FD-X.3: the first request gets no answer) and installs an ARP responder flow for D from its directory; A's retry one second later is answered by the datapath with D's real MAC. The data path is then the seed's: the datapath floods the frame to the vtep, which finds host 2 by the configured variant.",
    h2: "H2: the datapath answers A's request at once with host 2's fake MAC; A caches it. The echo request, addressed to the fake MAC, is flooded to the vtep, which never learns the fake MAC and so always uses its default destinations; host 2's datapath rewrites the destination to D's real MAC before the bridge, so D receives a frame with its own MAC.",
    h3: "H3: the datapath floods A's ARP request unchanged through the vtep; host 2's datapath floods it into its bridge and D answers. The vtep learned A from that request, so D's reply crosses unicast, and host 1's vtep learns D from it: the echo request then crosses unicast too.",
    upstream:
      "Upstream Weave's Fast Datapath: no vtep, no FDB, no ARP logic. Every packet without a flow misses and is upcalled; the controller (the router) executes it at once and installs a flow keyed on in_port and the Ethernet addresses, whose actions set the tunnel's remote address and output to the vxlan vport. The ARP request crosses as a broadcast (H3 is what happens) and D answers.",
  };
  return {
    name: 'FD-X',
    title: 'A pings D on another host, and D replies',
    config: config.id,
    topology: seedTopology,
    traffic: [{ at: T0, from: 'A', to: D.ip }],
    summary: summaries[h] ?? '',
    expect: [...arpAcross(config), ...dataAcross(config)],
  };
}

/** Three hosts in a line, h1 - h2 - h3: h1 and h3 are not peers. E lives on h3. */
export const lineTopology: Topology = {
  hosts: [...seedTopology.hosts, { name: 'h3', address: '198.19.0.3', mac: '02:00:00:00:01:03' }],
  containers: [
    A,
    B,
    D,
    { name: 'E', host: 'h3', mac: '02:00:00:00:00:0e', ip: '198.18.0.5', subnet: SUBNET, announce: true },
  ].map((c) => ({ ...c })),
  peers: [
    ['h1', 'h2'],
    ['h2', 'h3'],
  ],
};

const E_IP = '198.18.0.5';

/** fdp/upstream on a partial mesh: the broadcast reaches the far host once, relayed by host 2. */
const partialMesh: Scenario = {
  name: 'FD-X-relay',
  title: 'A pings E two peer hops away (h1 - h2 - h3)',
  config: 'fdp/upstream',
  topology: lineTopology,
  traffic: [{ at: T0, from: 'A', to: E_IP }],
  summary:
    "Upstream Fast Datapath on a peer graph that is not a full mesh: h1 and h3 are not connected. A's ARP request follows h1's broadcast tree: host 2 injects it into its bridge and relays it to host 3 (the tunnel key keeps h1 as the source peer); E answers, and the reply and the echo request are relayed through host 2 as unicast. E receives the broadcast exactly once.",
  expect: [
    {
      seed: ['FD-X.2'],
      component: h1('A'),
      says: 'A broadcasts an ARP request for E',
      match: all(pinged, sends('eth0', whoHas(E_IP))),
    },
    {
      seed: ['FD-X.2.2'],
      component: h1('datapath'),
      says: 'host 1 sends it to host 2, its only peer',
      match: all(receives(whoHas(E_IP)), sends('vxlan', whoHas(E_IP))),
    },
    {
      seed: [],
      component: h2('datapath'),
      says: "host 2 injects it and relays it along h1's broadcast tree to host 3 (a flow installed when A's gratuitous ARP crossed)",
      match: all(
        receives(whoHas(E_IP), 'vxlan'),
        sends('bridge', whoHas(E_IP)),
        sends('vxlan', whoHas(E_IP)),
      ),
    },
    {
      seed: [],
      component: 'h3/E',
      says: 'E answers',
      match: all(receives(whoHas(E_IP)), sends('eth0', arpReply(E_IP))),
    },
    {
      seed: [],
      component: 'h2/datapath',
      says: 'host 2 relays the reply on to host 1',
      match: all(receives(arpReply(E_IP)), sends('vxlan', arpReply(E_IP))),
    },
    {
      seed: ['FD-X.4'],
      component: h1('A'),
      says: "A learns E's MAC and sends the echo request",
      match: all(receives(arpReply(E_IP)), sends('eth0', echo('echo-request'))),
    },
    {
      seed: ['FD-X.9'],
      component: 'h3/E',
      says: 'E receives it, relayed through host 2',
      match: delivers(echo('echo-request')),
    },
    { seed: [], component: h1('A'), says: "E's echo reply reaches A", match: delivers(echo('echo-reply')) },
  ],
};

export const FDP_SCENARIOS: Scenario[] = [
  ...FDP_CONFIGS.map(sameHost),
  ...FDP_CONFIGS.map(crossHost),
  partialMesh,
];
