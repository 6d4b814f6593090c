/**
 * The one adapter for stateless forwarding elements (the bridge, ethbr, the underlay, the vtep, the
 * datapath): a machine without states whose every packet goes through one effect, `forward`. Their tables
 * (FDBs, flows) are data in the context, not control state; where an entry has a life of its own it is a
 * machine of its own, stepped by the effect (`model/machine/child.ts`).
 */
import { type AnyStateMachine, setup } from 'xstate';
import { type EffectFn, effect } from './effect.ts';
import type { Output, RecvEvent } from './io.ts';

export interface ForwarderSpec<C extends object, I> {
  id: string;
  context: (input: I) => C;
  /** What one packet does: the outputs, and the changed context fields. */
  forward: EffectFn<C, RecvEvent>;
  description: string;
}

export function forwarderMachine<C extends object, I>(spec: ForwarderSpec<C, I>) {
  return setup({
    types: {
      context: {} as C & Record<string, unknown>,
      events: {} as RecvEvent,
      input: {} as I,
      emitted: {} as Output,
    },
    actions: { forward: effect(spec.forward as EffectFn<C & Record<string, unknown>, RecvEvent>) },
  }).createMachine({
    id: spec.id,
    description: spec.description,
    context: ({ input }) => spec.context(input) as C & Record<string, unknown>,
    on: { recv: { actions: 'forward' } },
  }) as AnyStateMachine;
}
