/**
 * Every action of a model machine is an effect: a pure function of the context and the event that pushes
 * the action's outputs (`machine/io.ts`) and returns the part of the context it changes (or nothing).
 *
 * `effect(fn)` makes it an xstate action (an `enqueueActions` that assigns the patch and emits the
 * outputs), so every machine runs under xstate like any other and `provide()` can swap an effect by name;
 * the function itself is kept on the action as `.effect`, so the simulator's stepper (`plan.ts`) calls it
 * directly, without xstate's per-transition machinery.
 */
import { type ActionFunction, type EventObject, enqueueActions, type MachineContext } from 'xstate';
import type { Output } from './io.ts';

/** What an effect does: outputs pushed onto `out`, and the changed context fields returned. */
export type EffectFn<C, E> = (context: C, event: E, out: Output[]) => Partial<C> | undefined;

// biome-ignore lint/suspicious/noExplicitAny: xstate's action type parameters are erased where effects are stored
type AnyEffectFn = EffectFn<any, any>;

/** An xstate action that is an effect. */
export type EffectAction<C extends MachineContext, E extends EventObject> = ActionFunction<
  C,
  E,
  E,
  undefined,
  never,
  never,
  never,
  never,
  Output
> & { effect: EffectFn<C, E> };

export function effect<C extends MachineContext, E extends EventObject>(
  fn: EffectFn<C, E>,
): EffectAction<C, E> {
  const action = enqueueActions<C, E, undefined, E, never, never, never, never, Output>(
    ({ context, event, enqueue }) => {
      const out: Output[] = [];
      const patch = fn(context, event, out);
      if (patch) enqueue.assign(patch as never);
      for (const o of out) enqueue.emit(o);
    },
  );
  return Object.assign(action, { effect: fn });
}

/** The effect function behind an action, or undefined when the action is not an `effect()`. */
export function effectOf(action: unknown): AnyEffectFn | undefined {
  const fn = (action as { effect?: unknown } | null)?.effect;
  return typeof fn === 'function' ? (fn as AnyEffectFn) : undefined;
}

/** An effect for one event type of a machine that takes several: it does nothing for the others (they
 *  never reach it: the transitions say which event runs it). */
export function on<C, E extends { type: string }, T extends E['type']>(
  type: T,
  fn: EffectFn<C, Extract<E, { type: T }>>,
): EffectFn<C, E> {
  return (context, event, out) =>
    event.type === type ? fn(context, event as Extract<E, { type: T }>, out) : undefined;
}
