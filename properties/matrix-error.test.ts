/** A model that throws is a bug to report, never a verdict: the matrix must not turn it into "holds". */
import { describe, expect, it, vi } from 'vitest';

vi.mock('./case.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./case.ts')>();
  let calls = 0;
  return {
    ...real,
    runCase: (c: Parameters<typeof real.runCase>[0]) => {
      if (++calls === 3) throw new Error('broken machine');
      return real.runCase(c);
    },
  };
});

const { ModelError, runConfigJob } = await import('./matrix.ts');

describe('the matrix and a model that throws', () => {
  it('reports the exception with the case, instead of verdicts over fewer runs', () => {
    expect(() => runConfigJob({ config: 'sleeve/upstream', runs: 10, seed: 1, shrink: false })).toThrow(
      ModelError,
    );
    expect(() => runConfigJob({ config: 'sleeve/upstream', runs: 10, seed: 1, shrink: false })).not.toThrow();
  });
});
