/**
 * The verdict matrix as tests: every default configuration × both worlds × every property, through
 * @fast-check/vitest.
 * A cell expected to hold must hold over the generated cases; a cell expected to fail must yield a
 * counterexample from fast-check, whose shrunk form (within the matrix's shrink budget) is kept as a
 * snapshot.
 * Each case is simulated once per configuration and shared by all the properties (a run cache).
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { DEFAULT_CONFIGS } from '../model/config.ts';
import { caseArbitrary, WORLDS } from './arbitraries.ts';
import { type Case, type CaseRun, runCase } from './case.ts';
import { expectedVerdict } from './expectations.ts';
import { checkRun, PROPERTIES } from './index.ts';
import { configSeed, DEFAULT_RUNS, DEFAULT_SEED, SHRINK_BUDGET } from './matrix.ts';

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
            // Shrunk within the matrix's budget (`SHRINK_BUDGET`, counted, so the same on any machine): once
            // it is spent, every further candidate passes and the smallest failing case so far stands.
            let failed = false;
            let left = SHRINK_BUDGET;
            const out = fc.check(
              fc.property(arb, (c) => {
                if (failed && left-- <= 0) return true;
                const holds = checkRun(run(c), property).holds;
                failed ||= !holds;
                return holds;
              }),
              params,
            );
            expect(out.failed).toBe(true);
            const shrunk = out.counterexample![0];
            expect(checkRun(runCase(shrunk), property).holds).toBe(false);
            expect(shrunk).toMatchSnapshot();
          });
      }
    });
