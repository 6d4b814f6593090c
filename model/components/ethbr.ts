/**
 * ethbr: the seed's host-side port of the bridge, with the host kernel behind it and the next hop out of
 * the host (the Sleeve router's capture, or the Fast Datapath's datapath) tapped onto it
 * (docs/seed-flows.md, topology). Upstream Weave splits it in two bridge ports (docs/upstream.md), and
 * so does the model:
 * - `bridge` ↔ `tap`: the capture port (upstream's `vethwe-bridge`, with `vethwe-pcap` or
 *   `vethwe-datapath` at its far end). Every frame the bridge sends there goes to the tap (pcap sees it:
 *   SL-L.2.2, SL-X.5; FD-L.2.2, FD-X.2.2), and every frame from the tap (the router's injections, the
 *   datapath's output) goes into the bridge.
 * - `local`: the bridge device, where the host kernel sits. The bridge hands it broadcasts, multicast and
 *   frames for its MAC only (`model/components/bridge.ts`), so the seed's "the host kernel drops frames
 *   whose destination MAC is not its own" (SL-X.5.1) never has a unicast frame to drop.
 * With `tap: false` (the Linux-native layout, docs/conformance.md) nothing is tapped on: ethbr is the
 * host's own veth on the bridge, its one port `bridge`, and the host kernel is behind it.
 *
 * The host kernel answers ARP for the host's own overlay IP only (SL-L.2.2.1, SL-X.2.2.1) and drops the
 * rest. With an overlay IP (`weave expose`) it is an IP endpoint like a container (`ip-stack.ts`): it
 * answers pings, resolves the sender with its own neighbour table, with Weave's neighbour settings (set
 * on the bridge too, upstream `net/bridge.go`).
 */
import { BROADCAST_MAC, type Cidr, type Ip, type Mac } from '../addresses.ts';
import {
  DEFAULT_NEIGH_PARAMS,
  type NeighEntry,
  type NeighParams,
  neighbourMachine,
} from '../entries/neighbour.ts';
import {
  arpInput,
  type IpStack,
  ipInput,
  type StackWork,
  stackWork,
  stepNeighbour,
  timerNeighbour,
} from '../kernel/ip-stack.ts';
import { forwarderMachine } from '../machine/forwarder.ts';
import type { Output, RecvEvent, TimerFireEvent } from '../machine/io.ts';
import type { Frame } from '../packets.ts';

export interface EthbrInput {
  mac: Mac;
  /** The host's own overlay IP (`weave expose`), if any, and the subnet it is on-link to. */
  ip?: Ip;
  subnet?: Cidr;
  /** Whether something is tapped onto ethbr (default true). False in the Linux-native layout, where
   *  ethbr is just the host's veth on the bridge: frames from the bridge go to the host kernel only. */
  tap?: boolean;
  neigh?: Partial<NeighParams>;
}

export interface EthbrContext {
  mac: Mac;
  ip: Ip | null;
  subnet: Cidr | null;
  tap: boolean;
  params: NeighParams;
  /** The host kernel's neighbour table on the overlay (empty without an overlay IP). */
  neigh: Record<Ip, NeighEntry>;
}

/** The port the host kernel sends and receives on: the bridge device, or ethbr itself without a tap. */
export const kernelPort = (ctx: Pick<EthbrContext, 'tap'>): string => (ctx.tap ? 'local' : 'bridge');

/** The host kernel's IP stack, when the host has an overlay IP. */
function stackOf(ctx: EthbrContext): IpStack | null {
  return ctx.ip === null || ctx.subnet === null
    ? null
    : { mac: ctx.mac, ip: ctx.ip, subnet: ctx.subnet, params: ctx.params, neigh: ctx.neigh };
}

function kernelWork(
  ctx: EthbrContext,
  now: number,
  out: Output[],
  body: (w: StackWork) => void,
): Partial<EthbrContext> | undefined {
  const stack = stackOf(ctx);
  if (stack === null) return undefined;
  const neigh = stackWork(neighbourMachine, stack, 'host kernel', kernelPort(ctx), now, out, body);
  return neigh === undefined ? undefined : { neigh };
}

/** A host kernel without an overlay IP: it answers nothing and keeps nothing. */
function addresslessKernel(frame: Frame): Output {
  const p = frame.payload;
  if (p.kind === 'arp') {
    if (p.op === 'request')
      return {
        type: 'drop',
        reason: `host kernel: ARP for ${p.targetIp}, not this host's address (SL-L.2.2.1, SL-X.2.2.1)`,
      };
    return {
      type: 'drop',
      reason: `host kernel: ARP reply from ${p.senderIp}, no overlay address to keep it`,
    };
  }
  return { type: 'drop', reason: `host kernel: ${p.dst} is not this host's address (no overlay address)` };
}

/** What the host kernel does with a frame that reaches it. */
export function hostKernel(
  ctx: EthbrContext,
  frame: Frame,
  now: number,
  out: Output[],
): Partial<EthbrContext> | undefined {
  // Not promiscuous: only frames for its MAC, or broadcast (the bridge device sees nothing else; ethbr as
  // a veth does, in the Linux-native layout, and counts them as otherhost).
  if (frame.dst !== ctx.mac && frame.dst !== BROADCAST_MAC) {
    // The seed describes this drop for Sleeve (SL-X.5.1); the reason cites it, but the step is not labelled
    // with it, because in the layout with a tap the host kernel never gets such a frame.
    out.push({ type: 'drop', reason: `host kernel: destination MAC ${frame.dst} is not ethbr's (SL-X.5.1)` });
    return undefined;
  }
  const p = frame.payload;
  if (stackOf(ctx) === null) {
    out.push(addresslessKernel(frame));
    return undefined;
  }
  return kernelWork(ctx, now, out, (w) => (p.kind === 'arp' ? arpInput(w, frame, p) : ipInput(w, frame, p)));
}

/** One frame on any side of ethbr. */
export function ethbrFrame(
  ctx: EthbrContext,
  event: RecvEvent,
  out: Output[],
): Partial<EthbrContext> | undefined {
  const frame = event.packet;
  if (frame.kind !== 'frame') {
    out.push({ type: 'drop', reason: `not an Ethernet frame: ${frame.kind}` });
    return undefined;
  }
  if (event.port === kernelPort(ctx)) return hostKernel(ctx, frame, event.now, out);
  if (event.port === 'tap') out.push({ type: 'send', port: 'bridge', packet: frame });
  else if (event.port === 'bridge') out.push({ type: 'send', port: 'tap', packet: frame });
  else out.push({ type: 'drop', reason: `no port ${event.port}` });
  return undefined;
}

/** A host kernel neighbour entry's timer (`neigh_timer_handler`); a leftover for an entry gone is ignored. */
function kernelTimer(
  ctx: EthbrContext,
  event: TimerFireEvent,
  out: Output[],
): Partial<EthbrContext> | undefined {
  const ip = timerNeighbour(ctx.neigh, event.key);
  return ip === undefined
    ? undefined
    : kernelWork(ctx, event.now, out, (w) => stepNeighbour(w, ip, { type: 'timer' }));
}

export const ethbrMachine = forwarderMachine<EthbrContext, EthbrInput>({
  id: 'ethbr',
  description:
    "the bridge's capture port (the router's pcap or the datapath) and the host kernel behind the bridge device",
  context: (input) => ({
    mac: input.mac,
    ip: input.ip ?? null,
    subnet: input.ip === undefined ? null : (input.subnet ?? `${input.ip}/32`),
    tap: input.tap ?? true,
    params: { ...DEFAULT_NEIGH_PARAMS, ...input.neigh },
    neigh: {},
  }),
  forward: ethbrFrame,
  also: {
    'timer.fire': {
      effect: kernelTimer,
      description: "a host kernel neighbour entry's timer (neigh_timer_handler)",
    },
  },
});
