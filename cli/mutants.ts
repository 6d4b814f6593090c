/**
 * `weave-spec mutants`: the matrix against each named mutant, printing which properties catch it. Exit 0
 * only when every mutant is caught and every property catches at least one. `--json` prints the report.
 */

import { PROPERTY_NAMES } from '../properties/index.ts';
import { MUTANT_NAMES, MUTANTS } from '../properties/mutants.ts';
import { DEFAULT_MUTANT_RUNS, type MutantReport, runMutants } from '../properties/mutation.ts';
import { renderTable } from '../render/table.ts';
import { EXIT_FAIL, EXIT_OK } from './errors.ts';
import { runsOption, seedOption, workersOption } from './options.ts';
import { type Io, progress } from './progress.ts';

export interface MutantsCommandOptions {
  runs?: string;
  seed?: string;
  json?: boolean;
  workers?: string;
}

export function mutantsTable(report: MutantReport): string {
  const mutants = renderTable(
    ['mutant', 'what it breaks', 'caught by'],
    MUTANT_NAMES.filter((m) => m in report.caughtBy).map((m) => [
      m,
      MUTANTS[m],
      report.caughtBy[m]!.length > 0 ? report.caughtBy[m]!.join(', ') : 'NOT CAUGHT',
    ]),
  );
  const properties = renderTable(
    ['property', 'catches'],
    PROPERTY_NAMES.map((p) => [p, report.catches[p]!.length > 0 ? report.catches[p]!.join(', ') : 'NOTHING']),
  );
  return `${mutants}\n${properties}`;
}

export async function runMutantsCommand(opts: MutantsCommandOptions, io: Io): Promise<number> {
  const runs = runsOption(opts.runs, DEFAULT_MUTANT_RUNS);
  const seed = seedOption(opts.seed);
  const workers = workersOption(opts.workers);
  const started = Date.now();
  const bar = progress(io, 'mutants', 0, runs);
  const report = await runMutants({ runs, seed, workers, onRun: bar.onRun, onJobs: bar.resize });
  bar.end();
  if (opts.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else
    io.out(
      `${mutantsTable(report)}\n${report.ok ? 'every mutant caught, every property catches one' : 'NOT every mutant caught / every property catching one'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  return report.ok ? EXIT_OK : EXIT_FAIL;
}
