/**
 * The differential test: fast-check generates small cases; each runs in the model and in the kernel under
 * every selected Linux-native configuration, and the outcomes must agree exactly. A disagreement shrinks
 * to a minimal case (after the first failure only the failing configuration is re-run while shrinking),
 * and is reported with the model's and the kernel's values side by side.
 */
import fc from 'fast-check';
import type { LinuxConfig } from '../model/config.ts';
import { DEFAULT_SEED } from '../properties/matrix.ts';
import {
  buildCase,
  type Case,
  type CaseShape,
  caseShape,
  describeCase,
  MAX_CONTAINERS,
  MAX_HOSTS,
} from './case.ts';
import { runKernel } from './kernel.ts';
import { type ConformanceMutant, runModel } from './model-run.ts';
import { compareOutcomes, type Difference, sideBySide } from './outcome.ts';

export interface Disagreement {
  config: LinuxConfig;
  case: Case;
  differences: Difference[];
}

export interface DifferentialOptions {
  runs: number;
  configs: readonly LinuxConfig[];
  seed?: number;
  /** Model-only mutants (the kernel is never mutated). */
  mutants?: readonly ConformanceMutant[];
  /** Cases tried first (fast-check `examples`). */
  examples?: CaseShape[];
  log?: (line: string) => void;
}

export interface DifferentialReport {
  /** Generated cases that ran to completion (not counting shrinking). */
  cases: number;
  /** Case × configuration pairs run in both the model and the kernel. */
  comparisons: number;
  /** Individual observables compared across all comparisons. */
  observables: number;
  seed: number;
  /** The minimal disagreement, when there is one. */
  failure?: { shrunk: Disagreement; shrinks: number; text: string };
}

/** Run one case under one configuration in both, and compare. */
export function compareCase(
  c: Case,
  config: LinuxConfig,
  mutants: readonly ConformanceMutant[] = [],
): { differences: Difference[]; compared: number } {
  const model = runModel(c, config, mutants).outcome;
  const kernel = runKernel(c, config);
  return compareOutcomes(model, kernel);
}

export function formatDisagreement(d: Disagreement): string {
  return [
    `disagreement under ${d.config.id}`,
    `  case: ${describeCase(d.case)}`,
    `  topology: ${JSON.stringify(d.case.topology.containers.map((c) => [c.name, c.host, c.ip, c.mac]))}`,
    sideBySide(d.differences),
  ].join('\n');
}

export function runDifferential(options: DifferentialOptions): DifferentialReport {
  const log = options.log ?? (() => {});
  const mutants = options.mutants ?? [];
  const seed = options.seed ?? DEFAULT_SEED;
  let configs = options.configs;
  let cases = 0;
  let comparisons = 0;
  let observables = 0;
  let shrinking = false;
  let last: Disagreement | undefined;
  const started = Date.now();

  const property = fc.property(caseShape, (shape) => {
    const c = buildCase(shape);
    for (const config of configs) {
      const { differences, compared } = compareCase(c, config, mutants);
      comparisons++;
      observables += compared;
      if (differences.length > 0) {
        last = { config, case: c, differences };
        if (!shrinking) {
          log(
            `  DISAGREEMENT under ${config.id}: ${describeCase(c)}; shrinking (only ${config.id} from now on)`,
          );
          shrinking = true;
          configs = [config];
        } else log(`  shrink: still fails with ${describeCase(c)}`);
        throw new Error(formatDisagreement(last));
      }
    }
    if (!shrinking) {
      cases++;
      const secs = ((Date.now() - started) / 1000).toFixed(0);
      log(`[${cases}/${options.runs}] ${secs}s ok ×${configs.length} configs: ${describeCase(c)}`);
    }
  });

  const details = fc.check(property, {
    numRuns: options.runs,
    seed,
    // An example is shrunk only when it is a value the arbitrary could make: `announce`, `exposed` and
    // `reachable` are filled in.
    ...(options.examples
      ? {
          examples: options.examples.map(
            (e) =>
              [
                {
                  announce: new Array<boolean>(MAX_CONTAINERS).fill(false),
                  exposed: new Array<boolean>(MAX_HOSTS).fill(false),
                  reachable: false,
                  ...e,
                },
              ] as [CaseShape],
          ),
        }
      : {}),
  });
  const report: DifferentialReport = { cases, comparisons, observables, seed };
  if (details.failed && last === undefined) {
    // Not a disagreement: the harness itself failed (a command, a timeout).
    const error = String(details.errorInstance ?? 'unknown error');
    report.failure = {
      shrunk: { config: configs[0]!, case: buildCase(details.counterexample![0]), differences: [] },
      shrinks: details.numShrinks,
      text: `harness error (seed ${seed}): ${error}`,
    };
  } else if (details.failed) {
    // The last failing run fast-check saw is the shrunk counterexample; re-run it so the report is exact.
    const shape = details.counterexample?.[0];
    const shrunkCase = shape ? buildCase(shape) : last?.case;
    const config = last!.config;
    let shrunk = last!;
    if (shrunkCase) {
      const again = compareCase(shrunkCase, config, mutants);
      if (again.differences.length > 0) shrunk = { config, case: shrunkCase, differences: again.differences };
    }
    const text = `${formatDisagreement(shrunk)}\n  (seed ${seed}, ${details.numShrinks} shrinks; reproduce: npm run conformance -- --seed ${seed} --config ${config.id}${mutants.length ? ` --mutant ${mutants.join(',')}` : ''})`;
    report.failure = { shrunk, shrinks: details.numShrinks, text };
  }
  return report;
}
