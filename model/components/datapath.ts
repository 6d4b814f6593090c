/**
 * The Fast Datapath's switch: an Open vSwitch kernel datapath (docs/seed-flows.md FD-X.2.2, FD-X.5, FD-X.7;
 * docs/upstream.md §2.2–2.4). It does no switching of its own: a packet is matched against the flow
 * table, highest priority first, and the matching flow's actions run; a packet that matches nothing is a
 * **miss** and goes up to the controller as an upcall. The controller answers over the netlink channel
 * (port `controller`) with flow installs, flushes and `Execute`s (OVS `dp.Execute`: run these actions on
 * that packet now).
 *
 * Ports: `bridge` (vethwe-datapath, the weave bridge side), `vtep` (seed: the Linux vxlan device),
 * `vxlan` (upstream: OVS's ODP vxlan vport, which takes the outer destination and VNI from a preceding
 * `set-tunnel` and sends `VxlanPacket`s to the underlay itself; arriving ones are decapsulated and carry
 * tunnel metadata {src, vni} into the match), `controller`.
 *
 * Flow expiry: lazy, like the bridge's ageing. A flow idle for longer than its `idleMs` (or the datapath's)
 * counts as absent and is pruned on the next lookup. Upstream sweeps every 5 min and deletes flows not used
 * since the last sweep (`router/fastdp.go:1043-1091`), so a flow lives 5–10 min idle; the model uses
 * one bound. No `idleMs` at all: the flow stays until flushed (the seed's standing flows).
 * Ties in priority keep install order (a stable sort); an install with the same match and priority
 * replaces the old flow in place.
 */
import type { AnyStateMachine } from 'xstate';
import type { Ip } from '../addresses.ts';
import { type FlowEvent, flowEntryMachine } from '../entries/flow-entry.ts';
import { deleteFlow, installFlow, lookupFlow, refreshFlow } from '../flow-table.ts';
import {
  type ControlMessage,
  describeFlow,
  type Flow,
  type FlowAction,
  type Tunnel,
  type Upcall,
} from '../flows.ts';
import { stepEntry } from '../machine/child.ts';
import { forwarderMachine } from '../machine/forwarder.ts';
import type { Output } from '../machine/io.ts';
import type { Message } from '../messages.ts';
import { arpReply, type Frame, type VxlanPacket } from '../packets.ts';

export interface DatapathInput {
  ports: string[];
  /** Upstream: this host's underlay address, the outer source of what the vxlan vport sends. */
  address?: Ip;
  /** Default idle expiry of flows (upstream: 5 min sweep). Absent: flows never expire. */
  idleMs?: number;
}

export interface DatapathContext {
  ports: string[];
  address?: Ip;
  idleMs?: number;
  /** Sorted by priority, highest first; stable. */
  flows: Flow[];
  /** No flow expires before this time (the earliest `lastUsed + idle`); null: none ever expires. Lets a
   *  packet skip the expiry sweep; a flow's use only moves its expiry later, so the bound stays true. */
  expiresAt: number | null;
}

const CONTROLLER = 'controller';
const VXLAN = 'vxlan';

function expiry(ctx: Pick<DatapathContext, 'idleMs'>, f: Flow): number | null {
  const idle = f.idleMs ?? ctx.idleMs;
  return idle === undefined || f.lastUsed === undefined ? null : f.lastUsed + idle;
}

function isLive(ctx: Pick<DatapathContext, 'idleMs'>, f: Flow, now: number): boolean {
  const at = expiry(ctx, f);
  return at === null || now <= at;
}

/** The earlier of two expiries; null is "never". */
function earlier(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

/** The earliest expiry in `flows`, or null when none expires. */
function earliestExpiry(ctx: Pick<DatapathContext, 'idleMs'>, flows: Flow[]): number | null {
  return flows.reduce<number | null>((at, f) => earlier(at, expiry(ctx, f)), null);
}

function drop(reason: string, seed?: string): Output {
  return seed ? { type: 'drop', reason, seed } : { type: 'drop', reason };
}

/** ODP action execution on one packet: the outputs it produces. `flow` (if a flow matched) names the
 *  drops and tags every output with the flow's seed step. */
export function runActions(
  ctx: DatapathContext,
  actions: FlowAction[],
  received: Frame,
  inPort: string,
  tunnel: Tunnel | undefined,
  flow?: Flow,
): Output[] {
  const seed = flow?.seed;
  const out: Output[] = [];
  const tag = seed ? { seed } : {};
  let frame = received;
  let setTunnel: { dst: Ip; vni: number } | undefined;
  let sent = false;
  const emitOn = (port: string) => {
    if (port === VXLAN) {
      if (setTunnel === undefined) return out.push(drop('output to the vxlan vport without set-tunnel'));
      if (ctx.address === undefined) return out.push(drop('vxlan vport has no local address'));
      const packet: VxlanPacket = {
        kind: 'vxlan',
        src: ctx.address,
        dst: setTunnel.dst,
        vni: setTunnel.vni,
        frame,
      };
      sent = true;
      return out.push({ type: 'send', port, packet, ...tag });
    }
    if (!ctx.ports.includes(port) || port === CONTROLLER)
      return out.push(drop(`no such output port ${port}`));
    sent = true;
    return out.push({ type: 'send', port, packet: frame, ...tag });
  };
  for (const a of actions) {
    switch (a.type) {
      case 'output':
        emitOn(a.port);
        break;
      case 'flood':
        for (const p of ctx.ports) if (p !== inPort && p !== CONTROLLER && p !== VXLAN) emitOn(p);
        break;
      case 'set-tunnel':
        setTunnel = { dst: a.dst, vni: a.vni };
        break;
      case 'set-eth-dst':
        frame = { ...frame, dst: a.mac };
        break;
      case 'arp-respond': {
        const p = frame.payload;
        if (p.kind !== 'arp' || p.op !== 'request') {
          out.push(drop('arp-respond on a frame that is not an ARP request'));
          break;
        }
        out.push({ type: 'send', port: inPort, packet: arpReply(p, a.mac), origin: true, ...tag });
        out.push(drop(`ARP request for ${p.targetIp} answered by the datapath's responder flow`, seed));
        sent = true;
        break;
      }
      case 'upcall': {
        const upcall: Upcall = tunnel
          ? { kind: 'upcall', inPort, frame, tunnel }
          : { kind: 'upcall', inPort, frame };
        out.push({ type: 'send', port: CONTROLLER, packet: upcall, ...tag });
        sent = true;
        break;
      }
    }
  }
  if (!sent && !out.some((o) => o.type === 'drop')) {
    const by = flow ? `flow ${flow.label ?? describeFlow(flow)}` : 'execute';
    out.push(drop(actions.length === 0 ? `dropped by ${by}` : `${by} has no output for it`, seed));
  }
  return out;
}

/** A packet arriving on a data port, as a frame plus tunnel metadata, or why it cannot be taken. */
function ingress(port: string, packet: Message): { frame: Frame; tunnel?: Tunnel } | string {
  if (port === VXLAN) {
    if (packet.kind !== 'vxlan') return `not a VXLAN packet on the vxlan vport: ${packet.kind}`;
    return { frame: packet.frame, tunnel: { src: packet.src, vni: packet.vni } };
  }
  if (packet.kind !== 'frame') return `not an Ethernet frame on ${port}: ${packet.kind}`;
  return { frame: packet };
}

type Patch = Partial<Pick<DatapathContext, 'flows' | 'expiresAt'>> | undefined;

/** Steps one installed flow (`model/entries/flow-entry.ts`) through `event`, its outputs onto `out`. */
function flowEvent(flowEntry: AnyStateMachine, flow: Flow, event: FlowEvent, out: Output[]): void {
  stepEntry(flowEntry, { value: 'installed', context: flow }, event, out);
}

/** A message from the controller on the netlink channel: install, flush, execute. */
export function datapathControl(
  flowEntry: AnyStateMachine,
  ctx: DatapathContext,
  msg: ControlMessage,
  now: number,
  out: Output[],
): Patch {
  switch (msg.kind) {
    case 'flow-install': {
      const flow = { ...msg.flow, lastUsed: now };
      const r = installFlow(ctx.flows, flow);
      if (r.replaced) flowEvent(flowEntry, r.replaced, { type: 'replace' }, out);
      const install: FlowEvent = { type: 'install', replaces: r.replaced !== undefined };
      stepEntry(flowEntry, { value: 'none', context: flow }, install, out);
      // A replaced flow's expiry may have been the earliest; the bound only has to stay a lower bound.
      return { flows: r.flows, expiresAt: earlier(ctx.expiresAt, expiry(ctx, flow)) };
    }
    case 'flow-delete': {
      const r = deleteFlow(ctx.flows, msg.flow);
      if (r.deleted === undefined) {
        out.push(drop(`flow-delete: no flow ${describeFlow(msg.flow)}`));
        return undefined;
      }
      flowEvent(flowEntry, r.deleted, { type: 'delete' }, out);
      return { flows: [...r.flows], expiresAt: earliestExpiry(ctx, r.flows as Flow[]) };
    }
    case 'flow-flush':
      for (const f of ctx.flows) flowEvent(flowEntry, f, { type: 'flush' }, out);
      out.push({ type: 'note', text: `flows flushed (${ctx.flows.length})` });
      return { flows: [], expiresAt: null };
    case 'execute':
      out.push(...runActions(ctx, msg.actions, msg.frame, msg.inPort, msg.tunnel));
      return undefined;
    default:
      out.push(drop(`the datapath does not take ${msg.kind} messages`));
      return undefined;
  }
}

/** A packet on a data port: the expiry sweep when due, then the first matching flow's actions, or a
 *  miss upcalled to the controller. */
export function datapathPacket(
  flowEntry: AnyStateMachine,
  ctx: DatapathContext,
  port: string,
  packet: Message,
  now: number,
  out: Output[],
): Patch {
  const got = ingress(port, packet);
  if (typeof got === 'string') {
    out.push(drop(got));
    return undefined;
  }
  const { frame, tunnel } = got;
  // The expiry sweep (lazy, like the bridge's ageing) runs only once a flow may have expired.
  let flows = ctx.flows;
  let expiresAt = ctx.expiresAt;
  if (expiresAt !== null && now > expiresAt) {
    const expired = flows.filter((f) => !isLive(ctx, f, now));
    for (const f of expired) flowEvent(flowEntry, f, { type: 'expire' }, out);
    if (expired.length > 0) flows = flows.filter((f) => isLive(ctx, f, now));
    expiresAt = earliestExpiry(ctx, flows);
  }
  // Every flow left is live: the first match in priority order wins (model/flow-table.ts).
  const flow = lookupFlow(flows, frame, port, tunnel);
  if (flow === undefined) {
    const upcall: Upcall = tunnel
      ? { kind: 'upcall', inPort: port, frame, tunnel }
      : { kind: 'upcall', inPort: port, frame };
    out.push(
      { type: 'note', text: `miss in_port=${port}` },
      { type: 'send', port: CONTROLLER, packet: upcall },
    );
  } else {
    // Copy the table only when the flow's last use changes (packets at the same instant leave it as it is).
    if (flow.lastUsed !== now) flows = refreshFlow(flows, flow, { ...flow, lastUsed: now });
    out.push(...runActions(ctx, flow.actions, frame, port, tunnel, flow));
  }
  return flows === ctx.flows && expiresAt === ctx.expiresAt ? undefined : { flows, expiresAt };
}

/** The datapath, with the flow-entry machine it steps its flows with. */
export function datapathMachineWith(flowEntry: AnyStateMachine) {
  return forwarderMachine<DatapathContext, DatapathInput>({
    id: 'datapath',
    description: 'an OVS kernel datapath: flows matched by priority, misses upcalled to the controller',
    context: (input) => ({
      ports: input.ports,
      ...(input.address !== undefined && { address: input.address }),
      ...(input.idleMs !== undefined && { idleMs: input.idleMs }),
      flows: [],
      expiresAt: null,
    }),
    forward: (ctx, event, out) => {
      const msg = event.packet;
      if (!ctx.ports.includes(event.port)) out.push(drop(`no such port: ${event.port}`));
      else if (event.port !== CONTROLLER)
        return datapathPacket(flowEntry, ctx, event.port, msg, event.now, out);
      else if (msg.kind === 'frame' || msg.kind === 'vxlan' || msg.kind === 'sleeve')
        out.push(drop(`not a control message on ${CONTROLLER}: ${msg.kind}`));
      else return datapathControl(flowEntry, ctx, msg, event.now, out);
      return undefined;
    },
  });
}

export const datapathMachine = datapathMachineWith(flowEntryMachine);
