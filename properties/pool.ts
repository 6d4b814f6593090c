/**
 * Runs configuration jobs on worker threads (one per core, at most one per job), so that the matrix uses
 * every core; with one worker or one job it runs them in this thread. Results come back in job order,
 * whatever order the workers finish in, so the output is the same on any machine.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ConfigJob, type PropertyOutcome, runConfigJob } from './matrix.ts';
import type { WorkerReply } from './matrix-worker.ts';

export interface PoolOptions {
  workers?: number;
  /** Called after every case of every job: the job's index and its cases done so far. */
  onRun?: (job: number, done: number) => void;
}

/** A worker that loads TypeScript through tsx (as bin/weave-spec.js does), then the worker module. */
function bootstrap(url: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function runJobs(
  jobs: readonly ConfigJob[],
  options: PoolOptions = {},
): Promise<PropertyOutcome[][]> {
  const workers = Math.min(options.workers ?? defaultWorkers(), jobs.length);
  if (workers <= 1) return jobs.map((job, i) => runConfigJob(job, (done) => options.onRun?.(i, done)));
  const results: PropertyOutcome[][] = [];
  let next = 0;
  const url = new URL('./matrix-worker.ts', import.meta.url);
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const take = () => {
        if (next >= jobs.length) {
          resolve();
          return;
        }
        const id = next++;
        worker.postMessage({ id, job: jobs[id] });
      };
      worker.on('message', (m: WorkerReply) => {
        if (m.type === 'run') options.onRun?.(m.id, m.done);
        else if (m.type === 'error') reject(new Error(m.message));
        else {
          results[m.id] = m.outcomes;
          take();
        }
      });
      worker.on('error', reject);
      take();
    });
  const pool = Array.from({ length: workers }, () => new Worker(bootstrap(url), { eval: true }));
  try {
    await Promise.all(pool.map(run));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
