/**
 * A datapath flow's life (OVS kernel datapath; upstream `router/fastdp.go`): installed by the controller,
 * then gone in one of four ways: deleted by the controller (its directory changed), expired after idling past its idle time (upstream sweeps flows unused
 * for 5 min, `fastdp.go:1043-1091`), flushed with every other flow (`FlowFlush`: upstream deletes every
 * flow at start and whenever routes change or a MAC moves, `InvalidateRoutes`), or replaced by an install
 * with the same match and priority (OVS: a flow's identity). The datapath keeps only installed flows; an
 * entry that leaves `installed` is removed from its table.
 */
import { setup } from 'xstate';
import { describeFlow, type Flow } from '../flows.ts';
import { effect } from '../machine/effect.ts';
import type { Output } from '../machine/io.ts';

export type FlowState = 'none' | 'installed' | 'expired' | 'flushed' | 'replaced' | 'deleted';

export type FlowEvent =
  /** The controller installs this flow; `replaces` when it takes an installed flow's place. */
  | { type: 'install'; replaces: boolean }
  /** The idle sweep found it unused for longer than its idle time. */
  | { type: 'expire' }
  | { type: 'flush' }
  /** The controller deletes it (its directory changed). */
  | { type: 'delete' }
  /** An install with the same identity took its place. */
  | { type: 'replace' };

export const flowEntryMachine = setup({
  types: { context: {} as Flow, events: {} as FlowEvent, emitted: {} as Output },
  guards: {
    replacesOne: ({ event }) => event.type === 'install' && event.replaces,
  },
  actions: {
    noteInstalled: effect<Flow, FlowEvent>((flow, _, out) => {
      out.push({ type: 'note', text: `flow installed: ${describeFlow(flow)}` });
      return undefined;
    }),
    noteReplacing: effect<Flow, FlowEvent>((flow, _, out) => {
      out.push({ type: 'note', text: `flow replaced: ${describeFlow(flow)}` });
      return undefined;
    }),
    noteDeleted: effect<Flow, FlowEvent>((flow, _, out) => {
      out.push({ type: 'note', text: `flow deleted: ${describeFlow(flow)}` });
      return undefined;
    }),
    noteExpired: effect<Flow, FlowEvent>((flow, _, out) => {
      out.push({ type: 'note', text: `flow expired: ${describeFlow(flow)}` });
      return undefined;
    }),
  },
}).createMachine({
  id: 'flow-entry',
  description: 'a datapath flow: installed, then expired, flushed or replaced',
  context: {} as Flow,
  initial: 'none',
  states: {
    none: {
      on: {
        install: [
          {
            guard: 'replacesOne',
            target: 'installed',
            actions: 'noteReplacing',
            description: 'OVS: an install with the same match and priority replaces the flow in place',
          },
          { target: 'installed', actions: 'noteInstalled', description: 'the controller installs a flow' },
        ],
      },
    },
    installed: {
      on: {
        expire: {
          target: 'expired',
          actions: 'noteExpired',
          description: 'idle past its idle time: deleted by the sweep (fastdp.go:1043-1091)',
        },
        flush: {
          target: 'flushed',
          description: 'FlowFlush: every flow deleted (InvalidateRoutes, start-up)',
        },
        replace: { target: 'replaced', description: 'a flow with the same identity was installed' },
        delete: {
          target: 'deleted',
          actions: 'noteDeleted',
          description: 'the controller deletes it (OVS flow del): the directory it came from changed',
        },
      },
    },
    deleted: { type: 'final' },
    expired: { type: 'final' },
    flushed: { type: 'final' },
    replaced: { type: 'final' },
  },
});
