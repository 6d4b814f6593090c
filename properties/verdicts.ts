/**
 * The verdict matrix: every configuration × every property, each cell with its expected and observed
 * verdict, the runs behind it and, where it fails, the shrunk counterexample.
 */
import { DEFAULT_CONFIGS } from '../model/config.ts';
import { runPool } from '../workers/pool.ts';
import { WORLDS, type World } from './arbitraries.ts';
import { expectedVerdict, violationExpected } from './expectations.ts';
import { PROPERTIES, PROPERTY_NAMES } from './index.ts';
import {
  type ConfigJob,
  type Counterexample,
  DEFAULT_RUNS,
  DEFAULT_SEED,
  type KnownCounterexample,
  MATRIX_MODULE,
  type PropertyOutcome,
  type Verdict,
} from './matrix.ts';

export interface Cell {
  config: string;
  world: World;
  property: string;
  expected: Verdict;
  observed: Verdict;
  runs: number;
  counterexample: Counterexample | null;
}

export interface MatrixOptions {
  configs?: readonly string[];
  /** The worlds to run each configuration in (default both). */
  worlds?: readonly World[];
  runs?: number;
  seed?: number;
  /** Worker threads; 1 runs everything in this thread. */
  workers?: number;
  /** Cases one shrink may simulate (default `SHRINK_BUDGET`). */
  shrinkBudget?: number;
  /** Shrink the counterexamples of cells expected to fail too (default). Off when only the cells not as
   *  expected are shown (the verdict table): shrinking the rest is most of a world that changes' time. */
  shrinkExpected?: boolean;
  onRun?: (job: number, done: number) => void;
  /** Counterexamples shrunk before, by configuration and world (`ConfigJob.known`). */
  known?: (config: string, world: World) => Record<string, KnownCounterexample> | undefined;
  /** Which jobs to run, by their index in the fixed job order (a slice of the run: `--shard`); all when
   *  absent. */
  jobs?: (index: number) => boolean;
}

/** One job per configuration and world, configurations in order, the static world first. */
function jobsOf(options: MatrixOptions): (ConfigJob & { world: World })[] {
  const configs = options.configs ?? DEFAULT_CONFIGS.map((c) => c.id);
  const worlds = options.worlds ?? WORLDS;
  return configs.flatMap((config) =>
    worlds.map((world) => {
      const known = options.known?.(config, world);
      return {
        config,
        world,
        runs: options.runs ?? DEFAULT_RUNS,
        seed: options.seed ?? DEFAULT_SEED,
        shrink: true,
        ...(options.shrinkBudget !== undefined && { shrinkBudget: options.shrinkBudget }),
        ...(known && { known }),
        ...(options.shrinkExpected === false && {
          keepAsFound: PROPERTY_NAMES.filter((p) => expectedVerdict(config, p, world) === 'fails'),
        }),
      };
    }),
  );
}

function cellsOf(jobs: readonly (ConfigJob & { world: World })[], outcomes: PropertyOutcome[][]): Cell[] {
  return jobs.flatMap(({ config, world }, i) =>
    outcomes[i]!.map((o) => ({
      config,
      world,
      property: o.property,
      expected: expectedVerdict(config, o.property, world),
      observed: o.observed,
      runs: o.runs,
      counterexample: o.counterexample,
    })),
  );
}

/** How many jobs (configuration × world) a matrix of these options has, before any slicing. */
export function matrixJobCount(options: MatrixOptions = {}): number {
  return jobsOf(options).length;
}

export async function runMatrix(options: MatrixOptions = {}): Promise<Cell[]> {
  const jobs = jobsOf(options).filter((_, k) => options.jobs?.(k) ?? true);
  const outcomes = await runPool<ConfigJob, PropertyOutcome[]>(MATRIX_MODULE, jobs, {
    workers: options.workers,
    onProgress: options.onRun,
  });
  return cellsOf(jobs, outcomes);
}

/** Whether a cell came out as the table says: the same verdict, and, where it fails, the way it was
 *  expected to (`ExpectedFailure.only`). */
export function matches(c: Cell): boolean {
  return (
    c.expected === c.observed &&
    (c.observed === 'holds' ||
      violationExpected(c.config, c.property, c.world, c.counterexample?.message ?? ''))
  );
}

export const PROPERTY_ORDER = PROPERTIES.map((p) => p.name);
