/**
 * The one place that touches xstate's internals: `step(snapshot, event) -> {snapshot, outputs}` for a
 * component machine. It calls `machine.transition(snapshot, event, scope)` with one reused actor scope
 * per machine, whose action executor collects what the machine `emit`s. This is about ten times cheaper
 * than xstate's exported `transition()`, which builds a throw-away actor on every call
 * (docs/architecture.md, "Stepping"; ../shared/reference/xstate-speed.md).
 */
import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  createMachine,
} from 'xstate';
import type { ComponentEvent, Output } from '../components/io.ts';

export interface StepResult {
  snapshot: AnyMachineSnapshot;
  outputs: Output[];
}

export interface Stepper {
  readonly machine: AnyStateMachine;
  /** The initial snapshot for `input`, with the outputs of the initial state's entry actions. */
  initial(input: unknown): StepResult;
  step(snapshot: AnyMachineSnapshot, event: ComponentEvent): StepResult;
}

/** Stands in for `self` and `system`: component machines never use them (no sendTo, no spawn). */
const inert = createActor(createMachine({}));

export function makeStepper(machine: AnyStateMachine): Stepper {
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
    return { snapshot, outputs };
  };
  return {
    machine,
    initial: (input) => take(machine.getInitialSnapshot(scope, input)),
    step: (snapshot, event) => take(machine.transition(snapshot, event, scope)),
  };
}
