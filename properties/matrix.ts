/**
 * The verdict matrix engine: for one configuration, generate cases, simulate each ONCE and evaluate every
 * property on that run; then, for each property that failed somewhere, replay the first failing case by
 * its fast-check path and let fast-check shrink it for that property alone. Synchronous and pure
 * (deterministic for a seed); `cli/matrix.ts` spreads configurations over worker threads.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { configById } from '../model/config.ts';
import { caseArbitrary, type World } from './arbitraries.ts';
import { type Case, type CaseRun, consumedCase, runCase, traceDigest } from './case.ts';
import { expectedFailure } from './expectations.ts';
import { type CheckResult, checkRun, PROPERTIES, propertyByName } from './index.ts';
import type { MutantName } from './mutants.ts';
import type { Property, Verdict } from './property.ts';

export type { Verdict };

export const DEFAULT_SEED = 20_240_601;
export const DEFAULT_RUNS = 150;

export interface Counterexample {
  case: Case;
  message: string;
  steps: number[];
  /** `traceDigest` of the counterexample's run: a replay must give the same. */
  digest: string;
  /** The fast-check path: the generated case's index in the run, then the shrink candidate picked at each
   *  step. */
  path: string;
}

export interface PropertyOutcome {
  property: string;
  observed: Verdict;
  /** Cases checked (all of them when it holds; up to and including the first failure when it fails). */
  runs: number;
  counterexample: Counterexample | null;
}

export interface ConfigJob {
  config: string;
  /** The world its cases run in (default static). */
  world?: World;
  runs: number;
  seed: number;
  mutants?: MutantName[];
  /** Shrink counterexamples (the matrix does; the mutants command only needs to know). */
  shrink: boolean;
  /** Stop early once every one of these properties has failed (the mutants command). */
  stopWhenFailed?: string[];
  /** Properties that fail somewhere on the model without the job's mutants (the mutants command): a case
   *  counts against one of them only when the same case without the mutants holds, so that what the
   *  mutant breaks is told apart from what fails anyway. */
  failsUnmutated?: string[];
  /** Cases one shrink may simulate (default `SHRINK_BUDGET`). */
  shrinkBudget?: number;
  /** Properties whose counterexample is kept as found, not shrunk: nobody will read it. */
  keepAsFound?: string[];
  /** Counterexamples shrunk before (the committed docs/examples), by property: one is kept instead of
   *  shrinking again while the same shrink still reaches it (`stillReached`). */
  known?: Record<string, KnownCounterexample>;
}

/** A counterexample shrunk before: its fast-check path from the job's seed, the shrink budget it was
 *  shrunk with (undefined: to the end), and its case as stored. */
export interface KnownCounterexample {
  path: string;
  shrinkBudget: number | undefined;
  case: Case;
}

/** The model threw on a generated case: a bug in the model, reported with the case that shows it. */
export class ModelError extends Error {
  constructor(
    readonly config: string,
    readonly failingCase: Case | undefined,
    cause: unknown,
  ) {
    super(
      `the model threw under ${config}: ${cause instanceof Error ? cause.message : String(cause)}` +
        (failingCase ? `\ncase: ${JSON.stringify(failingCase)}` : ''),
    );
  }
}

/** A configuration's own seed, so that adding a configuration changes no other's cases; the dynamic world
 *  has seeds of its own (the static world's are those it always had). */
export function configSeed(seed: number, config: string, world: World = 'static'): number {
  let h = seed | 0;
  for (const ch of world === 'static' ? config : `${config} ${world}`)
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** Every property over `job.runs` generated cases of one configuration. `onRun` is told after each case. */
export function runConfigJob(job: ConfigJob, onRun?: (done: number) => void): PropertyOutcome[] {
  const world = job.world ?? 'static';
  const arb = caseArbitrary(configById(job.config), { mutants: job.mutants ?? [], world });
  const seed = configSeed(job.seed, job.config, world);
  const firstFail = new Map<string, { index: number; case: Case }>();
  // A cell expected to fail one way only (`ExpectedFailure.only`) is judged by its first failure any other
  // way, when there is one: that failure nobody expected is its counterexample.
  const only = new Map(PROPERTIES.map((p) => [p.name, expectedFailure(job.config, p.name, world)?.only]));
  const otherFail = new Map<string, { index: number; case: Case }>();
  const stopWhen = job.stopWhenFailed;
  let index = 0;
  let stopped = false;
  const result = fc.check(
    fc.property(arb, (c) => {
      const r = runCase(c);
      let unmutated: CaseRun | undefined;
      /** Whether `p` holds on this case without the mutants (run once, when first asked). */
      const holdsUnmutated = (p: Property) => {
        unmutated ??= runCase({ ...c, mutants: [] });
        return p.check(unmutated) === null;
      };
      for (const p of PROPERTIES) {
        const way = only.get(p.name);
        if (firstFail.has(p.name) && (way === undefined || otherFail.has(p.name))) continue;
        const v = p.check(r);
        if (v === null || (job.failsUnmutated?.includes(p.name) && !holdsUnmutated(p))) continue;
        if (!firstFail.has(p.name)) firstFail.set(p.name, { index, case: c });
        if (way !== undefined && !way.test(v.message)) otherFail.set(p.name, { index, case: c });
      }
      index++;
      onRun?.(index);
      stopped = stopWhen !== undefined && stopWhen.length > 0 && stopWhen.every((p) => firstFail.has(p));
      return !stopped;
    }),
    // endOnFailure: a stop (false) is not a counterexample to shrink.
    { seed, numRuns: job.runs, endOnFailure: true },
  );
  // Anything else that ends the run early is the model throwing: a bug, never a verdict.
  if (result.failed && !stopped)
    throw new ModelError(job.config, result.counterexample?.[0] as Case | undefined, result.errorInstance);
  return PROPERTIES.map((p): PropertyOutcome => {
    const fail = otherFail.get(p.name) ?? firstFail.get(p.name);
    if (!fail) return { property: p.name, observed: 'holds', runs: index, counterexample: null };
    // Shrinking a failure of another way keeps to failures of another way.
    const unless = otherFail.has(p.name) ? only.get(p.name) : undefined;
    const budget = job.shrinkBudget ?? SHRINK_BUDGET;
    const shrinkIt = job.shrink && !job.keepAsFound?.includes(p.name);
    const known = job.known?.[p.name];
    const kept =
      shrinkIt && known?.shrinkBudget === budget
        ? stillReached(arb, seed, fail.index, p.name, known, unless)
        : null;
    const found = kept ?? (shrinkIt ? shrink(arb, seed, job.runs, fail.index, p.name, budget, unless) : null);
    const r = kept?.run ?? runCase(found?.case ?? fail.case);
    const v = checkRun(r, p);
    if (v.holds) throw new Error(`${job.config} ${p.name}: the counterexample does not replay`);
    return {
      property: p.name,
      observed: 'fails',
      runs: fail.index + 1,
      counterexample: {
        case: consumedCase(r),
        message: v.message,
        steps: v.steps,
        digest: traceDigest(r.run),
        path: found?.path ?? String(fail.index),
      },
    };
  });
}

/** How many cases one shrink may simulate in the matrix. A world that changes makes large cases: one
 *  H2 counterexample has 42 timeline items after 250 runs and 14 after the 570 fast-check needs for its
 *  smallest, which costs `npm start` some 40 s. Counted, not timed, so that a seed gives the same
 *  counterexample on any machine. `npm run docs` gives the documented counterexamples a larger budget
 *  (`DOCS_SHRINK_BUDGET`), which each file records. */
export const SHRINK_BUDGET = 250;
export const DOCS_SHRINK_BUDGET = 1_000;

/** Replay the case at `index` (fast-check path) for one property and shrink it, within `budget` runs:
 *  once it is spent, every further candidate counts as passing and the smallest failing case so far is
 *  the counterexample. The first run is the failing case itself (a path without `:` starts there). */
function shrink(
  arb: fc.Arbitrary<Case>,
  seed: number,
  runs: number,
  index: number,
  property: string,
  budget: number,
  unless?: RegExp,
): { case: Case; path: string } | null {
  const p = propertyByName(property);
  let left = budget;
  const out = fc.check(
    fc.property(arb, (c) => left-- <= 0 || !failsOtherwise(checkRun(runCase(c), p), unless)),
    { seed, numRuns: runs, path: String(index) },
  );
  if (!out.failed || out.counterexample === null) return null;
  return { case: out.counterexample[0], path: out.counterexamplePath ?? String(index) };
}

/** A counterexample shrunk before (with this job's budget, which the caller checks) that the same shrink
 *  still reaches, with its run; null otherwise. Reached means: its path starts at the case where the
 *  property now first fails (the shrink starts from the same case), the generator still gives the stored
 *  case at that path (the same arbitraries and shrinkers), and the property still fails on it. It is then a
 *  failing descendant of the first failing case, on the path the shrink took before. Whether today's shrink
 *  would take that path and stop where it stopped is not checked, since that costs the shrink itself: a
 *  model change that judges a candidate on the path, or one tried after its end, differently goes unnoticed
 *  until `weave-spec docs --fresh` shrinks every counterexample again. */
function stillReached(
  arb: fc.Arbitrary<Case>,
  seed: number,
  index: number,
  property: string,
  known: KnownCounterexample,
  unless?: RegExp,
): { case: Case; path: string; run: CaseRun } | null {
  if (known.path.split(':')[0] !== String(index)) return null;
  const atPath = caseAtPath(arb, seed, known.path);
  if (atPath === undefined) return null;
  const run = runCase(atPath);
  // A stored case leaves out an empty list of mutants.
  const stored = { ...known.case, mutants: known.case.mutants ?? [] };
  const now = consumedCase(run);
  const same = isDeepStrictEqual({ ...now, mutants: now.mutants ?? [] }, stored);
  return same && failsOtherwise(checkRun(run, propertyByName(property)), unless)
    ? { case: atPath, path: known.path, run }
    : null;
}

/** A failure, and not one `unless` matches (any failure, without it). */
function failsOtherwise(r: CheckResult, unless: RegExp | undefined): boolean {
  return !r.holds && (unless === undefined || !unless.test(r.message));
}

/** The case fast-check gives at `path` from `seed`, or undefined when the path leads nowhere any more (the
 *  generator has changed since: fast-check says it is "unable to replay"). */
function caseAtPath(arb: fc.Arbitrary<Case>, seed: number, path: string): Case | undefined {
  try {
    return fc.sample(arb, { seed, path, numRuns: 1 })[0];
  } catch {
    return undefined;
  }
}

/** The matrix's module for the worker pool (`workers/pool.ts`): one configuration job per call. */
export const handle = runConfigJob;
export const MATRIX_MODULE = new URL('./matrix.ts', import.meta.url);
