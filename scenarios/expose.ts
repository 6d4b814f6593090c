/**
 * A container pings a host exposed on the overlay (`weave expose`) across hosts: the seed's topology with
 * host 2 holding an overlay IP. Upstream Weave carries A's ARP request to host 2, where the host kernel,
 * behind the bridge device, answers and then answers the ping; the seed's proxy-ARP router answers ARP
 * from a directory of containers only, so A never resolves the address (docs/verdicts.md).
 */

import type { Topology } from '../model/topology.ts';
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
  whoHas,
} from './scenario.ts';
import { SUBNET, seedTopology, T0 } from './seed-topology.ts';
import { asksInVain } from './steps.ts';

/** Host 2's overlay IP, and its MAC: the bridge device's. */
export const H2_IP = '198.18.0.200';
const H2_MAC = seedTopology.hosts[1]!.mac;

const exposedTopology: Topology = {
  ...seedTopology,
  hosts: seedTopology.hosts.map((h) => (h.name === 'h2' ? { ...h, ip: H2_IP, subnet: SUBNET } : h)),
};

/** Where real Weave goes: the request crosses, host 2's kernel answers ARP and the ping. */
function reached(router: string): Expectation[] {
  return [
    {
      seed: [],
      component: `h1/${router}`,
      says: 'the request goes to host 2 like any broadcast',
      match: receives(whoHas(H2_IP)),
    },
    {
      seed: [],
      component: 'h2/ethbr',
      says: "host 2's kernel, behind the bridge device, answers: its own IP",
      match: all(receives(whoHas(H2_IP)), sends('local', arpReply(H2_IP, H2_MAC))),
    },
    {
      seed: [],
      component: 'h1/A',
      says: "A learns the bridge device's MAC and sends the echo request",
      match: all(receives(arpReply(H2_IP, H2_MAC)), sends('eth0', echo('echo-request'))),
    },
    {
      seed: [],
      component: 'h2/ethbr',
      says: "host 2's kernel takes the echo request and answers it, to A's MAC from the request",
      match: all(delivers(echo('echo-request')), sends('local', echo('echo-reply'))),
    },
    { seed: [], component: 'h1/A', says: 'the echo reply reaches A', match: delivers(echo('echo-reply')) },
  ];
}

/** Where the seed's proxy-ARP router goes: nobody answers for the host's IP. */
const unanswered: Expectation[] = [
  {
    seed: ['SL-X.2.2.2'],
    component: 'h1/router',
    says: 'the router finds no container with that IP in its directory and stays silent',
    departs:
      "the seed's router answers from what it knows of containers; an exposed host is not among them, and the request goes no further",
    match: all(receives(whoHas(H2_IP)), drops('nobody owns')),
  },
  ...asksInVain(H2_IP),
];

function expose(config: string): Scenario {
  const upstream = config.endsWith('/upstream');
  return {
    name: 'EXPOSE',
    title: "A pings host 2's exposed IP",
    config,
    topology: exposedTopology,
    traffic: [{ at: T0, from: 'A', to: H2_IP }],
    summary: upstream
      ? `Host 2 holds ${H2_IP} on its bridge (\`weave expose\`). A's ARP request crosses to host 2 as every broadcast does; host 2's kernel, behind the bridge device, answers it, takes the echo request and answers that, resolving A from the request it answered.`
      : `Host 2 holds ${H2_IP} on its bridge (\`weave expose\`). The seed's router answers ARP only for the containers it knows and sends no request on: nobody answers A, whose entry ends FAILED. Only C and D, on host 2 itself, reach host 2's IP, through their own bridge.`,
    expect: [
      {
        seed: [],
        component: 'h1/A',
        says: "A pings host 2's IP, in its subnet: it broadcasts an ARP request",
        match: all(pinged, sends('eth0', whoHas(H2_IP))),
      },
      ...(upstream ? reached(config === 'sleeve/upstream' ? 'router' : 'datapath') : unanswered),
    ],
  };
}

export const EXPOSE_SCENARIOS: Scenario[] = [
  expose('sleeve/upstream'),
  expose('fdp/upstream'),
  expose('sleeve/proxy-arp'),
];
