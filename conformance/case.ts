/**
 * A conformance case: a small topology (2 to 4 hosts, 1 to 3 containers each, some hosts exposed on the
 * overlay as `weave expose` does), what the containers do (pings to a container, to an exposed host, to
 * an overlay address nobody owns, or to the sender's host's underlay address, outside its subnet; raw ARP
 * as arping sends it; static neighbour entries, with the right MAC, another container's or host's, or one
 * nobody owns, whose frames every bridge floods as unknown unicast; containers that stop, start again and
 * move to another host with their MAC and IP; new containers, some taking a stopped container's IP; pauses
 * long enough for the bridge and vxlan FDBs, and sometimes the neighbour entries, to age, with those
 * timers shortened to fit, `timing.ts`), and the Linux-native configuration.
 * Addresses are derived from positions so that a case is a few small numbers (which fast-check shrinks
 * well) and every address is in 198.18.0.0/15: containers in 198.18.0.0/24 (.11 to .43), exposed hosts
 * there too (.201 to .204), host underlay addresses in 198.19.0.0/24.
 */
import fc from 'fast-check';
import type { Ip, Mac } from '../model/addresses.ts';
import type { LinuxConfig } from '../model/config.ts';
import { isPing, type Timeline, type TimelineItem } from '../model/timeline.ts';
import type { ContainerSpec, HostSpec, Timers, Topology } from '../model/topology.ts';
import {
  NEIGH_SLACK_MS,
  PING_GAP,
  pausesAfter,
  runsOf,
  SLACK_MS,
  settleMs,
  spanMs,
  VXLAN_CLEANUP_MS,
} from './timing.ts';

export const OVERLAY_SUBNET = '198.18.0.0/24';
/** An overlay address nobody owns: pings to it must fail everywhere. */
export const NOBODY: Ip = '198.18.0.250';
/** A MAC nobody owns, for static neighbour entries: frames to it are unknown unicast everywhere. */
export const NOBODY_MAC: Mac = '02:c0:00:00:ff:ff';
/** Virtual time of the first action (`PING_GAP` apart from then on, `timing.ts`). */
export const T0 = 1000;

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
 *  case says; a new container on a host (by index), with a new MAC and a stopped container's IP (by index
 *  among them) if there is one (with `replace` and none stopped, a running one, by index, stops first),
 *  a new IP otherwise; a pause (between two other actions; more in a row are one). */
export type ActionShape =
  | { kind?: undefined; from: number; to: number }
  | { kind: 'arp'; from: number; to: number; mode: ArpingMode; source?: number | undefined }
  | { kind: 'neigh'; from: number; to: number; mac: number }
  | { kind: 'stop'; from: number; fresh?: boolean | undefined }
  | { kind: 'move'; from: number; to: number }
  | { kind: 'new'; host: number; ip: number; announce?: boolean | undefined; replace?: boolean | undefined }
  | { kind: 'wait' };

/** The shape fast-check generates: containers per host, the actions in order, which containers
 *  announce themselves at start (by index; absent or false: a plain container, which sends nothing until
 *  it is made to, as Linux does when an address is added), which hosts have an overlay IP (by index;
 *  absent or false: none), and whether a case with a pause shortens the neighbour reachable time too
 *  (its FDB ageing it always shortens). */
export interface CaseShape {
  containers: number[];
  actions: ActionShape[];
  announce?: boolean[];
  exposed?: boolean[];
  reachable?: boolean;
}

export interface Case {
  topology: Topology;
  traffic: Timeline;
}

/** A new container's spec: the `k`-th (from 1), `n<k>` with a MAC of its own. */
export function newContainerSpec(k: number, host: string, ip: Ip, announce: boolean): ContainerSpec {
  return { name: `n${k}`, host, mac: `02:c0:00:02:00:${hex(k)}`, ip, subnet: OVERLAY_SUBNET, announce };
}

/** The address the `k`-th new container takes when no stopped container's is free. */
const newIp = (k: number): Ip => `198.18.0.${100 + k}`;

export function buildCase(shape: CaseShape): Case {
  const hosts = shape.containers.map((_, i) => hostSpec(i + 1, shape.exposed?.[i] ?? false));
  const containers = shape.containers
    .flatMap((n, i) => Array.from({ length: n }, (_, k) => containerSpec(i + 1, k + 1)))
    .map((c, i) => ({ ...c, announce: shape.announce?.[i] ?? false }));
  // Who acts: the topology's containers, then each new one.
  const actors: ContainerSpec[] = [...containers];
  // The overlay addresses (containers', new containers', exposed hosts'), nobody's last; a host's underlay
  // address is a ping target only (the harness's arp_ignore=1 would leave an arping to it unanswered, and
  // the model has no underlay address in the host kernel's stack).
  const exposed = hosts.flatMap((h) => (h.ip === undefined ? [] : [h.ip]));
  const overlay = (): Ip[] => [...new Set(actors.map((c) => c.ip)), ...exposed, NOBODY];
  const macs = (): Mac[] => [...actors.map((c) => c.mac), ...hosts.map((h) => h.mac), NOBODY_MAC];
  const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  // Where each container is, or undefined while it is stopped, and where it was last.
  const where = new Map<string, string | undefined>(containers.map((c) => [c.name, c.host]));
  const last = new Map<string, string>(containers.map((c) => [c.name, c.host]));
  const macNow = new Map<string, Mac>(containers.map((c) => [c.name, c.mac]));
  const running = (c: ContainerSpec) => where.get(c.name) !== undefined;
  /** The items an action makes (times are set below): none for a start whose IP is taken. */
  const itemsOf = (a: Exclude<ActionShape, { kind: 'wait' }>, at = 0): TimelineItem[] => {
    if (a.kind === 'new') {
      // An IP a stopped container left, if any: the hand-over of an address to another interface. With
      // `replace`, when none is free, a running container is stopped first to free its own.
      const stopFirst: TimelineItem[] = [];
      const free = () =>
        actors
          .filter((c) => !running(c) && !actors.some((o) => running(o) && o.ip === c.ip))
          .map((c) => c.ip);
      if (a.replace && free().length === 0) {
        const victim = pick(actors.filter(running), a.ip);
        where.set(victim.name, undefined);
        stopFirst.push({ kind: 'stop', at, container: victim.name });
      }
      const ips = [...new Set(free())];
      const k1 = actors.length - containers.length + 1;
      const host = pick(hosts, a.host).name;
      const spec = newContainerSpec(
        k1,
        host,
        ips.length > 0 ? pick(ips, a.ip) : newIp(k1),
        a.announce ?? false,
      );
      actors.push(spec);
      where.set(spec.name, host);
      last.set(spec.name, host);
      macNow.set(spec.name, spec.mac);
      const { name, ip, mac, subnet, announce } = spec;
      return [
        ...stopFirst,
        { kind: 'start', at, container: name, host, ip, mac, subnet, announce: announce ?? false },
      ];
    }
    const item = itemOf(a, at);
    return item === undefined ? [] : [item];
  };
  /** The one item a ping, arping, static entry, stop or move makes, if any. */
  const itemOf = (
    a: Exclude<ActionShape, { kind: 'wait' | 'new' }>,
    at: number,
  ): TimelineItem | undefined => {
    const from = pick(actors, a.from);
    if (a.kind === 'stop' || a.kind === 'move') {
      const here = where.get(from.name);
      const others = hosts.filter((h) => h.name !== (here ?? last.get(from.name)));
      const host = a.kind === 'move' && others.length > 0 ? pick(others, a.to).name : last.get(from.name)!;
      if (a.kind === 'stop' && here !== undefined) {
        where.set(from.name, undefined);
        return { kind: 'stop', at, container: from.name };
      }
      // Stopped, and a new container has its IP now: it stays stopped.
      if (here === undefined && actors.some((c) => c.ip === from.ip && running(c))) return undefined;
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
    const targets = overlay();
    const others = targets.filter((t) => t !== from.ip);
    if (a.kind === 'arp') {
      const source = a.source === undefined ? {} : { source: pick(targets, a.source) };
      return { kind: 'arp', at, from: from.name, to: pick(targets, a.to), mode: a.mode, ...source };
    }
    if (a.kind === 'neigh')
      return { kind: 'neigh', at, container: from.name, ip: pick(others, a.to), mac: pick(macs(), a.mac) };
    // Last, an address outside the container's subnet: its own host's underlay address, no route to it.
    const underlay = hosts.find((h) => h.name === (where.get(from.name) ?? last.get(from.name)))!.address;
    return { at, from: from.name, to: pick([...others, underlay], a.to) };
  };
  // The items, with a pause where a wait falls between two of them (several in a row are one).
  const made = shape.actions.flatMap((a): (TimelineItem | 'pause')[] =>
    a.kind === 'wait' ? ['pause'] : itemsOf(a),
  );
  // Each item PING_GAP after the one before, after a pause one more PING_GAP (marking it), widened below.
  let at = T0 - PING_GAP;
  const traffic: TimelineItem[] = made.flatMap((m, k): TimelineItem[] => {
    if (m === 'pause') return [];
    const paused = k > 0 && made[k - 1] === 'pause' && made.slice(0, k).some((x) => x !== 'pause');
    at += paused ? 2 * PING_GAP : PING_GAP;
    return [{ ...m, at }];
  });
  const pauses = pausesAfter(traffic);
  if (pauses.length === 0) return { topology: { hosts, containers }, traffic };
  return withPauses({ hosts, containers }, traffic, pauses, shape.reachable ?? false);
}

/** The reachable time a case with pauses may shorten (to Weave's 5 s, the longest the format allows). */
export const CASE_REACHABLE_MS = 5000;

/**
 * The timers a case with pauses shortens, and its pauses widened to outlast them (`timing.ts`): the
 * bridge and vxlan ageing just longer than its longest run (the vxlan's at least its 10 s cleanup period);
 * the reachable time, if `reachable` and every run is short enough (two items); each pause then just
 * longer than they all are.
 */
function withPauses(topology: Topology, traffic: Timeline, pauses: number[], reachable: boolean): Case {
  const seconds = (ms: number) => Math.ceil(ms / 1000) * 1000;
  const runs = runsOf(traffic);
  const longest = Math.max(...runs.map((r) => spanMs(traffic, r)));
  const ageing = seconds(Math.max(VXLAN_CLEANUP_MS, longest + SLACK_MS));
  const short = runs.every((r) => spanMs(traffic, r, false) <= CASE_REACHABLE_MS - NEIGH_SLACK_MS);
  const timers: Timers = {
    bridgeAgeingMs: ageing,
    vxlanAgeingMs: ageing,
    ...(reachable && short && { reachableMs: CASE_REACHABLE_MS }),
  };
  const pause = seconds(settleMs(timers) + SLACK_MS);
  // A pause was marked by a gap of two PING_GAPs: it becomes `pause`, and every later item moves with it.
  let shift = 0;
  const widened = traffic.map((item, k) => {
    const moved = { ...item, at: item.at + shift };
    if (pauses.includes(k)) shift += pause - 2 * PING_GAP;
    return moved;
  });
  return { topology: { ...topology, timers }, traffic: widened };
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
  {
    weight: 1,
    arbitrary: fc.record(
      {
        kind: fc.constant('new' as const),
        host: index(3),
        ip: index(11),
        announce: fc.boolean(),
        replace: fc.boolean(),
      },
      { requiredKeys: ['kind', 'host', 'ip'] },
    ),
  },
  // Rarer: a pause costs real time in the harness (about 13 s, or 35 s with the reachable time).
  { weight: 1, arbitrary: fc.constant({ kind: 'wait' as const }) },
);

export const caseShape: fc.Arbitrary<CaseShape> = fc.record({
  containers: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
  actions: fc.array(actionShape, { minLength: 1, maxLength: 5 }),
  // Shrinks towards no announcement: the harness adds no traffic the case does not hold.
  // One for each possible container, so the last is as likely to announce as the first.
  announce: fc.array(fc.boolean(), { minLength: MAX_CONTAINERS, maxLength: MAX_CONTAINERS }),
  // Shrinks towards no exposed host; one for each possible host.
  exposed: fc.array(fc.boolean(), { minLength: MAX_HOSTS, maxLength: MAX_HOSTS }),
  // Shrinks towards the quiet neighbour timers.
  reachable: fc.boolean(),
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
  const pauses = new Set(pausesAfter(c.traffic));
  const pause = (k: number) =>
    pauses.has(k) ? `; pause ${(c.traffic[k + 1]!.at - c.traffic[k]!.at) / 1000} s` : '';
  const actions = c.traffic.map((item, k) => `${action(item, k)}${pause(k)}`).join('; ');
  const announced = c.topology.containers.filter((x) => x.announce).map((x) => x.name);
  const announce = announced.length > 0 ? `; announced ${announced.join(', ')}` : '';
  const t = c.topology.timers;
  const secs = (ms: number | undefined) => (ms === undefined ? '' : `${ms / 1000} s`);
  const timers = t
    ? `; ageing ${secs(t.bridgeAgeingMs)}${t.reachableMs ? `, reachable ${secs(t.reachableMs)}` : ''}`
    : '';
  return `${config ? `${config.id}: ` : ''}${hosts}; ${actions}${announce}${timers}`;
}
