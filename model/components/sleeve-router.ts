/**
 * The Weave Router in Sleeve mode: a user-space process that captures frames on the bridge's host side
 * (port `pcap`) and exchanges them with the other hosts' routers as UDP datagrams (port `udp`).
 *
 * - `proxy-arp`, the seed's Sleeve (docs/seed-flows.md SL-L, SL-X): the router answers ARP for containers on
 *   other hosts from a control-plane directory (SL-X.2.2.2), ignores ARP for local ones (SL-L.2.2.2),
 *   tunnels captured unicast to the owner's host (SL-X.5.2) and injects what it receives (SL-X.7).
 * - `upstream`, upstream Weave Sleeve: no ARP logic at all; a distributed learning switch
 *   (`model/weave-router.ts`, `router/network_router.go:88-219`) over mesh routes, with multi-hop relay.
 *
 * pcap captures inbound only (`router/pcap.go:49-58`), so the router never sees its own injections:
 * that is the simulator's wiring.
 *
 * Both are `running` until their peer leaves the mesh (`peer-leave`): then `stopped`, taking nothing,
 * until a fresh router starts (`peer-join`) with an empty MAC cache, the routes of the peer graph as it
 * is, and the directory its peers tell it. Upstream's router recomputes its routes whenever its view of the
 * peer graph changes and forgets the MACs of peers it no longer reaches (`model/weave-router.ts`,
 * `forgetUnreachable`); Sleeve caches nothing else that depends on routes (`SleeveOverlay.InvalidateRoutes`
 * does nothing, `router/sleeve.go:127-129`).
 */
import { setup } from 'xstate';
import { type Ip, isGroupMac, type Mac } from '../addresses.ts';
import { type Directory, updateDirectory } from '../directory.ts';
import { emptyMacTable } from '../mac-table.ts';
import { type EffectFn, effect, on } from '../machine/effect.ts';
import type { ComponentEvent, MeshEvent, Output, PeerJoinEvent, RecvEvent } from '../machine/io.ts';
import type { Message } from '../messages.ts';
import { type Arp, arpReply, type Frame, isGratuitous, type SleeveDatagram } from '../packets.ts';
import type { MeshRoutes } from '../routing.ts';
import {
  forgetUnreachable,
  handleCapturedPacket,
  handleForwardedPacket,
  MAC_MAX_AGE_MS,
  type MacCache,
  type RouterDecision,
  type RouterView,
} from '../weave-router.ts';

export type { Directory };

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

/** SL-L.2.2.2 / SL-X.2.2.2: a captured ARP request, answered from the directory for remote targets with
 *  the MAC `answer` picks (the owner's). */
export function proxyArp(ctx: Ctx, arp: Arp, answer: (owner: { mac: Mac }) => Mac = (o) => o.mac): Output[] {
  // The seed is silent on announcements; they tell the router nothing it needs (it has the directory).
  if (isGratuitous(arp)) return [drop(`gratuitous ARP for ${arp.targetIp}: a local announcement`)];
  const owner = ctx.directory.ips[arp.targetIp];
  if (owner === undefined) return [drop(`nobody owns ${arp.targetIp}: no answer`)];
  if (owner.host === ctx.host)
    return [drop(`target ${arp.targetIp} is on this host: the router does not answer`, 'SL-L.2.2.2')];
  const reply = arpReply(arp, answer(owner));
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

/** Why a packet cannot be taken on its port, or undefined when it can. */
function refusal(port: string, pkt: Message): string | undefined {
  if (port === 'pcap') return pkt.kind === 'frame' ? undefined : `not an Ethernet frame on pcap: ${pkt.kind}`;
  if (port === 'udp') return pkt.kind === 'sleeve' ? undefined : `not a Sleeve datagram on udp: ${pkt.kind}`;
  return `no such port: ${port}`;
}

type Recv = RecvEvent;
type Ev = ComponentEvent;
/** A guard on a received packet (false for any other event). */
const onPacket =
  (g: (e: Recv) => boolean) =>
  ({ event }: { event: Ev }) =>
    event.type === 'recv' && g(event);
/** An effect of a received packet. */
const packetEffect = (fn: EffectFn<Ctx, Recv>) => effect<Ctx, Ev>(on<Ctx, Ev, 'recv'>('recv', fn));
const isArpRequest = (f: Frame) => f.payload.kind === 'arp' && f.payload.op === 'request';
/** The outputs of a plan, and the MAC cache if it changed. */
function apply(ctx: Ctx, plan: Plan, out: Output[]): Partial<Ctx> | undefined {
  for (const o of plan.outputs) out.push(o);
  return plan.macs !== undefined && plan.macs !== ctx.macs ? { macs: plan.macs } : undefined;
}

/** The guards and actions both modes share: which port a packet came on, and refusing what is not. */
const common = {
  guards: {
    captured: onPacket((e) => refusal(e.port, e.packet) === undefined && e.port === 'pcap'),
    capturedArpRequest: onPacket(
      (e) => e.port === 'pcap' && e.packet.kind === 'frame' && isArpRequest(e.packet),
    ),
    datagram: onPacket((e) => refusal(e.port, e.packet) === undefined && e.port === 'udp'),
  },
  refuse: packetEffect((_, e, out) => {
    out.push(drop(refusal(e.port, e.packet) ?? `nothing to do with ${e.packet.kind} on ${e.port}`));
    return undefined;
  }),
  /** peer-leave: the process stops; what it knew goes with it. */
  stop: effect<Ctx, Ev>((_, __, out) => {
    out.push({ type: 'note', text: 'the router stops: its peer leaves the mesh' });
    return { macs: emptyMacTable() };
  }),
  notRunning: packetEffect((_, e, out) => {
    out.push(drop(`the router is not running (its peer left the mesh): ${e.packet.kind} on ${e.port} lost`));
    return undefined;
  }),
  /** peer-join: a fresh router, told the peer graph and the directory by its peers. */
  restart: effect<Ctx, Ev>(
    on<Ctx, Ev, 'peer.join'>('peer.join', (_, e: PeerJoinEvent, out) => {
      out.push({
        type: 'note',
        text: `a fresh router starts: its peer joins, reaching ${e.reachable.join(', ')}`,
      });
      return { macs: emptyMacTable(), routes: e.routes, directory: e.directory };
    }),
  ),
};

/** The states every router has: `running`, or `stopped` while its peer is out of the mesh. `running` takes
 *  the router's own transitions and `peer.leave`. */
const PEER_LEAVES = {
  target: 'stopped',
  actions: 'stop',
  description: 'peer-leave: the router stops, losing its state',
} as const;
const STOPPED = {
  on: {
    recv: { actions: 'notRunning', description: 'nothing runs to take a frame or a datagram' },
    'peer.join': {
      target: 'running',
      actions: 'restart',
      description: 'peer-join: a fresh router, told the peer graph and the directory',
    },
  },
} as const;

function context(input: SleeveRouterInput): Ctx {
  return {
    host: input.host,
    address: input.address,
    mode: input.mode,
    peers: input.peers,
    directory: input.directory,
    routes: input.routes,
    macAgeMs: input.macAgeMs ?? MAC_MAX_AGE_MS,
    macs: emptyMacTable(),
  };
}

const types = {
  context: {} as SleeveRouterContext,
  events: {} as ComponentEvent,
  input: {} as SleeveRouterInput,
  emitted: {} as Output,
};

/** The seed's Sleeve router (`sleeve/proxy-arp`). */
export const sleeveProxyArpMachine = setup({
  types,
  guards: common.guards,
  actions: {
    refuse: common.refuse,
    stop: common.stop,
    notRunning: common.notRunning,
    restart: common.restart,
    ignoreRoutes: effect<Ctx, Ev>((_, __, out) => {
      out.push({ type: 'note', text: "the peer graph changed: the seed's router sends straight to hosts" });
      return undefined;
    }),
    answerArp: packetEffect((ctx, e, out) => {
      if (e.packet.kind === 'frame' && e.packet.payload.kind === 'arp')
        out.push(...proxyArp(ctx, e.packet.payload));
      return undefined;
    }),
    tunnel: packetEffect((ctx, e, out) => {
      if (e.packet.kind === 'frame') out.push(...proxyTunnel(ctx, e.packet));
      return undefined;
    }),
    /** Where an IP is now, as the control plane says (`model/network/schedule.ts`). */
    learnDirectory: effect<Ctx, ComponentEvent>((ctx, e) =>
      e.type === 'directory' ? { directory: updateDirectory(ctx.directory, e) } : undefined,
    ),
    inject: packetEffect((ctx, e, out) => {
      if (e.packet.kind !== 'sleeve') return undefined;
      if (e.packet.dstPeer !== ctx.host)
        out.push(drop(`datagram for ${e.packet.dstPeer}, not this host: proxy-arp uses a full mesh`));
      else out.push({ type: 'send', port: 'pcap', packet: e.packet.frame, seed: 'SL-X.7' });
      return undefined;
    }),
  },
}).createMachine({
  id: 'sleeve-proxy-arp',
  description: "the seed's Sleeve router: proxy ARP from a directory, unicast tunnelled to the owner's host",
  context: ({ input }) => context(input),
  initial: 'running',
  states: {
    running: {
      on: {
        recv: [
          {
            guard: 'capturedArpRequest',
            actions: 'answerArp',
            description: 'SL-X.2.2.2: a captured ARP request',
          },
          {
            guard: 'captured',
            actions: 'tunnel',
            description: 'SL-X.5.2: a captured frame, tunnelled if remote',
          },
          { guard: 'datagram', actions: 'inject', description: 'SL-X.7: a datagram from a peer, injected' },
          { actions: 'refuse', description: 'not a packet for this port' },
        ],
        directory: {
          actions: 'learnDirectory',
          description: 'a container started or stopped: the directory the router answers from changes',
        },
        mesh: { actions: 'ignoreRoutes', description: 'the seed sends straight to hosts: routes unused' },
        'peer.leave': PEER_LEAVES,
      },
    },
    stopped: STOPPED,
  },
});

/** Upstream Weave's Sleeve router (`sleeve/upstream`). */
export const sleeveUpstreamMachine = setup({
  types,
  guards: common.guards,
  actions: {
    refuse: common.refuse,
    stop: common.stop,
    notRunning: common.notRunning,
    restart: common.restart,
    /** The router's view of the peer graph changed: new routes, and the MACs of peers gone forgotten. */
    newRoutes: effect<Ctx, Ev>(
      on<Ctx, Ev, 'mesh'>('mesh', (ctx, e: MeshEvent, out) => {
        const { macs, forgotten } = forgetUnreachable(ctx.macs, e.reachable);
        out.push({
          type: 'note',
          text: `routes recalculated${forgotten.length > 0 ? `; forget ${forgotten.join(', ')} (at peers no longer reached)` : ''}`,
        });
        return { routes: e.routes, macs };
      }),
    ),
    handleCaptured: packetEffect((ctx, e, out) =>
      e.packet.kind === 'frame'
        ? apply(ctx, act(ctx, handleCapturedPacket(view(ctx, e.now), e.packet), e.packet), out)
        : undefined,
    ),
    handleForwarded: packetEffect((ctx, e, out) =>
      e.packet.kind === 'sleeve'
        ? apply(ctx, act(ctx, handleForwardedPacket(view(ctx, e.now), e.packet), e.packet.frame), out)
        : undefined,
    ),
  },
}).createMachine({
  id: 'sleeve-upstream',
  description: 'upstream Weave Sleeve: a distributed learning switch over mesh routes',
  context: ({ input }) => context(input),
  initial: 'running',
  states: {
    running: {
      on: {
        recv: [
          {
            guard: 'captured',
            actions: 'handleCaptured',
            description: 'handleCapturedPacket (network_router.go:88-130)',
          },
          {
            guard: 'datagram',
            actions: 'handleForwarded',
            description: 'handleForwardedPacket (network_router.go:132-180)',
          },
          { actions: 'refuse', description: 'not a packet for this port' },
        ],
        mesh: {
          actions: 'newRoutes',
          description:
            'the peer graph changed: Routes.OnChange, and Peers.OnGC forgets the MACs of peers gone',
        },
        'peer.leave': PEER_LEAVES,
      },
    },
    stopped: STOPPED,
  },
});
