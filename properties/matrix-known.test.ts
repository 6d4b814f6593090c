/**
 * A counterexample shrunk before (a committed one, `npm run docs`) is kept instead of shrinking again only
 * while the same shrink still reaches it: the same budget, the same first failing case, the same case at
 * its path, and a property that still fails on it.
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

/** The job's counterexample with `known` given as shrunk before (with the job's budget unless it says). */
const withKnown = (known: Omit<KnownCounterexample, 'shrinkBudget'> & Partial<KnownCounterexample>) =>
  counterexample({ ...JOB, known: { [PROPERTY]: { shrinkBudget: JOB.shrinkBudget, ...known } } });

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

  it('is shrunk again when it was shrunk with another budget', () => {
    expect(withKnown({ path: first, case: caseAt(first), shrinkBudget: 1_000 })).toEqual(shrunk);
    // Shrunk to the end (`check`'s files).
    expect(withKnown({ path: first, case: caseAt(first), shrinkBudget: undefined })).toEqual(shrunk);
  });

  it('is shrunk again when its case is not the one its path gives (an edit, or arbitraries that changed)', () => {
    const other = { ...shrunk.case, choices: [...shrunk.case.choices, 0] };
    expect(withKnown({ path: first, case: other })).toEqual(shrunk);
  });

  it('is shrunk again when its path leads nowhere any more (the arbitraries changed under it)', () => {
    // Deeper than any shrink of this case goes: fast-check cannot replay it.
    const nowhere = `${first}${':99'.repeat(40)}`;
    expect(() => caseAt(nowhere)).toThrow(/replay/);
    expect(withKnown({ path: nowhere, case: shrunk.case })).toEqual(shrunk);
  });

  it('is shrunk again when the property now first fails on another case', () => {
    // A later generated case that fails too: only its place in the run tells it from a kept one.
    const elsewhere = [...Array(60).keys()]
      .map((k) => `${Number(first) + 1 + k}`)
      .find((path) => !checkCase(caseAt(path), PROPERTY).holds);
    expect(elsewhere).toBeDefined();
    expect(withKnown({ path: elsewhere!, case: caseAt(elsewhere!) })).toEqual(shrunk);
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
