/**
 * Time in the differential test. The kernel harness runs a case's items back to back, as fast as the
 * commands go; the model gives each item `PING_GAP` of virtual time. The two clocks agree only where no
 * timer can tell them apart, so a case has two timescales:
 * - a run: items `PING_GAP` apart. Every timer the case shortens must be longer than any run, in the
 *   model's time and in the kernel's (measured), so nothing it governs expires inside a run in either
 *   (a run counts from time 0 for the FDBs, which learn from the start-up announcements; from its first
 *   item for the neighbour entries, which an announcement never confirms);
 * - a pause: a longer gap between two items. It must outlast every shortened timer, with a margin, so that
 *   everything that can expire has expired in both when the next run starts; the kernel sleeps that
 *   long for real (`settleMs`), the model lets the gap pass.
 * Timers not shortened keep values longer than any case (the harness's quiet neighbour timers, an hour;
 * the 300 s FDB ageing), so they never fire at all: a case may last no longer than the shortest of them.
 *
 * What the kernel does at the end of each timer (docs/conformance.md, "Ageing"):
 * - bridge: `br_fdb_cleanup` deletes an entry `ageing_time` after it was last refreshed, and reschedules
 *   itself for the next expiry, so on time (to the jiffy);
 * - vxlan: `vxlan_cleanup` runs at least every 10 s (FDB_AGE_INTERVAL) and reschedules itself for the next
 *   expiry; with `ageing` of 10 s or more an entry goes on time, below it up to 10 s late: refused;
 * - neighbour: a REACHABLE entry stays so for `reachable_time`, which Linux draws at random in
 *   [base/2, 3·base/2) when the base is written (and again for every interface every 300 s); the model
 *   uses the base. The harness writes the base until the draw is at least the base (`ip ntable` shows
 *   it), and checks at the end that no redraw took it below: then the base must outlast a run, and one and
 *   a half times the base a pause. Its timer puts an entry used lately in DELAY rather than STALE, and
 *   the harness's delay_first_probe_time is an hour: there it stays.
 */
import type { Timeline } from '../model/timeline.ts';
import type { Timers, Topology, TopologyIssue } from '../model/topology.ts';

/** The gap between two items of a run (longer than a failed resolution, and than arping's one-second
 *  wait for an answer). */
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

/** The margin on every bound: process start-up, jiffies, the kernel's workqueue. */
export const SLACK_MS = 2000;
/** The margin on the neighbour bound inside a run (the reachable time is at most 5 s, Weave's). */
export const NEIGH_SLACK_MS = 500;
/** `vxlan_cleanup`'s period (drivers/net/vxlan: FDB_AGE_INTERVAL): ageing below it is late. */
export const VXLAN_CLEANUP_MS = 10_000;
/** The FDB ageing the harness leaves alone (Linux's default for both, as in the model). */
const FDB_DEFAULT_MS = 300_000;

/** The timers the harness sets through the kernel's knobs: `ageing_time` on the bridge, `ageing` on the
 *  vxlan device, `base_reachable_time_ms` on every container's eth0 and on ethbr. */
export type HarnessTimers = Pick<Timers, 'bridgeAgeingMs' | 'vxlanAgeingMs' | 'reachableMs'>;

/** Why the harness refuses each other timer. */
const REFUSED: Record<Exclude<keyof Timers, keyof HarnessTimers>, string> = {
  macCacheMs: 'the Linux-native layout has no Weave router',
  flowIdleMs: 'the Linux-native layout has no datapath',
  delayFirstProbeMs:
    'the harness keeps its quiet delay_first_probe_time (an hour): an entry in DELAY stays there, since a probe inside a run would come at another moment in the kernel than in the model',
  retransMs: "the harness keeps its 500 ms retrans_time: a failed resolution must end inside its item's 2 s",
};

/** How long after a run's last item every shortened timer has surely done its work (the longest draw for
 *  reachable time); 0 when none is shortened. */
export function settleMs(timers: HarnessTimers = {}): number {
  const reachable = timers.reachableMs === undefined ? 0 : (timers.reachableMs * 3) / 2;
  return Math.max(timers.bridgeAgeingMs ?? 0, timers.vxlanAgeingMs ?? 0, reachable);
}

/** The longest a run may take, in either clock, under these timers: counted from time 0 or the run's
 *  first item (`fdb`), and from its first item (`neigh`); Infinity for a timer not shortened. */
export function runLimitMs(timers: HarnessTimers = {}): { fdb: number; neigh: number } {
  const { bridgeAgeingMs: b, vxlanAgeingMs: v, reachableMs: r } = timers;
  const ageing = Math.min(b ?? Number.POSITIVE_INFINITY, v ?? Number.POSITIVE_INFINITY);
  return {
    fdb: ageing - SLACK_MS,
    neigh: r === undefined ? Number.POSITIVE_INFINITY : r - NEIGH_SLACK_MS,
  };
}

/** How long the case may last in all: the timers it does not shorten must never fire. */
function caseLimitMs(timers: HarnessTimers): number {
  const quiet = [
    timers.bridgeAgeingMs === undefined ? FDB_DEFAULT_MS : Number.POSITIVE_INFINITY,
    timers.vxlanAgeingMs === undefined ? FDB_DEFAULT_MS : Number.POSITIVE_INFINITY,
    timers.reachableMs === undefined ? QUIET_NEIGH.baseReachableMs / 2 : Number.POSITIVE_INFINITY,
  ];
  return Math.min(...quiet) - SLACK_MS;
}

/** A run of items: indices into the timeline, first and last. */
export interface RunSpan {
  first: number;
  last: number;
}

/** The runs of a timeline: maximal stretches of items `PING_GAP` apart; a longer gap is a pause. */
export function runsOf(traffic: Timeline): RunSpan[] {
  const runs: RunSpan[] = [];
  traffic.forEach((item, k) => {
    const open = runs.at(-1);
    if (open !== undefined && item.at - traffic[open.last]!.at <= PING_GAP) open.last = k;
    else runs.push({ first: k, last: k });
  });
  return runs;
}

/** The items a pause follows: the last item of every run but the last. */
export function pausesAfter(traffic: Timeline): number[] {
  return runsOf(traffic)
    .slice(0, -1)
    .map((r) => r.last);
}

/** A run's span in the model's time: from its first item (from 0 for the first run when `fromZero`: the
 *  containers start and announce then) to the end of its last item's `PING_GAP`. */
export const spanMs = (traffic: Timeline, r: RunSpan, fromZero = true): number =>
  traffic[r.last]!.at - (r.first === 0 && fromZero ? 0 : traffic[r.first]!.at) + PING_GAP;

/** What the harness cannot compare in a case's timing, each with its field. */
export function timingIssues(topology: Topology, traffic: Timeline): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  const timers = topology.timers ?? {};
  for (const [name, why] of Object.entries(REFUSED))
    if (timers[name as keyof Timers] !== undefined)
      issue(`topology.timers.${name}`, `the harness cannot shorten ${name}: ${why}`);
  const { bridgeAgeingMs, vxlanAgeingMs } = timers;
  if (bridgeAgeingMs !== undefined && bridgeAgeingMs % 10 !== 0)
    issue('topology.timers.bridgeAgeingMs', `${bridgeAgeingMs}: the bridge's ageing_time is in 10 ms steps`);
  if (vxlanAgeingMs !== undefined && (vxlanAgeingMs % 1000 !== 0 || vxlanAgeingMs < VXLAN_CLEANUP_MS))
    issue(
      'topology.timers.vxlanAgeingMs',
      `${vxlanAgeingMs}: the vxlan device ages in whole seconds, and below ${VXLAN_CLEANUP_MS / 1000} s its cleanup (every ${VXLAN_CLEANUP_MS / 1000} s) deletes late`,
    );
  const limit = runLimitMs(timers);
  for (const r of runsOf(traffic)) {
    const [fdb, neigh] = [spanMs(traffic, r), spanMs(traffic, r, false)];
    const items = `the run of items ${r.first + 1} to ${r.last + 1}`;
    if (fdb > limit.fdb)
      issue(
        `traffic[${r.last}].at`,
        `${items} lasts ${fdb} ms in the model (from ${r.first === 0 ? 'time 0' : 'its first item'}): the shortened ageing must outlast it by ${SLACK_MS} ms, so at most ${limit.fdb} ms`,
      );
    if (neigh > limit.neigh)
      issue(
        `traffic[${r.last}].at`,
        `${items} lasts ${neigh} ms in the model from its first item: the shortened reachable time must outlast it by ${NEIGH_SLACK_MS} ms, so at most ${limit.neigh} ms`,
      );
  }
  const settle = settleMs(timers) + SLACK_MS;
  for (const k of pausesAfter(traffic)) {
    const gap = traffic[k + 1]!.at - traffic[k]!.at;
    if (gap < settle)
      issue(
        `traffic[${k + 1}].at`,
        `a pause of ${gap} ms after item ${k + 1}: a pause must outlast every shortened timer by ${SLACK_MS} ms (one and a half times the reachable time, the ageing times), so at least ${settle} ms`,
      );
  }
  const end = (traffic.at(-1)?.at ?? 0) + PING_GAP;
  const most = caseLimitMs(timers);
  if (end > most)
    issue(
      `traffic[${traffic.length - 1}].at`,
      `the case lasts ${end} ms: the timers it does not shorten must never fire (the 300 s FDB ageing, the harness's hour of reachable time), so at most ${most} ms`,
    );
  return issues;
}
