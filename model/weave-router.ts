/**
 * Upstream Weave's router as a distributed L2 learning switch (docs/upstream.md §1.2, §1.4, §1.5, §3),
 * as pure functions shared by the Sleeve router and the Fast Datapath controller. Each returns a
 * decision as plain data: the new MAC cache, whether to inject the frame into the local bridge, and the
 * copies to send to other peers. The caller turns the decision into UDP datagrams (Sleeve) or flows
 * (FDP). Line numbers are for weaveworks/weave at 8c84763.
 *
 * - A frame captured locally teaches "src MAC is here" (non-forced add); a frame forwarded by a peer
 *   teaches "src MAC is at the capturing peer" (forced add) (`router/network_router.go:88-180`).
 * - Unknown and group destinations are flooded along the capturing peer's broadcast tree; known remote
 *   unicast goes to the unicast next hop towards the owning peer (`router/network_router.go:184-219`).
 * - The MAC cache ages entries after 10 min (`router/network_router.go:21-23`, `router/mac_cache.go`).
 *   Upstream sweeps every minute; here ageing is lazy: an entry older than `maxAgeMs` counts as absent.
 */
import type { Mac } from './addresses.ts';
import { type MacCacheEvent, type MacEntry, macCacheMachine } from './entries/mac-cache.ts';
import { type MacTable, macDelete, macEntries, macGet, macSet } from './mac-table.ts';
import { stepChild } from './machine/child.ts';
import type { Frame } from './packets.ts';
import type { MeshRoutes } from './routing.ts';

/** `macMaxAge` (`router/network_router.go:21-23`): longer than container ARP cache expiry. */
export const MAC_MAX_AGE_MS = 10 * 60_000;

/** Spanning-tree BPDUs, which the router discards (`router/network_router.go:105-108`). */
export const STP_MAC: Mac = '01:80:c2:00:00:00';

export type { MacEntry };

/** MAC -> (peer, lastSeen). Plain JSON; expired entries stay until overwritten but count as absent. */
export type MacCache = MacTable<MacEntry>;

/** What a router knows when it decides: its own peer name, its routes, its MAC cache, and the time. */
export interface RouterView {
  self: string;
  routes: MeshRoutes;
  macs: MacCache;
  now: number;
  /** Defaults to `MAC_MAX_AGE_MS`. */
  maxAgeMs?: number;
}

/** A frame as it travels between peers, tagged with its capturing peer and the peer it is for. */
export interface ForwardedFrame {
  srcPeer: string;
  dstPeer: string;
  frame: Frame;
}

/** One copy to send to the neighbour `hop`, carrying (`srcPeer`, `dstPeer`) as upstream sets them. */
export interface Relay {
  hop: string;
  srcPeer: string;
  dstPeer: string;
}

/** A MAC cache change worth a note; `was` is the peer it moved from (upstream then flushes fastdp flows). */
export interface Learned {
  mac: Mac;
  peer: string;
  was?: string;
}

export interface RouterDecision {
  macs: MacCache;
  learned?: Learned;
  /** Inject the frame into the local bridge. */
  inject: boolean;
  relay: Relay[];
  /** Why nothing (or not everything) was done with the frame. */
  drop?: string;
}

/** Which peer has `mac`, or undefined if unknown or aged out (`MacCache.Lookup`). */
export function macPeer(
  macs: MacCache,
  mac: Mac,
  now: number,
  maxAgeMs: number = MAC_MAX_AGE_MS,
): string | undefined {
  const e = macGet(macs, mac);
  return e !== undefined && now - e.seen <= maxAgeMs ? e.peer : undefined;
}

function lookup(view: RouterView, mac: Mac): string | undefined {
  return macPeer(view.macs, mac, view.now, view.maxAgeMs);
}

interface LearnResult {
  macs: MacCache;
  learned?: Learned;
  /** Non-forced add refused: the MAC is at this other peer. */
  conflict?: string;
}

/**
 * `MacCache.Add` / `AddForced` (`router/mac_cache.go:33-75`), through the entry's machine
 * (`model/entries/mac-cache.ts`): a non-forced add never overwrites another peer's entry; a forced one
 * always does. The result says what changed: a new MAC, a MAC that moved (`was`), or a refused add.
 */
export function learnMac(view: RouterView, mac: Mac, peer: string, forced: boolean): LearnResult {
  const maxAgeMs = view.maxAgeMs ?? MAC_MAX_AGE_MS;
  const cur = lookup(view, mac);
  const old = macGet(view.macs, mac);
  const event: MacCacheEvent = forced
    ? { type: 'forwarded', peer, now: view.now, maxAgeMs }
    : { type: 'captured', self: peer, now: view.now, maxAgeMs };
  const next = stepChild(macCacheMachine, old, { peer, seen: view.now }, event, []) as MacEntry;
  if (next === old)
    return cur !== undefined && cur !== peer ? { macs: view.macs, conflict: cur } : { macs: view.macs };
  const macs = macSet(view.macs, mac, next);
  if (cur === peer) return { macs };
  return { macs, learned: cur === undefined ? { mac, peer } : { mac, peer, was: cur } };
}

/** `relayBroadcast` (`router/network_router.go:203-219`): one copy per next hop of srcPeer's tree, each
 *  with dstPeer = that hop. No tree (unknown source, no path): no copies (`mesh/routes.go:290-293`). */
export function broadcastRelays(routes: MeshRoutes, srcPeer: string): Relay[] {
  return (routes.broadcast[srcPeer] ?? []).map((hop) => ({ hop, srcPeer, dstPeer: hop }));
}

/** `relay` (`router/network_router.go:184-201`): towards dstPeer via the unicast next hop, if any. */
export function unicastRelay(routes: MeshRoutes, srcPeer: string, dstPeer: string): Relay | undefined {
  const hop = routes.unicast[dstPeer];
  return hop === undefined ? undefined : { hop, srcPeer, dstPeer };
}

/** A frame the bridge sent to the router: `handleCapturedPacket` (`router/network_router.go:88-130`). */
export function handleCapturedPacket(view: RouterView, frame: Frame): RouterDecision {
  const { self, routes } = view;
  // :93-103: learn src as local, unless the cache places it at another peer.
  const l = learnMac(view, frame.src, self, false);
  if (l.conflict !== undefined)
    return {
      macs: view.macs,
      inject: false,
      relay: [],
      drop: `src ${frame.src} is at peer ${l.conflict}: probably our own injection`,
    };
  const base = { macs: l.macs, ...(l.learned && { learned: l.learned }), inject: false };
  // :105-108
  if (frame.dst === STP_MAC) return { ...base, relay: [], drop: 'STP frame' };
  const dstPeer = macPeer(l.macs, frame.dst, view.now, view.maxAgeMs);
  // :111-117
  if (dstPeer === self) return { ...base, relay: [], drop: `${frame.dst} is local: the bridge delivered it` };
  // :118-122: unknown unicast, broadcast and multicast (group MACs are never learned).
  if (dstPeer === undefined) {
    const relay = broadcastRelays(routes, self);
    return relay.length > 0
      ? { ...base, relay }
      : { ...base, relay, drop: `no peers on ${self}'s broadcast tree` };
  }
  // :123-129
  const r = unicastRelay(routes, self, dstPeer);
  return r ? { ...base, relay: [r] } : { ...base, relay: [], drop: `no route to peer ${dstPeer}` };
}

/** A frame from a peer: `handleForwardedPacket` (`router/network_router.go:132-180`). */
export function handleForwardedPacket(view: RouterView, fwd: ForwardedFrame): RouterDecision {
  const { self, routes } = view;
  const { srcPeer, dstPeer, frame } = fwd;
  // :140-144: not for us: relay unchanged towards dstPeer, learn nothing.
  if (dstPeer !== self) {
    const r = unicastRelay(routes, srcPeer, dstPeer);
    return r
      ? { macs: view.macs, inject: false, relay: [r] }
      : { macs: view.macs, inject: false, relay: [], drop: `no route to peer ${dstPeer}` };
  }
  // :150-158: force-learn src at the capturing peer; :161: inject locally.
  const l = learnMac(view, frame.src, srcPeer, true);
  const base = { macs: l.macs, ...(l.learned && { learned: l.learned }), inject: true };
  // :162-179: unless dst is known local, go on along srcPeer's broadcast tree.
  if (macPeer(l.macs, frame.dst, view.now, view.maxAgeMs) === self) return { ...base, relay: [] };
  return { ...base, relay: broadcastRelays(routes, srcPeer) };
}

/** The peers' garbage collection (`Peers.OnGC(... Macs.Delete(peer))`, `router/network_router.go:75`;
 *  `MacCache.Delete`, `router/mac_cache.go:88-99`): once the mesh no longer reaches a peer, every MAC the
 *  cache placed at it is forgotten. */
export function forgetUnreachable(
  macs: MacCache,
  reachable: readonly string[],
): { macs: MacCache; forgotten: Mac[] } {
  const forgotten = macEntries(macs)
    .filter(([, e]) => !reachable.includes(e.peer))
    .map(([mac]) => mac);
  let out = macs;
  for (const mac of forgotten) out = macDelete(out, mac);
  return { macs: out, forgotten };
}
