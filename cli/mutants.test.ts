/** `weave-spec mutants --json`, run as a user runs it (the full check is properties/mutants.test.ts). */

import { describe, expect, it } from 'vitest';
import { PROPERTY_NAMES } from '../properties/index.ts';
import { MATRIX_MUTANTS } from '../properties/mutants.ts';
import { runCli } from './run-cli.ts';

describe('weave-spec mutants', () => {
  it('--json prints only the report, and the exit code says whether every mutant is caught', () => {
    const r = runCli('mutants', '--runs', '4', '--json');
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      caughtBy: Record<string, string[]>;
      catches: Record<string, string[]>;
    };
    expect(Object.keys(report.caughtBy)).toEqual([...MATRIX_MUTANTS]);
    expect(Object.keys(report.catches)).toEqual([...PROPERTY_NAMES]);
    expect(report.ok).toBe(true);
    expect(r.status).toBe(0);
    expect(report.caughtBy['kernel-answers-any-arp']).toContain('arp-no-spurious');
  }, 240_000);
});
