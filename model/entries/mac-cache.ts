/**
 * One entry of the Weave router's MAC cache (upstream `router/mac_cache.go`, used by
 * `router/network_router.go:88-180`): where a MAC is, this peer (`local`) or another (`remote`).
 *
 * - A frame captured on this host teaches "the source MAC is here" with a non-forced add (`Add`): it never
 *   overwrites another peer's entry; the router then drops the frame as probably its own injection.
 * - A frame forwarded by a peer teaches "the source MAC is at the capturing peer" with a forced add
 *   (`AddForced`): it always overwrites, and a MAC that moves makes fastdp flush its flows.
 * - An entry's last sighting is refreshed at most once per maxAge/10 (`mac_cache.go:39, 62-64`), and an
 *   entry older than maxAge (10 min) counts as absent: upstream sweeps it away every minute, the model
 *   ages it lazily, so an expired entry is learned afresh by the next sighting.
 */
import { setup } from 'xstate';
import { effect } from '../machine/effect.ts';
import type { Output } from '../machine/io.ts';

export type MacCacheState = 'absent' | 'local' | 'remote';

export interface MacCacheData {
  /** The peer the MAC is at. */
  peer: string;
  /** Virtual ms of the sighting that set or last refreshed the entry. */
  seen: number;
}

export type MacEntry = MacCacheData & { state: Exclude<MacCacheState, 'absent'> };

interface Common {
  now: number;
  maxAgeMs: number;
}

export type MacCacheEvent =
  /** Captured on this host, peer `self`: a non-forced add. */
  | (Common & { type: 'captured'; self: string })
  /** Forwarded by a peer that captured it at `peer`: a forced add. */
  | (Common & { type: 'forwarded'; peer: string });

type D = MacCacheData;
type E = MacCacheEvent;

const peerOf = (e: E) => (e.type === 'captured' ? e.self : e.peer);
const refreshDue = (d: D, e: E) => e.now - d.seen >= e.maxAgeMs / 10;

export const macCacheMachine = setup({
  types: { context: {} as MacCacheData, events: {} as MacCacheEvent, emitted: {} as Output },
  guards: {
    /** Older than maxAge: counts as absent. */
    expired: ({ context, event }) => event.now - context.seen > event.maxAgeMs,
    /** Its last refresh is maxAge/10 ago or more. */
    refreshDue: ({ context, event }) => refreshDue(context, event),
    /** Sighted at the peer it is already at, and its last refresh is maxAge/10 ago or more. */
    samePeerRefreshDue: ({ context, event }) => context.peer === peerOf(event) && refreshDue(context, event),
    samePeer: ({ context, event }) => context.peer === peerOf(event),
  },
  actions: {
    learn: effect<D, E>((_, e) => ({ peer: peerOf(e), seen: e.now })),
    refresh: effect<D, E>((_, e) => ({ seen: e.now })),
    keep: effect<D, E>(() => undefined),
  },
}).createMachine({
  id: 'mac-cache-entry',
  description: "a Weave router's MAC cache entry: the MAC is here, or at another peer",
  context: { peer: '', seen: 0 },
  initial: 'absent',
  states: {
    absent: {
      on: {
        captured: { target: 'local', actions: 'learn', description: 'Add: learned here' },
        forwarded: {
          target: 'remote',
          actions: 'learn',
          description: 'AddForced: learned at the capturing peer',
        },
      },
    },
    local: {
      on: {
        captured: [
          { guard: 'expired', actions: 'learn', description: 'aged out: learned afresh' },
          { guard: 'refreshDue', actions: 'refresh', description: 'Add: last sighting refreshed' },
          { actions: 'keep', description: 'Add: refreshed less than maxAge/10 ago' },
        ],
        forwarded: [
          { guard: 'expired', target: 'remote', actions: 'learn', description: 'aged out: learned afresh' },
          { guard: 'samePeerRefreshDue', actions: 'refresh', description: 'AddForced: refreshed' },
          { guard: 'samePeer', actions: 'keep', description: 'AddForced: refreshed less than maxAge/10 ago' },
          {
            target: 'remote',
            actions: 'learn',
            description: 'AddForced: the MAC moved to the capturing peer (fastdp flushes its flows)',
          },
        ],
      },
    },
    remote: {
      on: {
        captured: [
          {
            guard: 'expired',
            target: 'local',
            actions: 'learn',
            description: 'aged out: learned afresh here',
          },
          {
            actions: 'keep',
            description: 'Add refuses to overwrite another peer: the frame is probably our own injection',
          },
        ],
        forwarded: [
          { guard: 'expired', actions: 'learn', description: 'aged out: learned afresh' },
          { guard: 'samePeerRefreshDue', actions: 'refresh', description: 'AddForced: refreshed' },
          { guard: 'samePeer', actions: 'keep', description: 'AddForced: refreshed less than maxAge/10 ago' },
          {
            actions: 'learn',
            description: 'AddForced: the MAC moved to another peer (fastdp flushes its flows)',
          },
        ],
      },
    },
  },
});
