/**
 * One pool of worker threads for every long job list (the verdict matrix, the mutants, `weave-spec
 * scale`): each job runs `handle(job, progress)` of a worker module, on its own thread (one per core, at
 * most one per job), or in this thread when there is one worker or one job. Results come back in job
 * order, whatever order the threads finish in, so the output is the same on any machine.
 *
 * A worker module exports `handle(job, progress): result`; `progress(value)` reports how far the job has
 * got (cases done, steps taken), passed on to `onProgress`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type Handle<J, R> = (job: J, progress: (value: number) => void) => R;

export interface PoolOptions {
  workers?: number;
  /** Job `job` has got this far. */
  onProgress?: (job: number, value: number) => void;
  /** Called when job `job` is done. */
  onDone?: (job: number) => void;
  /** The order to start the jobs in (default: as given), e.g. the largest first so threads finish together. */
  order?: readonly number[];
}

export type WorkerReply =
  | { type: 'progress'; id: number; value: number }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string };

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** A worker that loads TypeScript through tsx (as bin/weave-spec.js does), then `worker.ts`. */
function bootstrap(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`;
}

export async function runPool<J, R>(
  module: URL,
  jobs: readonly J[],
  options: PoolOptions = {},
): Promise<R[]> {
  const order = options.order ?? jobs.map((_, i) => i);
  const workers = Math.min(options.workers ?? defaultWorkers(), jobs.length);
  if (workers <= 1) {
    const { handle } = (await import(module.href)) as { handle: Handle<J, R> };
    const results: R[] = [];
    for (const id of order) {
      results[id] = handle(jobs[id]!, (value) => options.onProgress?.(id, value));
      options.onDone?.(id);
      // Let timers (a progress bar) run between jobs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return results;
  }
  const results: R[] = [];
  let next = 0;
  const drive = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const take = () => {
        if (next >= order.length) return resolve();
        const id = order[next++]!;
        worker.postMessage({ id, module: module.href, job: jobs[id] });
      };
      worker.on('message', (m: WorkerReply) => {
        if (m.type === 'progress') options.onProgress?.(m.id, m.value);
        else if (m.type === 'error') reject(new Error(m.message));
        else {
          results[m.id] = m.result as R;
          options.onDone?.(m.id);
          take();
        }
      });
      worker.on('error', reject);
      take();
    });
  const pool = Array.from({ length: workers }, () => new Worker(bootstrap(), { eval: true }));
  try {
    await Promise.all(pool.map(drive));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
