/**
 * One entry of a container's IPv4 neighbour (ARP) table, with Linux's NUD states, modelled on
 * `net/core/neighbour.c` (`__neigh_event_send`, `neigh_timer_handler`, `__neigh_update`) and
 * `net/ipv4/arp.c` (`arp_process`, `arp_solicit`), with Weave's neighbour settings (upstream `net/arp.go`:
 * base_reachable_time 5 s, delay_first_probe_time 2 s, ucast_solicit 1).
 *
 * NONE is an entry not yet made (the container keeps no NONE entries). The events:
 * - `send`: the container sends an IPv4 packet to this neighbour (`neigh_resolve_output`);
 * - `timer`: the entry's timer came due (`neigh_timer_handler`);
 * - `reply`: an ARP reply from this neighbour (`arp_process`, `__neigh_update` to REACHABLE);
 * - `update`: an ARP request or announcement names this neighbour as its sender (`__neigh_update` to
 *   STALE; `create` when the request is for our address, arp_accept=0 otherwise), or a reply that came
 *   broadcast (`arp_process`: "broadcast replies do not assert neighbour reachability");
 * - `admin`: `ip neigh replace IP lladdr MAC nud permanent` (`__neigh_update` with NEIGH_UPDATE_F_ADMIN):
 *   PERMANENT, whatever the entry was. ARP never changes a PERMANENT entry and no timer runs on it.
 *
 * Linux draws reachable_time at random in [base/2, 3·base/2); the model uses the draw the case's
 * scheduler made (`reachableMs`, `model/network/draws.ts`), or exactly the base, so that runs replay
 * exactly. A REACHABLE entry whose reachable time has passed counts as STALE when it is used, as
 * the kernel's lazy check in `neigh_event_send` does, even if its timer has not fired at that instant.
 * When its timer finds the reachable time over, an entry used within delay_first_probe_time goes to DELAY
 * rather than STALE (`neigh_timer_handler`: "neigh is delayed"); `used` is when the entry was made
 * (`neigh_alloc`) or last sent through while not REACHABLE (`neigh_event_send`: a REACHABLE entry sends on
 * the connected path, which leaves it alone).
 */
import { setup } from 'xstate';
import type { Ip, Mac } from '../addresses.ts';
import { effect } from '../machine/effect.ts';
import type { Output } from '../machine/io.ts';
import { arpRequest, type Frame, type Ipv4 } from '../packets.ts';

export type NeighState =
  | 'NONE'
  | 'INCOMPLETE'
  | 'REACHABLE'
  | 'STALE'
  | 'DELAY'
  | 'PROBE'
  | 'FAILED'
  | 'PERMANENT';

/** Neighbour-table settings, in ms and counts (Linux `/proc/sys/net/ipv4/neigh/eth0/*`). */
export interface NeighParams {
  /** Broadcast solicits while INCOMPLETE (mcast_solicit). */
  mcastSolicit: number;
  /** Unicast solicits while PROBE (ucast_solicit). */
  ucastSolicit: number;
  /** Time between solicits (retrans_time_ms). */
  retransMs: number;
  /** How long a confirmation keeps an entry REACHABLE on average (base_reachable_time_ms). */
  baseReachableMs: number;
  /** How long it does on this interface: the kernel's draw from [base/2, 3·base/2) (`model/network/
   *  draws.ts`); exactly the base when none was drawn. */
  reachableMs?: number;
  /** How long DELAY waits for a confirmation before probing (delay_first_probe_time). */
  delayFirstProbeMs: number;
  /** Packets queued per unresolved neighbour (unres_qlen). */
  queueLen: number;
  /** How long after an entry changes ARP from another MAC is ignored (locktime). */
  locktimeMs: number;
}

/** Linux's defaults (mcast_solicit 3, retrans_time 1 s, unres_qlen 101, locktime 1 s) with Weave's settings
 *  (upstream `net/arp.go`: ucast_solicit 1, base_reachable_time 5 s, delay_first_probe_time 2 s). */
export const DEFAULT_NEIGH_PARAMS: NeighParams = {
  mcastSolicit: 3,
  ucastSolicit: 1,
  retransMs: 1000,
  baseReachableMs: 5000,
  delayFirstProbeMs: 2000,
  queueLen: 101,
  locktimeMs: 1000,
};

/** An entry's data besides its state: one row of `ip neigh`. */
export interface NeighData {
  /** The neighbour's MAC; absent while INCOMPLETE and once FAILED (a failed MAC is never used). */
  mac?: Mac;
  /** Solicits sent in the current INCOMPLETE (broadcast) or PROBE (unicast) round. */
  probes: number;
  /** When a reply last confirmed the neighbour reachable (virtual ms); null before any. */
  confirmed: number | null;
  /** When the state or MAC last changed (virtual ms); for DELAY, when it entered DELAY. */
  updated: number;
  /** When the entry was made or last sent through outside REACHABLE (`neigh->used`, virtual ms). */
  used: number;
  /** Packets waiting for the MAC, oldest first (INCOMPLETE only). */
  queue: Ipv4[];
}

export type NeighEntry = NeighData & { state: Exclude<NeighState, 'NONE'> };

/** The data of an entry not yet made. */
export const NEW_NEIGHBOUR: NeighData = { probes: 0, confirmed: null, updated: 0, used: 0, queue: [] };

/** The interface an entry belongs to (a container's eth0, or the host kernel's port on the bridge): what
 *  its solicits and frames are sent from, and on which port. */
export interface NeighHost {
  mac: Mac;
  ip: Ip;
  params: NeighParams;
  port: string;
}

interface Common {
  now: number;
  /** The neighbour's IP: the entry's key. */
  ip: Ip;
  host: NeighHost;
}

export type NeighEvent =
  | (Common & { type: 'send'; packet: Ipv4 })
  | (Common & { type: 'timer' })
  | (Common & { type: 'reply'; mac: Mac; garp: boolean })
  | (Common & { type: 'update'; mac: Mac; create: boolean; garp: boolean })
  | (Common & { type: 'admin'; mac: Mac });

type D = NeighData;
type E = NeighEvent;

const TIMER_PREFIX = 'neigh/';
/** The key of an entry's timer in the container. */
export const neighTimerKey = (ip: Ip): string => `${TIMER_PREFIX}${ip}`;
/** The neighbour IP a timer key belongs to, or undefined for another timer. */
export const neighOfTimer = (key: string): Ip | undefined =>
  key.startsWith(TIMER_PREFIX) ? key.slice(TIMER_PREFIX.length) : undefined;

/** A new entry starts unconfirmed: Linux sets confirmed to now - 2 * base_reachable_time. */
const unconfirmed = (e: E) => e.now - 2 * e.host.params.baseReachableMs;
/** The interface's reachable time: the kernel's draw, or the base. */
const reachableMs = (e: E) => e.host.params.reachableMs ?? e.host.params.baseReachableMs;
const reachableUntil = (d: D, e: E) => (d.confirmed ?? unconfirmed(e)) + reachableMs(e);

function macOf(d: D, e: E): Mac {
  if (d.mac === undefined) throw new Error(`neighbour ${e.ip} has no MAC`);
  return d.mac;
}

function arm(out: Output[], e: E, at: number): void {
  out.push({ type: 'timer.set', key: neighTimerKey(e.ip), at });
}

/** `arp_solicit`: who-has, broadcast, or unicast to the cached MAC when probing. */
function solicit(out: Output[], e: E, to?: Mac): void {
  out.push({
    type: 'send',
    port: e.host.port,
    packet: arpRequest(e.host.mac, e.host.ip, e.ip, to),
    origin: true,
  });
}

function sendFrame(out: Output[], e: E, dst: Mac, payload: Ipv4): void {
  const frame: Frame = { kind: 'frame', src: e.host.mac, dst, payload };
  out.push({ type: 'send', port: e.host.port, packet: frame, origin: true });
}

/** The trace's line for a state change, `neigh IP FROM -> TO MAC`, written after the change's data. */
function moved(from: NeighState, to: NeighState) {
  return effect<D, E>((d, e, out) => {
    out.push({ type: 'note', text: `neigh ${e.ip} ${from} -> ${to}${d.mac ? ` ${d.mac}` : ''}` });
    return undefined;
  });
}

/** Give up (`neigh_invalidate`): FAILED, the MAC forgotten, every queued packet dropped. */
function fail(from: 'INCOMPLETE' | 'PROBE', reason: (d: D, e: E) => string) {
  return effect<D, E>((d, e, out) => {
    out.push({ type: 'note', text: `neigh ${e.ip} ${from} -> FAILED` });
    for (const p of d.queue) out.push({ type: 'drop', reason: `${reason(d, e)} (ping ${p.ping} dropped)` });
    return { mac: undefined, updated: e.now, queue: [] };
  });
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

const noAction = effect<D, E>(() => undefined);

/** In every state but PERMANENT: an administrator's static entry replaces whatever the entry was. */
const ADMIN = {
  admin: {
    target: 'PERMANENT',
    actions: 'setPermanent',
    description: '__neigh_update (NEIGH_UPDATE_F_ADMIN): ip neigh replace ... nud permanent',
  },
} as const;

/** First, for ARP input in every state that has a MAC: another MAC within locktime is ignored. */
const LOCKED = {
  guard: 'lockedOut',
  actions: 'ignoreLocked',
  description: 'arp_process: another MAC within locktime of the last change, not gratuitous; no override',
} as const;

export const neighbourMachine = setup({
  types: { context: {} as NeighData, events: {} as NeighEvent, emitted: {} as Output },
  guards: {
    /** The entry's reachable time has run out (`neigh_timer_handler`, and the lazy check on use). */
    reachableExpired: ({ context, event }) => event.now >= reachableUntil(context, event),
    /** The reachable time has run out, but the entry was used no longer than delay_first_probe_time ago
     *  (`neigh_timer_handler`: `time_before_eq(now, used + DELAY_PROBE_TIME)`). */
    expiredButUsedLately: ({ context, event }) =>
      event.now >= reachableUntil(context, event) &&
      event.now <= context.used + event.host.params.delayFirstProbeMs,
    /** Broadcast solicits left in this INCOMPLETE round (mcast_solicit). */
    broadcastProbesLeft: ({ context, event }) => context.probes < event.host.params.mcastSolicit,
    /** Unicast probes left in this PROBE round (ucast_solicit). */
    unicastProbesLeft: ({ context, event }) => context.probes < event.host.params.ucastSolicit,
    /** The neighbour was confirmed at or after the moment the entry entered DELAY (Linux: `neigh_confirm`
     *  from an upper layer such as TCP; in the model, an ARP reply in the same instant, as when a request
     *  from the neighbour with another MAC follows the reply that confirmed it). */
    confirmedSinceDelay: ({ context }) => context.confirmed !== null && context.confirmed >= context.updated,
    /** The ARP packet names the MAC the entry already has. */
    sameMac: ({ context, event }) => 'mac' in event && context.mac === event.mac,
    /** `arp_process`: an ARP packet naming another MAC than the entry's, up to locktime after the entry's
     *  last change (`time_after` is strict), does not override it and is ignored ("use the FIRST one").
     *  A gratuitous one (`arp_is_garp`) and a request for our own address (`neigh_event_ns`) always
     *  override. */
    lockedOut: ({ context, event }) =>
      (event.type === 'reply' || (event.type === 'update' && !event.create)) &&
      !event.garp &&
      context.mac !== undefined &&
      context.mac !== event.mac &&
      event.now <= context.updated + event.host.params.locktimeMs,
    /** An ARP request for our own address may create an entry for its sender (arp_accept=0). */
    mayCreate: ({ event }) => event.type === 'update' && event.create,
  },
  actions: {
    noAction,
    // ---- output path: __neigh_event_send, neigh_resolve_output ----
    /** INCOMPLETE: queue the packet, one solicit sent. A new entry starts unconfirmed. */
    startResolution: effect<D, E>((d, e) =>
      e.type === 'send'
        ? {
            probes: 1,
            confirmed: d.confirmed ?? unconfirmed(e),
            updated: e.now,
            used: e.now,
            queue: [e.packet],
          }
        : undefined,
    ),
    noteNoneIncomplete: moved('NONE', 'INCOMPLETE'),
    noteFailedIncomplete: moved('FAILED', 'INCOMPLETE'),
    solicitBroadcast: effect<D, E>((_, e, out) => {
      solicit(out, e);
      return undefined;
    }),
    armRetrans: effect<D, E>((_, e, out) => {
      arm(out, e, e.now + e.host.params.retransMs);
      return undefined;
    }),
    /** INCOMPLETE: queue the packet; when unres_qlen is reached Linux drops the oldest. */
    enqueue: effect<D, E>((d, e, out) => {
      if (e.type !== 'send') return undefined;
      let queue = [...d.queue, e.packet];
      const max = e.host.params.queueLen;
      while (queue.length > max) {
        const [oldest, ...rest] = queue;
        out.push({
          type: 'drop',
          reason: `neighbour ${e.ip} queue full (unres_qlen ${max}): dropped oldest ping ${oldest?.ping}`,
        });
        queue = rest;
      }
      return { queue, used: e.now };
    }),
    touch: effect<D, E>((_, e) => ({ updated: e.now })),
    /** `neigh_event_send` on a packet sent through an entry that is not REACHABLE. */
    use: effect<D, E>((d, e) => (d.used === e.now ? undefined : { used: e.now })),
    /** `neigh_alloc`: a new entry is used as it is made. */
    made: effect<D, E>((_, e) => ({ used: e.now })),
    noteReachableDelay: moved('REACHABLE', 'DELAY'),
    noteReachableStale: moved('REACHABLE', 'STALE'),
    noteStaleDelay: moved('STALE', 'DELAY'),
    armDelay: effect<D, E>((_, e, out) => {
      arm(out, e, e.now + e.host.params.delayFirstProbeMs);
      return undefined;
    }),
    sendPacket: effect<D, E>((d, e, out) => {
      if (e.type === 'send') sendFrame(out, e, macOf(d, e), e.packet);
      return undefined;
    }),
    // ---- timers: neigh_timer_handler ----
    resolicit: effect<D, E>((d, e, out) => {
      solicit(out, e);
      return { probes: d.probes + 1 };
    }),
    failUnanswered: fail(
      'INCOMPLETE',
      (d, e) => `neighbour ${e.ip} FAILED: no ARP reply after ${plural(d.probes, 'request')}`,
    ),
    armReachable: effect<D, E>((d, e, out) => {
      arm(out, e, reachableUntil(d, e));
      return undefined;
    }),
    noteDelayReachable: moved('DELAY', 'REACHABLE'),
    beginProbe: effect<D, E>((_, e) => ({ probes: 1, updated: e.now })),
    noteDelayProbe: moved('DELAY', 'PROBE'),
    solicitUnicast: effect<D, E>((d, e, out) => {
      solicit(out, e, macOf(d, e));
      return undefined;
    }),
    reprobe: effect<D, E>((d, e, out) => {
      solicit(out, e, macOf(d, e));
      return { probes: d.probes + 1 };
    }),
    failUnprobed: fail(
      'PROBE',
      (d, e) => `neighbour ${e.ip} FAILED: no reply to ${d.probes} unicast probe(s)`,
    ),
    // ---- ARP input: arp_process, __neigh_update ----
    dropUnsolicited: effect<D, E>((_, e, out) => {
      if (e.type === 'reply')
        out.push({
          type: 'drop',
          reason: `unsolicited ARP reply ${e.ip} is-at ${e.mac}: no neighbour entry (arp_accept=0)`,
        });
      return undefined;
    }),
    /** A reply confirms the neighbour on the replied MAC. */
    confirm: effect<D, E>((_, e) =>
      e.type === 'reply' ? { mac: e.mac, probes: 0, confirmed: e.now, updated: e.now } : undefined,
    ),
    /** Confirmed again on the same MAC in the same state: `__neigh_update` leaves `updated` (the locktime
     *  window) where it was. */
    reconfirm: effect<D, E>((_, e) => (e.type === 'reply' ? { probes: 0, confirmed: e.now } : undefined)),
    noteIncompleteReachable: moved('INCOMPLETE', 'REACHABLE'),
    noteReachableReachable: moved('REACHABLE', 'REACHABLE'),
    noteStaleReachable: moved('STALE', 'REACHABLE'),
    noteProbeReachable: moved('PROBE', 'REACHABLE'),
    noteFailedReachable: moved('FAILED', 'REACHABLE'),
    armConfirmed: effect<D, E>((_, e, out) => {
      arm(out, e, e.now + reachableMs(e));
      return undefined;
    }),
    /** What waited for the MAC goes out to it. */
    sendQueued: effect<D, E>((d, e, out) => {
      for (const p of d.queue) sendFrame(out, e, macOf(d, e), p);
      return d.queue.length > 0 ? { queue: [] } : undefined;
    }),
    /** The sender's MAC, as STALE (a new entry is unconfirmed). */
    adoptMac: effect<D, E>((d, e) =>
      e.type === 'update'
        ? { mac: e.mac, probes: 0, confirmed: d.confirmed ?? unconfirmed(e), updated: e.now }
        : undefined,
    ),
    noteNoneStale: moved('NONE', 'STALE'),
    noteIncompleteStale: moved('INCOMPLETE', 'STALE'),
    noteReachableStaleMac: moved('REACHABLE', 'STALE'),
    noteStaleStale: moved('STALE', 'STALE'),
    noteDelayStale: moved('DELAY', 'STALE'),
    noteProbeStale: moved('PROBE', 'STALE'),
    noteFailedStale: moved('FAILED', 'STALE'),
    /** The administrator's MAC: PERMANENT, its timer stopped; what waited for a MAC goes out to it. */
    setPermanent: effect<D, E>((d, e, out) => {
      if (e.type !== 'admin') return undefined;
      out.push({ type: 'timer.clear', key: neighTimerKey(e.ip) });
      out.push({ type: 'note', text: `neigh ${e.ip} -> PERMANENT ${e.mac} (ip neigh replace)` });
      for (const p of d.queue) sendFrame(out, e, e.mac, p);
      return { mac: e.mac, probes: 0, updated: e.now, queue: [] };
    }),
    /** The MAC and the state stay; a unicast reply still confirms the neighbour (`__neigh_update` sets
     *  `confirmed` for a NUD_CONNECTED update before it gives up on the address). */
    ignoreLocked: effect<D, E>((d, e, out) => {
      if (e.type !== 'reply' && e.type !== 'update') return undefined;
      out.push({
        type: 'drop',
        reason: `ARP ${e.ip} is-at ${e.mac} ignored: the entry changed to ${d.mac} no more than locktime ago`,
      });
      return e.type === 'reply' ? { confirmed: e.now } : undefined;
    }),
    clearTimer: effect<D, E>((_, e, out) => {
      out.push({ type: 'timer.clear', key: neighTimerKey(e.ip) });
      return undefined;
    }),
  },
}).createMachine({
  id: 'neighbour',
  description: 'a neighbour (ARP) table entry with Linux NUD states',
  context: NEW_NEIGHBOUR,
  initial: 'NONE',
  states: {
    NONE: {
      on: {
        ...ADMIN,
        send: {
          target: 'INCOMPLETE',
          actions: ['startResolution', 'noteNoneIncomplete', 'solicitBroadcast', 'armRetrans'],
          description: '__neigh_event_send: a new entry, the packet queued, the first broadcast solicit',
        },
        reply: {
          actions: 'dropUnsolicited',
          description: 'arp_process, arp_accept=0: a reply without an entry creates none',
        },
        update: {
          guard: 'mayCreate',
          target: 'STALE',
          actions: ['adoptMac', 'made', 'noteNoneStale'],
          description: 'arp_process: a request for our address creates a STALE entry for its sender',
        },
      },
    },
    INCOMPLETE: {
      on: {
        ...ADMIN,
        send: {
          actions: 'enqueue',
          description: '__neigh_event_send: queued, oldest dropped past unres_qlen',
        },
        timer: [
          {
            guard: 'broadcastProbesLeft',
            actions: ['resolicit', 'armRetrans'],
            description: 'neigh_timer_handler: another broadcast solicit, up to mcast_solicit',
          },
          {
            target: 'FAILED',
            actions: 'failUnanswered',
            description: 'neigh_timer_handler: mcast_solicit solicits unanswered; the queue is dropped',
          },
        ],
        reply: {
          target: 'REACHABLE',
          actions: ['confirm', 'noteIncompleteReachable', 'armConfirmed', 'sendQueued'],
          description: '__neigh_update: the reply resolves the entry; the queue goes out',
        },
        update: {
          target: 'DELAY',
          actions: [
            'adoptMac',
            'noteIncompleteStale',
            'clearTimer',
            'noteStaleDelay',
            'armDelay',
            'sendQueued',
          ],
          description: '__neigh_update to STALE releases the queue through neigh_resolve_output: DELAY',
        },
      },
    },
    REACHABLE: {
      on: {
        ...ADMIN,
        send: [
          {
            guard: 'reachableExpired',
            target: 'DELAY',
            actions: ['touch', 'use', 'noteReachableStale', 'noteStaleDelay', 'armDelay', 'sendPacket'],
            description: 'neigh_event_send: reachable time over, so STALE, and used: DELAY',
          },
          { actions: 'sendPacket', description: 'neigh_resolve_output: sent to the cached MAC' },
        ],
        timer: [
          {
            guard: 'expiredButUsedLately',
            target: 'DELAY',
            actions: ['touch', 'noteReachableDelay', 'armDelay'],
            description:
              'neigh_timer_handler: reachable time over, used within delay_first_probe_time: delayed',
          },
          {
            guard: 'reachableExpired',
            target: 'STALE',
            actions: ['touch', 'noteReachableStale'],
            description: 'neigh_timer_handler: reachable time over, not used lately: suspected',
          },
          { actions: 'armReachable', description: 'neigh_timer_handler: confirmed since; re-armed' },
        ],
        reply: [
          LOCKED,
          {
            guard: 'sameMac',
            actions: ['reconfirm', 'armConfirmed', 'sendQueued'],
            description: '__neigh_update: confirmed again (nothing changed: `updated` stays)',
          },
          {
            actions: ['confirm', 'noteReachableReachable', 'armConfirmed', 'sendQueued'],
            description: '__neigh_update: confirmed on another MAC',
          },
        ],
        update: [
          LOCKED,
          { guard: 'sameMac', actions: 'noAction', description: '__neigh_update: nothing new' },
          {
            target: 'STALE',
            actions: ['adoptMac', 'noteReachableStaleMac', 'clearTimer'],
            description: '__neigh_update: another MAC, unconfirmed',
          },
        ],
      },
    },
    STALE: {
      on: {
        ...ADMIN,
        send: {
          target: 'DELAY',
          actions: ['touch', 'use', 'noteStaleDelay', 'armDelay', 'sendPacket'],
          description: 'neigh_event_send: used while STALE; wait delay_first_probe_time for a confirmation',
        },
        reply: [
          LOCKED,
          {
            target: 'REACHABLE',
            actions: ['confirm', 'noteStaleReachable', 'armConfirmed', 'sendQueued'],
            description: '__neigh_update: confirmed',
          },
        ],
        update: [
          LOCKED,
          { guard: 'sameMac', actions: 'noAction', description: '__neigh_update: nothing new' },
          {
            target: 'STALE',
            actions: ['adoptMac', 'noteStaleStale'],
            description: '__neigh_update: another MAC',
          },
        ],
      },
    },
    DELAY: {
      on: {
        ...ADMIN,
        send: {
          actions: ['use', 'sendPacket'],
          description: 'neigh_resolve_output: sent to the cached MAC',
        },
        timer: [
          {
            guard: 'confirmedSinceDelay',
            target: 'REACHABLE',
            actions: ['touch', 'noteDelayReachable', 'armReachable'],
            description: 'neigh_timer_handler: confirmed meanwhile (neigh_confirm)',
          },
          {
            target: 'PROBE',
            actions: ['beginProbe', 'noteDelayProbe', 'solicitUnicast', 'armRetrans'],
            description: 'neigh_timer_handler: no confirmation; probe the cached MAC by unicast',
          },
        ],
        reply: [
          LOCKED,
          {
            target: 'REACHABLE',
            actions: ['confirm', 'noteDelayReachable', 'armConfirmed', 'sendQueued'],
            description: '__neigh_update: confirmed',
          },
        ],
        update: [
          LOCKED,
          { guard: 'sameMac', actions: 'noAction', description: '__neigh_update: nothing new' },
          {
            target: 'STALE',
            actions: ['adoptMac', 'noteDelayStale', 'clearTimer'],
            description: '__neigh_update: another MAC',
          },
        ],
      },
    },
    PROBE: {
      on: {
        ...ADMIN,
        send: {
          actions: ['use', 'sendPacket'],
          description: 'neigh_resolve_output: sent to the cached MAC',
        },
        timer: [
          {
            guard: 'unicastProbesLeft',
            actions: ['reprobe', 'armRetrans'],
            description: 'neigh_timer_handler: another unicast probe, up to ucast_solicit',
          },
          {
            target: 'FAILED',
            actions: 'failUnprobed',
            description: 'neigh_timer_handler: ucast_solicit probes unanswered',
          },
        ],
        reply: [
          LOCKED,
          {
            target: 'REACHABLE',
            actions: ['confirm', 'noteProbeReachable', 'armConfirmed', 'sendQueued'],
            description: '__neigh_update: the probe is answered',
          },
        ],
        update: [
          LOCKED,
          { guard: 'sameMac', actions: 'noAction', description: '__neigh_update: nothing new' },
          {
            target: 'STALE',
            actions: ['adoptMac', 'noteProbeStale', 'clearTimer'],
            description: '__neigh_update: another MAC',
          },
        ],
      },
    },
    FAILED: {
      on: {
        ...ADMIN,
        send: {
          target: 'INCOMPLETE',
          actions: ['startResolution', 'noteFailedIncomplete', 'solicitBroadcast', 'armRetrans'],
          description: '__neigh_event_send: resolve again',
        },
        reply: {
          target: 'REACHABLE',
          actions: ['confirm', 'noteFailedReachable', 'armConfirmed', 'sendQueued'],
          description: '__neigh_update: a late reply still resolves the entry',
        },
        update: {
          target: 'STALE',
          actions: ['adoptMac', 'noteFailedStale'],
          description: '__neigh_update: the sender is back',
        },
      },
    },
    PERMANENT: {
      on: {
        send: { actions: 'sendPacket', description: 'neigh_resolve_output: sent to the static MAC' },
        reply: {
          actions: 'noAction',
          description: '__neigh_update: ARP never changes a PERMANENT entry (no NEIGH_UPDATE_F_ADMIN)',
        },
        update: {
          actions: 'noAction',
          description: '__neigh_update: ARP never changes a PERMANENT entry (no NEIGH_UPDATE_F_ADMIN)',
        },
        admin: {
          actions: 'setPermanent',
          description: '__neigh_update (NEIGH_UPDATE_F_ADMIN): replaced with another MAC',
        },
      },
    },
  },
});
