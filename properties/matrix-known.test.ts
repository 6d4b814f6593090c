/**
 * A counterexample shrunk before (a committed one, `npm run docs`) is kept instead of shrinking again only
 * while it is still what the shrink gives: the same first failing case, the same case at its path, and a
 * property that still fails on it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configById } from '../model/config.ts';
import { caseArbitrary } from './arbitraries.ts';
import { consumedCase, runCase } from './case.ts';
import { checkCase } from './index.ts';
import { type ConfigJob, configSeed, type KnownCounterexample, runConfigJob } from './matrix.ts';

const PROPERTY = 'arp-strict';
const JOB: ConfigJob = { config: 'fdp/h2/unicast', runs: 20, seed: 7, shrink: true, shrinkBudget: 40 };

function counterexample(job: ConfigJob) {
  return runConfigJob(job).find((o) => o.property === PROPERTY)!.counterexample!;
}

const shrunk = counterexample(JOB);
const first = shrunk.path.split(':')[0]!;

/** The consumed case fast-check generates at `path` under the job's seed. */
function caseAt(path: string) {
  const arb = caseArbitrary(configById(JOB.config), { world: 'static' });
  const [c] = fc.sample(arb, { seed: configSeed(JOB.seed, JOB.config), path, numRuns: 1 });
  return consumedCase(runCase(c!));
}

const withKnown = (known: KnownCounterexample) => counterexample({ ...JOB, known: { [PROPERTY]: known } });

describe('a counterexample shrunk before', () => {
  it('is shrunk from the first failing case', () => {
    expect(shrunk.path).toMatch(/^\d+:\d/);
  });

  it('is kept while its path still gives its case and the property still fails on it', () => {
    // The first failing case, unshrunk, stands for one an earlier (shallower) shrink left.
    const kept = withKnown({ path: first, case: caseAt(first) });
    expect(kept.path).toBe(first);
    expect(kept.case).toEqual(caseAt(first));
    expect(kept.case).not.toEqual(shrunk.case);
  });

  it('is shrunk again when its case is not the one its path gives (an edit, or arbitraries that changed)', () => {
    const other = { ...shrunk.case, choices: [...shrunk.case.choices, 0] };
    expect(withKnown({ path: first, case: other })).toEqual(shrunk);
  });

  it('is shrunk again when the property now first fails on another case', () => {
    const elsewhere = `${Number(first) + 1}`;
    expect(withKnown({ path: elsewhere, case: caseAt(elsewhere) })).toEqual(shrunk);
  });

  it('is shrunk again when the property holds on it', () => {
    // A shrink candidate of the first failing case on which the property holds: its path gives its case.
    const holds = [...Array(20).keys()]
      .map((k) => `${first}:${k}`)
      .find((path) => checkCase(caseAt(path), PROPERTY).holds);
    expect(holds).toBeDefined();
    expect(withKnown({ path: holds!, case: caseAt(holds!) })).toEqual(shrunk);
  });
});
