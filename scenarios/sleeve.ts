/**
 * The seed's Sleeve flows (docs/seed-flows.md SL-L and SL-X) under the seed's proxy-ARP router and under
 * upstream Weave, plus a ping to an address nobody owns.
 */

import {
  all,
  arpReply,
  drops,
  type Expectation,
  echo,
  pinged,
  receives,
  type Scenario,
  sends,
  whoHas,
} from './scenario.ts';
import { A, B, D, NOBODY, seedTopology, T0 } from './seed-topology.ts';
import {
  asksInVain,
  localEcho,
  localReply,
  replyReachesA,
  requestFlooded,
  sleeveDataAcross,
} from './steps.ts';

/** SL-L: A pings B on the same host. The same steps under both Sleeve configurations. */
function sameHost(config: string): Scenario {
  const upstream = config === 'sleeve/upstream';
  const router: Expectation = upstream
    ? {
        seed: ['SL-L.2.2.2'],
        component: 'h1/router',
        says: 'the router captures the request and floods it to host 2 (its destination is unknown)',
        departs:
          'upstream: the router has no ARP logic; it floods the request to the other peers, and host 2 injects it into its bridge, where nobody answers',
        match: all(receives(whoHas(B.ip)), sends('udp', whoHas(B.ip))),
      }
    : {
        seed: ['SL-L.2.2.2'],
        component: 'h1/router',
        says: 'the router captures the request, sees B is on this host, and drops it without answering',
        match: all(receives(whoHas(B.ip)), drops('SL-L.2.2.2')),
      };
  return {
    name: 'SL-L',
    title: 'A pings B on the same host',
    config,
    topology: seedTopology,
    traffic: [{ at: T0, from: 'A', to: B.ip }],
    summary: `The seed's Sleeve, same host: the ARP request is flooded, B answers, and the bridge delivers the echo request locally. ethbr sees the request; the host kernel drops it, ${
      upstream
        ? 'and the upstream router, a learning switch with no ARP logic, floods it to the other peers.'
        : 'and the proxy-ARP router sees that B is local and stays silent.'
    }`,
    expect: [
      ...requestFlooded('SL-L', B),
      localReply('SL-L'),
      router,
      ...localEcho('SL-L'),
      replyReachesA('B'),
    ],
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
    ...requestFlooded('SL-X', D),
    {
      seed: ['SL-X.2.2.2'],
      component: 'h1/router',
      says: "the router sees D is on host 2 and injects an ARP reply with D's MAC",
      match: all(receives(whoHas(D.ip)), sends('pcap', arpReply(D.ip, D.mac))),
    },
    {
      seed: ['SL-X.3'],
      component: 'h1/bridge',
      says: 'the bridge forwards the reply to A, learning D on ethbr',
      match: all(receives(arpReply(D.ip)), sends('A', arpReply(D.ip))),
    },
    ...sleeveDataAcross(),
    {
      seed: [],
      component: 'h2/router',
      says: "D's ARP request for A is answered by host 2's router (SL-X.2.2.2 mirrored)",
      match: all(receives(whoHas(A.ip)), sends('pcap', arpReply(A.ip, A.mac))),
    },
    {
      seed: [],
      component: 'h1/router',
      says: "D's echo reply arrives at host 1's router and is injected (SL-X.7 mirrored)",
      match: all(receives(echo('echo-reply'), 'sleeve'), sends('pcap', echo('echo-reply'))),
    },
    replyReachesA('D'),
  ],
};

/** SL-X under upstream Weave: the request is flooded to host 2 and D answers. */
const departs =
  'upstream: the router never answers ARP; it floods the request along its broadcast tree, host 2 injects it, and D itself answers';
const crossHostUpstream: Scenario = {
  name: 'SL-X',
  title: 'A pings D on another host, and D replies',
  config: 'sleeve/upstream',
  topology: seedTopology,
  traffic: [{ at: T0, from: 'A', to: D.ip }],
  summary:
    "Upstream Weave's Sleeve across hosts. Where the seed has the router answer A's ARP request (SL-X.2.2.2), upstream's router, a distributed learning switch with no ARP logic, floods the request to host 2 along its broadcast tree; host 2's router injects it, D answers with a unicast reply, and that reply is captured on host 2 and relayed to host 1, where the router had learned A. From there on the data path is the seed's: capture, UDP to the peer, inject.",
  expect: [
    ...requestFlooded('SL-X', D),
    {
      seed: ['SL-X.2.2.2'],
      component: 'h1/router',
      says: 'the router floods the request to host 2 in a UDP datagram (its broadcast tree)',
      departs,
      match: all(receives(whoHas(D.ip)), sends('udp', whoHas(D.ip), 'sleeve')),
    },
    {
      seed: [],
      component: 'h2/router',
      says: "host 2's router learns A at host 1 and injects the request",
      departs: 'upstream: every peer on the broadcast tree injects a broadcast into its own bridge',
      match: all(receives(whoHas(D.ip), 'sleeve'), sends('pcap', whoHas(D.ip))),
    },
    {
      seed: [],
      component: 'h2/bridge',
      says: "host 2's bridge floods it to C and D",
      match: all(receives(whoHas(D.ip)), sends('D', whoHas(D.ip))),
    },
    {
      seed: [],
      component: 'h2/D',
      says: 'D answers with a unicast reply to A',
      departs: 'upstream: the owner answers, not a router',
      match: all(receives(whoHas(D.ip)), sends('eth0', arpReply(D.ip, D.mac))),
    },
    {
      seed: [],
      component: 'h2/router',
      says: "host 2's router captures the reply, learns D as local, and relays it to host 1 where A is",
      departs: 'upstream: the reply crosses as a learned unicast',
      match: all(receives(arpReply(D.ip)), sends('udp', arpReply(D.ip), 'sleeve')),
    },
    {
      seed: ['SL-X.3'],
      component: 'h1/bridge',
      says: "host 1's bridge forwards the injected reply to A",
      match: all(receives(arpReply(D.ip)), sends('A', arpReply(D.ip))),
    },
    ...sleeveDataAcross(),
    replyReachesA('D'),
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
        component: 'h1/A',
        says: 'A broadcasts an ARP request',
        match: all(pinged, sends('eth0', whoHas(NOBODY))),
      },
      config === 'sleeve/upstream'
        ? {
            seed: [],
            component: 'h1/router',
            says: 'the router floods it to host 2, where nobody answers',
            match: all(receives(whoHas(NOBODY)), sends('udp', whoHas(NOBODY))),
          }
        : {
            seed: [],
            component: 'h1/router',
            says: 'the router finds no owner and stays silent',
            match: all(receives(whoHas(NOBODY)), drops('nobody owns')),
          },
      ...asksInVain(NOBODY),
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
