/**
 * The stepping function as it was before the performance work (commit 904e0aa, model/network/step.ts),
 * verbatim apart from imports and names: the reference simulator uses it, so that `npm run bench` measures
 * the whole speed-up. Not used by the product.
 */
import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  createMachine,
} from 'xstate';
import type { ComponentEvent, Output } from '../model/machine/io.ts';

interface StepResult {
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

export function referenceMakeStepper(machine: AnyStateMachine): Stepper {
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
