/**
 * The simulator steps machines through their plans (`model/machine/plan.ts`), not through xstate's own
 * `transition`. This keeps the two honest: on generated cases of every configuration, and with every
 * mutant's machines, both engines give the same trace, byte for byte, and the same final states.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_CONFIGS, configById } from '../model/config.ts';
import { choiceScheduler } from '../model/network/scheduler.ts';
import { simulate } from '../model/network/simulator.ts';
import type { Engine } from '../model/network/step.ts';
import { buildNetwork } from '../model/network/wiring.ts';
import { caseArbitrary } from './arbitraries.ts';
import { type Case, stepBound } from './case.ts';
import { MATRIX_MUTANTS, mutantMachines } from './mutants.ts';

function runWith(c: Case, engine: Engine) {
  const network = buildNetwork(c.topology, configById(c.config), {
    machines: mutantMachines(c.mutants ?? []),
  });
  const run = simulate(network, c.traffic, {
    scheduler: choiceScheduler(c.choices),
    maxSteps: stepBound(c, network),
    engine,
  });
  return {
    trace: createHash('sha256').update(JSON.stringify(run.trace)).digest('hex'),
    values: run.values,
    contexts: run.contexts,
  };
}

describe('the plan engine and xstate agree', () => {
  it.each(ALL_CONFIGS.map((c) => c.id))('%s', (id) => {
    for (const c of fc.sample(caseArbitrary(configById(id)), { numRuns: 8, seed: 4711 })) {
      const plan = runWith(c, 'plan');
      const xstate = runWith(c, 'xstate');
      expect(plan.trace).toBe(xstate.trace);
      expect(plan.values).toEqual(xstate.values);
      expect(plan.contexts).toEqual(xstate.contexts);
    }
  });
  it.each(MATRIX_MUTANTS)('with the mutant %s', (mutant) => {
    for (const id of ['sleeve/proxy-arp', 'fdp/h1/unicast', 'fdp/upstream'])
      for (const c of fc.sample(caseArbitrary(configById(id), { mutants: [mutant] }), {
        numRuns: 3,
        seed: 4712,
      }))
        expect(runWith(c, 'plan').trace).toBe(runWith(c, 'xstate').trace);
  });
});
