/**
 * The verdict matrix as tests: every default configuration × both worlds × every property, through
 * @fast-check/vitest.
 * A cell expected to hold must hold over the generated cases; a cell expected to fail must yield a
 * counterexample from fast-check, whose shrunk form is kept as a snapshot (and in docs/verdicts.md).
 * Each case is simulated once per configuration and shared by all the properties (a run cache).
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { DEFAULT_CONFIGS } from '../model/config.ts';
import { caseArbitrary, WORLDS } from './arbitraries.ts';
import { type Case, type CaseRun, runCase } from './case.ts';
import { expectedVerdict } from './expectations.ts';
import { checkRun, PROPERTIES } from './index.ts';
import { configSeed, DEFAULT_RUNS, DEFAULT_SEED } from './matrix.ts';

const RUNS = Number(process.env.WEAVE_SPEC_RUNS ?? DEFAULT_RUNS);

for (const config of DEFAULT_CONFIGS)
  for (const world of WORLDS)
    describe(`${config.id} (${world})`, () => {
      const cache = new Map<string, CaseRun>();
      const run = (c: Case): CaseRun => {
        const key = JSON.stringify(c);
        let r = cache.get(key);
        if (!r) {
          r = runCase(c);
          cache.set(key, r);
        }
        return r;
      };
      afterAll(() => cache.clear());
      const arb = caseArbitrary(config, { world });
      const params = { seed: configSeed(DEFAULT_SEED, config.id, world), numRuns: RUNS };
      for (const property of PROPERTIES) {
        if (expectedVerdict(config.id, property.name, world) === 'holds')
          test.prop([arb], params)(`${property.name} holds`, (c) => {
            expect(checkRun(run(c), property)).toEqual({ holds: true });
          });
        else
          test(`${property.name} fails, and fast-check finds and shrinks a counterexample`, () => {
            const out = fc.check(
              fc.property(arb, (c) => checkRun(run(c), property).holds),
              params,
            );
            expect(out.failed).toBe(true);
            const shrunk = out.counterexample![0];
            expect(checkRun(runCase(shrunk), property).holds).toBe(false);
            expect(shrunk).toMatchSnapshot();
          });
      }
    });
