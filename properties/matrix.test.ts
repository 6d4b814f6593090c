/**
 * The verdict matrix as tests, on the matrix the docs are generated from (`docsMatrix`, computed once for
 * this file on the worker pool): every default configuration × both worlds × every property.
 * A cell expected to hold held over all its generated cases; a cell expected to fail has a counterexample
 * that fails again when simulated here, outside the worker that found it. The pages and counterexample
 * files generated from these same cells must be the committed ones (`npm run docs` rewrites them), so a
 * changed counterexample shows as a stale file, as a changed snapshot would.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { comparePages, docsMatrix, generatedPages, ROOT } from '../cli/docs.ts';
import { runCase } from './case.ts';
import { expectedVerdict, violationExpected } from './expectations.ts';
import { checkRun, propertyByName } from './index.ts';
import { DEFAULT_RUNS } from './matrix.ts';

const cells = await docsMatrix();

describe('the verdict matrix', () => {
  it('has every configuration × world × property once', () => {
    const keys = cells.map((c) => `${c.config} ${c.world} ${c.property}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(cells.length).toBeGreaterThan(0);
  });

  for (const cell of cells) {
    const name = `${cell.config} (${cell.world}) ${cell.property}`;
    if (expectedVerdict(cell.config, cell.property, cell.world) === 'holds')
      it(`${name} holds over ${DEFAULT_RUNS} cases`, () => {
        expect(cell.counterexample).toBeNull();
        expect(cell.observed).toBe('holds');
        expect(cell.runs).toBe(DEFAULT_RUNS);
      });
    else
      it(`${name} fails, on a counterexample that fails again here, the way it is expected to`, () => {
        expect(cell.observed).toBe('fails');
        const cx = cell.counterexample!;
        expect(cx).not.toBeNull();
        const again = checkRun(runCase(cx.case), propertyByName(cell.property));
        expect(again.holds).toBe(false);
        if (!again.holds)
          expect(
            violationExpected(cell.config, cell.property, cell.world, again.message),
            again.message,
          ).toBe(true);
      });
  }
});

describe('the generated docs', () => {
  it('are current: every page generated from this matrix is the committed one (else `npm run docs`)', async () => {
    const pages = await generatedPages(undefined, false, cells);
    expect(comparePages(fileURLToPath(ROOT), pages)).toEqual({ stale: [], missing: [], extra: [] });
  });
});
