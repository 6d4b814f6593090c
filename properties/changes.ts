/**
 * fast-check arbitraries for a world that changes (docs/dynamics.md): the static world's topology and
 * pings (`arbitraries.ts`), and on top of them containers that move to another host, restart, stop, start
 * anew, or give their IP to a new container with another MAC, Weave peers that leave the mesh and join it
 * again, and links between peers that go down and come back. Like the static generators, each is built
 * from plain indices, so that it shrinks to fewer and simpler changes, and every timeline it builds is
 * valid (`timelineIssues`): indices are taken modulo the containers running at the time, and a change that
 * cannot happen (a move with one host) is left out.
 *
 * After the last change and `SETTLE_MS` (`settle.ts`), and a pause that may outlast the data planes'
 * ageing (upstream Sleeve's MAC cache forgets after 10 min), a sweep pings every container that changed
 * from a peer in its subnet, on another host where there is one, and back: the promises a network owes
 * once it has settled.
 */
import fc from 'fast-check';
import { broadcastOf, type Ip, inSubnet, intToIp, ipToInt, type Mac, networkOf } from '../model/addresses.ts';
import {
  changesOf,
  isContainerItem,
  isMeshItem,
  type Placement,
  pairKey,
  type Timeline,
  type TimelineItem,
} from '../model/timeline.ts';
import { DEFAULT_ANNOUNCE, peerLinks, type Topology } from '../model/topology.ts';
import { peersOf } from './peers.ts';
import { HEAL_MS, RETRY_BUDGET_MS, SETTLE_MS } from './settle.ts';

export const MAX_CHANGES = 5;

/** Pauses between changes (ms): at once, within the gossip delay, after it, past REACHABLE, long. */
export const CHANGE_GAPS_MS = [0, 10, 1_000, 6_000, 60_000] as const;
/** How long a link stays down: a flap, past the views' second of disagreement, or an outage long enough
 *  to ping across once the mesh has settled around it. */
export const LINK_DOWN_MS = [1_000, 60_000] as const;
/** How long a container stays down on a restart or before its IP is taken again. */
export const DOWN_MS = [10, 1_000, 6_000, 60_000] as const;
/** A container lives at least this long between two changes of its own: links have no latency, so a frame
 *  it sent just before a change would still be in flight at a change in the same instant, something no
 *  real container restarts or migrates fast enough to see. */
export const MIN_LIFE_MS = 1_000;
/** The pause after the world settles before the sweep: none, past the neighbour and FDB timers (5 min),
 *  past upstream's MAC cache (10 min, swept every minute) and so past `HEAL_MS`. */
export const SWEEP_PAUSES_MS = [0, 310_000, 700_000] as const;
/** How long before a change its warm-up ping goes: its exchange is over by then. */
const WARM_BEFORE_MS = 500;
/** How long after a change a chasing ping goes: before the other hosts hear of it (`GOSSIP_DELAY_MS`). */
export const CHASE_AFTER_MS = 500;
/** How long the outage that hides an IP reuse lasts: past the new owner's announcement. */
const HIDDEN_OUTAGE_MS = 2_000;
/** When a peer asks again for an IP whose owner stopped in an outage: its entry has gone STALE (past the
 *  5 s REACHABLE time, however its resolution went), so the ask ends in a probe within the outage. */
const STALE_ASK_MS = 7_000;
/** When it asks once more, the outage still on: past the staleness bound of a neighbour entry
 *  (`properties/staleness.ts`) after its first ask, so that an answer from what its host was last told
 *  (the old owner's MAC) would have kept it on the dead MAC for longer than Linux alone allows. */
const STALE_ASK_AGAIN_MS = STALE_ASK_MS + 16_000;
/** How long into a long outage (a link down, a peer away) its pings go: once the mesh has settled. */
const OUTAGE_PING_MS = SETTLE_MS + 1_000;
/** The first change happens after the containers' start-up (their announcements at time 0). */
const FIRST_CHANGE_MS = 1_000;

export type RawChange =
  /** A running container moves to another host, keeping its IP and MAC. */
  | { kind: 'move'; who: number; host: number }
  /** A running container stops and starts again on its host, with its IP and MAC. */
  | { kind: 'restart'; who: number; down: number }
  /** A running container stops; later a new container takes its IP, with a new MAC, on some host. */
  | { kind: 'replace'; who: number; host: number; down: number }
  | { kind: 'stop'; who: number }
  /** A new container starts on a host, with a new IP in one of the topology's subnets. */
  | { kind: 'start'; host: number; subnet: number }
  /** A host's Weave router stops (its peer leaves the mesh) and a fresh one starts later. */
  | { kind: 'peer-restart'; host: number; down: number }
  /** A link between two peers goes down and comes back later. */
  | { kind: 'link-flap'; link: number; down: number }
  /** A peer on another host talks to a container; then, while the way between them is broken (the link
   *  down, or the peer's router away), the container stops and (`reuse`) a new one takes its IP with
   *  another MAC: the new owner's gratuitous ARP cannot reach the peer that cached the old MAC. Without
   *  reuse the peer asks for the IP again while the outage lasts, once its entry has gone stale: what its
   *  host answers then, with its router away, is what it knew before. */
  | { kind: 'hidden-reuse'; who: number; peer: number; outage: 'link' | 'peer'; reuse: boolean };

/** What an outage breaks: the link between two hosts, or one host's router. */
type Outage = { link: [string, string] } | { peer: string };

export interface RawChanges {
  /** Each change, after a pause; `warm` picks a peer that talks to the changing container just before
   *  (on its host or another: so that some cache holds what the change makes stale), or none; `chase`
   *  one that talks to it just after, before its host has heard of the change (a cache filled from news
   *  that is already stale), or none. */
  changes: { gap: number; change: RawChange; warm: number | null; chase: number | null }[];
  sweepPause: number;
  /** Picks the peer each swept container is pinged from. */
  sweepPeers: number[];
}

const rawChange: fc.Arbitrary<RawChange> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('move' as const), who: fc.nat(31), host: fc.nat(7) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('restart' as const),
      who: fc.nat(31),
      down: fc.nat(DOWN_MS.length - 1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      who: fc.nat(31),
      host: fc.nat(7),
      down: fc.nat(DOWN_MS.length - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), who: fc.nat(31) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('start' as const), host: fc.nat(7), subnet: fc.nat(2) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('peer-restart' as const),
      host: fc.nat(7),
      down: fc.nat(DOWN_MS.length - 1),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('hidden-reuse' as const),
      who: fc.nat(31),
      peer: fc.nat(31),
      // A link down hides an announcement from every data plane; a router away only from upstream's.
      outage: fc.oneof(
        { weight: 3, arbitrary: fc.constant('link' as const) },
        { weight: 1, arbitrary: fc.constant('peer' as const) },
      ),
      reuse: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('link-flap' as const),
      link: fc.nat(15),
      down: fc.nat(LINK_DOWN_MS.length - 1),
    }),
  },
);

export const rawChanges: fc.Arbitrary<RawChanges> = fc.record({
  changes: fc.array(
    fc.record({
      gap: fc.nat(CHANGE_GAPS_MS.length - 1),
      change: rawChange,
      warm: fc.option(fc.nat(31), { nil: null }),
      chase: fc.option(fc.nat(31), { nil: null }),
    }),
    {
      minLength: 1,
      maxLength: MAX_CHANGES,
      size: 'max',
    },
  ),
  // The pause past HEAL_MS half the time: what no-black-hole judges.
  sweepPause: fc.oneof(
    { weight: 1, arbitrary: fc.nat(SWEEP_PAUSES_MS.length - 2) },
    { weight: 1, arbitrary: fc.constant(SWEEP_PAUSES_MS.length - 1) },
  ),
  sweepPeers: fc.array(fc.nat(31), { minLength: MAX_CHANGES + 1, maxLength: MAX_CHANGES + 1 }),
});

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** Names and addresses for new containers, N1, N2, …, that nothing in the topology has: IPs from the
 *  subnet's 101st address up (generated topologies number theirs from 1 to 24, `.99` is nobody's, `.200+`
 *  the hosts'), MACs 02:00:00:00:02:01 up. */
function freshAddresses(topology: Topology) {
  const taken = new Set<string>([
    ...topology.containers.flatMap((c) => [c.name, c.ip, c.mac]),
    ...topology.hosts.flatMap((h) => [h.name, h.mac, ...(h.ip ? [h.ip] : [])]),
  ]);
  const first = (make: (k: number) => string) => {
    let k = 1;
    while (taken.has(make(k))) k++;
    taken.add(make(k));
    return make(k);
  };
  return {
    name: () => first((k) => `N${k}`),
    mac: (): Mac => first((k) => `02:00:00:00:${hex(2 + (k >> 8))}:${hex(k & 255)}`),
    ip: (subnet: string): Ip => first((k) => intToIp(ipToInt(networkOf(subnet)) + 100 + k)),
  };
}

/** The changes as timeline items, from `FIRST_CHANGE_MS` on; returns them and the names that changed. */
export interface Changes {
  items: TimelineItem[];
  /** The containers that changed, in order. */
  changed: string[];
  /** For each IP a warm-up or chasing ping went to, the peers that sent one (they hold a MAC for it in
   *  their caches). */
  cachedBy: Map<Ip, Set<string>>;
}

export function buildChanges(topology: Topology, raw: RawChanges): Changes {
  const hosts = topology.hosts.map((h) => h.name);
  const subnets = [...new Set(topology.containers.map((c) => c.subnet))];
  const running = new Map<string, Placement>(
    topology.containers.map((c) => [c.name, { ...c, announce: c.announce ?? DEFAULT_ANNOUNCE }]),
  );
  const items: TimelineItem[] = [];
  const changed: string[] = [];
  const cachedBy = new Map<Ip, Set<string>>();
  const cached = (ip: Ip, peer: string) => {
    if (!cachedBy.has(ip)) cachedBy.set(ip, new Set());
    cachedBy.get(ip)!.add(peer);
  };
  let at = FIRST_CHANGE_MS;
  const fresh = freshAddresses(topology);
  const pick = (who: number) => [...running.values()][who % running.size];
  const changedAt = new Map<string, number>();
  const tooSoon = (name: string) => at - (changedAt.get(name) ?? Number.NEGATIVE_INFINITY) < MIN_LIFE_MS;
  const chases: TimelineItem[] = [];
  /** A peer in its subnet, on another host where there is one, pings the container that just came up. */
  const chaseAfter = (target: Placement, chase: number | null) => {
    if (chase === null) return;
    const peers = peersOf([...running.values()], target, true);
    if (peers.length === 0) return;
    const peer = peers[chase % peers.length]!.name;
    chases.push({ at: at + CHASE_AFTER_MS, from: peer, to: target.ip });
    cached(target.ip, peer);
  };
  const links = peerLinks(topology);
  /** When each peer's or link's outage ends, by `outageKey`; and the items that end them (`peer-join`,
   *  `link-up`), which go into the timeline beside later changes. One outage of a peer or a link at a time;
   *  others, and container changes, may overlap it. */
  const outageUntil = new Map<string, number>();
  const ends: TimelineItem[] = [];
  const outageKey = (o: Outage) => ('link' in o ? `link ${pairKey(...o.link)}` : `peer ${o.peer}`);
  const busy = (o: Outage) => at <= (outageUntil.get(outageKey(o)) ?? Number.NEGATIVE_INFINITY);
  /** An outage from `at` for `lasts` ms: the item that begins it (its end goes into `ends`). */
  const outage = (o: Outage, lasts: number): TimelineItem => {
    outageUntil.set(outageKey(o), at + lasts);
    if ('link' in o) {
      ends.push({ kind: 'link-up', at: at + lasts, peers: o.link });
      return { kind: 'link-down', at, peers: o.link };
    }
    ends.push({ kind: 'peer-join', at: at + lasts, host: o.peer });
    return { kind: 'peer-leave', at, host: o.peer };
  };
  /** The first running container on `host` (in `subnet`, if given), if any. */
  const on = (host: string, subnet?: string) =>
    [...running.values()].find((c) => c.host === host && (subnet === undefined || c.subnet === subnet));
  for (const { gap, change, warm, chase } of raw.changes) {
    const before = at;
    at += CHANGE_GAPS_MS[gap] ?? 0;
    if (change.kind === 'peer-restart' || change.kind === 'link-flap') {
      if (hosts.length < 2) continue;
      const down = (change.kind === 'link-flap' ? LINK_DOWN_MS : DOWN_MS)[change.down] ?? 0;
      const o: Outage =
        change.kind === 'link-flap'
          ? { link: links[change.link % links.length]! }
          : { peer: hosts[change.host % hosts.length]! };
      if (busy(o)) continue;
      // The hosts on either side: the link's two ends, or the peer and every other host.
      const sides: [string, string[]] =
        'link' in o ? [o.link[0], [o.link[1]]] : [o.peer, hosts.filter((h) => h !== o.peer)];
      // Containers on either side talk: just before (`warm`: caches filled across the link), just after, both
      // ways (`chase`: while the peers' views differ), and, when the outage is long, both ways once the
      // mesh has settled and the link is still down (what a network without relays cannot carry), to each
      // other and to the exposed host on the other side.
      const here = on(sides[0]);
      const there = sides[1].map((h) => on(h, here?.subnet)).filter((c) => c !== undefined);
      const across = (k: number, t: number, list: TimelineItem[], hostsToo = false) => {
        if (!here || there.length === 0) return;
        const peer = there[k % there.length]!;
        list.push({ at: t, from: peer.name, to: here.ip }, { at: t, from: here.name, to: peer.ip });
        // The exposed host on either side (`weave expose`), reached over the overlay from the other.
        if (!hostsToo) return;
        const exposed = (c: Placement) => topology.hosts.find((h) => h.name === c.host)?.ip;
        const [hereHost, peerHost] = [exposed(here), exposed(peer)];
        if (hereHost !== undefined) list.push({ at: t, from: peer.name, to: hereHost });
        if (peerHost !== undefined) list.push({ at: t, from: here.name, to: peerHost });
      };
      if (warm !== null && at - WARM_BEFORE_MS >= before) across(warm, at - WARM_BEFORE_MS, items);
      if (chase !== null) across(chase, at + CHASE_AFTER_MS, chases);
      if (warm !== null && down >= OUTAGE_PING_MS + 2 * RETRY_BUDGET_MS)
        across(warm, at + OUTAGE_PING_MS, chases, true);
      // The outage begins after the warm-up pings, and ends while later changes go on.
      items.push(outage(o, down));
      for (const c of [here, ...there]) if (c) changed.push(c.name);
      continue;
    }
    if (change.kind === 'hidden-reuse') {
      const who = pick(change.who);
      if (!who || tooSoon(who.name)) continue;
      const cachers = peersOf([...running.values()], who, true);
      if (cachers.length === 0) continue;
      const cacher = cachers[change.peer % cachers.length]!;
      const linked = links.some(([a, b]) => pairKey(a, b) === pairKey(who.host, cacher.host));
      // Without reuse, what is asked of is the peer's host while its router is away.
      const o: Outage =
        change.reuse && change.outage === 'link' && linked
          ? { link: [who.host, cacher.host] }
          : { peer: cacher.host };
      if (busy(o)) continue;
      at = Math.max(at, before + WARM_BEFORE_MS);
      items.push({ at: at - WARM_BEFORE_MS, from: cacher.name, to: who.ip });
      cached(who.ip, cacher.name);
      const lasts = change.reuse ? HIDDEN_OUTAGE_MS : STALE_ASK_AGAIN_MS + 2 * RETRY_BUDGET_MS;
      items.push(outage(o, lasts), { kind: 'stop', at: at + 10, container: who.name });
      running.delete(who.name);
      if (!change.reuse) {
        chases.push(
          { at: at + STALE_ASK_MS, from: cacher.name, to: who.ip },
          { at: at + STALE_ASK_AGAIN_MS, from: cacher.name, to: who.ip },
        );
        at += 10;
        continue;
      }
      const name = fresh.name();
      const p = { ...who, name, mac: fresh.mac() };
      items.push({
        kind: 'start',
        at: at + 20,
        container: name,
        host: p.host,
        ip: p.ip,
        mac: p.mac,
        subnet: p.subnet,
        // A new container on the old IP, attached as the one it replaces was.
        announce: p.announce,
      });
      running.set(name, p);
      at += 20;
      changedAt.set(name, at);
      changed.push(name);
      continue;
    }
    if (change.kind === 'start') {
      const subnet = subnets[change.subnet % subnets.length]!;
      const ip = fresh.ip(subnet);
      // A small subnet may have no address left below its broadcast address.
      if (!inSubnet(ip, subnet) || ipToInt(ip) >= ipToInt(broadcastOf(subnet))) continue;
      const name = fresh.name();
      const host = hosts[change.host % hosts.length]!;
      const p = { name, host, ip, mac: fresh.mac(), subnet, announce: true };
      // Upstream Weave announces every container it attaches.
      items.push({ kind: 'start', at, container: name, host, ip: p.ip, mac: p.mac, subnet, announce: true });
      running.set(name, p);
      changedAt.set(name, at);
      changed.push(name);
      chaseAfter(p, chase);
      continue;
    }
    const who = pick(change.who);
    if (!who || tooSoon(who.name)) continue;
    // A peer in its subnet pings it just before, where the pause leaves room (after the item above).
    const peers = peersOf([...running.values()], who, false);
    if (warm !== null && peers.length > 0 && at - WARM_BEFORE_MS >= before) {
      const peer = peers[warm % peers.length]!.name;
      items.push({ at: at - WARM_BEFORE_MS, from: peer, to: who.ip });
      cached(who.ip, peer);
    }
    if (change.kind === 'move') {
      const others = hosts.filter((h) => h !== who.host);
      if (others.length === 0) continue;
      const host = others[change.host % others.length]!;
      items.push({ kind: 'move', at, container: who.name, host });
      running.set(who.name, { ...who, host });
      chaseAfter({ ...who, host }, chase);
    } else if (change.kind === 'stop') {
      items.push({ kind: 'stop', at, container: who.name });
      running.delete(who.name);
    } else if (change.kind === 'restart') {
      items.push({ kind: 'stop', at, container: who.name });
      at += DOWN_MS[change.down] ?? 0;
      const { name, host, ip, mac, subnet } = who;
      items.push({ kind: 'start', at, container: name, host, ip, mac, subnet, announce: who.announce });
      changedAt.set(name, at);
      chaseAfter(who, chase);
    } else {
      items.push({ kind: 'stop', at, container: who.name });
      running.delete(who.name);
      at += DOWN_MS[change.down] ?? 0;
      const name = fresh.name();
      const host = hosts[change.host % hosts.length]!;
      const p = { ...who, name, host, mac: fresh.mac() };
      items.push({
        kind: 'start',
        at,
        container: name,
        host,
        ip: p.ip,
        mac: p.mac,
        subnet: p.subnet,
        announce: p.announce,
      });
      running.set(name, p);
      changedAt.set(name, at);
      changed.push(name);
      chaseAfter(p, chase);
      continue;
    }
    changedAt.set(who.name, at);
    changed.push(who.name);
  }
  // At the same time, the change goes first.
  const inOrder = (list: TimelineItem[]) => [...list].sort((x, y) => x.at - y.at);
  return {
    items: merge(merge(items, inOrder(ends)), inOrder(chases)),
    changed: [...new Set(changed)],
    cachedBy,
  };
}

/** Pings from a peer to each changed container that runs at the end, and back: after the last change,
 *  `SETTLE_MS`, and the sweep's pause; and pings to it from the peers that cached its IP just before or
 *  just after the change (those caches are what the change made stale) and from a neighbour on its host.
 *  After the longest pause, past `HEAL_MS`, it and each of them, and one container in its subnet on every
 *  host, ping each other both ways: the pairs no-black-hole judges (every host's tables, and every cache
 *  the change touched). */
export function buildSweep(
  topology: Topology,
  timeline: Timeline,
  { changed, cachedBy }: Pick<Changes, 'changed' | 'cachedBy'>,
  raw: RawChanges,
): Timeline {
  const changes = changesOf(topology, timeline);
  // The last change of a container, a peer or a link.
  const last = Math.max(0, ...timeline.filter((i) => isContainerItem(i) || isMeshItem(i)).map((i) => i.at));
  const running = new Map<string, Placement>();
  for (const ch of changes)
    if (ch.kind === 'start') running.set(ch.placement.name, ch.placement);
    else running.delete(ch.placement.name);
  const at = last + SETTLE_MS + (SWEEP_PAUSES_MS[raw.sweepPause] ?? 0);
  const healed = at - last >= HEAL_MS;
  const sweep: Timeline = [];
  // Each pair asks once, even when two changed containers pair with each other.
  const asked = new Set<string>();
  const ask = (from: string, to: Ip) => {
    if (asked.has(`${from}>${to}`)) return;
    asked.add(`${from}>${to}`);
    sweep.push({ at, from, to });
  };
  changed.forEach((name, i) => {
    const target = running.get(name);
    if (!target) return;
    const same = peersOf([...running.values()], target, false);
    const peers = peersOf(same, target, true);
    if (peers.length === 0) return;
    const pick = peers[(raw.sweepPeers[i] ?? 0) % peers.length]!;
    ask(pick.name, target.ip);
    ask(name, pick.ip);
    const others = new Set(same.filter((c) => cachedBy.get(target.ip)?.has(c.name)));
    const local = same.find((c) => c.host === target.host);
    if (local) others.add(local);
    if (healed)
      for (const host of new Set(same.map((c) => c.host))) others.add(same.find((c) => c.host === host)!);
    others.delete(pick);
    for (const other of others) {
      ask(other.name, target.ip);
      if (healed) ask(name, other.ip);
    }
  });
  return sweep;
}

/** Two timelines in time order as one; at the same time, `first`'s items go first. */
export function merge(first: Timeline, second: Timeline): Timeline {
  const out: Timeline = [];
  let i = 0;
  for (const item of second) {
    while (i < first.length && first[i]!.at <= item.at) out.push(first[i++]!);
    out.push(item);
  }
  return [...out, ...first.slice(i)];
}
