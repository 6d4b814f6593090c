/** A thread of the pool (`pool.ts`): runs each job it is sent with its module's `handle`, reporting progress. */
import { parentPort } from 'node:worker_threads';
import type { Handle, WorkerReply } from './pool.ts';

const modules = new Map<string, Handle<unknown, unknown>>();

parentPort?.on('message', async ({ id, module, job }: { id: number; module: string; job: unknown }) => {
  const post = (m: WorkerReply) => parentPort?.postMessage(m);
  try {
    let handle = modules.get(module);
    if (!handle) {
      handle = ((await import(module)) as { handle: Handle<unknown, unknown> }).handle;
      modules.set(module, handle);
    }
    const result = handle(job, (value) => post({ type: 'progress', id, value }));
    post({ type: 'done', id, result });
  } catch (e) {
    post({ type: 'error', id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
