/**
 * staleness: once a container stops (or moves away), how long do senders keep trying to reach it where it
 * was? Two layers can hold the old owner of an IP (docs/dynamics.md, "How long a sender stays stale"):
 * - the sender's neighbour entry: it sends to the IP on the old owner's MAC (under H2, the fake MAC of
 *   the old owner's host), though the IP now has another owner or none. Linux gives such an entry up through DELAY and PROBE once it is used: REACHABLE for at
 *   most the longest reachable time drawn (3·base/2), then delay_first_probe, then ucast_solicit
 *   unanswered probes (`model/entries/neighbour.ts`);
 * - the network's record of where a MAC is: the container kept its IP and MAC and moved, and the frames
 *   for it still go to its old host, and not to it, until the table that sends them there learns the new
 *   place or forgets the old one (`locationBoundMs`).
 * A stale attempt is an IPv4 frame a container originates that is one of these. An episode is one
 * sender's attempts for one IP after one change, from its first attempt to its last. A sender whose entry
 * went STALE after an attempt, with nothing confirming the old MAC since, starts a new episode at its next
 * attempt: Linux tests a STALE entry only when it is used, so the first packet after a silence goes to
 * the old MAC, and that is not the network's to prevent; an answer that confirms the dead MAC is. For a
 * MAC's place, a silence longer than the tables' ageing starts a new episode. Each episode must end within its layer's bound plus
 * `SETTLE_MS`.
 */
import type { Ip, Mac } from '../model/addresses.ts';
import { DEFAULT_NEIGH_PARAMS } from '../model/components/container.ts';
import type { Config } from '../model/config.ts';
import { longestReachableTime } from '../model/network/draws.ts';
import { fakeMacOf } from '../model/network/wiring.ts';
import { TIMER_DEFAULTS, type Timers } from '../model/topology.ts';
import type { CaseRun } from './case.ts';
import { containerOutputs, factsOf, sameEndpoint } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';
import { MAC_SWEEP_MS, SETTLE_MS } from './settle.ts';

/** Where an old owner stays: in a sender's neighbour entry, or in the network's record of a MAC's place. */
export type StaleLayer = 'neighbour' | 'location';

/** The longest a used neighbour entry keeps sending to a MAC nobody answers for: the longest reachable
 *  time, then DELAY, then the unicast probes. */
export function neighbourBoundMs(timers: Timers = {}): number {
  const t = { ...TIMER_DEFAULTS, ...timers };
  return (
    longestReachableTime(t.reachableMs) +
    t.delayFirstProbeMs +
    DEFAULT_NEIGH_PARAMS.ucastSolicit * t.retransMs
  );
}

/** The longest the tables a configuration forwards by may send a MAC to its old host: until the entry
 *  ages out (or, earlier, the MAC is seen at its new place). Sleeve: the host bridge's FDB and the
 *  router's MAC cache (swept every minute upstream); upstream FDP: the MAC cache and the datapath's idle
 *  flows; the seed's FDP: the vtep's learned FDB; Linux-native: the bridge's and the vxlan FDB. */
export function locationBoundMs(config: Config, timers: Timers = {}): number {
  const t = { ...TIMER_DEFAULTS, ...timers };
  const macCache = t.macCacheMs + MAC_SWEEP_MS;
  switch (config.plane) {
    case 'sleeve':
      return Math.max(t.bridgeAgeingMs, macCache);
    case 'fdp':
      return config.hypothesis === 'upstream' ? Math.max(macCache, t.flowIdleMs) : t.vxlanAgeingMs;
    case 'linux':
      return Math.max(t.bridgeAgeingMs, t.vxlanAgeingMs);
  }
}

/** A neighbour entry confirmed: `neigh <ip> <state> -> REACHABLE <mac>` (`model/entries/neighbour.ts`). */
const REACHABLE_NOTE = /^neigh (\S+) \S+ -> REACHABLE (\S+)$/;
/** A neighbour entry no longer confirmed: `neigh <ip> REACHABLE -> STALE|DELAY ...`. */
const STALE_NOTE = /^neigh (\S+) REACHABLE -> (?:STALE|DELAY)\b/;

/** One sender's stale attempts for one IP after one change. */
export interface StaleEpisode {
  layer: StaleLayer;
  /** The sender's container name, the IP, and the old owner (its name and MAC, and its host). */
  sender: string;
  ip: Ip;
  owner: { name: string; mac: Mac; host: string };
  /** When the old owner stopped there (ms). */
  changedAt: number;
  first: number;
  last: number;
  lastStep: number;
  /** The steps of its attempts. */
  steps: number[];
}

/** Every stale episode of a run, in order of their first attempt. */
export function staleEpisodes(r: CaseRun): StaleEpisode[] {
  const facts = factsOf(r);
  const stops = facts.changes.filter((c) => c.kind === 'stop');
  const hostOf = (component: string) => r.network.byId.get(component)?.host;
  // Under H2 a container's neighbour entry holds its host's fake MAC, which stands for every IP there.
  const h2 = r.network.config.plane === 'fdp' && r.network.config.hypothesis === 'h2';
  const hostIndex = new Map(r.case.topology.hosts.map((h, i) => [h.name, i]));
  const reachedBy = (o: { mac: Mac; host: string }, mac: Mac) =>
    o.mac === mac || (h2 && fakeMacOf(hostIndex.get(o.host)!) === mac);
  const episodes = new Map<string, StaleEpisode>();
  const done: StaleEpisode[] = [];
  /** When each sender's entry for an IP was last confirmed REACHABLE (and on which MAC), and when it last
   *  stopped being REACHABLE, by step. */
  const confirmed = new Map<string, { n: number; mac: string }>();
  const wentStale = new Map<string, number>();
  for (const { step, container, output: o } of containerOutputs(r)) {
    if (o.type === 'note') {
      const c = REACHABLE_NOTE.exec(o.text);
      if (c) confirmed.set(`${step.component}\u0000${c[1]}`, { n: step.n, mac: c[2]! });
      const s = STALE_NOTE.exec(o.text);
      if (s) wentStale.set(`${step.component}\u0000${s[1]}`, step.n);
      continue;
    }
    if (o.type !== 'send' || o.copy === undefined || o.packet.kind !== 'frame') continue;
    const p = o.packet.payload;
    if (p.kind !== 'ipv4') continue;
    const mac = o.packet.dst;
    const now = facts.ownerAt(p.dst, step.at);
    const family = facts.families.get(o.copy) ?? [o.copy];
    const reaches = (test: (to: { component: string; port: string }) => boolean) =>
      family.some((c) => test(r.run.copies[c]!.to));
    // The old owner this frame is for: the last to stop holding the IP with that MAC, before the frame.
    const old = stops
      .filter((c) => c.at <= step.at && c.placement.ip === p.dst && reachedBy(c.placement, mac))
      .at(-1);
    if (!old) continue;
    let layer: StaleLayer | null = null;
    if (!now || !reachedBy(now, mac)) layer = 'neighbour';
    else if (
      now.kind === 'container' &&
      !h2 &&
      now.host !== old.placement.host &&
      !reaches((to) => sameEndpoint(to, now.endpoint)) &&
      reaches((to) => hostOf(to.component) === old.placement.host)
    )
      layer = 'location';
    if (!layer) continue;
    const key = `${layer}\u0000${step.component}\u0000${p.dst}\u0000${old.at}`;
    const open = episodes.get(key);
    // A new episode begins where the last one was given up: for a neighbour entry, one that went STALE
    // after the last attempt, nothing having confirmed the old MAC to it since (an answer from what a host
    // was last told would), so that its next use finds out afresh; for a MAC's place, after a silence
    // longer than the tables take to age.
    const entry = `${step.component}\u0000${p.dst}`;
    const confirm = confirmed.get(entry);
    const since = open?.lastStep ?? -1;
    const reconfirmed = confirm !== undefined && confirm.mac === mac && confirm.n > since;
    const givenUp =
      layer === 'neighbour'
        ? (wentStale.get(entry) ?? -1) > since && !reconfirmed
        : open !== undefined && step.at - open.last > layerBoundMs(r, layer);
    if (open && givenUp) {
      done.push(open);
      episodes.delete(key);
    }
    if (episodes.has(key)) {
      const e = episodes.get(key)!;
      e.last = step.at;
      e.lastStep = step.n;
      e.steps.push(step.n);
    } else
      episodes.set(key, {
        layer,
        sender: container.name,
        ip: p.dst,
        owner: { name: old.placement.name, mac, host: old.placement.host },
        changedAt: old.at,
        first: step.at,
        last: step.at,
        lastStep: step.n,
        steps: [step.n],
      });
  }
  return [...done, ...episodes.values()].sort((a, b) => a.first - b.first);
}

/** A layer's own bound, for the case's configuration and timers. */
function layerBoundMs(r: CaseRun, layer: StaleLayer): number {
  const timers = r.case.topology.timers;
  return layer === 'neighbour' ? neighbourBoundMs(timers) : locationBoundMs(r.network.config, timers);
}

/** The bound an episode of `layer` must end within: its layer's, plus `SETTLE_MS` to catch up. */
export function staleBoundMs(r: CaseRun, layer: StaleLayer): number {
  return SETTLE_MS + layerBoundMs(r, layer);
}

function check(r: CaseRun): Violation | null {
  for (const e of staleEpisodes(r)) {
    const bound = staleBoundMs(r, e.layer);
    const lasted = e.last - e.first;
    // A run cut short by its step bound says nothing of how long an episode would have gone on.
    if (lasted > bound && !r.run.truncated)
      return violation(
        `${e.sender} kept sending to ${e.ip} on ${e.owner.mac} (${e.owner.name}, gone from ${e.owner.host} at ${e.changedAt} ms) ` +
          `for ${lasted} ms (${e.first} to ${e.last} ms): its ${e.layer === 'neighbour' ? 'neighbour entry' : "MAC's old place"} ` +
          `outlived the bound of ${bound} ms`,
        e.steps,
      );
  }
  return null;
}

export const staleness: Property = {
  name: 'staleness',
  summary: 'a sender stops trying to reach an old owner within its timers’ bound',
  doc:
    'After a container stops or moves, a sender may still try to reach it where it was: on its old MAC ' +
    'from a neighbour entry (the IP has another owner or none), or, when it kept its IP and MAC and moved, ' +
    'at its old host, the frames not reaching it. One sender’s attempts for one IP after one change ' +
    'must end within `SETTLE_MS` plus the bound of their layer, counted from the first: for a neighbour ' +
    'entry the longest reachable time (3·base/2), delay_first_probe and one unicast probe; for a MAC’s ' +
    'place, the ageing of the tables the configuration forwards by (`locationBoundMs`). Both come from ' +
    "the case's timers. The violation names the sender, the old owner, how long it lasted, and every " +
    'attempt.',
  check,
};
