/**
 * The vacuity check (issue 4): run the matrix with each named mutant switched on and see which properties
 * catch it. A property catches a mutant on a configuration when it fails with the mutant on a case where
 * it holds on the unmutated model: where it holds on every case of the unmutated runs, any failure; where
 * it is expected to fail anyway (an exposed host H1 cannot reach, say), a failure on a case the unmutated
 * model gets right. Every mutant must be caught, and every property must catch at least one mutant, or
 * the property could be vacuous.
 */
import { type Config, DEFAULT_CONFIGS } from '../model/config.ts';
import { type PoolOptions, runPool } from '../workers/pool.ts';
import type { World } from './arbitraries.ts';
import type { Case } from './case.ts';
import { PROPERTY_NAMES } from './index.ts';
import { type ConfigJob, DEFAULT_SEED, MATRIX_MODULE, type PropertyOutcome, type Verdict } from './matrix.ts';
import { MATRIX_MUTANTS, type MutantName } from './mutants.ts';

export const DEFAULT_MUTANT_RUNS = 30;

/** The configurations where a mutant's component exists (running it elsewhere shows nothing). */
export function mutantConfigs(mutant: MutantName, configs: readonly Config[] = DEFAULT_CONFIGS): Config[] {
  switch (mutant) {
    case 'vtep-refloods':
      return configs.filter((c) => c.plane === 'fdp' && c.hypothesis !== 'upstream');
    case 'proxy-wrong-mac':
      return configs.filter((c) => c.plane === 'sleeve' && c.arp === 'proxy');
    case 'datapath-drops-upcalled':
      return configs.filter((c) => c.plane === 'fdp' && c.hypothesis === 'upstream');
    case 'h1-responder-wrong-mac':
      return configs.filter((c) => c.plane === 'fdp' && c.hypothesis === 'h1');
    default:
      return [...configs];
  }
}

/** The world a mutant shows in: most break the static world already; `neigh-never-stale` (a neighbour
 *  entry that stays REACHABLE) matters only once an owner has gone. */
export function mutantWorld(mutant: MutantName): World {
  return mutant === 'neigh-never-stale' ? 'dynamic' : 'static';
}

export interface MutantCell {
  mutant: MutantName;
  config: string;
  world: World;
  property: string;
  /** On the unmutated model. */
  baseline: Verdict;
  observed: Verdict;
  caught: boolean;
  runs: number;
  message: string | null;
  /** Where the property fails without the mutant too: the case the mutant broke, which holds without it. */
  evidence?: Case;
}

export interface MutantReport {
  cells: MutantCell[];
  /** Mutant to the properties that catch it (on some configuration). */
  caughtBy: Record<string, string[]>;
  /** Property to the mutants it catches. */
  catches: Record<string, string[]>;
  ok: boolean;
}

export interface MutantOptions {
  mutants?: readonly MutantName[];
  configs?: readonly Config[];
  runs?: number;
  seed?: number;
  workers?: number;
  onRun?: PoolOptions['onProgress'];
  /** Called once the baseline is known, with the number of jobs in all. */
  onJobs?: (jobs: number) => void;
}

export async function runMutants(options: MutantOptions = {}): Promise<MutantReport> {
  const mutants = options.mutants ?? MATRIX_MUTANTS;
  const runs = options.runs ?? DEFAULT_MUTANT_RUNS;
  const seed = options.seed ?? DEFAULT_SEED;
  // One baseline per configuration and world the mutants run in.
  const key = (config: string, world: World) => `${config} ${world}`;
  const wanted = new Map<string, { config: string; world: World }>();
  for (const m of mutants)
    for (const c of mutantConfigs(m, options.configs))
      wanted.set(key(c.id, mutantWorld(m)), { config: c.id, world: mutantWorld(m) });
  const base: ConfigJob[] = [...wanted.values()].map(({ config, world }) => ({
    config,
    world,
    runs,
    seed,
    shrink: false,
  }));
  const holdsAt = new Map<string, string[]>();
  const mutated: { mutant: MutantName; job: ConfigJob }[] = [];
  options.onJobs?.(base.length);
  const baseOut = await runPool<ConfigJob, PropertyOutcome[]>(MATRIX_MODULE, base, {
    workers: options.workers,
    onProgress: options.onRun,
  });
  for (const [i, j] of base.entries())
    holdsAt.set(
      key(j.config, j.world ?? 'static'),
      baseOut[i]!.filter((o) => o.observed === 'holds').map((o) => o.property),
    );
  for (const m of mutants)
    for (const c of mutantConfigs(m, options.configs))
      mutated.push({
        mutant: m,
        job: {
          config: c.id,
          world: mutantWorld(m),
          runs,
          seed,
          shrink: false,
          mutants: [m],
          stopWhenFailed: [...PROPERTY_NAMES],
          failsUnmutated: PROPERTY_NAMES.filter((p) => !holdsAt.get(key(c.id, mutantWorld(m)))?.includes(p)),
        },
      });
  options.onJobs?.(base.length + mutated.length);
  const out = await runPool<ConfigJob, PropertyOutcome[]>(
    MATRIX_MODULE,
    mutated.map((x) => x.job),
    {
      workers: options.workers,
      onProgress: (job, done) => options.onRun?.(base.length + job, done),
    },
  );
  const cells: MutantCell[] = mutated.flatMap(({ mutant, job }, i) =>
    out[i]!.map((o: PropertyOutcome): MutantCell => {
      const world = job.world ?? 'static';
      const baseline: Verdict = holdsAt.get(key(job.config, world))!.includes(o.property) ? 'holds' : 'fails';
      return {
        mutant,
        config: job.config,
        world,
        property: o.property,
        baseline,
        observed: o.observed,
        // A failure counts only on a case the unmutated model holds (`failsUnmutated`).
        caught: o.observed === 'fails',
        runs: o.runs,
        message: o.counterexample?.message ?? null,
        ...(baseline === 'fails' && o.counterexample && { evidence: o.counterexample.case }),
      };
    }),
  );
  const caughtBy: Record<string, string[]> = Object.fromEntries(mutants.map((m) => [m, []]));
  const catches: Record<string, string[]> = Object.fromEntries(PROPERTY_NAMES.map((p) => [p, []]));
  for (const c of cells) {
    if (!c.caught) continue;
    if (!caughtBy[c.mutant]!.includes(c.property)) caughtBy[c.mutant]!.push(c.property);
    if (!catches[c.property]!.includes(c.mutant)) catches[c.property]!.push(c.mutant);
  }
  for (const list of Object.values(caughtBy))
    list.sort((a, b) => PROPERTY_NAMES.indexOf(a) - PROPERTY_NAMES.indexOf(b));
  const ok =
    Object.values(caughtBy).every((l) => l.length > 0) && Object.values(catches).every((l) => l.length > 0);
  return { cells, caughtBy, catches, ok };
}
