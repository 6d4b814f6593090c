/**
 * The IPv4 end of one Linux interface: one address in one on-link subnet, and the neighbour (ARP) table,
 * each entry a machine of its own (`model/entries/neighbour.ts`). A container's `eth0` is one, and so is
 * the host kernel behind the bridge when the host has an overlay IP (`weave expose`): the same kernel
 * code answers in both (`net/ipv4/arp.c` `arp_process`, `net/ipv4/icmp.c` `icmp_echo`).
 *
 * - arp_accept=0: an ARP request for our address creates a STALE entry for the requester; any other
 *   ARP (requests for others, gratuitous ARP, replies) only updates an entry that already exists;
 * - an echo request for our address is answered; a packet for any other address is not ours
 *   (ip_forward off on the overlay);
 * - what we send goes out on-link through the neighbour table, to our own address over loopback, and
 *   nowhere else (the model has no gateway).
 */
import type { AnyStateMachine } from 'xstate';
import {
  BROADCAST_MAC,
  broadcastOf,
  type Cidr,
  type Ip,
  inSubnet,
  type Mac,
  ZERO_MAC,
} from '../addresses.ts';
import {
  NEW_NEIGHBOUR,
  type NeighData,
  type NeighEntry,
  type NeighEvent,
  type NeighHost,
  type NeighParams,
  type NeighState,
  neighOfTimer,
} from '../entries/neighbour.ts';
import { stepChild } from '../machine/child.ts';
import type { Output } from '../machine/io.ts';
import { type Arp, arpReply, type Frame, type Ipv4, isGratuitous } from '../packets.ts';

/** The interface's address and table, as its owner's context holds them. */
export interface IpStack {
  mac: Mac;
  ip: Ip;
  subnet: Cidr;
  params: NeighParams;
  neigh: Record<Ip, NeighEntry>;
}

/** Who owns the stack, for the reasons it gives: a container, or the host kernel (whose drops cite the
 *  seed's steps for it: SL-L.2.2.1, SL-X.2.2.1). */
export type StackOwner = 'container' | 'host kernel';

/** One event's work in progress: the neighbour table as it becomes, and the outputs so far. */
export interface StackWork {
  readonly stack: IpStack;
  readonly owner: StackOwner;
  /** The port frames go out of; the neighbour entries send on it too. */
  readonly port: string;
  readonly host: NeighHost;
  readonly neighbour: AnyStateMachine;
  readonly now: number;
  neigh: Record<Ip, NeighEntry>;
  out: Output[];
}

type NeighInput =
  | { type: 'send'; packet: Ipv4 }
  | { type: 'timer' }
  | { type: 'reply'; mac: Mac; garp: boolean }
  | { type: 'update'; mac: Mac; create: boolean; garp: boolean }
  | { type: 'admin'; mac: Mac };

/** Runs one event's work on the stack; returns the changed neighbour table, if it changed. */
export function stackWork(
  neighbour: AnyStateMachine,
  stack: IpStack,
  owner: StackOwner,
  port: string,
  now: number,
  out: Output[],
  body: (w: StackWork) => void,
): Record<Ip, NeighEntry> | undefined {
  const host: NeighHost = { mac: stack.mac, ip: stack.ip, params: stack.params, port };
  const w: StackWork = { stack, owner, port, host, neighbour, now, neigh: stack.neigh, out };
  body(w);
  return w.neigh === stack.neigh ? undefined : w.neigh;
}

/** The neighbour a timer (`neigh_timer_handler`) is for, while its entry exists; a leftover timer of an
 *  entry gone, or another timer, is for none. */
export function timerNeighbour(neigh: Record<Ip, NeighEntry>, key: string): Ip | undefined {
  const ip = neighOfTimer(key);
  return ip !== undefined && neigh[ip] !== undefined ? ip : undefined;
}

/** Steps the entry for `ip` through one event; an entry left NONE is not kept. */
export function stepNeighbour(w: StackWork, ip: Ip, input: NeighInput): void {
  const event = { ...input, now: w.now, ip, host: w.host } as NeighEvent;
  const old = w.neigh[ip];
  const next = stepChild<NeighState, NeighData>(w.neighbour, old, NEW_NEIGHBOUR, event, w.out);
  if (next !== old && next.state !== 'NONE') w.neigh = { ...w.neigh, [ip]: next as NeighEntry };
}

export function drop(w: StackWork, reason: string): void {
  w.out.push({ type: 'drop', reason });
}

// ---- ARP input: arp_process ----

/** `arp_is_garp`: it announces its sender's own address (a reply also names its sender's MAC as target),
 *  an ordinary unicast address (RTN_UNICAST: not ours, not the subnet's broadcast address). Gratuitous
 *  ARP overrides an entry even within locktime. */
function isGarp(w: StackWork, arp: Arp): boolean {
  return (
    isGratuitous(arp) &&
    (arp.op === 'request' || arp.targetMac === arp.senderMac) &&
    arp.senderIp !== w.stack.ip &&
    arp.senderIp !== broadcastOf(w.stack.subnet)
  );
}

function notMine(w: StackWork, arp: Arp): string {
  if (isGratuitous(arp)) return `ARP announce ${arp.senderIp} is-at ${arp.senderMac}: nothing to answer`;
  return w.owner === 'host kernel'
    ? `host kernel: ARP for ${arp.targetIp}, not this host's address (SL-L.2.2.1, SL-X.2.2.1)`
    : `ARP who-has ${arp.targetIp}: not my address`;
}

export function arpInput(w: StackWork, frame: Frame, arp: Arp): void {
  const garp = isGarp(w, arp);
  if (arp.op === 'reply') {
    // "Broadcast replies and request packets do not assert neighbour reachability": STALE, never made.
    stepNeighbour(
      w,
      arp.senderIp,
      frame.dst === BROADCAST_MAC
        ? { type: 'update', mac: arp.senderMac, create: false, garp }
        : { type: 'reply', mac: arp.senderMac, garp },
    );
    return;
  }
  const forMe = arp.targetIp === w.stack.ip && !isGratuitous(arp);
  stepNeighbour(w, arp.senderIp, { type: 'update', mac: arp.senderMac, create: forMe, garp });
  if (forMe) {
    // Linux replies straight to the requester's MAC (sha), without a neighbour lookup.
    w.out.push({ type: 'send', port: w.port, packet: arpReply(arp, w.stack.mac), origin: true });
    return;
  }
  drop(w, notMine(w, arp));
}

// ---- IPv4: ip_rcv / ip_local_deliver / icmp_echo / ip_route_output ----

/** An IPv4 packet that came in on the interface: ours, or not (no forwarding). */
export function ipInput(w: StackWork, frame: Frame, pkt: Ipv4): void {
  if (pkt.dst !== w.stack.ip) {
    const who = w.owner === 'host kernel' ? 'host kernel: ' : '';
    drop(w, `${who}${pkt.dst}: not my address (ip_forward off)`);
  } else ipLocalDeliver(w, frame, pkt);
}

/** The stack accepts the packet; an echo request is answered. */
function ipLocalDeliver(w: StackWork, frame: Frame, pkt: Ipv4): void {
  w.out.push({ type: 'deliver', packet: frame });
  if (pkt.icmp === 'echo-request')
    ipOutput(w, { kind: 'ipv4', src: w.stack.ip, dst: pkt.src, icmp: 'echo-reply', ping: pkt.ping });
}

/** Route a packet the stack makes: to itself over loopback, on-link through the neighbour table. */
export function ipOutput(w: StackWork, pkt: Ipv4): void {
  if (pkt.dst === w.stack.ip) {
    // Loopback: the model has no `lo` port; the frame stands in for it, with lo's all-zero MAC.
    const frame: Frame = { kind: 'frame', src: ZERO_MAC, dst: ZERO_MAC, payload: pkt };
    ipLocalDeliver(w, frame, pkt);
  } else if (!inSubnet(pkt.dst, w.stack.subnet))
    drop(w, `no route to ${pkt.dst} (not in ${w.stack.subnet}; the model has no gateway)`);
  else stepNeighbour(w, pkt.dst, { type: 'send', packet: pkt });
}
