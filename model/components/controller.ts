/**
 * The Weave Router as the Fast Datapath's controller (docs/seed-flows.md FD-L, FD-X.2.2, FD-X.3, FD-X.5,
 * FD-X.7 and the upstream section; docs/upstream.md §2–3), one machine per hypothesis. It talks to the
 * datapath over the netlink channel, port `datapath`: it installs its standing flows at start (entry
 * effects, so they come out of the initial state), takes upcalls, and answers with flow installs, flushes
 * and `Execute`s.
 *
 * - H1: ARP requests are punted to it; each target IP has a state of its own (`model/entries/h1-target.ts`).
 * - H2, H3: standing flows only (`model/fdp/seed.ts`); an upcall has nothing to answer it.
 * - upstream: upstream fastdp, a learning switch with generic miss upcalls, the missed packet executed at
 *   once and per-flow tunnels (`model/fdp/upstream.ts`, on top of `model/weave-router.ts`). At start it
 *   deletes every flow, as upstream does (`router/fastdp.go:114-124`). When its view of the peer graph
 *   changes (`model/peering.ts`) it takes the new routes and flushes all flows
 *   (`Routes.OnChange(InvalidateRoutes)`, `router/network_router.go:70`; `InvalidateRoutes`,
 *   `router/fastdp.go:323-328`), and forgets the MACs of peers it no longer reaches (`Peers.OnGC`,
 *   `router/network_router.go:75`).
 *
 * Every controller is `running` until its peer leaves the mesh (`peer-leave`, the Weave router process
 * stops): then `stopped`, and the datapath's upcalls are lost while the flows already installed stay in the
 * kernel. A peer that joins again starts a fresh controller: it deletes every flow, as a starting upstream
 * router does (`NewFastDatapath`, `router/fastdp.go:114-124`), forgets everything it knew, and installs its
 * start-up flows again.
 */

import { type AnyStateMachine, setup } from 'xstate';
import type { Ip, Mac } from '../addresses.ts';
import { type Directory, updateDirectory } from '../directory.ts';
import {
  type H1TargetData,
  type H1TargetEvent,
  type H1TargetState,
  h1TargetMachine,
} from '../entries/h1-target.ts';
import { install, standingFlows, standingWarnings, uninstall } from '../fdp/seed.ts';
import type { ControllerContext, ControllerInput } from '../fdp/types.ts';
import { flush, upstreamUpcall } from '../fdp/upstream.ts';
import { shortIds } from '../fdp/vni.ts';
import { flowIdentity, type Upcall } from '../flows.ts';
import { emptyMacTable } from '../mac-table.ts';
import { type Entry, stepChild } from '../machine/child.ts';
import { type EffectFn, effect, on } from '../machine/effect.ts';
import type {
  ComponentEvent,
  DirectoryEvent,
  MeshEvent,
  Output,
  PeerJoinEvent,
  RecvEvent,
} from '../machine/io.ts';
import { forgetUnreachable, MAC_MAX_AGE_MS } from '../weave-router.ts';

export type {
  ControllerContext,
  ControllerInput,
  FdpDirectory,
  FdpHost,
  FdpHypothesis,
} from '../fdp/types.ts';

type Ctx = ControllerContext;

function drop(reason: string): Output {
  return { type: 'drop', reason };
}

function context(input: ControllerInput): Ctx {
  return {
    host: input.host,
    address: input.address,
    hypothesis: input.hypothesis,
    vni: input.vni,
    directory: input.directory,
    hosts: input.hosts,
    routes: input.routes,
    macAgeMs: input.macAgeMs ?? MAC_MAX_AGE_MS,
    macs: emptyMacTable(),
    sendToMac: emptyMacTable(),
    // Upstream packs short ids into the VNI; the seed's hypotheses have none.
    shortIds: input.hypothesis === 'upstream' ? shortIds(Object.keys(input.hosts)) : {},
    h1Targets: {},
  };
}

const types = {
  context: {} as Ctx,
  events: {} as ComponentEvent,
  input: {} as ControllerInput,
  emitted: {} as Output,
};

type Ev = ComponentEvent;

const upcallOf = (e: Ev): Upcall | undefined =>
  e.type === 'recv' && e.port === 'datapath' && e.packet.kind === 'upcall' ? e.packet : undefined;

/** The guards every controller shares: what arrived on which port. */
const guards = {
  upcall: ({ event }: { event: Ev }) => upcallOf(event) !== undefined,
};

/** The owner of `ip` as H1's target machine takes it: its MAC and host, if anyone holds the IP. */
function ownerOf(directory: Directory, ip: Ip): { owner?: { mac: Mac; host: string } } {
  const entry = directory.ips[ip];
  return entry ? { owner: { mac: entry.mac, host: entry.host } } : {};
}

/** An effect of a received message. */
const onRecv = (fn: EffectFn<Ctx, RecvEvent>) => effect<Ctx, Ev>(on<Ctx, Ev, 'recv'>('recv', fn));
/** An effect of a directory change. */
const onDirectory = (fn: EffectFn<Ctx, DirectoryEvent>) =>
  effect<Ctx, Ev>(on<Ctx, Ev, 'directory'>('directory', fn));

/** The answer to anything else: the datapath sends only upcalls. */
const refuse = onRecv((_, e, out) => {
  const msg = e.packet;
  if (e.port === 'datapath')
    out.push(drop(`the controller takes only upcalls from the datapath, not ${msg.kind}`));
  else out.push(drop(`no such port: ${e.port}`));
  return undefined;
});

/** peer-leave: the router process stops; the flows it installed stay in the kernel. */
const stop = effect<Ctx, Ev>((_, __, out) => {
  out.push({ type: 'note', text: 'the controller stops: its peer leaves the mesh; installed flows stay' });
  return undefined;
});

const notRunning = onRecv((_, e, out) => {
  out.push(drop(`the controller is not running (its peer left the mesh): ${e.packet.kind} lost`));
  return undefined;
});

/** peer-join: a fresh controller, knowing only what its peers tell it; it deletes every flow first. */
const restart = effect<Ctx, Ev>(
  on<Ctx, Ev, 'peer.join'>('peer.join', (_, e: PeerJoinEvent, out) => {
    out.push({ type: 'note', text: `a fresh controller starts: its peer joins; delete all flows` }, flush());
    return {
      macs: emptyMacTable(),
      sendToMac: emptyMacTable(),
      h1Targets: {},
      routes: e.routes,
      directory: e.directory,
    };
  }),
);

/** The states every controller has: `running`, or `stopped` while its peer is out of the mesh; a join runs
 *  `start` again, the start-up effect of the controller's kind. */
function stoppedState<S extends 'installStanding' | 'deleteAllFlows'>(start: S) {
  return {
    on: {
      recv: { actions: 'notRunning', description: 'nothing runs to take an upcall' },
      'peer.join': {
        target: 'running',
        actions: ['restart', start],
        description: 'peer-join: a fresh controller; flows deleted, start-up flows installed again',
      },
    },
  } as const;
}
const PEER_LEAVES = {
  target: 'stopped',
  actions: 'stop',
  description: 'peer-leave: the controller stops; the datapath keeps its flows',
} as const;

/** The seed's controllers install their standing flows at start. */
const installStanding = effect<Ctx, Ev>((ctx, _, out) => {
  const flows = standingFlows(ctx);
  out.push(...standingWarnings(ctx), {
    type: 'note',
    text: `${ctx.hypothesis}: install ${flows.length} standing flows`,
  });
  for (const f of flows) out.push(install(f));
  return undefined;
});

const ignoreRoutes = effect<Ctx, Ev>((_, __, out) => {
  out.push({ type: 'note', text: "the peer graph changed: the seed's controller sends straight to hosts" });
  return undefined;
});

/** H2: the directory changed, so do the standing flows that answer from it (`model/fdp/seed.ts`): the ones
 *  gone are deleted, the new or changed ones installed. */
const reconcileFlows = onDirectory((ctx, e, out) => {
  const directory = updateDirectory(ctx.directory, e);
  if (directory === ctx.directory) return undefined;
  const entry = directory.ips[e.ip];
  const before = standingFlows(ctx);
  const after = standingFlows({ ...ctx, directory });
  const kept = new Set(after.map(flowIdentity));
  const was = new Map(before.map((f) => [flowIdentity(f), JSON.stringify(f)]));
  const gone = before.filter((f) => !kept.has(flowIdentity(f)));
  const fresh = after.filter((f) => was.get(flowIdentity(f)) !== JSON.stringify(f));
  out.push({
    type: 'note',
    text: `directory: ${e.ip} ${entry ? `on ${entry.host}` : 'held by nobody'}: ${gone.length} flows deleted, ${fresh.length} installed`,
  });
  for (const f of gone) out.push(uninstall(f));
  for (const f of fresh) out.push(install(f));
  return { directory };
});

/** H2 and H3: the datapath only floods; a miss (there is none with their flows) has no handler. */
function seedController(hypothesis: 'h2' | 'h3') {
  return setup({
    types,
    guards,
    actions: {
      installStanding,
      ignoreRoutes,
      refuse,
      stop,
      notRunning,
      restart,
      reconcileFlows,
      noMissHandling: effect<Ctx, Ev>((_, __, out) => {
        out.push(drop(`${hypothesis}'s controller has no miss handling: the seed's datapath only floods`));
        return undefined;
      }),
    },
  }).createMachine({
    id: `controller-${hypothesis}`,
    description: `the seed's ${hypothesis.toUpperCase()} controller: standing flows only`,
    context: ({ input }) => context(input),
    entry: 'installStanding',
    initial: 'running',
    states: {
      running: {
        on: {
          recv: [
            { guard: 'upcall', actions: 'noMissHandling', description: 'an upcall: nothing handles it' },
            { actions: 'refuse' },
          ],
          mesh: { actions: 'ignoreRoutes', description: 'the seed sends straight to hosts: routes unused' },
          // Only H2's flows answer from the directory (H3 has none per IP; the wiring tells H2 alone).
          ...(hypothesis === 'h2' && {
            directory: {
              actions: 'reconcileFlows',
              description:
                'FD-X.2.2 H2: a container started or stopped; the responder and rewrite flows follow',
            },
          }),
          'peer.leave': PEER_LEAVES,
        },
      },
      stopped: stoppedState('installStanding'),
    },
  });
}

export const h2ControllerMachine = seedController('h2');
export const h3ControllerMachine = seedController('h3');

type TargetEntry = Entry<H1TargetState, H1TargetData>;

/** H1's controller, with the machine each target IP's state is. */
export function h1ControllerMachineWith(target: AnyStateMachine) {
  return setup({
    types,
    guards: {
      ...guards,
      /** H1 punts ARP requests from the bridge; anything else is not for it. */
      arpRequestUpcall: ({ event }: { event: Ev }) => {
        const up = upcallOf(event);
        return (
          up?.inPort === 'bridge' && up.frame.payload.kind === 'arp' && up.frame.payload.op === 'request'
        );
      },
    },
    actions: {
      installStanding,
      ignoreRoutes,
      refuse,
      stop,
      notRunning,
      restart,
      /** FD-X.2.2 H1, FD-X.3: a punted request, handled by its target IP's state. */
      arpUpcall: effect<Ctx, Ev>((ctx, e, out) => {
        const up = upcallOf(e);
        if (up?.frame.payload.kind !== 'arp') return undefined;
        const ip = up.frame.payload.targetIp;
        const event: H1TargetEvent = { type: 'upcall', ip, host: ctx.host, ...ownerOf(ctx.directory, ip) };
        const old = ctx.h1Targets[ip] as TargetEntry | undefined;
        const next = stepChild<H1TargetState, H1TargetData>(target, old, {}, event, out);
        return next === old ? undefined : { h1Targets: { ...ctx.h1Targets, [ip]: next } };
      }),
      /** The directory changed: an IP H1 has a flow for follows its owner (`h1-target.ts`). */
      retarget: onDirectory((ctx, e, out) => {
        const directory = updateDirectory(ctx.directory, e);
        if (directory === ctx.directory) return undefined;
        const old = ctx.h1Targets[e.ip] as TargetEntry | undefined;
        if (old === undefined) return { directory };
        const event: H1TargetEvent = {
          type: 'directory',
          ip: e.ip,
          host: ctx.host,
          ...ownerOf(directory, e.ip),
        };
        const next = stepChild<H1TargetState, H1TargetData>(target, old, {}, event, out);
        return next === old ? { directory } : { directory, h1Targets: { ...ctx.h1Targets, [e.ip]: next } };
      }),
      otherUpcall: effect<Ctx, Ev>((_, e, out) => {
        out.push(
          drop(
            `H1's controller only handles ARP requests from the bridge (upcall from ${upcallOf(e)?.inPort})`,
          ),
        );
        return undefined;
      }),
    },
  }).createMachine({
    id: 'controller-h1',
    description: "the seed's H1 controller: ARP requests punted to it, responder flows installed",
    context: ({ input }) => context(input),
    entry: 'installStanding',
    initial: 'running',
    states: {
      running: {
        on: {
          recv: [
            {
              guard: 'arpRequestUpcall',
              actions: 'arpUpcall',
              description: 'FD-X.2.2 H1: a punted ARP request',
            },
            { guard: 'upcall', actions: 'otherUpcall', description: 'an upcall H1 has no flow for' },
            { actions: 'refuse' },
          ],
          mesh: { actions: 'ignoreRoutes', description: 'the seed sends straight to hosts: routes unused' },
          directory: {
            actions: 'retarget',
            description: 'a container started or stopped: the flows H1 installed for its IP follow',
          },
          'peer.leave': PEER_LEAVES,
        },
      },
      stopped: stoppedState('installStanding'),
    },
  });
}

export const h1ControllerMachine = h1ControllerMachineWith(h1TargetMachine);

/** Upstream fastdp's controller. */
export const upstreamControllerMachine = setup({
  types,
  guards,
  actions: {
    refuse,
    stop,
    notRunning,
    restart,
    /** `router/fastdp.go:114-124`: every flow deleted at start; every miss will be upcalled. */
    deleteAllFlows: effect<Ctx, Ev>((_, __, out) => {
      out.push(
        { type: 'note', text: 'upstream: delete all flows at start; every miss is upcalled' },
        flush(),
      );
      return undefined;
    }),
    /** `FastDatapath.Miss` (`router/fastdp.go:1120-1142`). */
    miss: onRecv((ctx, e, out) => {
      const up = upcallOf(e);
      if (up === undefined) return undefined;
      const r = upstreamUpcall(ctx, up, e.now);
      out.push(...r.outputs);
      return { macs: r.macs, sendToMac: r.sendToMac };
    }),
    /** `Routes.OnChange(InvalidateRoutes)` (`router/network_router.go:70`, `router/fastdp.go:323-328`), and
     *  `Peers.OnGC(Macs.Delete)` (`router/network_router.go:75`). */
    newRoutes: effect<Ctx, Ev>(
      on<Ctx, Ev, 'mesh'>('mesh', (ctx, e: MeshEvent, out) => {
        const { macs, forgotten } = forgetUnreachable(ctx.macs, e.reachable);
        const gone =
          forgotten.length > 0 ? `; forget ${forgotten.join(', ')} (at peers no longer reached)` : '';
        out.push(
          { type: 'note', text: `routes recalculated: flush all flows (InvalidateRoutes)${gone}` },
          flush(),
        );
        return { routes: e.routes, macs };
      }),
    ),
  },
}).createMachine({
  id: 'controller-upstream',
  description: 'upstream fastdp: generic miss upcalls, the missed packet executed at once, per-flow tunnels',
  context: ({ input }) => context(input),
  entry: 'deleteAllFlows',
  initial: 'running',
  states: {
    running: {
      on: {
        recv: [
          {
            guard: 'upcall',
            actions: 'miss',
            description: 'FastDatapath.Miss: learn, decide, execute, install',
          },
          { actions: 'refuse' },
        ],
        mesh: {
          actions: 'newRoutes',
          description:
            'the peer graph changed: flush all flows (InvalidateRoutes), forget the MACs of peers gone',
        },
        'peer.leave': PEER_LEAVES,
      },
    },
    stopped: stoppedState('deleteAllFlows'),
  },
});
