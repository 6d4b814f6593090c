/**
 * A conformance case: a small topology (2 to 4 hosts, 1 to 3 containers each, some hosts exposed on the
 * overlay as `weave expose` does), what the containers do (pings to a container, to an exposed host, to
 * an overlay address nobody owns, or to the sender's host's underlay address, outside its subnet; raw ARP
 * as arping sends it; static neighbour entries, with the right MAC, another container's or host's, or one
 * nobody owns, whose frames every bridge floods as unknown unicast; containers that stop, start again and
 * move to another host with their MAC and IP), and the Linux-native configuration.
 * Addresses are derived from positions so that a case is a few small numbers (which fast-check shrinks
 * well) and every address is in 198.18.0.0/15: containers in 198.18.0.0/24 (.11 to .43), exposed hosts
 * there too (.201 to .204), host underlay addresses in 198.19.0.0/24.
 */
import fc from 'fast-check';
import type { Ip, Mac } from '../model/addresses.ts';
import type { LinuxConfig } from '../model/config.ts';
import { isPing, type Timeline, type TimelineItem } from '../model/timeline.ts';
import type { ContainerSpec, HostSpec, Topology } from '../model/topology.ts';

export const OVERLAY_SUBNET = '198.18.0.0/24';
/** An overlay address nobody owns: pings to it must fail everywhere. */
export const NOBODY: Ip = '198.18.0.250';
/** A MAC nobody owns, for static neighbour entries: frames to it are unknown unicast everywhere. */
export const NOBODY_MAC: Mac = '02:c0:00:00:ff:ff';
/** Virtual time of the first action, and the gap between actions (longer than a failed resolution, and
 *  than arping's one-second wait for an answer). */
export const T0 = 1000;
export const PING_GAP = 2000;

/** The neighbour settings the harness sets in every container (`net.ipv4.neigh.eth0.*`), and the model
 *  uses too: no re-probes during a run, one broadcast solicit per resolution, failure after 500 ms, and
 *  locktime 0: the harness runs the actions back to back, not the model's seconds apart, and with the
 *  kernel's 1 s an ARP packet from another MAC would be ignored in one and not in the other. With 0 only
 *  one arriving in the same instant as the entry's change is still ignored (the kernel's same jiffy). */
export const QUIET_NEIGH = {
  mcastSolicit: 1,
  retransMs: 500,
  baseReachableMs: 3_600_000,
  delayFirstProbeMs: 3_600_000,
  locktimeMs: 0,
};

const hex = (n: number) => n.toString(16).padStart(2, '0');

export function hostSpec(i: number, exposed = false): HostSpec {
  return {
    name: `h${i}`,
    address: `198.19.0.${i}`,
    mac: `02:b0:00:00:00:${hex(i)}`,
    ...(exposed && { ip: `198.18.0.${200 + i}`, subnet: OVERLAY_SUBNET }),
  };
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

export type ArpingMode = 'request' | 'unsolicited' | 'answer';

/** One action, by indices into the case's containers and addresses: a ping (no `kind`), an arping (with
 *  `source`, an index into the overlay addresses, or arping's default), a static neighbour entry (the
 *  MAC by index into the containers' MACs and `NOBODY_MAC`), a container stopping (or, stopped, starting
 *  again where it was, with a new MAC if `fresh`: its IP reused by another interface), or moving to another
 *  host (`to`, by index among the others; stopped, it starts there), with its IP and MAC, announced as the
 *  case says. */
export type ActionShape =
  | { kind?: undefined; from: number; to: number }
  | { kind: 'arp'; from: number; to: number; mode: ArpingMode; source?: number | undefined }
  | { kind: 'neigh'; from: number; to: number; mac: number }
  | { kind: 'stop'; from: number; fresh?: boolean | undefined }
  | { kind: 'move'; from: number; to: number };

/** The shape fast-check generates: containers per host, the actions in order, which containers
 *  announce themselves at start (by index; absent or false: a plain container, which sends nothing until
 *  it is made to, as Linux does when an address is added), and which hosts have an overlay IP (by index;
 *  absent or false: none). */
export interface CaseShape {
  containers: number[];
  actions: ActionShape[];
  announce?: boolean[];
  exposed?: boolean[];
}

export interface Case {
  topology: Topology;
  traffic: Timeline;
}

export function buildCase(shape: CaseShape): Case {
  const hosts = shape.containers.map((_, i) => hostSpec(i + 1, shape.exposed?.[i] ?? false));
  const containers = shape.containers
    .flatMap((n, i) => Array.from({ length: n }, (_, k) => containerSpec(i + 1, k + 1)))
    .map((c, i) => ({ ...c, announce: shape.announce?.[i] ?? false }));
  // The overlay addresses (containers', exposed hosts'), nobody's last; a host's underlay address is a
  // ping target only (the harness's arp_ignore=1 would leave an arping to it unanswered, and the model has
  // no underlay address in the host kernel's stack).
  const exposed = hosts.flatMap((h) => (h.ip === undefined ? [] : [h.ip]));
  const overlay: Ip[] = [...containers.map((c) => c.ip), ...exposed, NOBODY];
  const macs: Mac[] = [...containers.map((c) => c.mac), ...hosts.map((h) => h.mac), NOBODY_MAC];
  const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  // Where each container is, or undefined while it is stopped, and where it was last.
  const where = new Map<string, string | undefined>(containers.map((c) => [c.name, c.host]));
  const last = new Map<string, string>(containers.map((c) => [c.name, c.host]));
  const macNow = new Map<string, Mac>(containers.map((c) => [c.name, c.mac]));
  const traffic: TimelineItem[] = shape.actions.map((a, k) => {
    const at = T0 + k * PING_GAP;
    const from = pick(containers, a.from);
    if (a.kind === 'stop' || a.kind === 'move') {
      const here = where.get(from.name);
      const others = hosts.filter((h) => h.name !== (here ?? last.get(from.name)));
      const host = a.kind === 'move' && others.length > 0 ? pick(others, a.to).name : last.get(from.name)!;
      if (a.kind === 'stop' && here !== undefined) {
        where.set(from.name, undefined);
        return { kind: 'stop', at, container: from.name };
      }
      where.set(from.name, host);
      last.set(from.name, host);
      if (here !== undefined)
        return { kind: 'move', at, container: from.name, host, announce: from.announce };
      // A fresh MAC (02:c0:00:01:…, nobody else's): the same IP on a new interface.
      if (a.kind === 'stop' && a.fresh) macNow.set(from.name, `02:c0:00:01${from.mac.slice(11)}`);
      const { ip, subnet, announce } = from;
      return {
        kind: 'start',
        at,
        container: from.name,
        host,
        ip,
        mac: macNow.get(from.name)!,
        subnet,
        announce,
      };
    }
    // Never to oneself: a ping to oneself is loopback, it never reaches a bridge.
    const others = overlay.filter((t) => t !== from.ip);
    if (a.kind === 'arp') {
      const source = a.source === undefined ? {} : { source: pick(overlay, a.source) };
      return { kind: 'arp', at, from: from.name, to: pick(overlay, a.to), mode: a.mode, ...source };
    }
    if (a.kind === 'neigh')
      return { kind: 'neigh', at, container: from.name, ip: pick(others, a.to), mac: pick(macs, a.mac) };
    // Last, an address outside the container's subnet: its own host's underlay address, no route to it.
    const underlay = hosts.find((h) => h.name === from.host)!.address;
    return { at, from: from.name, to: pick([...others, underlay], a.to) };
  });
  return { topology: { hosts, containers }, traffic };
}

/** The most hosts and containers a generated case has: 4 hosts × 3. */
export const MAX_HOSTS = 4;
export const MAX_CONTAINERS = 12;

const index = (max: number) => fc.nat({ max });

/** Pings most often; an action shrinks towards a ping. */
const actionShape: fc.Arbitrary<ActionShape> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ from: index(11), to: index(17) }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('arp' as const),
        from: index(11),
        to: index(16),
        mode: fc.constantFrom<ArpingMode>('request', 'unsolicited', 'answer'),
        source: index(16),
      },
      { requiredKeys: ['kind', 'from', 'to', 'mode'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('neigh' as const),
      from: index(11),
      to: index(16),
      mac: index(16),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { kind: fc.constant('stop' as const), from: index(11), fresh: fc.boolean() },
      { requiredKeys: ['kind', 'from'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), from: index(11), to: index(2) }) },
);

export const caseShape: fc.Arbitrary<CaseShape> = fc.record({
  containers: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
  actions: fc.array(actionShape, { minLength: 1, maxLength: 5 }),
  // Shrinks towards no announcement: the harness adds no traffic the case does not hold.
  // One for each possible container, so the last is as likely to announce as the first.
  announce: fc.array(fc.boolean(), { minLength: MAX_CONTAINERS, maxLength: MAX_CONTAINERS }),
  // Shrinks towards no exposed host; one for each possible host.
  exposed: fc.array(fc.boolean(), { minLength: MAX_HOSTS, maxLength: MAX_HOSTS }),
});

/** One line: hosts and containers, then the actions. */
export function describeCase(c: Case, config?: LinuxConfig): string {
  const hosts = c.topology.hosts
    .map(
      (h) =>
        `${h.name}${h.ip ? ` ${h.ip}` : ''}[${c.topology.containers
          .filter((x) => x.host === h.name)
          .map((x) => `${x.name} ${x.ip}`)
          .join(', ')}]`,
    )
    .join(' ');
  const name = (ip: Ip) =>
    c.topology.containers.find((x) => x.ip === ip)?.name ??
    c.topology.hosts.find((h) => h.ip === ip)?.name ??
    (c.topology.hosts.some((h) => h.address === ip) ? `underlay ${ip}` : `nobody ${ip}`);
  const macName = (mac: Mac) =>
    c.topology.containers.find((x) => x.mac === mac)?.name ??
    c.topology.hosts.find((h) => h.mac === mac)?.name ??
    (mac === NOBODY_MAC ? 'nobody' : mac);
  const action = (item: TimelineItem, i: number): string => {
    if (isPing(item)) return `${i + 1}: ${item.from} -> ${name(item.to)}`;
    if (item.kind === 'arp') {
      const flag = item.mode === 'unsolicited' ? ' -U' : item.mode === 'answer' ? ' -A' : '';
      const source = item.source ? ` -s ${name(item.source)}` : '';
      return `${i + 1}: ${item.from} arping${flag}${source} ${name(item.to)}`;
    }
    if (item.kind === 'neigh')
      return `${i + 1}: ${item.container} neigh ${name(item.ip)} at ${macName(item.mac)}'s MAC`;
    if (item.kind === 'stop') return `${i + 1}: ${item.container} stops`;
    if (item.kind === 'move' || item.kind === 'start')
      return `${i + 1}: ${item.container} ${item.kind === 'move' ? 'moves to' : 'starts on'} ${item.host}${item.announce ? ', announced' : ''}`;
    return `${i + 1}: ${item.kind}`;
  };
  const actions = c.traffic.map(action).join('; ');
  const announced = c.topology.containers.filter((x) => x.announce).map((x) => x.name);
  const announce = announced.length > 0 ? `; announced ${announced.join(', ')}` : '';
  return `${config ? `${config.id}: ` : ''}${hosts}; ${actions}${announce}`;
}
