/**
 * `weave-spec merge FILE...`: the `--json` reports of every slice of one sharded `matrix` or `check` run
 * (`--shard i/n`, `cli/shard.ts`) joined into the report of the whole run, in the order an unsharded run
 * gives: the verdict table (or `--json`), and the same exit code. The slices must be of one run (the
 * same command, seed, runs, configurations, worlds and properties) and all there, each once; otherwise
 * exit 2 naming the file and the field, and nothing printed on stdout.
 */
import { readFileSync } from 'node:fs';
import { describeFsError, FileError } from '../formats/load.ts';
import { ALL_CONFIGS } from '../model/config.ts';
import { WORLDS } from '../properties/arbitraries.ts';
import { PROPERTY_NAMES } from '../properties/index.ts';
import { type Cell, matches, PROPERTY_ORDER } from '../properties/verdicts.ts';
import { type CheckFinding, checkExitCode, findingLine } from './check.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import { matrixSummary, verdictTable } from './matrix.ts';
import { type Io, plural } from './progress.ts';
import type { ShardedRun } from './shard.ts';

/** One slice's report, as `matrix --json` or `check --json` printed it. */
interface Slice {
  file: string;
  run: ShardedRun & { shard: { index: number; count: number } };
  cells?: Cell[];
  findings?: CheckFinding[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNames = (v: unknown, valid: readonly string[]) =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && valid.includes(x));
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

/** Reads one slice's report, or throws naming the file and the field. */
function readSlice(file: string): Slice {
  const fail = (path: string, message: string): never => {
    throw new FileError(file, [{ path, message }]);
  };
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail('', `cannot read: ${describeFsError(e as NodeJS.ErrnoException)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail('', `malformed JSON: ${(e as Error).message}`);
  }
  if (!isObject(data) || !isObject(data.run))
    return fail('run', 'missing: not the --json report of a matrix or check run');
  const run = data.run;
  if (run.command !== 'matrix' && run.command !== 'check')
    fail('run.command', `${JSON.stringify(run.command)}: matrix or check`);
  if (!Number.isInteger(run.seed)) fail('run.seed', 'an integer');
  if (!isCount(run.runs)) fail('run.runs', 'a whole number from 1');
  if (
    !isNames(
      run.configs,
      ALL_CONFIGS.map((c) => c.id),
    )
  )
    fail('run.configs', 'configuration ids');
  if (!isNames(run.worlds, WORLDS)) fail('run.worlds', `worlds (${WORLDS.join(', ')})`);
  if (run.command === 'check' && !isNames(run.properties, PROPERTY_NAMES))
    fail('run.properties', 'property names');
  if (!isObject(run.shard))
    fail('run.shard', 'missing: a whole run (no --shard) is its own report, with nothing to merge');
  const shard = run.shard as Record<string, unknown>;
  if (!isCount(shard.count)) fail('run.shard.count', 'a whole number from 1');
  if (!isCount(shard.index) || (shard.index as number) > (shard.count as number))
    fail('run.shard.index', `from 1 to ${shard.count}`);
  const list = run.command === 'matrix' ? 'cells' : 'findings';
  if (!Array.isArray(data[list])) fail(list, 'missing: a list');
  return { file, ...(data as unknown as Omit<Slice, 'file'>) };
}

/** The run a slice is of: everything but the slice. */
const runOf = (s: Slice): ShardedRun => {
  const { shard: _, ...run } = s.run;
  return run;
};

/** The slices, checked to be all of one run, each once; sorted by index. */
export function readSlices(files: readonly string[]): Slice[] {
  if (files.length === 0) throw new UsageError('merge: give the --json report of every slice of the run');
  const slices = files.map(readSlice);
  const first = slices[0]!;
  const fields: (keyof ShardedRun)[] = ['command', 'seed', 'runs', 'configs', 'worlds', 'properties'];
  for (const s of slices.slice(1)) {
    for (const f of fields) {
      const [a, b] = [JSON.stringify(runOf(first)[f]), JSON.stringify(runOf(s)[f])];
      if (a !== b)
        throw new FileError(s.file, [
          {
            path: `run.${f}`,
            message: `${b ?? '(absent)'}, but ${first.file} has ${a ?? '(absent)'}: slices of different runs`,
          },
        ]);
    }
    if (s.run.shard.count !== first.run.shard.count)
      throw new FileError(s.file, [
        {
          path: 'run.shard.count',
          message: `${s.run.shard.count} slices, but ${first.file} has ${first.run.shard.count}: slices of different runs`,
        },
      ]);
  }
  const byIndex = new Map<number, Slice>();
  for (const s of slices) {
    const twin = byIndex.get(s.run.shard.index);
    if (twin)
      throw new FileError(s.file, [
        {
          path: 'run.shard.index',
          message: `slice ${s.run.shard.index} again (${twin.file} is slice ${s.run.shard.index} too)`,
        },
      ]);
    byIndex.set(s.run.shard.index, s);
  }
  const count = first.run.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new UsageError(
      `merge: ${plural(missing.length, 'slice')} of ${count} missing (${missing.join(', ')}): give every slice's report`,
    );
  return [...byIndex.values()].sort((a, b) => a.run.shard.index - b.run.shard.index);
}

/** Sorts cells or findings into the order of an unsharded run: configuration, world, property. */
function inRunOrder<T extends { config: string; world: string; property: string }>(
  run: ShardedRun,
  items: T[],
): T[] {
  const rank = (x: T) =>
    (run.configs.indexOf(x.config) * WORLDS.length + run.worlds.indexOf(x.world)) * PROPERTY_ORDER.length +
    PROPERTY_ORDER.indexOf(x.property);
  return [...items].sort((a, b) => rank(a) - rank(b));
}

export function runMergeCommand(files: readonly string[], opts: { json?: boolean }, io: Io): number {
  const slices = readSlices(files);
  const run = runOf(slices[0]!);
  if (run.command === 'matrix') {
    const cells = inRunOrder(
      run,
      slices.flatMap((s) => s.cells ?? []),
    );
    if (opts.json) io.out(`${JSON.stringify({ run, cells }, null, 2)}\n`);
    else io.out(`${verdictTable(cells)}\n${matrixSummary(cells, run.runs, run.seed)}`);
    return cells.every(matches) ? EXIT_OK : EXIT_FAIL;
  }
  const findings = inRunOrder(
    run,
    slices.flatMap((s) => s.findings ?? []),
  );
  if (opts.json) io.out(`${JSON.stringify({ seed: run.seed, runs: run.runs, run, findings }, null, 2)}\n`);
  else {
    for (const f of findings) io.out(findingLine(f));
    const violations = findings.filter((f) => f.observed === 'fails');
    const unexpected = violations.filter((f) => f.expected === 'holds').length;
    io.out(
      `merge: check of ${plural(run.configs.length, 'configuration')} × ${run.worlds.join(' and ')} × ${plural(run.properties?.length ?? 0, 'property', 'properties')}, ${plural(run.runs, 'case')} each, seed ${run.seed}, from ${plural(slices.length, 'slice')}: ${
        violations.length === 0
          ? 'no violation'
          : `${plural(violations.length, 'violation')}, ${unexpected === 0 ? 'all expected' : `${unexpected} NOT expected`} (counterexamples in each slice's --out folder)`
      }\n`,
    );
  }
  return checkExitCode(findings) === EXIT_OK ? EXIT_OK : EXIT_FAIL;
}
