/**
 * `weave-spec conform [--runs N] [--seed S] [--config id,id] [--mutant name] [--no-loops] [--jobs J]
 * [--out DIR] [--json]` (and its alias `npm run conformance`): the differential test of the model against
 * the real Linux kernel (docs/conformance.md). With `--json`, stdout holds one JSON report and nothing
 * else; the progress lines go to stderr. `--out` writes each disagreement as a topology and a traffic
 * file, which `--topology T --traffic F` runs again (one given case instead of generated ones).
 *
 * The kernel harness is synchronous (one `timeout`-bounded command after another), and a Node process
 * busy in synchronous work never runs a signal handler. So this process only orchestrates: the cases run
 * in worker processes (`--jobs J` of them, the configurations dealt out round-robin, all with the same seed
 * and so the same cases; then one for the loop checks), and this process stays free to honour SIGINT,
 * SIGTERM and SIGHUP at any moment: it kills the workers, removes every namespace and process they made,
 * and exits 130, 143 or 129. A worker whose parent is gone (SIGKILL) stops after its current case.
 * Skips with a one-line reason (exit 0) when not root or network namespaces are unavailable.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/errors.ts';
import { checkOutDir, writeFileAtomic } from '../cli/files.ts';
import { countOption, MAX_RUNS, seedOption } from '../cli/options.ts';
import { type Io, plural } from '../cli/progress.ts';
import { FileError, loadTopology, loadTraffic } from '../formats/load.ts';
import { LINUX_CONFIGS, type LinuxConfig } from '../model/config.ts';
import { isMutant, MUTANT_NAMES } from '../properties/mutants.ts';
import { buildCase, type Case } from './case.ts';
import { compareCase, formatDisagreement, runDifferential } from './differential.ts';
import { caseFiles, harnessIssues, replayCommand } from './given.ts';
import {
  isRunning,
  listNamespaces,
  processesNaming,
  removeRunsOf,
  sweepStale,
  teardownAllOfThisProcess,
  unavailableReason,
} from './kernel.ts';
import { loopCheck } from './loop.ts';
import type { ConformanceMutant } from './model-run.ts';
import type { Difference } from './outcome.ts';

/** The fixed topology of the loop checks: 3 hosts, 2 + 1 + 1 containers, one ping across. */
export const LOOP_CASE = buildCase({
  containers: [2, 1, 1],
  actions: [{ from: 0, to: 2 }],
  // The announcements are what a loop on a bridge multiplies.
  announce: [true, true, true, true],
});

const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

interface Options {
  runs: number;
  seed: number;
  configs: LinuxConfig[];
  mutants: ConformanceMutant[];
  loops: boolean;
  jobs: number;
  json: boolean;
  /** Where disagreements are written, if anywhere. */
  out?: string;
  /** A given case's files, instead of generated cases. */
  given?: { topology: string; traffic: string };
}

/** A disagreement as reported: shrunk (none for a given case), and where it was written with `--out`. */
interface Found {
  config: string;
  case: Case;
  differences: Difference[];
  shrinks: number;
  files?: { topology: string; traffic: string; replay: string };
}

/** What `--json` prints: the totals, each disagreement (shrunk), the loop checks, and whether the run
 *  left anything behind. */
export interface ConformReport {
  cases: number;
  comparisons: number;
  observables: number;
  seed: number;
  disagreements: Found[];
  loops: LoopLine[];
  /** What failed besides a disagreement: a harness command, a worker that ended without its summary. */
  errors: string[];
  leftBehind: { namespaces: string[]; processes: number[] };
  pass: boolean;
}

interface LoopLine {
  config: string;
  /** The looped topology (a veth with both ends on h1's bridge), where a storm is the expected outcome. */
  looped: boolean;
  modelLoops: boolean;
  kernelQuietFrames: number;
  ok: boolean;
}

/** Lines a worker prints for the orchestrator alone, with a JSON value after the prefix. */
const DISAGREEMENT = 'worker-disagreement: ';
const LOOP = 'worker-loop: ';
const ERROR = 'worker-error: ';
const SUMMARY = 'worker-summary: ';

/** A worker's totals: the last line it prints for the orchestrator. */
interface Summary {
  cases: number;
  comparisons: number;
  observables: number;
}

/** The worker's last lines: its totals for the orchestrator, then the same for a person. */
function summarize(s: Summary, pass: boolean): void {
  console.log(`${SUMMARY}${JSON.stringify(s)}`);
  console.log(
    `worker: ${pass ? 'PASS' : 'FAIL'}: ${s.cases} cases, ${s.comparisons} model/kernel comparisons, ${s.observables} observables`,
  );
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      config: { type: 'string' },
      mutant: { type: 'string' },
      'no-loops': { type: 'boolean', default: false },
      jobs: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      topology: { type: 'string' },
      traffic: { type: 'string' },
      // Worker processes only.
      worker: { type: 'string' },
      parent: { type: 'string' },
    },
  });
  const mutants = values.mutant?.split(',') ?? [];
  for (const m of mutants)
    if (!isMutant(m))
      throw new UsageError(`--mutant: unknown mutant "${m}"; valid: ${MUTANT_NAMES.join(', ')}`);
  const configs = (values.config?.split(',') ?? LINUX_CONFIGS.map((c) => c.id)).map((id) => {
    const c = LINUX_CONFIGS.find((x) => x.id === id);
    if (!c)
      throw new UsageError(
        `--config: unknown Linux configuration "${id}"; valid: ${LINUX_CONFIGS.map((x) => x.id).join(', ')}`,
      );
    return c;
  });
  if ((values.topology === undefined) !== (values.traffic === undefined))
    throw new UsageError(
      values.topology === undefined
        ? '--traffic needs --topology: traffic names the containers of a topology'
        : '--topology needs --traffic: the case is a topology and what its containers do',
    );
  if (values.topology !== undefined && (values.runs !== undefined || values.seed !== undefined))
    throw new UsageError(
      `${values.runs !== undefined ? '--runs' : '--seed'}: a given case (--topology) runs once, as written; leave it out`,
    );
  if (values.out !== undefined && values.worker === undefined) checkOutDir('--out', values.out);
  const options: Options = {
    runs: countOption('--runs', values.runs, 10, 1, MAX_RUNS),
    seed: seedOption(values.seed),
    configs,
    mutants: mutants as ConformanceMutant[],
    loops: !values['no-loops'],
    jobs: countOption('--jobs', values.jobs, 1, 1, 64),
    json: values.json === true,
    ...(values.out !== undefined && { out: values.out }),
    ...(values.topology !== undefined && { given: { topology: values.topology, traffic: values.traffic! } }),
  };
  return { options, worker: values.worker, parent: values.parent };
}

// ---------------------------------------------------------------------------------------------------
// A worker process: the differential cases of its configurations, or the loop checks.

function runWorker(kind: string, o: Options, parent: number): number {
  const log = (line: string) => {
    // A worker whose parent is gone (killed) stops after the current case.
    if (!isRunning(parent)) {
      teardownAllOfThisProcess();
      process.exit(2);
    }
    console.log(line);
  };
  if (kind === 'loops') {
    let ok = true;
    const record = (config: LinuxConfig, looped: boolean, r: ReturnType<typeof loopCheck>) => {
      const good = looped ? r.modelLoops && r.kernelLoops : !r.modelLoops && !r.kernelLoops;
      ok &&= good;
      const line: LoopLine = {
        config: config.id,
        looped,
        modelLoops: r.modelLoops,
        kernelQuietFrames: r.kernelQuietFrames,
        ok: good,
      };
      log(`${LOOP}${JSON.stringify(line)}`);
      log(
        looped
          ? `  ${good ? 'ok  ' : 'FAIL'} looped (veth with both ends on h1's bridge) ${config.id}: model storm ${r.modelLoops}, kernel quiet window ${r.kernelQuietFrames} frames`
          : `  ${good ? 'ok  ' : 'FAIL'} loop-free ${config.id}: model run ends, kernel underlay quiet window ${r.kernelQuietFrames} frames`,
      );
    };
    for (const config of o.configs) record(config, false, loopCheck(LOOP_CASE, config));
    record(o.configs[0]!, true, loopCheck(LOOP_CASE, o.configs[0]!, 'h1'));
    return ok ? 0 : 1;
  }
  if (kind === 'given') return runGiven(o, log);
  const r = runDifferential({ runs: o.runs, configs: o.configs, mutants: o.mutants, seed: o.seed, log });
  if (r.failure) {
    const { shrunk, shrinks } = r.failure;
    // A harness error (a command that failed) has no differences: it fails the run, it is no disagreement.
    if (shrunk.differences.length > 0) {
      const found = { config: shrunk.config.id, case: shrunk.case, differences: shrunk.differences, shrinks };
      console.log(`${DISAGREEMENT}${JSON.stringify(found)}`);
    } else console.log(`${ERROR}${JSON.stringify(r.failure.text)}`);
    console.log(`\n${r.failure.text}`);
  }
  summarize({ cases: r.cases, comparisons: r.comparisons, observables: r.observables }, !r.failure);
  return r.failure ? 1 : 0;
}

/** The files of a given case, checked: valid in their formats, and what the harness can build. */
function loadGiven(given: { topology: string; traffic: string }): Case {
  const topology = loadTopology(given.topology);
  const traffic = loadTraffic(given.traffic, topology);
  const issues = harnessIssues(topology, traffic);
  const of = (prefix: string) =>
    issues
      .filter((i) => i.path.startsWith(prefix))
      .map((i) => ({ ...i, path: i.path.slice(prefix.length).replace(/^\./, '') }));
  if (of('topology').length > 0) throw new FileError(given.topology, of('topology'));
  if (of('traffic').length > 0) throw new FileError(given.traffic, of('traffic'));
  return { topology, traffic };
}

/** A worker's run of one given case under each configuration: no generation, no shrinking. */
function runGiven(o: Options, log: (line: string) => void): number {
  const c = loadGiven(o.given!);
  let comparisons = 0;
  let observables = 0;
  let found = 0;
  for (const config of o.configs) {
    let result: ReturnType<typeof compareCase>;
    try {
      result = compareCase(c, config, o.mutants);
    } catch (e) {
      // A harness command that failed (or the model): the run fails, with the message.
      console.log(`${ERROR}${JSON.stringify(`${config.id}: ${String(e)}`)}`);
      log(`  ERROR under ${config.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      summarize({ cases: 0, comparisons, observables }, false);
      return 1;
    }
    const { differences, compared } = result;
    comparisons++;
    observables += compared;
    if (differences.length === 0) {
      log(`  agree under ${config.id} (${compared} observables)`);
      continue;
    }
    found++;
    const d: Found = { config: config.id, case: c, differences, shrinks: 0 };
    console.log(`${DISAGREEMENT}${JSON.stringify(d)}`);
    log(formatDisagreement({ config, case: c, differences }));
  }
  summarize({ cases: 1, comparisons, observables }, found === 0);
  return found > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------
// The orchestrating process.

const workers = new Map<number, ChildProcess>();
/** Where the orchestrator's output goes (the CLI's `Io`): the report and its lines on `out`, errors on
 *  `err`, which `name` starts: `conformance`, or `weave-spec` from the CLI. */
export type ConformIo = Pick<Io, 'out' | 'err'> & { name: string };

const CONSOLE: ConformIo = {
  name: 'conformance',
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

let io: ConformIo = CONSOLE;
/** `--json`: stdout holds one JSON value and nothing else. */
let json = false;
/** A line of the orchestrator's: on stdout, or on stderr under `--json` (stdout is the report's). */
let say: (line: string) => void = (line) => io.out(`${line}\n`);
/** Every worker pid this run started: their namespaces are named after them. */
const started: number[] = [];

interface WorkerResult {
  code: number;
  summary: Summary | null;
  disagreements: ConformReport['disagreements'];
  loops: LoopLine[];
  errors: string[];
}

/** Start a worker; its lines are printed with `label` in front. Resolves with its exit code, its last
 *  totals (`worker-summary:`) and what it found. */
function worker(label: string, args: string[]): Promise<WorkerResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      // tsx as this package resolves it: the command may run from any folder.
      [
        '--import',
        import.meta.resolve('tsx'),
        fileURLToPath(import.meta.url),
        ...args,
        '--parent',
        `${process.pid}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (child.pid !== undefined) {
      workers.set(child.pid, child);
      started.push(child.pid);
    }
    let summary: Summary | null = null;
    const disagreements: WorkerResult['disagreements'] = [];
    const loops: LoopLine[] = [];
    const errors: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith(DISAGREEMENT)) disagreements.push(JSON.parse(line.slice(DISAGREEMENT.length)));
      else if (line.startsWith(LOOP)) loops.push(JSON.parse(line.slice(LOOP.length)));
      else if (line.startsWith(ERROR)) errors.push(JSON.parse(line.slice(ERROR.length)));
      else if (line.startsWith(SUMMARY)) {
        try {
          summary = JSON.parse(line.slice(SUMMARY.length));
        } catch {
          errors.push(`a worker printed a summary that is not JSON: ${line}`);
        }
      } else say(`${label}${line}`);
    });
    // 'close', not 'exit': the worker's last lines (its summary, what it found) may still be unread at exit.
    child.on('close', (code, signal) => {
      if (child.pid !== undefined) workers.delete(child.pid);
      resolve({ code: code ?? (signal ? 1 : 0), summary, disagreements, loops, errors });
    });
  });
}

function commonArgs(o: Options, configs: readonly LinuxConfig[]): string[] {
  const args = o.given
    ? ['--topology', o.given.topology, '--traffic', o.given.traffic]
    : ['--runs', `${o.runs}`, '--seed', `${o.seed}`];
  args.push('--config', configs.map((c) => c.id).join(','));
  if (o.mutants.length > 0) args.push('--mutant', o.mutants.join(','));
  return args;
}

async function orchestrate(o: Options): Promise<number> {
  const stale = sweepStale();
  if (stale.length > 0) say(`swept ${stale.length} stale namespaces of killed runs`);
  const t0 = Date.now();
  const what = o.given ? `the case of ${o.given.topology} and ${o.given.traffic}` : plural(o.runs, 'case');
  say(
    `conformance: ${what} × ${plural(o.configs.length, 'configuration')} (${o.configs.map((c) => c.id).join(', ')})` +
      (o.mutants.length ? `, model mutants: ${o.mutants.join(', ')}` : ''),
  );
  const groups = Array.from({ length: o.jobs }, (_, j) =>
    o.configs.filter((_, i) => i % o.jobs === j),
  ).filter((g) => g.length > 0);
  const results = await Promise.all(
    groups.map((g, j) =>
      worker(groups.length > 1 ? `[w${j + 1}] ` : '', [
        '--worker',
        o.given ? 'given' : 'cases',
        ...commonArgs(o, g),
      ]),
    ),
  );
  const total = { cases: o.given ? 1 : o.runs, comparisons: 0, observables: 0 };
  const errors: string[] = [];
  let ok = true;
  for (const [j, r] of results.entries()) {
    const s = r.summary;
    ok &&= r.code === 0 && s !== null;
    errors.push(...r.errors);
    if (s === null) errors.push(`worker ${j + 1} ended (exit ${r.code}) without its summary`);
    total.comparisons += s?.comparisons ?? 0;
    total.observables += s?.observables ?? 0;
    if (s) total.cases = Math.min(total.cases, s.cases);
  }
  const disagreements = results.flatMap((r) => r.disagreements);
  if (o.out !== undefined) for (const d of disagreements) d.files = writeCase(o.out, d, o.mutants);
  const loops: LoopLine[] = [];
  if (ok && o.loops && o.mutants.length === 0 && !o.given) {
    say('loop checks:');
    const r = await worker('', ['--worker', 'loops', ...commonArgs(o, o.configs)]);
    ok &&= r.code === 0;
    loops.push(...r.loops);
    errors.push(...r.errors);
  }
  const left = listNamespaces().filter((n) => started.some((pid) => n.startsWith(`wsc-${pid}-`)));
  const procs = started.flatMap((pid) => processesNaming(`wsc-${pid}-`));
  if (left.length > 0 || procs.length > 0) {
    ok = false;
    say(`FAIL: left behind: namespaces ${left.join(' ') || 'none'}; processes ${procs.join(' ') || 'none'}`);
  } else say('nothing left behind: no namespace or process of this run remains');
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  say(
    `conformance: ${ok ? 'PASS' : 'FAIL'}: ${total.cases} cases, ${total.comparisons} model/kernel comparisons, ` +
      `${total.observables} observables compared, ${disagreements.length} disagreements, ${secs}s${o.given ? '' : ` (seed ${o.seed})`}`,
  );
  if (o.json) {
    const report: ConformReport = {
      ...total,
      seed: o.seed,
      disagreements,
      loops,
      errors,
      leftBehind: { namespaces: left, processes: procs },
      pass: ok,
    };
    io.out(`${JSON.stringify(report, null, 2)}\n`);
  }
  return ok ? 0 : 1;
}

/** Writes a disagreement's case as a topology and a traffic file under `dir`, and says how to run it again. */
function writeCase(dir: string, d: Found, mutants: readonly string[]): NonNullable<Found['files']> {
  const files = caseFiles(dir, d.config);
  writeFileAtomic(files.topology, `${JSON.stringify(d.case.topology, null, 2)}\n`);
  writeFileAtomic(files.traffic, `${JSON.stringify(d.case.traffic, null, 2)}\n`);
  const replay = `${replayCommand(files, d.config)}${mutants.length > 0 ? ` --mutant ${mutants.join(',')}` : ''}`;
  say(
    `wrote the disagreement under ${d.config} as ${files.topology} and ${files.traffic}; run it again: ${replay}`,
  );
  return { ...files, replay };
}

/** Stop: kill the workers, remove what they made, say so, exit 128 + the signal's number. */
function stop(signal: StopSignal): never {
  for (const child of workers.values()) child.kill('SIGKILL');
  const removed = removeRunsOf(started);
  const left = listNamespaces().filter((n) => started.some((pid) => n.startsWith(`wsc-${pid}-`)));
  say(
    `conformance: interrupted by ${signal}: stopped ${plural(started.length, 'worker')}, removed ${plural(removed.length, 'namespace')}; ` +
      (left.length === 0 ? 'nothing left behind' : `LEFT BEHIND: ${left.join(' ')}`),
  );
  // Under --json, stdout still holds one JSON value: the run's end, not its report.
  if (json) io.out(`${JSON.stringify({ interrupted: signal, leftBehind: { namespaces: left } })}\n`);
  process.exit(SIGNAL_EXIT[signal]);
}

/** Runs the conformance command on `argv`, writing to `given` (the console by default). */
export async function main(argv: string[], given: ConformIo = CONSOLE): Promise<number> {
  io = given;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError) && !(e instanceof TypeError)) throw e;
    io.err(`${io.name}: ${e.message}\n`);
    return 2;
  }
  const { options, worker: kind, parent } = parsed;
  if (kind !== undefined) return runWorker(kind, options, Number(parent));
  if (options.given) {
    // Checked here, before any namespace exists, so that bad input exits 2 with the field named.
    try {
      loadGiven(options.given);
    } catch (e) {
      if (!(e instanceof FileError)) throw e;
      io.err(
        `${e.message
          .split('\n')
          .map((l) => `${io.name}: ${l}`)
          .join('\n')}\n`,
      );
      return 2;
    }
  }
  json = options.json;
  say = json ? (line) => io.err(`${line}\n`) : (line) => io.out(`${line}\n`);
  const reason = unavailableReason();
  if (reason !== null) {
    say(`conformance: skipped: ${reason}`);
    if (options.json) io.out(`${JSON.stringify({ skipped: reason })}\n`);
    return 0;
  }
  for (const s of Object.keys(SIGNAL_EXIT) as StopSignal[]) process.on(s, () => stop(s));
  return orchestrate(options);
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
