/**
 * The standard workloads of the benchmarks and of `weave-spec scale`: a network of `hosts` hosts with
 * `perHost` containers each, all in one overlay subnet, and two kinds of traffic.
 * - `allPairsPings`: every container pings every other container once (the throughput benchmark).
 * - `remoteNeighbourPings`: every container pings one container on the next host, all at once (the ARP
 *   storm: every container resolves one remote neighbour), then the same pings again on warm caches.
 */
import { intToIp, intToMac, ipToInt } from '../model/addresses.ts';
import type { Ping } from '../model/timeline.ts';
import type { ContainerSpec, HostSpec, Topology } from '../model/topology.ts';

/** The overlay subnet: room for 65,534 containers. */
export const OVERLAY = '198.18.0.0/16';
/** Host addresses in the overlay (a /16 less its network and broadcast addresses). */
export const OVERLAY_SIZE = 65_534;
/** The pings start once the containers' gratuitous ARPs at start-up have settled (as in the scenarios). */
export const START = 1000;

const CONTAINER_BASE = ipToInt('198.18.0.1');
const HOST_BASE = ipToInt('198.19.0.1');

export function gridTopology(hosts: number, perHost: number): Topology {
  if (hosts * perHost > OVERLAY_SIZE)
    throw new Error(`${hosts * perHost} containers do not fit in ${OVERLAY}`);
  const hostSpecs: HostSpec[] = [];
  const containers: ContainerSpec[] = [];
  for (let h = 0; h < hosts; h++) {
    const name = `h${h + 1}`;
    hostSpecs.push({ name, address: intToIp(HOST_BASE + h), mac: intToMac(0x02_00_01_00_00_00 + h) });
    for (let c = 0; c < perHost; c++) {
      const n = h * perHost + c;
      containers.push({
        name: `c${h + 1}.${c + 1}`,
        host: name,
        mac: intToMac(0x02_00_00_00_00_00 + n + 1),
        ip: intToIp(CONTAINER_BASE + n),
        subnet: OVERLAY,
        // Attached by Weave, which announces each container.
        announce: true,
      });
    }
  }
  return { hosts: hostSpecs, containers };
}

/** Every container pings every other one, one ping every `gap` ms, in a fixed order. */
export function allPairsPings(topology: Topology, gap = 10): Ping[] {
  const traffic: Ping[] = [];
  for (const from of topology.containers)
    for (const to of topology.containers)
      if (to !== from) traffic.push({ at: START + gap * traffic.length, from: from.name, to: to.ip });
  return traffic;
}

/**
 * Every container pings the container in the same position on the next host (a remote neighbour), all at
 * `START`; then, `warmAfter` ms later, the same pings again on warm caches.
 */
export function remoteNeighbourPings(topology: Topology, warmAfter = 2000): Ping[] {
  const hosts = topology.hosts.map((h) => h.name);
  const hostIndex = new Map(hosts.map((h, i) => [h, i]));
  const byHost = new Map<string, ContainerSpec[]>(hosts.map((h) => [h, []]));
  for (const c of topology.containers) byHost.get(c.host)!.push(c);
  const position = new Map<ContainerSpec, number>();
  for (const list of byHost.values()) for (const [i, c] of list.entries()) position.set(c, i);
  const once = (at: number): Ping[] =>
    topology.containers.map((c) => {
      const next = byHost.get(hosts[(hostIndex.get(c.host)! + 1) % hosts.length]!)!;
      const peer = next[position.get(c)! % next.length]!;
      return { at, from: c.name, to: peer.ip };
    });
  return [...once(START), ...once(START + warmAfter)];
}
