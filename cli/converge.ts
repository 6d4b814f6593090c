/**
 * `weave-spec converge`: how long each configuration takes to reach a container again after a change
 * (`converge/measure.ts`), per kind of change and network size, on the worker pool. Prints a table, or
 * `{ "rows": [...] }` with `--json`; with `--out <dir>` it also writes the CSV and the charts into the folder
 * and the page `<dir>.md` (`npm run docs:converge` writes docs/convergence).
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import {
  CONVERGE_EVENTS,
  type ConvergeJob,
  type ConvergeRow,
  DEFAULT_CONVERGE_HOSTS,
  MAX_CONVERGE_HOSTS,
} from '../converge/measure.ts';
import { CHARTS, renderChart, renderConvergePage, renderCsv, renderTable } from '../converge/render.ts';
import { runPool } from '../workers/pool.ts';
import { outPaths, writeFileAtomic } from './files.ts';
import { hostsOption, selectConfigs, workersOption } from './options.ts';
import { type Io, plural, progress } from './progress.ts';

export interface ConvergeOptions {
  config?: string;
  hosts?: string;
  out?: string;
  workers?: string;
  json?: boolean;
}

const CONVERGE_MODULE = new URL('../converge/measure.ts', import.meta.url);

export async function runConvergeCommand(options: ConvergeOptions, io: Io): Promise<number> {
  const configs = selectConfigs(options.config);
  const sizes = hostsOption(options.hosts ?? DEFAULT_CONVERGE_HOSTS.join(','), MAX_CONVERGE_HOSTS);
  const threads = workersOption(options.workers) ?? availableParallelism();
  const dir = options.out === undefined ? undefined : outPaths(options.out).dir;
  const jobs: ConvergeJob[] = configs.flatMap((c) =>
    CONVERGE_EVENTS.flatMap((event) => sizes.map((hosts) => ({ config: c.id, event, hosts }))),
  );
  const bar = progress(io, 'converge', jobs.length, 1);
  const started = Date.now();
  // Largest networks first, so that the threads finish together.
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.hosts - jobs[a]!.hosts || a - b);
  const rows = await runPool<ConvergeJob, ConvergeRow>(CONVERGE_MODULE, jobs, {
    workers: Math.min(threads, jobs.length),
    order,
    onDone: (id) => bar.onRun(id, 1),
  });
  bar.end();
  if (dir !== undefined) {
    writeFileAtomic(`${dir}/convergence.csv`, renderCsv(rows));
    for (const chart of CHARTS) writeFileAtomic(`${dir}/${chart.file}.svg`, await renderChart(rows, chart));
    writeFileAtomic(`${dir}.md`, renderConvergePage(rows, basename(dir)));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (options.json) {
    io.out(`${JSON.stringify({ rows }, null, 2)}\n`);
    return 0;
  }
  io.out(`${renderTable(rows)}\n`);
  io.out(
    `${plural(configs.length, 'configuration')} × ${CONVERGE_EVENTS.length} changes × ${plural(sizes.length, 'size')}: ${plural(rows.length, 'run')} (${seconds} s)${dir ? `; wrote ${dir}/convergence.csv, ${CHARTS.length} charts and ${dir}.md` : ''}\n`,
  );
  for (const r of rows.filter((row) => row.truncated))
    io.out(`note: ${r.config} ${r.event} at ${r.hosts} hosts hit the step bound; its counts are partial\n`);
  return 0;
}
