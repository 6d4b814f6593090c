/**
 * Upstream Weave's fastdp miss handling (`fdp/upstream`; docs/upstream.md §2.2–2.5; docs/seed-flows.md "What
 * the real Weave Net does"), as a pure function of the controller's context and one upcall. Line numbers
 * are for weaveworks/weave at 8c84763.
 *
 * - Nothing is ARP-specific and there are no standing flows: every miss is upcalled (`FastDatapath.Miss`,
 *   `router/fastdp.go:1120-1142`).
 * - From the `bridge` vport: fastdp's own bridge (`bridge()`, `:268-311`) learns the source MAC on that
 *   port if absent; a destination learned on `bridge` was already delivered by the Linux bridge (the
 *   hairpin flow is vetoed, `:1321-1363`): drop; anything else goes to the router port, i.e.
 *   `handleCapturedPacket` (`model/weave-router.ts`). Unknown unicast vetoes the flow (`:287-293`);
 *   broadcast and multicast, and MACs known to be at the router port, get one.
 * - From the `vxlan` vport: the VNI names (srcPeer, dstPeer) (`model/fdp/vni.ts`); `handleForwardedPacket`
 *   decides; injecting is fastdp's bridge with the router port as ingress (learn src there; output to
 *   `bridge`; unknown unicast vetoes the flow); relays are `set-tunnel + output:vxlan` per next hop.
 *   The flow key adds the tunnel (src, VNI); eth(src,dst) only when the frame went through the bridge.
 * - Each relay copy: `set-tunnel(dst = next hop's underlay address, vni = srcShortID | dstShortID << 12)`,
 *   `output:vxlan` (`fastDatapathForwarder.Forward`, `:920-958`).
 * - The missed packet is **executed at once** (`dp.Execute`, `:1290-1293`), then the flow is installed
 *   unless vetoed (`:1256-1306`). A MAC that moved to another peer flushes every flow
 *   (`InvalidateRoutes`, `network_router.go:153-158`), and the flow of that very upcall is then not
 *   installed (the flush happened while the handler ran, `:1295-1306`).
 * - When no action remains (nothing to inject or relay) the packet is dropped and no flow is installed.
 *   Not modelled: re-running the miss handler of used flows every 5 min to refresh the MAC cache
 *   (`:1093-1110`); fastdp's MAC table is aged lazily, 10 min after learning (upstream: 10–20 min sweeps).
 */
import { isGroupMac, type Mac } from '../addresses.ts';
import {
  describeFlow,
  type Execute,
  type Flow,
  type FlowAction,
  type FlowFlush,
  type FlowMatch,
  type Upcall,
} from '../flows.ts';
import { type MacTable, macGet, macSet } from '../mac-table.ts';
import type { Output } from '../machine/io.ts';
import type { Frame } from '../packets.ts';
import {
  handleCapturedPacket,
  handleForwardedPacket,
  type MacCache,
  type Relay,
  type RouterDecision,
  type RouterView,
} from '../weave-router.ts';
import { install } from './seed.ts';
import type { ControllerContext, PortEntry } from './types.ts';
import { peersOfVni, tunnelVni } from './vni.ts';

/** fastdp's `sendToMAC` is swept every 10 min and an entry lasts one to two sweeps (`:1058-1069`). */
export const PORT_MAC_AGE_MS = 10 * 60_000;
export const PRIO_UPSTREAM = 1;

export interface UpstreamResult {
  outputs: Output[];
  macs: MacCache;
  sendToMac: MacTable<PortEntry>;
}

type Ctx = ControllerContext;

function drop(reason: string): Output {
  return { type: 'drop', reason };
}

export function flush(): Output {
  const msg: FlowFlush = { kind: 'flow-flush' };
  return { type: 'send', port: 'datapath', packet: msg, origin: true };
}

function view(ctx: Ctx, now: number): RouterView {
  return { self: ctx.host, routes: ctx.routes, macs: ctx.macs, now, maxAgeMs: ctx.macAgeMs };
}

function portOf(table: MacTable<PortEntry>, mac: Mac, now: number): PortEntry['port'] | undefined {
  const e = macGet(table, mac);
  return e !== undefined && now - e.seen <= PORT_MAC_AGE_MS ? e.port : undefined;
}

/** fastdp `bridge()` learning: the source MAC on the ingress port, only if absent (`:270-274`). */
function learnPort(
  table: MacTable<PortEntry>,
  mac: Mac,
  port: PortEntry['port'],
  now: number,
  notes: Output[],
): MacTable<PortEntry> {
  if (isGroupMac(mac) || portOf(table, mac, now) !== undefined) return table;
  notes.push({ type: 'note', text: `fastdp: learn ${mac} on port ${port}` });
  return macSet(table, mac, { port, seen: now });
}

/** One `set-tunnel + output:vxlan` pair per relay copy; copies that cannot be tunnelled are noted. */
function relayActions(ctx: Ctx, relays: Relay[], notes: Output[]): FlowAction[] {
  const ids = ctx.shortIds;
  return relays.flatMap((r): FlowAction[] => {
    const dst = ctx.hosts[r.hop]?.address;
    const vni = tunnelVni(ids, r.srcPeer, r.dstPeer);
    if (dst === undefined || vni === undefined) {
      notes.push(drop(`no tunnel to next hop ${r.hop} (no address or short id)`));
      return [];
    }
    return [
      { type: 'set-tunnel', dst, vni },
      { type: 'output', port: 'vxlan' },
    ];
  });
}

function learnedNote(ctx: Ctx, d: RouterDecision): Output[] {
  if (!d.learned) return [];
  const { mac, peer, was } = d.learned;
  const where = peer === ctx.host ? 'local' : `at ${peer}`;
  return [{ type: 'note', text: `router: learn ${mac} ${where}${was ? ` (was at ${was})` : ''}` }];
}

function eth(frame: Frame): FlowMatch {
  return { ethSrc: frame.src, ethDst: frame.dst };
}

/** Execute the missed packet, then install the flow unless vetoed or flushed meanwhile (`send()`). */
function finish(
  ctx: Ctx,
  up: Upcall,
  d: RouterDecision,
  actions: FlowAction[],
  match: FlowMatch,
  veto: string | undefined,
  pre: Output[],
): Output[] {
  const out = [...pre, ...learnedNote(ctx, d)];
  const moved = d.learned?.was !== undefined;
  if (moved)
    out.push({ type: 'note', text: `${d.learned!.mac} moved: flush all flows (InvalidateRoutes)` }, flush());
  if (!actions.some((a) => a.type === 'output')) {
    out.push(drop(d.drop ?? 'nothing to inject or relay'));
    return out;
  }
  const exec: Execute = up.tunnel
    ? { kind: 'execute', inPort: up.inPort, frame: up.frame, tunnel: up.tunnel, actions }
    : { kind: 'execute', inPort: up.inPort, frame: up.frame, actions };
  out.push({ type: 'send', port: 'datapath', packet: exec });
  if (veto !== undefined || moved) {
    out.push({ type: 'note', text: `no flow: ${moved ? 'flows were flushed meanwhile' : veto}` });
    return out;
  }
  const flow: Flow = { match, actions, priority: PRIO_UPSTREAM, label: 'upstream' };
  out.push({ type: 'note', text: `install ${describeFlow(flow)}` }, install(flow));
  return out;
}

function fromBridge(ctx: Ctx, up: Upcall, now: number): UpstreamResult {
  const { frame } = up;
  const notes: Output[] = [];
  const sendToMac = learnPort(ctx.sendToMac, frame.src, 'bridge', now, notes);
  const dstPort = portOf(sendToMac, frame.dst, now);
  if (dstPort === 'bridge')
    return {
      outputs: [
        ...notes,
        drop(`${frame.dst} is on the bridge port: the Linux bridge delivered it (hairpin)`),
      ],
      macs: ctx.macs,
      sendToMac,
    };
  const veto =
    dstPort === undefined && !isGroupMac(frame.dst)
      ? `unknown unicast ${frame.dst} floods without a flow`
      : undefined;
  const d = handleCapturedPacket(view(ctx, now), frame);
  const actions = relayActions(ctx, d.relay, notes);
  const match: FlowMatch = { inPort: 'bridge', ...eth(frame) };
  return { outputs: finish(ctx, up, d, actions, match, veto, notes), macs: d.macs, sendToMac };
}

function fromVxlan(ctx: Ctx, up: Upcall, now: number): UpstreamResult {
  const { frame, tunnel } = up;
  const keep = { macs: ctx.macs, sendToMac: ctx.sendToMac };
  if (tunnel === undefined) return { outputs: [drop('upcall from vxlan without tunnel metadata')], ...keep };
  const peers = peersOfVni(ctx.shortIds, tunnel.vni);
  if (peers === undefined)
    return { outputs: [drop(`VNI ${tunnel.vni} names no known pair of peers`)], ...keep };
  const d = handleForwardedPacket(view(ctx, now), { ...peers, frame });
  const notes: Output[] = [];
  const actions: FlowAction[] = [];
  let sendToMac = ctx.sendToMac;
  let veto: string | undefined;
  let match: FlowMatch = { inPort: 'vxlan', tunnelSrc: tunnel.src, tunnelVni: tunnel.vni };
  if (d.inject) {
    // InjectPacket: fastdp's bridge with the router port as ingress.
    sendToMac = learnPort(sendToMac, frame.src, 'router', now, notes);
    const dstPort = portOf(sendToMac, frame.dst, now);
    match = { ...match, ...eth(frame) };
    if (dstPort === 'router')
      notes.push({ type: 'note', text: `${frame.dst} is behind the router port: not injected` });
    else actions.push({ type: 'output', port: 'bridge' });
    if (dstPort === undefined && !isGroupMac(frame.dst))
      veto = `unknown unicast ${frame.dst} floods without a flow`;
  }
  actions.push(...relayActions(ctx, d.relay, notes));
  return { outputs: finish(ctx, up, d, actions, match, veto, notes), macs: d.macs, sendToMac };
}

/** An upcall under `fdp/upstream`. */
export function upstreamUpcall(ctx: Ctx, up: Upcall, now: number): UpstreamResult {
  if (up.inPort === 'bridge') return fromBridge(ctx, up, now);
  if (up.inPort === 'vxlan') return fromVxlan(ctx, up, now);
  return {
    outputs: [drop(`no miss handler for port ${up.inPort}`)],
    macs: ctx.macs,
    sendToMac: ctx.sendToMac,
  };
}
