/**
 * `npm run conformance [-- --runs N] [--seed S] [--config id,id] [--mutant name] [--no-loops] [--jobs J]`:
 * the differential test of the model against the real Linux kernel (docs/conformance.md).
 * `--jobs J` deals the configurations out to J worker processes (same seed, so the same cases).
 * Skips with a one-line reason (exit 0) when not root or network namespaces are unavailable.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LINUX_CONFIGS, type LinuxConfig } from '../model/config.ts';
import { buildCase } from './case.ts';
import { DEFAULT_SEED, runDifferential } from './differential.ts';
import {
  listNamespaces,
  processesNaming,
  sweepStale,
  teardownAllOfThisProcess,
  unavailableReason,
} from './kernel.ts';
import { loopCheck } from './loop.ts';
import type { ConformanceMutant } from './model-run.ts';

/** The fixed topology of the loop checks: 3 hosts, 2 + 1 + 1 containers, one ping across. */
export const LOOP_CASE = buildCase({ containers: [2, 1, 1], pings: [{ from: 0, to: 2 }] });

const children: ChildProcess[] = [];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Run the differential part in `jobs` worker processes, the configurations dealt out round-robin, all
 *  with the same seed (so the same cases); their lines are printed prefixed with the worker's number. */
async function inWorkers(
  jobs: number,
  runs: number,
  seed: number,
  configs: LinuxConfig[],
  mutants: string[],
): Promise<{ ok: boolean; cases: number; comparisons: number; observables: number }> {
  const groups = Array.from({ length: jobs }, (_, j) => configs.filter((_, i) => i % jobs === j)).filter(
    (g) => g.length > 0,
  );
  const results = await Promise.all(
    groups.map(
      (group, j) =>
        new Promise<{ code: number; last: string }>((resolve) => {
          const args = [
            '--import',
            'tsx',
            fileURLToPath(import.meta.url),
            '--runs',
            `${runs}`,
            '--seed',
            `${seed}`,
          ];
          args.push('--config', group.map((c) => c.id).join(','), '--no-loops', '--parent', `${process.pid}`);
          if (mutants.length > 0) args.push('--mutant', mutants.join(','));
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
          children.push(child);
          let last = '';
          createInterface({ input: child.stdout! }).on('line', (line) => {
            console.log(`[w${j + 1}] ${line}`);
            if (line.startsWith('conformance: PASS') || line.startsWith('conformance: FAIL')) last = line;
          });
          child.on('exit', (code) => resolve({ code: code ?? 1, last }));
        }),
    ),
  );
  const total = { ok: true, cases: runs, comparisons: 0, observables: 0 };
  for (const r of results) {
    const m = /(\d+) cases, (\d+) model\/kernel comparisons, (\d+) observables/.exec(r.last);
    total.ok &&= r.code === 0 && m !== null;
    total.comparisons += Number(m?.[2] ?? 0);
    total.observables += Number(m?.[3] ?? 0);
    if (m) total.cases = Math.min(total.cases, Number(m[1]));
  }
  return total;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '10' },
      seed: { type: 'string' },
      config: { type: 'string' },
      mutant: { type: 'string' },
      'no-loops': { type: 'boolean', default: false },
      jobs: { type: 'string', default: '1' },
      parent: { type: 'string' },
    },
  });
  const reason = unavailableReason();
  if (reason !== null) {
    console.log(`conformance: skipped: ${reason}`);
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const ids = values.config?.split(',') ?? LINUX_CONFIGS.map((c) => c.id);
  const configs: LinuxConfig[] = ids.map((id) => {
    const c = LINUX_CONFIGS.find((x) => x.id === id);
    if (!c)
      throw new Error(
        `unknown Linux configuration ${id}; valid: ${LINUX_CONFIGS.map((x) => x.id).join(', ')}`,
      );
    return c;
  });
  const mutants = (values.mutant?.split(',') ?? []) as ConformanceMutant[];

  const stale = sweepStale();
  if (stale.length > 0) console.log(`swept ${stale.length} stale namespaces of killed runs`);
  const started = Date.now();
  console.log(
    `conformance: ${runs} cases × ${configs.length} configurations (${configs.map((c) => c.id).join(', ')})` +
      (mutants.length ? `, model mutants: ${mutants.join(', ')}` : ''),
  );
  const jobs = Number(values.jobs);
  const seed = values.seed !== undefined ? Number(values.seed) : DEFAULT_SEED;
  let report: { cases: number; comparisons: number; observables: number; seed: number; failure?: unknown };
  let ok: boolean;
  if (jobs > 1) {
    const r = await inWorkers(jobs, runs, seed, configs, mutants);
    report = { ...r, seed, ...(r.ok ? {} : { failure: true }) };
    ok = r.ok;
  } else {
    const parent = values.parent !== undefined ? Number(values.parent) : undefined;
    const log = (line: string) => {
      // A worker whose parent is gone (killed) stops after the current case.
      if (parent !== undefined && !isAlive(parent)) {
        teardownAllOfThisProcess();
        process.exit(2);
      }
      console.log(line);
    };
    const r = runDifferential({ runs, configs, mutants, seed, log });
    report = r;
    ok = r.failure === undefined;
    if (r.failure) console.log(`\n${r.failure.text}`);
  }

  if (ok && !values['no-loops'] && mutants.length === 0) {
    console.log('loop checks:');
    for (const config of configs) {
      const r = loopCheck(LOOP_CASE, config);
      const good = !r.modelLoops && !r.kernelLoops;
      ok &&= good;
      console.log(
        `  ${good ? 'ok  ' : 'FAIL'} loop-free ${config.id}: model run ends, kernel underlay quiet window ${r.kernelQuietFrames} frames`,
      );
    }
    const looped = configs[0]!;
    const r = loopCheck(LOOP_CASE, looped, 'h1');
    const good = r.modelLoops && r.kernelLoops;
    ok &&= good;
    console.log(
      `  ${good ? 'ok  ' : 'FAIL'} looped (veth with both ends on h1's bridge) ${looped.id}: model storm ${r.modelLoops}, kernel quiet window ${r.kernelQuietFrames} frames`,
    );
  }

  const mine = `wsc-${process.pid}-`;
  const left = listNamespaces().filter((n) => n.startsWith(mine));
  const procs = processesNaming(mine);
  if (left.length > 0 || procs.length > 0) {
    ok = false;
    console.log(
      `FAIL: left behind: namespaces ${left.join(' ') || 'none'}; processes ${procs.join(' ') || 'none'}`,
    );
  } else console.log('nothing left behind: no namespace or process of this run remains');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `conformance: ${ok ? 'PASS' : 'FAIL'}: ${report.cases} cases, ${report.comparisons} model/kernel comparisons, ` +
      `${report.observables} observables compared, ${report.failure ? 1 : 0} disagreements, ${secs}s (seed ${report.seed})`,
  );
  return ok ? 0 : 1;
}

function onSignal(signal: NodeJS.Signals): void {
  for (const child of children) child.kill('SIGTERM');
  teardownAllOfThisProcess();
  console.log(`conformance: interrupted by ${signal}, namespaces removed`);
  process.exit(130);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  try {
    process.exitCode = await main(process.argv.slice(2));
  } finally {
    teardownAllOfThisProcess();
  }
}
