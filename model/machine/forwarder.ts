/**
 * The one adapter for stateless forwarding elements (the bridge, ethbr, the underlay, the vtep, the
 * datapath): a machine without states whose every packet goes through one effect, `forward`. Their tables
 * (FDBs, flows) are data in the context, not control state; where an entry has a life of its own it is a
 * machine of its own, stepped by the effect (`model/machine/child.ts`). An element may also take events
 * other than packets (a bridge port going down), each through an effect of its own.
 */
import { type AnyStateMachine, setup } from 'xstate';
import { type EffectFn, effect } from './effect.ts';
import type { ComponentEvent, Output, RecvEvent } from './io.ts';

type EventOf<T extends ComponentEvent['type']> = Extract<ComponentEvent, { type: T }>;

export interface ForwarderSpec<C extends object, I> {
  id: string;
  context: (input: I) => C;
  /** What one packet does: the outputs, and the changed context fields. */
  forward: EffectFn<C, RecvEvent>;
  /** Other events the element takes, each with its effect and what it models. */
  also?: {
    [T in Exclude<ComponentEvent['type'], 'recv'>]?: { effect: EffectFn<C, EventOf<T>>; description: string };
  };
  description: string;
}

export function forwarderMachine<C extends object, I>(spec: ForwarderSpec<C, I>) {
  type Ctx = C & Record<string, unknown>;
  const also = Object.entries(spec.also ?? {}) as [
    string,
    { effect: EffectFn<Ctx, ComponentEvent>; description: string },
  ][];
  return setup({
    types: {
      context: {} as Ctx,
      events: {} as ComponentEvent,
      input: {} as I,
      emitted: {} as Output,
    },
    actions: {
      forward: effect(spec.forward as EffectFn<Ctx, ComponentEvent>),
      ...Object.fromEntries(also.map(([type, a]) => [type, effect(a.effect)])),
    },
  }).createMachine({
    id: spec.id,
    description: spec.description,
    context: ({ input }) => spec.context(input) as Ctx,
    on: {
      recv: { actions: 'forward' },
      ...Object.fromEntries(also.map(([type, a]) => [type, { actions: type, description: a.description }])),
    },
  }) as AnyStateMachine;
}
