/**
 * The Fast Datapath's flow table types and the messages between the kernel datapath and its controller
 * (the Weave Router), as OVS exchanges them over netlink: upcalls (a miss, or an explicit `upcall`
 * action), flow installs and flushes, and packet executes (`dp.Execute`).
 *
 * A flow's match is a set of optional fields; an absent field is a wildcard (OVS megaflow style). Actions
 * are the ODP ones upstream Weave uses (`output`, `set-tunnel`; docs/upstream.md §2.3), plus the ones the
 * seed's guesses need: `flood`, `upcall` (H1), `set-eth-dst` and `arp-respond` (H2's fake-MAC answer and
 * rewrite; H1's responder for the retried request, like OVN's ARP responder).
 */
import type { Ip, Mac } from './addresses.ts';
import { describe, type Frame } from './packets.ts';

/** Tunnel metadata of a packet that arrived on the vxlan vport (outer source, VNI). */
export interface Tunnel {
  src: Ip;
  vni: number;
}

export interface FlowMatch {
  inPort?: string;
  ethSrc?: Mac;
  ethDst?: Mac;
  ethType?: 'arp' | 'ipv4';
  arpOp?: 'request' | 'reply';
  /** ARP target protocol address. */
  arpTpa?: Ip;
  ipDst?: Ip;
  tunnelSrc?: Ip;
  tunnelVni?: number;
}

export type FlowAction =
  | { type: 'output'; port: string }
  /** Every datapath port but the ingress one, `controller` and `vxlan` (a vxlan vport needs a tunnel). */
  | { type: 'flood' }
  /** Outer destination and VNI for the next `output` to the vxlan vport. */
  | { type: 'set-tunnel'; dst: Ip; vni: number }
  | { type: 'set-eth-dst'; mac: Mac }
  /** Turn an ARP request into the reply `tpa is-at mac` and send it back out of the ingress port. */
  | { type: 'arp-respond'; mac: Mac }
  | { type: 'upcall' };

export interface Flow {
  match: FlowMatch;
  /** Run in order; an empty list drops the packet (ODP semantics). */
  actions: FlowAction[];
  /** Higher wins. */
  priority: number;
  /** Idle expiry for this flow; defaults to the datapath's. Absent on both: the flow never expires. */
  idleMs?: number;
  /** Virtual ms of the install or the last packet that matched; the datapath keeps it. */
  lastUsed?: number;
  /** A name for traces. */
  label?: string;
  /** The seed step this flow models (docs/seed-flows.md); carried on the sends and drops it causes. */
  seed?: string;
}

/** Datapath -> controller: a packet that missed, or hit an `upcall` action. */
export interface Upcall {
  kind: 'upcall';
  inPort: string;
  frame: Frame;
  tunnel?: Tunnel;
}

/** Controller -> datapath: add a flow, or replace the one with the same match and priority. */
export interface FlowInstall {
  kind: 'flow-install';
  flow: Flow;
}

/** Controller -> datapath: delete the flow with this flow's match and priority (OVS `flow del`). */
export interface FlowDelete {
  kind: 'flow-delete';
  flow: Flow;
}

/** Controller -> datapath: delete every flow. */
export interface FlowFlush {
  kind: 'flow-flush';
}

/** Controller -> datapath: run `actions` on this packet now, as if it had arrived on `inPort`. */
export interface Execute {
  kind: 'execute';
  inPort: string;
  frame: Frame;
  tunnel?: Tunnel;
  actions: FlowAction[];
}

/** Datapath <-> controller messages. */
export type ControlMessage = Upcall | FlowInstall | FlowDelete | FlowFlush | Execute;

/** A packet's value for a match field, or undefined when the packet has no such field (an IPv4 packet
 *  has no ARP opcode; a packet that did not come from the vxlan vport has no tunnel source). */
export function fieldValue(
  field: keyof FlowMatch,
  frame: Frame,
  inPort: string,
  tunnel?: Tunnel,
): string | number | undefined {
  const p = frame.payload;
  switch (field) {
    case 'inPort':
      return inPort;
    case 'ethSrc':
      return frame.src;
    case 'ethDst':
      return frame.dst;
    case 'ethType':
      return p.kind;
    case 'arpOp':
      return p.kind === 'arp' ? p.op : undefined;
    case 'arpTpa':
      return p.kind === 'arp' ? p.targetIp : undefined;
    case 'ipDst':
      return p.kind === 'ipv4' ? p.dst : undefined;
    case 'tunnelSrc':
      return tunnel?.src;
    case 'tunnelVni':
      return tunnel?.vni;
  }
}

/** Does `frame`, arriving on `inPort` (with `tunnel` if it came from the vxlan vport), match? Every field
 *  the match sets must equal the packet's value (a field the packet lacks never matches). */
export function matches(match: FlowMatch, frame: Frame, inPort: string, tunnel?: Tunnel): boolean {
  return MATCH_FIELDS.every(
    ([k]) => match[k] === undefined || match[k] === fieldValue(k, frame, inPort, tunnel),
  );
}

const MATCH_FIELDS: [keyof FlowMatch, string][] = [
  ['tunnelSrc', 'tun_src'],
  ['tunnelVni', 'tun_id'],
  ['inPort', 'in_port'],
  ['ethSrc', 'dl_src'],
  ['ethDst', 'dl_dst'],
  ['ethType', ''],
  ['arpOp', 'arp_op'],
  ['arpTpa', 'arp_tpa'],
  ['ipDst', 'nw_dst'],
];

/** `ovs-ofctl`-style text of a match, in a fixed field order. */
export function describeMatch(m: FlowMatch): string {
  const parts = MATCH_FIELDS.flatMap(([k, name]) => {
    const v = m[k];
    if (v === undefined) return [];
    return [name === '' ? String(v) : `${name}=${v}`];
  });
  return parts.length === 0 ? '*' : parts.join(',');
}

export function describeAction(a: FlowAction): string {
  switch (a.type) {
    case 'output':
      return `output:${a.port}`;
    case 'flood':
      return 'flood';
    case 'set-tunnel':
      return `set_tunnel(dst=${a.dst},vni=${a.vni})`;
    case 'set-eth-dst':
      return `mod_dl_dst:${a.mac}`;
    case 'arp-respond':
      return `arp_respond(${a.mac})`;
    case 'upcall':
      return 'upcall';
  }
}

export function describeActions(actions: FlowAction[]): string {
  return actions.length === 0 ? 'drop' : actions.map(describeAction).join(',');
}

export function describeFlow(f: Flow): string {
  return `priority=${f.priority},${describeMatch(f.match)} actions=${describeActions(f.actions)}`;
}

/** A match's shape: the fields it sets (its mask, in a fixed order) and their values (its key). */
export interface MatchShape {
  fields: (keyof FlowMatch)[];
  mask: string;
  key: string;
}

/** A key from field values, in mask order: how a match's key and a packet's lookup key are built. */
export const keyOfValues = (values: readonly (string | number | undefined)[]): string =>
  values.join('\u0000');

const shapes = new WeakMap<FlowMatch, MatchShape>();

/** The match's shape, computed once per match object (a flow whose last use is refreshed is a new object
 *  with the same match). */
export function matchShape(match: FlowMatch): MatchShape {
  let s = shapes.get(match);
  if (!s) {
    const fields = MATCH_FIELDS.map(([k]) => k).filter((k) => match[k] !== undefined);
    s = { fields, mask: fields.join(','), key: keyOfValues(fields.map((k) => match[k])) };
    shapes.set(match, s);
  }
  return s;
}

/** A flow's identity in a table, as OVS defines it: its priority and its match. */
export function flowIdentity(flow: Flow): string {
  const { mask, key } = matchShape(flow.match);
  return `${flow.priority}|${mask}|${key}`;
}

/** Same priority and the same match, field by field: an install of one replaces the other. */
export function sameFlow(a: Flow, b: Flow): boolean {
  return flowIdentity(a) === flowIdentity(b);
}

/** One line for traces. */
export function describeControl(msg: ControlMessage): string {
  const tun = (t?: Tunnel) => (t ? ` tun(src=${t.src},vni=${t.vni})` : '');
  switch (msg.kind) {
    case 'upcall':
      return `upcall in_port=${msg.inPort}${tun(msg.tunnel)} { ${describe(msg.frame)} }`;
    case 'flow-install':
      return `flow-install ${describeFlow(msg.flow)}`;
    case 'flow-delete':
      return `flow-delete ${describeFlow(msg.flow)}`;
    case 'flow-flush':
      return 'flow-flush';
    case 'execute':
      return `execute in_port=${msg.inPort}${tun(msg.tunnel)} actions=${describeActions(msg.actions)} { ${describe(msg.frame)} }`;
  }
}
