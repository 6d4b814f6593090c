/**
 * When a property may hold the network to a promise in a world that changes (`model/timeline.ts`).
 *
 * A container that starts, stops or moves takes the network a while to catch up with: the routers and
 * controllers of other hosts hear of it `GOSSIP_DELAY_MS` later, and a neighbour resolution may take its
 * whole retry budget. A promise about some IPs and containers at time `t` (a ping delivered, an ARP
 * request answered, a neighbour entry right) is owed only when none of them changed in the `SETTLE_MS`
 * before `t`, nor changes in the `2 × RETRY_BUDGET_MS` after (a request and its reply, each within a
 * budget). Changes long before `t` do not excuse anything: a network that is still wrong `SETTLE_MS` after
 * a move is the finding (docs/dynamics.md). In a static world nothing changes after time 0 (the
 * topology's own starts are not changes), so every promise is owed.
 *
 * The mesh (`model/peering.ts`) is one more party of every promise that spans hosts: while the peers' views
 * of the peer graph may differ (a peer leaving or joining, a link going down or up, anywhere), routes and
 * broadcast trees are in flux everywhere, so such a promise is owed only when the mesh too has been quiet
 * for as long, and its hosts reach each other over the peer graph as it is (`Facts.settled`). So has the
 * underlay: a datagram lost, duplicated or delayed (`model/network/faults.ts`) may be any of the frames
 * a promise spanning hosts rests on (its ARP exchange, an announcement, the ping itself).
 */
import { DEFAULT_NEIGH_PARAMS } from '../model/components/container.ts';
import { GOSSIP_DELAY_MS } from '../model/network/schedule.ts';
import type { Change } from '../model/timeline.ts';
import { MAC_MAX_AGE_MS } from '../model/weave-router.ts';

/** How long a packet may take: a neighbour resolution's whole retry budget, mcast_solicit broadcast
 *  solicits retrans_time apart (3 × 1 s with Linux's defaults). Links have no latency. */
export const RETRY_BUDGET_MS = DEFAULT_NEIGH_PARAMS.mcastSolicit * DEFAULT_NEIGH_PARAMS.retransMs;

/** How long after a change the network has to catch up: the gossip to the other hosts, then one
 *  neighbour resolution. */
export const SETTLE_MS = GOSSIP_DELAY_MS + RETRY_BUDGET_MS;

/** What a promise is about: IPs (a change of their owner counts) and containers (by name). */
export interface Parties {
  ips?: readonly string[];
  containers?: readonly string[];
}

/** Whether a promise at `at` about `parties` is owed: none of them changes around it. */
export function settled(changes: readonly Change[], at: number, parties: Parties): boolean {
  const from = at - SETTLE_MS;
  const to = at + 2 * RETRY_BUDGET_MS;
  return !changes.some(
    (c) =>
      c.at > from &&
      c.at <= to &&
      (parties.ips?.includes(c.placement.ip) || parties.containers?.includes(c.placement.name)),
  );
}

/** The sweep period of upstream's MAC cache (`router/network_router.go`, the one-minute ticker that calls
 *  `expire`); the model ages lazily, so this only makes the bound the one a real router keeps. */
export const MAC_SWEEP_MS = 60_000;

/** How long a quiet world takes to forget everything a change made stale: the longest ageing of any data
 *  plane (upstream's MAC cache, 10 min, swept every minute; fastdp's record of a MAC's port lives 10 min in
 *  the model, one to two 10-minute sweeps upstream; bridge and vxlan FDBs and datapath flows age in 5
 *  min), then `SETTLE_MS` to learn afresh. Linux neighbour entries have no timer here: a stale entry is
 *  given up through DELAY and PROBE once it is used. */
export const HEAL_MS = MAC_MAX_AGE_MS + MAC_SWEEP_MS + SETTLE_MS;

/** Whether the whole world has been quiet for `HEAL_MS` before `at`, and stays so while a ping sent then
 *  and its reply are owed. */
export function healed(changes: readonly Change[], at: number): boolean {
  return !changes.some((c) => c.at > at - HEAL_MS && c.at <= at + 2 * RETRY_BUDGET_MS);
}

/** Whether the mesh (or the underlay: its faults) has been quiet for `quietMs` before `at`, and stays so
 *  while a promise made then is owed. */
export function meshQuiet(changes: readonly { at: number }[], at: number, quietMs: number): boolean {
  return !changes.some((c) => c.at > at - quietMs && c.at <= at + 2 * RETRY_BUDGET_MS);
}
