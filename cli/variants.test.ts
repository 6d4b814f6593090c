/** `weave-spec variants`: what it prints, and that docs/variants.md is what the model gives now. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../properties/matrix.ts';
import { compareVariants, VARIANT_SCOPES, type VariantRow, variantRow } from '../properties/variants.ts';
import { ROOT, runMain } from './run-cli.ts';
import { DEFAULT_VARIANT_CASES, variantCells } from './variants.ts';

describe('weave-spec variants', () => {
  it('prints { "rows": [...] } with --json: one row per hypothesis, world and learning', async () => {
    const r = await runMain('variants', '--cases', '2', '--json');
    expect(r.status).toBe(0);
    const { rows } = JSON.parse(r.stdout);
    expect(rows).toHaveLength(VARIANT_SCOPES.length);
    expect(rows.map((x: VariantRow) => [x.hypothesis, x.world, x.learning])).toEqual(
      VARIANT_SCOPES.map((s) => [s.hypothesis, s.world, s.learning]),
    );
    for (const row of rows) {
      expect(row.cases).toBe(2);
      expect(Object.keys(row.vtepSends)).toEqual(['multicast', 'unicast', 'zero-mac']);
    }
  });

  it('docs/variants.md is current in the rows docs/dynamics.md quotes: what the model gives now', () => {
    const page = readFileSync(join(ROOT, 'docs/variants.md'), 'utf8');
    expect(page).toContain(`The same ${DEFAULT_VARIANT_CASES} generated cases`);
    expect(page).toContain(`(seed ${DEFAULT_SEED})`);
    // The world that changes, learning on, for each hypothesis, and the largest flooding without learning;
    // the others are the same computation (a few seconds each).
    for (const scope of [
      { hypothesis: 'h1', world: 'dynamic', learning: true },
      { hypothesis: 'h2', world: 'dynamic', learning: true },
      { hypothesis: 'h3', world: 'dynamic', learning: true },
      { hypothesis: 'h1', world: 'dynamic', learning: false },
    ] as const) {
      const opts = { ...scope, cases: DEFAULT_VARIANT_CASES, seed: DEFAULT_SEED };
      const row = variantRow(opts, compareVariants(opts));
      expect(page, 'run `npm run docs:variants`').toContain(`| ${variantCells(row).join(' | ')} |`);
    }
  });
});
