/** The vacuity check: every mutant is caught by some property, and every property catches some mutant. */
import { describe, expect, it } from 'vitest';
import { checkCase, PROPERTY_NAMES } from './index.ts';
import { MATRIX_MUTANTS } from './mutants.ts';
import { runMutants } from './mutation.ts';

describe('mutants', () => {
  it('every mutant is caught and every property catches one', async () => {
    const report = await runMutants({ runs: 12, workers: 1 });
    for (const m of MATRIX_MUTANTS) expect(report.caughtBy[m], `${m} is not caught`).not.toEqual([]);
    for (const p of PROPERTY_NAMES) expect(report.catches[p], `${p} catches no mutant`).not.toEqual([]);
    expect(report.ok).toBe(true);
    // A catch is a failure on a case the unmutated model holds. Where it fails without the mutant too (H1
    // and an exposed host on another host), the case the mutant broke holds without it.
    const anyway = report.cells.filter((c) => c.caught && c.baseline === 'fails');
    expect(anyway.map((c) => `${c.mutant} ${c.property}`)).toContain('container-never-retries delivery');
    for (const c of anyway) {
      const { mutants, ...unmutated } = c.evidence!;
      expect(mutants).toEqual([c.mutant]);
      expect(checkCase(unmutated, c.property).holds, `${c.mutant} ${c.config} ${c.property}`).toBe(true);
      expect(checkCase(c.evidence!, c.property).holds).toBe(false);
    }
  }, 300_000);
});
