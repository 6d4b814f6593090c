/** A cell expected to fail one way only (`ExpectedFailure.only`) still catches a failure of another way. */
import { describe, expect, it } from 'vitest';
import { expectedFailure } from './expectations.ts';
import { DEFAULT_SEED, runConfigJob } from './matrix.ts';
import { matches } from './verdicts.ts';

describe('an expected failure of one way only', () => {
  it('H1 fails delivery only for exposed hosts; a container that never retries fails it for containers', () => {
    expect(expectedFailure('fdp/h1/unicast', 'delivery')?.only).toEqual(/host kernel/);
    const cellOf = (mutants: 'container-never-retries'[]) => {
      const job = { config: 'fdp/h1/unicast', world: 'static' as const, runs: 40, seed: DEFAULT_SEED };
      const o = runConfigJob({ ...job, shrink: false, mutants }).find((x) => x.property === 'delivery')!;
      return { ...o, config: job.config, world: job.world, expected: 'fails' as const };
    };
    // The model as it is: the cell fails, the way it is expected to.
    const model = cellOf([]);
    expect(model.counterexample?.message).toMatch(/host kernel/);
    expect(matches(model)).toBe(true);
    // H1 without retries: a ping between containers is lost too, and the cell is not as expected.
    const broken = cellOf(['container-never-retries']);
    expect(broken.counterexample?.message).not.toMatch(/host kernel/);
    expect(matches(broken)).toBe(false);
  }, 120_000);
});
