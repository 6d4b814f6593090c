/**
 * The Weave Router as the Fast Datapath's controller (SEED-FLOWS.md FD-L, FD-X.2.2, FD-X.3, FD-X.5,
 * FD-X.7 and the upstream section; weave-upstream.md §2–3). It talks to the datapath over the netlink
 * channel, port `datapath`: it installs its standing flows at start (entry actions, so they come out of
 * `initial()`), takes upcalls, and answers with flow installs, flushes and `Execute`s.
 *
 * - `h1`, `h2`, `h3`: the seed's guesses; standing flows and H1's upcall handling in `model/fdp/seed.ts`
 *   (its comment gives the readings chosen where the seed is silent).
 * - `upstream`: upstream fastdp, a learning switch with generic miss upcalls, the missed packet executed
 *   at once and per-flow tunnels (`model/fdp/upstream.ts`, on top of `model/weave-router.ts`). At start it
 *   deletes every flow, as upstream does (`router/fastdp.go:114-124`). A `routes-update` arriving on port
 *   `mesh` (the mesh's route recalculation) replaces its routes and flushes all flows
 *   (`Routes.OnChange(InvalidateRoutes)`, `router/network_router.go:70`).
 */
import { enqueueActions, setup } from 'xstate';
import { h1Upcall, install, standingFlows, standingWarnings } from '../fdp/seed.ts';
import type { ControllerContext, ControllerInput } from '../fdp/types.ts';
import { flush, upstreamUpcall } from '../fdp/upstream.ts';
import { shortIds } from '../fdp/vni.ts';
import type { Upcall } from '../flows.ts';
import { emptyMacTable } from '../mac-table.ts';
import { MAC_MAX_AGE_MS } from '../weave-router.ts';
import type { Output, RecvEvent } from './io.ts';

export type {
  ControllerContext,
  ControllerInput,
  FdpDirectory,
  FdpHost,
  FdpHypothesis,
} from '../fdp/types.ts';

type Plan = { outputs: Output[]; update?: Partial<ControllerContext> };

function drop(reason: string): Output {
  return { type: 'drop', reason };
}

function startup(ctx: ControllerContext): Output[] {
  if (ctx.hypothesis === 'upstream')
    return [{ type: 'note', text: 'upstream: delete all flows at start; every miss is upcalled' }, flush()];
  const flows = standingFlows(ctx);
  return [
    ...standingWarnings(ctx),
    { type: 'note', text: `${ctx.hypothesis}: install ${flows.length} standing flows` },
    ...flows.map(install),
  ];
}

function onUpcall(ctx: ControllerContext, up: Upcall, now: number): Plan {
  switch (ctx.hypothesis) {
    case 'h1':
      return { outputs: h1Upcall(ctx, up) };
    case 'h2':
    case 'h3':
      return {
        outputs: [
          drop(`${ctx.hypothesis}'s controller has no miss handling: the seed's datapath only floods`),
        ],
      };
    case 'upstream': {
      const r = upstreamUpcall(ctx, up, now);
      return { outputs: r.outputs, update: { macs: r.macs, sendToMac: r.sendToMac } };
    }
  }
}

function onRecv(ctx: ControllerContext, event: RecvEvent): Plan {
  const msg = event.packet;
  if (event.port === 'datapath')
    return msg.kind === 'upcall'
      ? onUpcall(ctx, msg, event.now)
      : { outputs: [drop(`the controller takes only upcalls from the datapath, not ${msg.kind}`)] };
  if (event.port === 'mesh') {
    if (msg.kind !== 'routes-update') return { outputs: [drop(`not a routes update on mesh: ${msg.kind}`)] };
    if (ctx.hypothesis !== 'upstream')
      return { outputs: [drop("routes are not used by the seed's controller")] };
    return {
      outputs: [{ type: 'note', text: 'routes recalculated: flush all flows (InvalidateRoutes)' }, flush()],
      update: { routes: msg.routes },
    };
  }
  return { outputs: [drop(`no such port: ${event.port}`)] };
}

export const controllerMachine = setup({
  types: {
    context: {} as ControllerContext,
    events: {} as RecvEvent,
    input: {} as ControllerInput,
    emitted: {} as Output,
  },
}).createMachine({
  id: 'controller',
  context: ({ input }) => ({
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
  }),
  entry: enqueueActions(({ context, enqueue }) => {
    for (const o of startup(context)) enqueue.emit(o);
  }),
  on: {
    recv: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const plan = onRecv(context, event);
        if (plan.update) enqueue.assign(plan.update);
        for (const o of plan.outputs) enqueue.emit(o);
      }),
    },
  },
});
