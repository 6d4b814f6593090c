/**
 * A conformance case: a small topology (2 to 4 hosts, 1 to 3 containers each), the pings to run (to a
 * container, to an overlay address nobody owns, or to the sender's host's underlay address, outside its
 * subnet), and the Linux-native configuration. Addresses are derived from positions so that a case is a few small numbers
 * (which fast-check shrinks well) and every address is in 198.18.0.0/15: containers in 198.18.0.0/24,
 * host underlay addresses in 198.19.0.0/24.
 */
import fc from 'fast-check';
import type { Ip } from '../model/addresses.ts';
import type { LinuxConfig } from '../model/config.ts';
import type { Ping } from '../model/timeline.ts';
import type { ContainerSpec, HostSpec, Topology } from '../model/topology.ts';

export const OVERLAY_SUBNET = '198.18.0.0/24';
/** An overlay address nobody owns: pings to it must fail everywhere. */
export const NOBODY: Ip = '198.18.0.250';
/** Virtual time of the first ping, and the gap between pings (longer than a failed resolution). */
export const T0 = 1000;
export const PING_GAP = 2000;

/** The neighbour settings the harness sets in every container (`net.ipv4.neigh.eth0.*`), and the model
 *  uses too: no re-probes during a run, one broadcast solicit per resolution, failure after 500 ms. */
export const QUIET_NEIGH = {
  mcastSolicit: 1,
  retransMs: 500,
  baseReachableMs: 3_600_000,
  delayFirstProbeMs: 3_600_000,
};

const hex = (n: number) => n.toString(16).padStart(2, '0');

export function hostSpec(i: number): HostSpec {
  return { name: `h${i}`, address: `198.19.0.${i}`, mac: `02:b0:00:00:00:${hex(i)}` };
}

export function containerSpec(host: number, k: number): ContainerSpec {
  return {
    name: `c${host}${k}`,
    host: `h${host}`,
    mac: `02:c0:00:00:${hex(host)}:${hex(k)}`,
    ip: `198.18.0.${host * 10 + k}`,
    subnet: OVERLAY_SUBNET,
  };
}

/** The shape fast-check generates: containers per host, pings as (sender, target) indices, and which
 *  containers announce themselves at start (by index; absent or false: a plain container, which sends
 *  nothing until its first ping, as Linux does when an address is added). */
export interface CaseShape {
  containers: number[];
  pings: { from: number; to: number }[];
  announce?: boolean[];
}

export interface Case {
  topology: Topology;
  traffic: Ping[];
}

export function buildCase(shape: CaseShape): Case {
  const hosts = shape.containers.map((_, i) => hostSpec(i + 1));
  const containers = shape.containers
    .flatMap((n, i) => Array.from({ length: n }, (_, k) => containerSpec(i + 1, k + 1)))
    .map((c, i) => ({ ...c, announce: shape.announce?.[i] ?? false }));
  const targets: Ip[] = [...containers.map((c) => c.ip), NOBODY];
  const traffic: Ping[] = [];
  for (const p of shape.pings) {
    const from = containers[p.from % containers.length]!;
    // Never ping oneself: that is loopback, it never reaches a bridge. Last, an address outside the
    // container's subnet: its own host's underlay address, which it has no route to.
    const underlay = hosts.find((h) => h.name === from.host)!.address;
    const choices = [...targets.filter((t) => t !== from.ip), underlay];
    const to = choices[p.to % choices.length]!;
    traffic.push({ at: T0 + traffic.length * PING_GAP, from: from.name, to });
  }
  return { topology: { hosts, containers }, traffic };
}

/** The most containers a generated case has: 4 hosts × 3. */
export const MAX_CONTAINERS = 12;

export const caseShape: fc.Arbitrary<CaseShape> = fc.record({
  containers: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
  pings: fc.array(fc.record({ from: fc.nat({ max: 11 }), to: fc.nat({ max: 13 }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  // Shrinks towards no announcement: the harness adds no traffic the case does not hold.
  // One for each possible container, so the last is as likely to announce as the first.
  announce: fc.array(fc.boolean(), { minLength: MAX_CONTAINERS, maxLength: MAX_CONTAINERS }),
});

/** One line: hosts and containers, then the pings. */
export function describeCase(c: Case, config?: LinuxConfig): string {
  const hosts = c.topology.hosts
    .map(
      (h) =>
        `${h.name}[${c.topology.containers
          .filter((x) => x.host === h.name)
          .map((x) => `${x.name} ${x.ip}`)
          .join(', ')}]`,
    )
    .join(' ');
  const name = (ip: Ip) =>
    c.topology.containers.find((x) => x.ip === ip)?.name ??
    (c.topology.hosts.some((h) => h.address === ip) ? `underlay ${ip}` : `nobody ${ip}`);
  const pings = c.traffic.map((p, i) => `${i + 1}: ${p.from} -> ${name(p.to)}`).join('; ');
  const announced = c.topology.containers.filter((x) => x.announce).map((x) => x.name);
  const announce = announced.length > 0 ? `; announced ${announced.join(', ')}` : '';
  return `${config ? `${config.id}: ` : ''}${hosts}; pings ${pings}${announce}`;
}
