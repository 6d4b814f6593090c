/** The vacuity check: every mutant is caught by some property, and every property catches some mutant. */
import { describe, expect, it } from 'vitest';
import { PROPERTY_NAMES } from './index.ts';
import { MATRIX_MUTANTS } from './mutants.ts';
import { runMutants } from './mutation.ts';

describe('mutants', () => {
  it('every mutant is caught and every property catches one', async () => {
    const report = await runMutants({ runs: 12, workers: 1 });
    for (const m of MATRIX_MUTANTS) expect(report.caughtBy[m], `${m} is not caught`).not.toEqual([]);
    for (const p of PROPERTY_NAMES) expect(report.catches[p], `${p} catches no mutant`).not.toEqual([]);
    expect(report.ok).toBe(true);
    // A catch needs the property to hold on the unmutated model for that configuration.
    expect(report.cells.filter((c) => c.caught).every((c) => c.baseline === 'holds')).toBe(true);
  }, 300_000);
});
