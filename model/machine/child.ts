/**
 * Child machines: the entries of a component's tables that have a life of their own (a neighbour entry,
 * a MAC cache entry, a flow, a controller's per-IP upcall state) are machines of their own, composed into
 * the component that owns them. The owner keeps each entry as plain data, its state in a `state` field and
 * the rest its context; an owner's effect steps an entry with `stepChild`, through the child's plan
 * (`plan.ts`), and gets the entry back with its outputs. So a child is stepped inside its owner's step,
 * synchronously, with no actor and no message: the simulator sees one component taking one event, and a
 * run stays a pure function of its case.
 *
 * Which child machine an owner uses is given when the owner's machine is made (`containerMachineWith`,
 * ...), so an owner can be made with a child whose guards or effects were swapped by `machine.provide()`.
 */
import type { AnyStateMachine, EventObject } from 'xstate';
import type { Output } from './io.ts';
import { type MachineState, plan, step } from './plan.ts';

/** Steps a child held as `{ value, context }` (an owner that keeps the state apart from the entry, or
 *  knows it: a datapath keeps only installed flows); outputs pushed onto `out`. */
export function stepEntry<C>(
  machine: AnyStateMachine,
  state: MachineState<C>,
  event: EventObject,
  out: Output[],
): MachineState<C> {
  const r = step(plan(machine), state, event);
  for (const o of r.outputs) out.push(o);
  return r.state;
}

/** An entry as its owner stores it: the child's state and its context, flat. */
export type Entry<S extends string, C> = C & { state: S };

/**
 * Steps one entry. `entry` undefined is an entry not yet made: the child starts in its initial state
 * with the context `fresh`. Returns the entry as it becomes (the same object when nothing changed), the
 * child's outputs pushed onto `out`.
 */
export function stepChild<S extends string, C extends object>(
  machine: AnyStateMachine,
  entry: Entry<S, C> | undefined,
  fresh: C,
  event: EventObject,
  out: Output[],
): Entry<S, C> {
  const p = plan(machine);
  const state =
    entry === undefined ? { value: p.initial, context: fresh } : { value: entry.state, context: entry as C };
  const r = step(p, state, event);
  for (const o of r.outputs) out.push(o);
  if (r.state === state && entry !== undefined) return entry;
  return { ...(r.state.context as C), state: r.state.value as S };
}
