/**
 * A worker thread of the matrix pool (`pool.ts`): takes one configuration job at a time, runs it with
 * `runConfigJob`, reports progress after every case and posts the outcomes.
 */
import { parentPort } from 'node:worker_threads';
import { type ConfigJob, runConfigJob } from './matrix.ts';

export type WorkerReply =
  | { type: 'run'; id: number; done: number }
  | { type: 'done'; id: number; outcomes: ReturnType<typeof runConfigJob> }
  | { type: 'error'; id: number; message: string };

parentPort?.on('message', ({ id, job }: { id: number; job: ConfigJob }) => {
  const post = (m: WorkerReply) => parentPort?.postMessage(m);
  try {
    const outcomes = runConfigJob(job, (done) => post({ type: 'run', id, done }));
    post({ type: 'done', id, outcomes });
  } catch (e) {
    post({ type: 'error', id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
