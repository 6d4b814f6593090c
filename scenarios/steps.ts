/**
 * Expected steps that several seed flows share (docs/seed-flows.md): the ARP request broadcast and flooded
 * (X.1 to X.2.2), the local echo (L.4 to L.6), Sleeve's data path across hosts (SL-X.5 to SL-X.9).
 * Each flow labels them with its own step IDs.
 */

import {
  all,
  arpReply,
  delivers,
  drops,
  type Expectation,
  echo,
  not,
  pinged,
  receives,
  sends,
  timerFired,
  whoHas,
} from './scenario.ts';
import { B, D } from './seed-topology.ts';

export type Flow = 'SL-L' | 'SL-X' | 'FD-L' | 'FD-X';
interface Target {
  name: string;
  ip: string;
  mac: string;
}

/** X.1 to X.2.2: A pings the target and broadcasts an ARP request; the bridge floods it; B answers if it
 *  is the target; ethbr hands it on, and the host kernel, behind the bridge device, drops it (not its IP;
 *  the seed says so for Sleeve only, but the same kernel sits there under FDP). */
export function requestFlooded(flow: Flow, target: Target): Expectation[] {
  const sleeve = flow.startsWith('SL');
  const local = target.name === B.name;
  const ip = target.ip;
  return [
    {
      seed: [`${flow}.1`, `${flow}.2`],
      component: 'h1/A',
      says: `A pings ${target.name}, in its subnet: it broadcasts an ARP request for ${target.name}`,
      match: all(pinged, sends('eth0', whoHas(ip))),
    },
    {
      seed: [`${flow}.2`],
      component: 'h1/bridge',
      says: 'the bridge floods it to B, to ethbr and to the bridge device (the host kernel)',
      match: all(
        receives(whoHas(ip)),
        sends('B', whoHas(ip)),
        sends('ethbr', whoHas(ip)),
        sends('local', whoHas(ip)),
      ),
    },
    local
      ? {
          seed: [`${flow}.2.1`],
          component: 'h1/B',
          says: 'B answers: its own IP',
          match: all(receives(whoHas(ip)), sends('eth0', arpReply(ip, B.mac))),
        }
      : {
          seed: [`${flow}.2.1`],
          component: 'h1/B',
          says: 'B does not answer: not its IP',
          match: all(receives(whoHas(ip)), drops('not my address')),
        },
    {
      seed: [`${flow}.2.2`],
      component: 'h1/ethbr',
      says: sleeve
        ? 'ethbr hands the request to the router (pcap)'
        : 'ethbr passes the request on towards the datapath',
      match: all(receives(whoHas(ip)), sends('tap', whoHas(ip))),
    },
    {
      seed: sleeve ? [`${flow}.2.2.1`] : [],
      component: 'h1/ethbr',
      says: 'the host kernel, behind the bridge device, drops it (not its IP)',
      match: all(receives(whoHas(ip)), drops('not this host')),
    },
  ];
}

/** L.3: the bridge forwards B's reply to A. */
export function localReply(flow: 'SL-L' | 'FD-L'): Expectation {
  return {
    seed: [`${flow}.3`],
    component: 'h1/bridge',
    says: "the bridge forwards B's reply to A",
    match: all(receives(arpReply(B.ip)), sends('A', arpReply(B.ip))),
  };
}

/** L.4 to L.6: A sends the echo request, the bridge forwards it straight to B, B receives it. */
export function localEcho(flow: 'SL-L' | 'FD-L'): Expectation[] {
  return [
    {
      seed: [`${flow}.4`],
      component: 'h1/A',
      says: "A learns B's MAC and sends the echo request",
      match: all(receives(arpReply(B.ip, B.mac)), sends('eth0', echo('echo-request'))),
    },
    {
      seed: [`${flow}.5`],
      component: 'h1/bridge',
      says: 'the bridge forwards it straight to B',
      match: all(receives(echo('echo-request')), sends('B', echo('echo-request'))),
    },
    { seed: [`${flow}.6`], component: 'h1/B', says: 'B receives it', match: delivers(echo('echo-request')) },
  ];
}

/** SL-X.4 to SL-X.9: A sends the echo request to D's MAC; it is captured, tunnelled in UDP to host 2's
 *  router and injected there; host 2's bridge delivers it to D. */
export function sleeveDataAcross(): Expectation[] {
  const req = echo('echo-request');
  return [
    {
      seed: ['SL-X.4'],
      component: 'h1/A',
      says: "A learns D's MAC and sends the echo request",
      match: all(receives(arpReply(D.ip, D.mac)), sends('eth0', req)),
    },
    {
      seed: ['SL-X.5'],
      component: 'h1/bridge',
      says: 'the bridge forwards it to ethbr, where it learned D, and to nothing else',
      match: all(receives(req), sends('ethbr', req), not(sends('local', req))),
    },
    {
      seed: ['SL-X.5', 'SL-X.5.1'],
      component: 'h1/ethbr',
      says: 'the router captures it; the host kernel never sees it',
      departs:
        "Linux: the bridge forwards a frame for a MAC it learned to that port only, so the bridge device (the host kernel) never gets it and has nothing to drop (the seed's SL-X.5.1)",
      match: all(receives(req), sends('tap', req)),
    },
    {
      seed: ['SL-X.5.2'],
      component: 'h1/router',
      says: "the router knows D is on host 2 and sends the frame in a UDP datagram to host 2's router",
      match: all(receives(req), sends('udp', req, 'sleeve')),
    },
    {
      seed: ['SL-X.6'],
      component: 'underlay',
      says: 'the underlay carries the datagram to host 2',
      match: all(receives(req), sends('h2', req)),
    },
    {
      seed: ['SL-X.6', 'SL-X.7'],
      component: 'h2/router',
      says: "host 2's router takes the datagram and injects the frame through its ethbr",
      match: all(receives(req, 'sleeve'), sends('pcap', req)),
    },
    {
      seed: ['SL-X.8'],
      component: 'h2/bridge',
      says: "host 2's bridge forwards it to D",
      match: all(receives(req), sends('D', req)),
    },
    { seed: ['SL-X.9'], component: 'h2/D', says: 'D receives it', match: delivers(req) },
  ];
}

/** Nobody answers A's ARP request for `ip`: A asks twice more, a second apart (Linux mcast_solicit 3), then
 *  the entry goes FAILED and the queued echo request is dropped. */
export function asksInVain(ip: string): Expectation[] {
  return [
    ...[1, 2].map(
      (n): Expectation => ({
        seed: [],
        component: 'h1/A',
        says: `no reply after ${n} s: A asks again`,
        match: all(timerFired, sends('eth0', whoHas(ip))),
      }),
    ),
    {
      seed: [],
      component: 'h1/A',
      says: 'no reply after 3 s: the entry goes FAILED and the echo request is dropped',
      match: all(timerFired, drops('FAILED')),
    },
  ];
}

/** The echo reply reaches A (not in the seed, which stops at the request). */
export function replyReachesA(from: string): Expectation {
  return {
    seed: [],
    component: 'h1/A',
    says: `${from}'s echo reply reaches A`,
    match: delivers(echo('echo-reply')),
  };
}
