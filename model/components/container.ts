/**
 * A container: a network namespace with one interface `eth0`, one IP in the overlay subnet, and Linux's
 * IPv4 neighbour (ARP) table. It is where the seed's flows start and end: A sends directly to a peer in
 * its subnet (SL-L.1, SL-X.1, FD-X.1), broadcasts an ARP request (SL-L.2, SL-X.2, FD-X.2), learns the
 * MAC from the reply and sends (SL-L.4, SL-X.4, FD-X.4), and the target receives (SL-L.6, SL-X.9, FD-X.9)
 * and answers ARP for its own address (SL-L.2.1). The container alone cannot tell which flow it is in,
 * so its outputs carry no seed IDs.
 *
 * Where the seed is silent this models Linux (`net/core/neighbour.c` `__neigh_event_send`,
 * `neigh_timer_handler`, `__neigh_update`; `net/ipv4/arp.c` `arp_process`, `arp_solicit`) with Weave's
 * neighbour settings (upstream `net/arp.go`: base_reachable_time 5 s, delay_first_probe_time 2 s,
 * ucast_solicit 1), and upstream Weave's gratuitous ARP when the address is added (`net/veth.go`):
 * - INCOMPLETE: packets queue (unres_qlen, oldest dropped when full), broadcast solicits every
 *   retrans_time, FAILED after mcast_solicit of them with the queue dropped (the ICMP host unreachable
 *   is local to the sender, so no frame);
 * - REACHABLE for base_reachable_time after a reply, then STALE; sending on STALE moves to DELAY, then
 *   PROBE with unicast solicits to the cached MAC, then FAILED;
 * - arp_accept=0: an ARP request for our address creates a STALE entry for the requester; any other
 *   ARP (requests for others, gratuitous ARP, replies) only updates an entry that already exists.
 */
import { enqueueActions, setup } from 'xstate';
import { BROADCAST_MAC, type Cidr, type Ip, inSubnet, type Mac, ZERO_MAC } from '../addresses.ts';
import {
  type Arp,
  arpReply,
  arpRequest,
  type Frame,
  gratuitousArp,
  type Ipv4,
  isGratuitous,
  type Message,
} from '../packets.ts';
import type { ComponentEvent, Output } from './io.ts';

/** The container's only port. */
const ETH0 = 'eth0';

export type NeighState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED';

/** One row of `ip neigh`. */
export interface NeighEntry {
  state: NeighState;
  /** The neighbour's MAC; absent while INCOMPLETE and once FAILED (a failed MAC is never used). */
  mac?: Mac;
  /** Solicits sent in the current INCOMPLETE (broadcast) or PROBE (unicast) round. */
  probes: number;
  /** When a reply last confirmed the neighbour reachable (virtual ms). */
  confirmed: number;
  /** When the state or MAC last changed (virtual ms); for DELAY, when it entered DELAY. */
  updated: number;
  /** Packets waiting for the MAC, oldest first (INCOMPLETE only). */
  queue: Ipv4[];
}

/** Neighbour-table settings, in ms and counts (Linux `/proc/sys/net/ipv4/neigh/eth0/*`). */
export interface NeighParams {
  /** Broadcast solicits while INCOMPLETE (mcast_solicit). */
  mcastSolicit: number;
  /** Unicast solicits while PROBE (ucast_solicit). */
  ucastSolicit: number;
  /** Time between solicits (retrans_time_ms). */
  retransMs: number;
  /** How long a confirmation keeps an entry REACHABLE (base_reachable_time_ms). Linux picks
   *  reachable_time at random in [base/2, 3*base/2]; this model uses exactly base, to stay deterministic. */
  baseReachableMs: number;
  /** How long DELAY waits for a confirmation before probing (delay_first_probe_time). */
  delayFirstProbeMs: number;
  /** Packets queued per unresolved neighbour (unres_qlen). */
  queueLen: number;
}

/** Linux's defaults (mcast_solicit 3, retrans_time 1 s, unres_qlen 101) with Weave's settings
 *  (upstream `net/arp.go`: ucast_solicit 1, base_reachable_time 5 s, delay_first_probe_time 2 s). */
export const DEFAULT_NEIGH_PARAMS: NeighParams = {
  mcastSolicit: 3,
  ucastSolicit: 1,
  retransMs: 1000,
  baseReachableMs: 5000,
  delayFirstProbeMs: 2000,
  queueLen: 101,
};

export interface ContainerInput {
  name: string;
  mac: Mac;
  ip: Ip;
  subnet: Cidr;
  neigh?: Partial<NeighParams>;
  /** Mutant (tests only): send only the first ARP request of a resolution, never retry (FAILED still
   *  comes at the usual time). */
  neverRetry?: boolean;
}

export interface ContainerContext {
  name: string;
  mac: Mac;
  ip: Ip;
  subnet: Cidr;
  params: NeighParams;
  neverRetry: boolean;
  neigh: Record<Ip, NeighEntry>;
}

/** One event's work in progress: the neighbour table as it becomes, and the outputs so far. */
interface Work {
  readonly ctx: ContainerContext;
  readonly now: number;
  neigh: Record<Ip, NeighEntry>;
  out: Output[];
}

const TIMER_PREFIX = 'neigh/';
const timerKey = (ip: Ip): string => `${TIMER_PREFIX}${ip}`;

function cachedMac(ip: Ip, e: NeighEntry): Mac {
  if (e.mac === undefined) throw new Error(`neighbour ${ip} is ${e.state} without a MAC`);
  return e.mac;
}

/** Store an entry (immutably); note the change when the state or the MAC moved. */
function put(w: Work, ip: Ip, next: NeighEntry): void {
  const old = w.neigh[ip];
  w.neigh = { ...w.neigh, [ip]: next };
  if (old?.state !== next.state || old.mac !== next.mac)
    w.out.push({
      type: 'note',
      text: `neigh ${ip} ${old?.state ?? 'NONE'} -> ${next.state}${next.mac ? ` ${next.mac}` : ''}`,
    });
}

function drop(w: Work, reason: string): void {
  w.out.push({ type: 'drop', reason });
}

function armTimer(w: Work, ip: Ip, at: number): void {
  w.out.push({ type: 'timer.set', key: timerKey(ip), at });
}

function sendFrame(w: Work, dst: Mac, payload: Ipv4): void {
  const frame: Frame = { kind: 'frame', src: w.ctx.mac, dst, payload };
  w.out.push({ type: 'send', port: ETH0, packet: frame, origin: true });
}

/** `arp_solicit`: who-has `ip`, broadcast, or unicast to `to` when probing a cached MAC. */
function arpSolicit(w: Work, ip: Ip, to?: Mac): void {
  w.out.push({ type: 'send', port: ETH0, packet: arpRequest(w.ctx.mac, w.ctx.ip, ip, to), origin: true });
}

/** A new entry starts unconfirmed: Linux sets confirmed to now - 2 * base_reachable_time. */
function unconfirmed(w: Work): number {
  return w.now - 2 * w.ctx.params.baseReachableMs;
}

// ---- Output path: __neigh_event_send / neigh_resolve_output ----

/** A REACHABLE entry whose reachable time has run out counts as STALE (lazy ageing, in case its timer
 *  has not fired yet at this instant). */
function ageReachable(w: Work, ip: Ip): NeighEntry | undefined {
  const e = w.neigh[ip];
  if (e?.state !== 'REACHABLE' || w.now < e.confirmed + w.ctx.params.baseReachableMs) return e;
  const stale: NeighEntry = { ...e, state: 'STALE', updated: w.now };
  put(w, ip, stale);
  return stale;
}

/** No entry, or FAILED: create INCOMPLETE, queue the packet, broadcast the first solicit. */
function startResolution(w: Work, pkt: Ipv4, old: NeighEntry | undefined): void {
  const ip = pkt.dst;
  const confirmed = old?.confirmed ?? unconfirmed(w);
  put(w, ip, { state: 'INCOMPLETE', probes: 1, confirmed, updated: w.now, queue: [pkt] });
  arpSolicit(w, ip);
  armTimer(w, ip, w.now + w.ctx.params.retransMs);
}

/** INCOMPLETE: queue the packet; when unres_qlen is reached Linux drops the oldest. */
function queueUnresolved(w: Work, ip: Ip, e: NeighEntry, pkt: Ipv4): void {
  let queue = [...e.queue, pkt];
  while (queue.length > w.ctx.params.queueLen) {
    const [oldest, ...rest] = queue;
    drop(
      w,
      `neighbour ${ip} queue full (unres_qlen ${w.ctx.params.queueLen}): dropped oldest ping ${oldest?.ping}`,
    );
    queue = rest;
  }
  put(w, ip, { ...e, queue });
}

/** Sending on STALE: use the MAC, but start the DELAY clock for a confirmation. */
function enterDelay(w: Work, ip: Ip, e: NeighEntry): void {
  put(w, ip, { ...e, state: 'DELAY', updated: w.now });
  armTimer(w, ip, w.now + w.ctx.params.delayFirstProbeMs);
}

/** Send an IPv4 packet to an on-link neighbour, resolving its MAC first if needed. */
function neighOutput(w: Work, pkt: Ipv4): void {
  const ip = pkt.dst;
  const e = ageReachable(w, ip);
  if (e === undefined || e.state === 'FAILED') startResolution(w, pkt, e);
  else if (e.state === 'INCOMPLETE') queueUnresolved(w, ip, e, pkt);
  else {
    if (e.state === 'STALE') enterDelay(w, ip, e);
    sendFrame(w, cachedMac(ip, e), pkt);
  }
}

// ---- Timers: neigh_timer_handler ----

/** Give up: FAILED, the MAC forgotten, every queued packet dropped. */
function neighFailed(w: Work, ip: Ip, e: NeighEntry, reason: string): void {
  put(w, ip, { state: 'FAILED', probes: e.probes, confirmed: e.confirmed, updated: w.now, queue: [] });
  for (const pkt of e.queue) drop(w, `${reason} (ping ${pkt.ping} dropped)`);
}

function incompleteTimer(w: Work, ip: Ip, e: NeighEntry): void {
  const { mcastSolicit, retransMs } = w.ctx.params;
  if (e.probes < mcastSolicit) {
    // The neverRetry mutant lets the retransmit slot pass without sending.
    if (!w.ctx.neverRetry) arpSolicit(w, ip);
    put(w, ip, { ...e, probes: e.probes + 1 });
    armTimer(w, ip, w.now + retransMs);
    return;
  }
  const sent = w.ctx.neverRetry ? 1 : e.probes;
  neighFailed(w, ip, e, `neighbour ${ip} FAILED: no ARP reply after ${sent} request${sent === 1 ? '' : 's'}`);
}

function reachableTimer(w: Work, ip: Ip, e: NeighEntry): void {
  const expires = e.confirmed + w.ctx.params.baseReachableMs;
  if (w.now >= expires) put(w, ip, { ...e, state: 'STALE', updated: w.now });
  else armTimer(w, ip, expires);
}

function delayTimer(w: Work, ip: Ip, e: NeighEntry): void {
  if (e.confirmed >= e.updated) {
    put(w, ip, { ...e, state: 'REACHABLE', updated: w.now });
    armTimer(w, ip, e.confirmed + w.ctx.params.baseReachableMs);
    return;
  }
  put(w, ip, { ...e, state: 'PROBE', probes: 1, updated: w.now });
  arpSolicit(w, ip, cachedMac(ip, e));
  armTimer(w, ip, w.now + w.ctx.params.retransMs);
}

function probeTimer(w: Work, ip: Ip, e: NeighEntry): void {
  if (e.probes < w.ctx.params.ucastSolicit) {
    arpSolicit(w, ip, cachedMac(ip, e));
    put(w, ip, { ...e, probes: e.probes + 1 });
    armTimer(w, ip, w.now + w.ctx.params.retransMs);
    return;
  }
  neighFailed(w, ip, e, `neighbour ${ip} FAILED: no reply to ${e.probes} unicast probe(s)`);
}

function neighTimer(w: Work, key: string): void {
  if (!key.startsWith(TIMER_PREFIX)) return;
  const ip = key.slice(TIMER_PREFIX.length);
  const e = w.neigh[ip];
  // STALE and FAILED entries keep no timer; a fire for them (or for no entry) is a leftover: ignore it.
  if (e?.state === 'INCOMPLETE') incompleteTimer(w, ip, e);
  else if (e?.state === 'REACHABLE') reachableTimer(w, ip, e);
  else if (e?.state === 'DELAY') delayTimer(w, ip, e);
  else if (e?.state === 'PROBE') probeTimer(w, ip, e);
}

// ---- ARP input: arp_process / __neigh_update ----

/** An ARP packet names its sender: record it as STALE. A new entry only if `create` (a request for our
 *  address); an unchanged MAC keeps the state; a new MAC makes it STALE. An entry becoming valid
 *  releases its queue (which moves it to DELAY, as Linux's queued output does). */
function neighUpdateStale(w: Work, ip: Ip, mac: Mac, create: boolean): void {
  const e = w.neigh[ip];
  if (e === undefined) {
    if (create)
      put(w, ip, { state: 'STALE', mac, probes: 0, confirmed: unconfirmed(w), updated: w.now, queue: [] });
    return;
  }
  if (e.mac === mac) return;
  put(w, ip, { ...e, state: 'STALE', mac, probes: 0, updated: w.now, queue: [] });
  if (e.state !== 'FAILED' && e.state !== 'STALE') w.out.push({ type: 'timer.clear', key: timerKey(ip) });
  for (const pkt of e.queue) neighOutput(w, pkt);
}

/** An ARP reply confirms its sender, if we asked (arp_accept=0: an entry must exist, in any state). */
function arpReplyInput(w: Work, arp: Arp): void {
  const ip = arp.senderIp;
  const e = w.neigh[ip];
  if (e === undefined) {
    drop(w, `unsolicited ARP reply ${ip} is-at ${arp.senderMac}: no neighbour entry (arp_accept=0)`);
    return;
  }
  put(w, ip, {
    state: 'REACHABLE',
    mac: arp.senderMac,
    probes: 0,
    confirmed: w.now,
    updated: w.now,
    queue: [],
  });
  armTimer(w, ip, w.now + w.ctx.params.baseReachableMs);
  for (const pkt of e.queue) sendFrame(w, arp.senderMac, pkt);
}

function arpInput(w: Work, arp: Arp): void {
  if (arp.op === 'reply') {
    arpReplyInput(w, arp);
    return;
  }
  const forMe = arp.targetIp === w.ctx.ip && !isGratuitous(arp);
  neighUpdateStale(w, arp.senderIp, arp.senderMac, forMe);
  if (forMe) {
    // Linux replies straight to the requester's MAC (sha), without a neighbour lookup.
    w.out.push({ type: 'send', port: ETH0, packet: arpReply(arp, w.ctx.mac), origin: true });
    return;
  }
  drop(
    w,
    isGratuitous(arp)
      ? `ARP announce ${arp.senderIp} is-at ${arp.senderMac}: nothing to answer`
      : `ARP who-has ${arp.targetIp}: not my address`,
  );
}

// ---- IPv4: ip_local_deliver / icmp_echo / ip_route_output ----

/** The stack accepts the packet; an echo request is answered. */
function ipLocalDeliver(w: Work, frame: Frame, pkt: Ipv4): void {
  w.out.push({ type: 'deliver', packet: frame });
  if (pkt.icmp === 'echo-request')
    ipOutput(w, { kind: 'ipv4', src: w.ctx.ip, dst: pkt.src, icmp: 'echo-reply', ping: pkt.ping });
}

/** Route a packet the container makes: to itself over loopback, on-link through the neighbour table. */
function ipOutput(w: Work, pkt: Ipv4): void {
  if (pkt.dst === w.ctx.ip) {
    // Loopback: the model has no `lo` port; the frame stands in for it, with lo's all-zero MAC.
    const frame: Frame = { kind: 'frame', src: ZERO_MAC, dst: ZERO_MAC, payload: pkt };
    ipLocalDeliver(w, frame, pkt);
  } else if (!inSubnet(pkt.dst, w.ctx.subnet))
    drop(w, `no route to ${pkt.dst} (not in ${w.ctx.subnet}; the model has no gateway)`);
  else neighOutput(w, pkt);
}

// ---- eth0 input ----

function ethInput(w: Work, port: string, msg: Message): void {
  if (port !== ETH0) drop(w, `no port ${port}`);
  else if (msg.kind !== 'frame') drop(w, `not an Ethernet frame: ${msg.kind}`);
  // Not promiscuous: only frames for our MAC, or broadcast.
  else if (msg.dst !== w.ctx.mac && msg.dst !== BROADCAST_MAC)
    drop(w, `not for this interface (dst ${msg.dst})`);
  else if (msg.payload.kind === 'arp') arpInput(w, msg.payload);
  else if (msg.payload.dst !== w.ctx.ip) drop(w, `${msg.payload.dst}: not my address (ip_forward off)`);
  else ipLocalDeliver(w, msg, msg.payload);
}

/** What one event does to a container: the new neighbour table and the outputs. */
export function containerStep(
  ctx: ContainerContext,
  event: ComponentEvent,
): { neigh: Record<Ip, NeighEntry>; out: Output[] } {
  const w: Work = { ctx, now: event.now, neigh: ctx.neigh, out: [] };
  if (event.type === 'recv') ethInput(w, event.port, event.packet);
  else if (event.type === 'timer.fire') neighTimer(w, event.key);
  else ipOutput(w, { kind: 'ipv4', src: ctx.ip, dst: event.dst, icmp: 'echo-request', ping: event.ping });
  return { neigh: w.neigh, out: w.out };
}

function initialContext(input: ContainerInput): ContainerContext {
  if (!inSubnet(input.ip, input.subnet))
    throw new Error(`${input.name}: ${input.ip} is not in ${input.subnet}`);
  return {
    name: input.name,
    mac: input.mac,
    ip: input.ip,
    subnet: input.subnet,
    params: { ...DEFAULT_NEIGH_PARAMS, ...input.neigh },
    neverRetry: input.neverRetry ?? false,
    neigh: {},
  };
}

export const containerMachine = setup({
  types: {
    context: {} as ContainerContext,
    events: {} as ComponentEvent,
    input: {} as ContainerInput,
    emitted: {} as Output,
  },
  actions: {
    /** Upstream Weave sends a gratuitous ARP when it adds the address (`net/veth.go`). */
    announce: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({
        type: 'send',
        port: ETH0,
        packet: gratuitousArp(context.mac, context.ip),
        origin: true,
      });
    }),
    handle: enqueueActions(({ context, event, enqueue }) => {
      const { neigh, out } = containerStep(context, event);
      if (neigh !== context.neigh) enqueue.assign({ neigh });
      for (const o of out) enqueue.emit(o);
    }),
  },
}).createMachine({
  id: 'container',
  context: ({ input }) => initialContext(input),
  initial: 'up',
  states: {
    up: {
      entry: 'announce',
      on: { recv: { actions: 'handle' }, 'timer.fire': { actions: 'handle' }, ping: { actions: 'handle' } },
    },
  },
});
