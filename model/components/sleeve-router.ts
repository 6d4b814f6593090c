/**
 * The Weave Router in Sleeve mode: a user-space process that captures frames on the bridge's host side
 * (port `pcap`) and exchanges them with the other hosts' routers as UDP datagrams (port `udp`).
 *
 * - `proxy-arp`, the seed's Sleeve (SEED-FLOWS.md SL-L, SL-X): the router answers ARP for containers on
 *   other hosts from a control-plane directory (SL-X.2.2.2), ignores ARP for local ones (SL-L.2.2.2),
 *   tunnels captured unicast to the owner's host (SL-X.5.2) and injects what it receives (SL-X.7).
 * - `upstream`, upstream Weave Sleeve: no ARP logic at all; a distributed learning switch
 *   (`model/weave-router.ts`, `router/network_router.go:88-219`) over mesh routes, with multi-hop relay.
 *
 * pcap captures inbound only (`router/pcap.go:49-58`), so the router never sees its own injections:
 * that is the simulator's wiring.
 */
import { enqueueActions, setup } from 'xstate';
import { type Ip, ipToInt, isGroupMac, type Mac } from '../addresses.ts';
import { emptyMacTable } from '../mac-table.ts';
import { type Arp, arpReply, type Frame, isGratuitous, type SleeveDatagram } from '../packets.ts';
import type { MeshRoutes } from '../routing.ts';
import {
  handleCapturedPacket,
  handleForwardedPacket,
  MAC_MAX_AGE_MS,
  type MacCache,
  type RouterDecision,
  type RouterView,
} from '../weave-router.ts';
import type { Output, RecvEvent } from './io.ts';

/** The control plane the seed's router answers from: where every IP and MAC lives. */
export interface Directory {
  ips: Record<Ip, { mac: Mac; host: string }>;
  macs: Record<Mac, string>;
}

export interface SleeveRouterInput {
  /** This host's name: also its mesh peer name. */
  host: string;
  /** This host's underlay address: the source of every datagram it sends. */
  address: Ip;
  mode: 'proxy-arp' | 'upstream';
  /** Every other host's underlay address. */
  peers: Record<string, Ip>;
  /** Used by `proxy-arp` only; the same on every router. */
  directory: Directory;
  /** Used by `upstream` only. */
  routes: MeshRoutes;
  /** MAC cache ageing (`upstream`); default 10 min as upstream. */
  macAgeMs?: number;
  /** Mutant (tests only): the proxy ARP reply carries another container's MAC. */
  wrongProxyMac?: boolean;
}

/** The input with its defaults filled in, and upstream's MAC cache: MAC -> (peer, last seen), which
 *  stays empty in `proxy-arp`. */
export type SleeveRouterContext = Required<SleeveRouterInput> & { macs: MacCache };

type Ctx = SleeveRouterContext;
type Plan = { outputs: Output[]; macs?: MacCache };

const SEED_REMOTE_ONLY = "the seed's router only proxies ARP and tunnels known unicast";

function drop(reason: string, seed?: string): Output {
  return seed ? { type: 'drop', reason, seed } : { type: 'drop', reason };
}

function datagram(ctx: Ctx, dst: Ip, srcPeer: string, dstPeer: string, frame: Frame): SleeveDatagram {
  return { kind: 'sleeve', src: ctx.address, dst, srcPeer, dstPeer, frame };
}

/** The MAC the proxy answers with: the owner's, or under the mutant the first other container's. */
function proxyMac(ctx: Ctx, target: Ip, ownerMac: Mac): Mac {
  if (!ctx.wrongProxyMac) return ownerMac;
  const other = Object.keys(ctx.directory.ips)
    .filter((ip) => ip !== target)
    .sort((a, b) => ipToInt(a) - ipToInt(b))[0];
  return other === undefined ? ownerMac : ctx.directory.ips[other]!.mac;
}

/** SL-L.2.2.2 / SL-X.2.2.2: a captured ARP request, answered from the directory for remote targets. */
function proxyArp(ctx: Ctx, arp: Arp): Output[] {
  // The seed is silent on announcements; they tell the router nothing it needs (it has the directory).
  if (isGratuitous(arp)) return [drop(`gratuitous ARP for ${arp.targetIp}: a local announcement`)];
  const owner = ctx.directory.ips[arp.targetIp];
  if (owner === undefined) return [drop(`nobody owns ${arp.targetIp}: no answer`)];
  if (owner.host === ctx.host)
    return [drop(`target ${arp.targetIp} is on this host: the router does not answer`, 'SL-L.2.2.2')];
  const reply = arpReply(arp, proxyMac(ctx, arp.targetIp, owner.mac));
  return [{ type: 'send', port: 'pcap', packet: reply, origin: true, seed: 'SL-X.2.2.2' }];
}

/** SL-X.5.2: a captured frame other than an ARP request, tunnelled if its dst MAC lives elsewhere. */
function proxyTunnel(ctx: Ctx, frame: Frame): Output[] {
  if (isGroupMac(frame.dst)) return [drop(`${frame.dst} is a group MAC: ${SEED_REMOTE_ONLY}`)];
  const host = ctx.directory.macs[frame.dst];
  if (host === undefined) return [drop(`${frame.dst} is unknown: ${SEED_REMOTE_ONLY}`)];
  if (host === ctx.host) return [drop(`${frame.dst} is on this host: the bridge delivers it`)];
  const dst = ctx.peers[host];
  if (dst === undefined) return [drop(`no underlay address for host ${host}`)];
  return [{ type: 'send', port: 'udp', packet: datagram(ctx, dst, ctx.host, host, frame), seed: 'SL-X.5.2' }];
}

/** Turns an upstream router decision into notes, an injection on `pcap` and datagrams on `udp`. */
function act(ctx: Ctx, d: RouterDecision, frame: Frame): Plan {
  const outputs: Output[] = [];
  if (d.learned) {
    const { mac, peer, was } = d.learned;
    const where = peer === ctx.host ? 'local' : `at ${peer}`;
    outputs.push({ type: 'note', text: `learn ${mac} ${where}${was ? ` (was at ${was})` : ''}` });
  }
  if (d.inject) outputs.push({ type: 'send', port: 'pcap', packet: frame });
  for (const r of d.relay) {
    const dst = ctx.peers[r.hop];
    outputs.push(
      dst === undefined
        ? drop(`no underlay address for next hop ${r.hop}`)
        : { type: 'send', port: 'udp', packet: datagram(ctx, dst, r.srcPeer, r.dstPeer, frame) },
    );
  }
  if (d.drop) outputs.push(drop(d.drop));
  return { outputs, macs: d.macs };
}

function view(ctx: Ctx, now: number): RouterView {
  return { self: ctx.host, routes: ctx.routes, macs: ctx.macs, now, maxAgeMs: ctx.macAgeMs };
}

function onCaptured(ctx: Ctx, frame: Frame, now: number): Plan {
  if (ctx.mode === 'upstream') return act(ctx, handleCapturedPacket(view(ctx, now), frame), frame);
  const p = frame.payload;
  if (p.kind === 'arp' && p.op === 'request') return { outputs: proxyArp(ctx, p) };
  return { outputs: proxyTunnel(ctx, frame) };
}

function onDatagram(ctx: Ctx, dg: SleeveDatagram, now: number): Plan {
  if (ctx.mode === 'upstream') return act(ctx, handleForwardedPacket(view(ctx, now), dg), dg.frame);
  if (dg.dstPeer !== ctx.host)
    return { outputs: [drop(`datagram for ${dg.dstPeer}, not this host: proxy-arp uses a full mesh`)] };
  return { outputs: [{ type: 'send', port: 'pcap', packet: dg.frame, seed: 'SL-X.7' }] };
}

function onRecv(ctx: Ctx, event: RecvEvent): Plan {
  const pkt = event.packet;
  if (event.port === 'pcap')
    return pkt.kind === 'frame'
      ? onCaptured(ctx, pkt, event.now)
      : { outputs: [drop(`not an Ethernet frame on pcap: ${pkt.kind}`)] };
  if (event.port === 'udp')
    return pkt.kind === 'sleeve'
      ? onDatagram(ctx, pkt, event.now)
      : { outputs: [drop(`not a Sleeve datagram on udp: ${pkt.kind}`)] };
  return { outputs: [drop(`no such port: ${event.port}`)] };
}

export const sleeveRouterMachine = setup({
  types: {
    context: {} as SleeveRouterContext,
    events: {} as RecvEvent,
    input: {} as SleeveRouterInput,
    emitted: {} as Output,
  },
}).createMachine({
  id: 'sleeve-router',
  context: ({ input }) => ({
    host: input.host,
    address: input.address,
    mode: input.mode,
    peers: input.peers,
    directory: input.directory,
    routes: input.routes,
    macAgeMs: input.macAgeMs ?? MAC_MAX_AGE_MS,
    wrongProxyMac: input.wrongProxyMac ?? false,
    macs: emptyMacTable(),
  }),
  on: {
    recv: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const plan = onRecv(context, event);
        if (plan.macs !== undefined && plan.macs !== context.macs) enqueue.assign({ macs: plan.macs });
        for (const o of plan.outputs) enqueue.emit(o);
      }),
    },
  },
});
