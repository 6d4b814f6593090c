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
 *   deletes every flow, as upstream does (`router/fastdp.go:114-124`). A `routes-update` arriving on port
 *   `mesh` (the mesh's route recalculation) replaces its routes and flushes all flows
 *   (`Routes.OnChange(InvalidateRoutes)`, `router/network_router.go:70`).
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
import type { ComponentEvent, DirectoryEvent, Output, RecvEvent } from '../machine/io.ts';
import { MAC_MAX_AGE_MS } from '../weave-router.ts';

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
  routesUpdate: ({ event }: { event: Ev }) =>
    event.type === 'recv' && event.port === 'mesh' && event.packet.kind === 'routes-update',
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

/** The answer to anything else: the datapath sends only upcalls, the mesh only route updates. */
const refuse = onRecv((_, e, out) => {
  const msg = e.packet;
  if (e.port === 'datapath')
    out.push(drop(`the controller takes only upcalls from the datapath, not ${msg.kind}`));
  else if (e.port === 'mesh') out.push(drop(`not a routes update on mesh: ${msg.kind}`));
  else out.push(drop(`no such port: ${e.port}`));
  return undefined;
});

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
  out.push(drop("routes are not used by the seed's controller"));
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
    on: {
      recv: [
        { guard: 'upcall', actions: 'noMissHandling', description: 'an upcall: nothing handles it' },
        { guard: 'routesUpdate', actions: 'ignoreRoutes', description: 'the seed sends straight to hosts' },
        { actions: 'refuse' },
      ],
      // Only H2's flows answer from the directory (H3 has none per IP; the wiring tells H2 alone).
      ...(hypothesis === 'h2' && {
        directory: {
          actions: 'reconcileFlows',
          description: 'FD-X.2.2 H2: a container started or stopped; the responder and rewrite flows follow',
        },
      }),
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
    on: {
      recv: [
        { guard: 'arpRequestUpcall', actions: 'arpUpcall', description: 'FD-X.2.2 H1: a punted ARP request' },
        { guard: 'upcall', actions: 'otherUpcall', description: 'an upcall H1 has no flow for' },
        { guard: 'routesUpdate', actions: 'ignoreRoutes', description: 'the seed sends straight to hosts' },
        { actions: 'refuse' },
      ],
      directory: {
        actions: 'retarget',
        description: 'a container started or stopped: the flows H1 installed for its IP follow',
      },
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
    /** `Routes.OnChange(InvalidateRoutes)` (`router/network_router.go:70`). */
    newRoutes: onRecv((_, e, out) => {
      if (e.packet.kind !== 'routes-update') return undefined;
      out.push({ type: 'note', text: 'routes recalculated: flush all flows (InvalidateRoutes)' }, flush());
      return { routes: e.packet.routes };
    }),
  },
}).createMachine({
  id: 'controller-upstream',
  description: 'upstream fastdp: generic miss upcalls, the missed packet executed at once, per-flow tunnels',
  context: ({ input }) => context(input),
  entry: 'deleteAllFlows',
  on: {
    recv: [
      { guard: 'upcall', actions: 'miss', description: 'FastDatapath.Miss: learn, decide, execute, install' },
      {
        guard: 'routesUpdate',
        actions: 'newRoutes',
        description: 'the mesh recalculated its routes: flush all flows (InvalidateRoutes)',
      },
      { actions: 'refuse' },
    ],
  },
});
