/** `weave-spec mutants --json`, run as a user runs it (the full check is properties/mutants.test.ts). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(new URL('.', import.meta.url).pathname, '..');

describe('weave-spec mutants', () => {
  it('--json prints only the report, and the exit code says whether every mutant is caught', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin/weave-spec.js'), 'mutants', '--runs', '4', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      caughtBy: Record<string, string[]>;
      catches: Record<string, string[]>;
    };
    expect(Object.keys(report.caughtBy)).toHaveLength(6);
    expect(Object.keys(report.catches)).toHaveLength(8);
    expect(r.status).toBe(report.ok ? 0 : 1);
    expect(report.caughtBy['kernel-answers-any-arp']).toContain('arp-no-spurious');
  }, 240_000);
});
