/**
 * The seed's Sleeve flows (SEED-FLOWS.md SL-L and SL-X) under the seed's proxy-ARP router and under
 * upstream Weave, plus a ping to an address nobody owns.
 */

import {
  all,
  arpReply,
  delivers,
  drops,
  type Expectation,
  echo,
  pinged,
  receives,
  type Scenario,
  sends,
  timerFired,
  whoHas,
} from './scenario.ts';
import { A, B, D, NOBODY, seedTopology, T0 } from './seed-topology.ts';

const h1 = (n: string) => `h1/${n}`;
const h2 = (n: string) => `h2/${n}`;

/** SL-L: A pings B on the same host. The same steps under both Sleeve configurations. */
function sameHost(config: string): Scenario {
  const departs =
    config === 'sleeve/upstream'
      ? 'upstream: the router does not look at ARP at all; it floods the request to the other peers (its destination is unknown), and host 2 injects it into its bridge, where nobody answers'
      : undefined;
  const expect: Expectation[] = [
    {
      seed: ['SL-L.1', 'SL-L.2'],
      component: h1('A'),
      says: 'A pings B, its neighbour: it broadcasts an ARP request for B',
      match: all(pinged, sends('eth0', whoHas(B.ip))),
    },
    {
      seed: ['SL-L.2'],
      component: h1('bridge'),
      says: 'the bridge floods the request to B and ethbr',
      match: all(receives(whoHas(B.ip)), sends('B', whoHas(B.ip)), sends('ethbr', whoHas(B.ip))),
    },
    {
      seed: ['SL-L.2.1'],
      component: h1('B'),
      says: 'B answers: its own IP',
      match: all(receives(whoHas(B.ip)), sends('eth0', arpReply(B.ip, B.mac))),
    },
    {
      seed: ['SL-L.2.2', 'SL-L.2.2.1'],
      component: h1('ethbr'),
      says: 'ethbr hands the request to the router; the host kernel drops it (not its IP)',
      match: all(receives(whoHas(B.ip)), sends('tap', whoHas(B.ip)), drops('not this host')),
    },
    {
      seed: ['SL-L.3'],
      component: h1('bridge'),
      says: "the bridge forwards B's reply to A",
      match: all(receives(arpReply(B.ip)), sends('A', arpReply(B.ip))),
    },
    config === 'sleeve/upstream'
      ? {
          seed: ['SL-L.2.2.2'],
          component: h1('router'),
          says: 'the router captures the request and floods it to host 2 (destination unknown)',
          departs,
          match: all(receives(whoHas(B.ip)), sends('udp', whoHas(B.ip))),
        }
      : {
          seed: ['SL-L.2.2.2'],
          component: h1('router'),
          says: 'the router captures the request, sees B is on this host, and drops it without answering',
          match: all(receives(whoHas(B.ip)), drops('SL-L.2.2.2')),
        },
    {
      seed: ['SL-L.4'],
      component: h1('A'),
      says: "A learns B's MAC and sends the echo request",
      match: all(receives(arpReply(B.ip, B.mac)), sends('eth0', echo('echo-request'))),
    },
    {
      seed: ['SL-L.5'],
      component: h1('bridge'),
      says: 'the bridge forwards it straight to B',
      match: all(receives(echo('echo-request')), sends('B', echo('echo-request'))),
    },
    { seed: ['SL-L.6'], component: h1('B'), says: 'B receives it', match: delivers(echo('echo-request')) },
    { seed: [], component: h1('A'), says: "B's echo reply reaches A", match: delivers(echo('echo-reply')) },
  ];
  return {
    name: 'SL-L',
    title: 'A pings B on the same host',
    config,
    topology: seedTopology,
    traffic: [{ at: T0, from: 'A', to: B.ip }],
    summary:
      "The seed's Sleeve, same host: the ARP request is flooded, B answers, and the bridge delivers the echo request locally. ethbr sees the request; the host kernel drops it, " +
      (config === 'sleeve/upstream'
        ? 'and the upstream router, a learning switch with no ARP logic, floods it to the other peers.'
        : 'and the proxy-ARP router sees that B is local and stays silent.'),
    expect,
  };
}

/** SL-X under the seed's proxy-ARP router: the router answers for D itself. */
const crossHostProxy: Scenario = {
  name: 'SL-X',
  title: 'A pings D on another host, and D replies',
  config: 'sleeve/proxy-arp',
  topology: seedTopology,
  traffic: [{ at: T0, from: 'A', to: D.ip }],
  summary:
    "The seed's Sleeve across hosts: the router on host 1 answers A's ARP request for D itself (proxy ARP) with D's MAC from the control plane; A's echo request is then captured on ethbr, tunnelled in UDP to host 2's router and injected into host 2's bridge, which delivers it to D. D's reply takes the mirror path, its own ARP request for A answered by host 2's router.",
  expect: [
    {
      seed: ['SL-X.1', 'SL-X.2'],
      component: h1('A'),
      says: 'A pings D, in its subnet: it broadcasts an ARP request for D',
      match: all(pinged, sends('eth0', whoHas(D.ip))),
    },
    {
      seed: ['SL-X.2'],
      component: h1('bridge'),
      says: 'the bridge floods it to B and ethbr',
      match: all(receives(whoHas(D.ip)), sends('B', whoHas(D.ip)), sends('ethbr', whoHas(D.ip))),
    },
    {
      seed: ['SL-X.2.1'],
      component: h1('B'),
      says: 'B does not answer: not its IP',
      match: all(receives(whoHas(D.ip)), drops('not my address')),
    },
    {
      seed: ['SL-X.2.2', 'SL-X.2.2.1'],
      component: h1('ethbr'),
      says: 'ethbr hands it to the router; the host kernel drops it',
      match: all(receives(whoHas(D.ip)), sends('tap', whoHas(D.ip)), drops('not this host')),
    },
    {
      seed: ['SL-X.2.2.2'],
      component: h1('router'),
      says: "the router sees D is on host 2 and injects an ARP reply with D's MAC",
      match: all(receives(whoHas(D.ip)), sends('pcap', arpReply(D.ip, D.mac))),
    },
    {
      seed: ['SL-X.3'],
      component: h1('bridge'),
      says: 'the bridge forwards the reply to A, learning D on ethbr',
      match: all(receives(arpReply(D.ip)), sends('A', arpReply(D.ip))),
    },
    {
      seed: ['SL-X.4'],
      component: h1('A'),
      says: "A learns D's MAC and sends the echo request",
      match: all(receives(arpReply(D.ip, D.mac)), sends('eth0', echo('echo-request'))),
    },
    {
      seed: ['SL-X.5'],
      component: h1('bridge'),
      says: 'the bridge forwards it to ethbr, where it learned D',
      match: all(receives(echo('echo-request')), sends('ethbr', echo('echo-request'))),
    },
    {
      seed: ['SL-X.5', 'SL-X.5.1'],
      component: h1('ethbr'),
      says: "the host kernel drops it (not ethbr's MAC); the router captures it",
      match: all(receives(echo('echo-request')), drops('SL-X.5.1'), sends('tap', echo('echo-request'))),
    },
    {
      seed: ['SL-X.5.2'],
      component: h1('router'),
      says: "the router sees D is on host 2 and sends the frame in a UDP datagram to host 2's router",
      match: all(receives(echo('echo-request')), sends('udp', echo('echo-request'), 'sleeve')),
    },
    {
      seed: ['SL-X.6'],
      component: 'underlay',
      says: 'the underlay carries the datagram to host 2',
      match: all(receives(echo('echo-request')), sends('h2', echo('echo-request'))),
    },
    {
      seed: ['SL-X.6', 'SL-X.7'],
      component: h2('router'),
      says: "host 2's router takes the datagram and injects the frame through its ethbr",
      match: all(receives(echo('echo-request'), 'sleeve'), sends('pcap', echo('echo-request'))),
    },
    {
      seed: ['SL-X.8'],
      component: h2('bridge'),
      says: "host 2's bridge forwards it to D",
      match: all(receives(echo('echo-request')), sends('D', echo('echo-request'))),
    },
    { seed: ['SL-X.9'], component: h2('D'), says: 'D receives it', match: delivers(echo('echo-request')) },
    {
      seed: [],
      component: h2('router'),
      says: "D's ARP request for A is answered by host 2's router (SL-X.2.2.2 mirrored)",
      match: all(receives(whoHas(A.ip)), sends('pcap', arpReply(A.ip, A.mac))),
    },
    {
      seed: [],
      component: h1('router'),
      says: "D's echo reply arrives at host 1's router and is injected (SL-X.7 mirrored)",
      match: all(receives(echo('echo-reply'), 'sleeve'), sends('pcap', echo('echo-reply'))),
    },
    { seed: [], component: h1('A'), says: "D's echo reply reaches A", match: delivers(echo('echo-reply')) },
  ],
};

const upstreamDeparts =
  'upstream: the router never answers ARP; it floods the request along its broadcast tree, host 2 injects it, and D itself answers';

/** SL-X under upstream Weave: the request is flooded to host 2 and D answers. */
const crossHostUpstream: Scenario = {
  name: 'SL-X',
  title: 'A pings D on another host, and D replies',
  config: 'sleeve/upstream',
  topology: seedTopology,
  traffic: [{ at: T0, from: 'A', to: D.ip }],
  summary:
    "Upstream Weave's Sleeve across hosts. Where the seed has the router answer A's ARP request (SL-X.2.2.2), upstream's router, a distributed learning switch with no ARP logic, floods the request to host 2 along its broadcast tree; host 2's router injects it, D answers with a unicast reply, and that reply is captured on host 2 and relayed to host 1, where the router had learned A. From there on the data path is the seed's: capture, UDP to the peer, inject.",
  expect: [
    {
      seed: ['SL-X.1', 'SL-X.2'],
      component: h1('A'),
      says: 'A broadcasts an ARP request for D',
      match: all(pinged, sends('eth0', whoHas(D.ip))),
    },
    {
      seed: ['SL-X.2'],
      component: h1('bridge'),
      says: 'the bridge floods it to B and ethbr',
      match: all(receives(whoHas(D.ip)), sends('ethbr', whoHas(D.ip))),
    },
    {
      seed: ['SL-X.2.1'],
      component: h1('B'),
      says: 'B does not answer',
      match: all(receives(whoHas(D.ip)), drops('not my address')),
    },
    {
      seed: ['SL-X.2.2', 'SL-X.2.2.1'],
      component: h1('ethbr'),
      says: 'the host kernel drops it; the router captures it',
      match: all(receives(whoHas(D.ip)), drops('not this host'), sends('tap', whoHas(D.ip))),
    },
    {
      seed: ['SL-X.2.2.2'],
      component: h1('router'),
      says: 'the router floods the request to host 2 in a UDP datagram (its broadcast tree)',
      departs: upstreamDeparts,
      match: all(receives(whoHas(D.ip)), sends('udp', whoHas(D.ip), 'sleeve')),
    },
    {
      seed: [],
      component: h2('router'),
      says: "host 2's router learns A at host 1 and injects the request",
      departs: upstreamDeparts,
      match: all(receives(whoHas(D.ip), 'sleeve'), sends('pcap', whoHas(D.ip))),
    },
    {
      seed: [],
      component: h2('bridge'),
      says: "host 2's bridge floods it to C and D",
      departs: upstreamDeparts,
      match: all(receives(whoHas(D.ip)), sends('D', whoHas(D.ip))),
    },
    {
      seed: [],
      component: h2('D'),
      says: 'D answers with a unicast reply to A',
      departs: upstreamDeparts,
      match: all(receives(whoHas(D.ip)), sends('eth0', arpReply(D.ip, D.mac))),
    },
    {
      seed: [],
      component: h2('router'),
      says: "host 2's router captures the reply, learns D as local, and relays it to host 1 where A is",
      departs: upstreamDeparts,
      match: all(receives(arpReply(D.ip)), sends('udp', arpReply(D.ip), 'sleeve')),
    },
    {
      seed: ['SL-X.3'],
      component: h1('bridge'),
      says: "host 1's bridge forwards the injected reply to A",
      match: all(receives(arpReply(D.ip)), sends('A', arpReply(D.ip))),
    },
    {
      seed: ['SL-X.4'],
      component: h1('A'),
      says: "A learns D's real MAC and sends the echo request",
      match: all(receives(arpReply(D.ip, D.mac)), sends('eth0', echo('echo-request'))),
    },
    {
      seed: ['SL-X.5', 'SL-X.5.1'],
      component: h1('ethbr'),
      says: 'the host kernel drops it; the router captures it',
      match: all(receives(echo('echo-request')), drops('SL-X.5.1')),
    },
    {
      seed: ['SL-X.5.2'],
      component: h1('router'),
      says: 'the router knows D is at host 2 and relays the frame there in UDP',
      match: all(receives(echo('echo-request')), sends('udp', echo('echo-request'), 'sleeve')),
    },
    {
      seed: ['SL-X.6', 'SL-X.7'],
      component: h2('router'),
      says: "host 2's router injects it",
      match: all(receives(echo('echo-request'), 'sleeve'), sends('pcap', echo('echo-request'))),
    },
    {
      seed: ['SL-X.8'],
      component: h2('bridge'),
      says: "host 2's bridge forwards it to D",
      match: all(receives(echo('echo-request')), sends('D', echo('echo-request'))),
    },
    { seed: ['SL-X.9'], component: h2('D'), says: 'D receives it', match: delivers(echo('echo-request')) },
    { seed: [], component: h1('A'), says: "D's echo reply reaches A", match: delivers(echo('echo-reply')) },
  ],
};

/** A pings an address in its subnet that nobody owns: no answer, FAILED, nothing delivered. */
function nobody(config: string): Scenario {
  return {
    name: 'SL-X-nobody',
    title: 'A pings an address nobody owns',
    config,
    topology: seedTopology,
    traffic: [{ at: T0, from: 'A', to: NOBODY }],
    summary: `A pings ${NOBODY}, in its subnet but owned by no container. Nobody answers the three ARP requests (Linux mcast_solicit 3, one a second); A's neighbour entry ends FAILED and the queued echo request is dropped. Nothing is delivered anywhere.`,
    expect: [
      {
        seed: [],
        component: h1('A'),
        says: 'A broadcasts an ARP request',
        match: all(pinged, sends('eth0', whoHas(NOBODY))),
      },
      config === 'sleeve/upstream'
        ? {
            seed: [],
            component: h1('router'),
            says: 'the router floods it to host 2, where nobody answers',
            match: all(receives(whoHas(NOBODY)), sends('udp', whoHas(NOBODY))),
          }
        : {
            seed: [],
            component: h1('router'),
            says: 'the router finds no owner and stays silent',
            match: all(receives(whoHas(NOBODY)), drops('nobody owns')),
          },
      {
        seed: [],
        component: h1('A'),
        says: 'no reply after 1 s: A asks again',
        match: all(timerFired, sends('eth0', whoHas(NOBODY))),
      },
      {
        seed: [],
        component: h1('A'),
        says: 'no reply after 2 s: A asks a third time',
        match: all(timerFired, sends('eth0', whoHas(NOBODY))),
      },
      {
        seed: [],
        component: h1('A'),
        says: 'no reply after 3 s: the entry goes FAILED and the echo request is dropped',
        match: all(timerFired, drops('FAILED')),
      },
    ],
  };
}

export const SLEEVE_SCENARIOS: Scenario[] = [
  sameHost('sleeve/proxy-arp'),
  sameHost('sleeve/upstream'),
  crossHostProxy,
  crossHostUpstream,
  nobody('sleeve/proxy-arp'),
  nobody('sleeve/upstream'),
];
