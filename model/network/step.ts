/**
 * A component's stepping function, `step(state, event) -> {state, outputs}`, the one thing the simulator
 * asks of a machine. The initial state comes from xstate (`getInitialSnapshot`, running the initial
 * state's entry effects, whose outputs are collected); every later event goes through the machine's plan
 * (`model/machine/plan.ts`). The `xstate` engine steps with xstate's own `machine.transition` instead, with
 * one reused actor scope per machine: slower, and kept so that a test can demand that both give the same
 * trace (docs/architecture.md, "Stepping").
 */
import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  createMachine,
} from 'xstate';
import type { ComponentEvent, Output } from '../machine/io.ts';
import { type MachineState, plan, step as planStep } from '../machine/plan.ts';

export type Engine = 'plan' | 'xstate';

export interface StepResult {
  state: MachineState;
  outputs: Output[];
}

export interface Stepper {
  readonly machine: AnyStateMachine;
  /** The initial state for `input`, with the outputs of the initial state's entry effects. */
  initial(input: unknown): StepResult;
  step(state: MachineState, event: ComponentEvent): StepResult;
}

/** Stands in for `self` and `system`: component machines never use them (no sendTo, no spawn). */
const inert = createActor(createMachine({}));

const stateValue = (s: AnyMachineSnapshot): string => (typeof s.value === 'string' ? s.value : '');

export function makeStepper(machine: AnyStateMachine, engine: Engine = 'plan'): Stepper {
  let collected: Output[] = [];
  const scope: AnyActorScope = {
    self: inert,
    id: machine.id,
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: inert.system,
    stopChild: () => {},
    actionExecutor: (action) => {
      if (action.type === 'xstate.emit') collected.push((action.params as { event: Output }).event);
      else if (action.type !== 'xstate.assign')
        throw new Error(
          `${machine.id}: action ${action.type} is not allowed in a component machine; emit outputs instead`,
        );
    },
  };
  const take = (snapshot: AnyMachineSnapshot): StepResult => {
    const outputs = collected;
    collected = [];
    if (snapshot.status === 'error') throw snapshot.error;
    return { state: { value: stateValue(snapshot), context: snapshot.context }, outputs };
  };
  const initial = (input: unknown) => take(machine.getInitialSnapshot(scope, input));
  if (engine === 'xstate')
    return {
      machine,
      initial,
      step: (state, event) =>
        take(
          machine.transition(
            machine.resolveState({ value: state.value === '' ? {} : state.value, context: state.context }),
            event,
            scope,
          ),
        ),
    };
  const p = plan(machine);
  return { machine, initial, step: (state, event) => planStep(p, state, event) };
}
