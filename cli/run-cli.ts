/** Runs the `weave-spec` command for tests: as a user does (a new process), or in this process (fast). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from './main.ts';

export const ROOT = join(new URL('.', import.meta.url).pathname, '..');

export function runCli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/weave-spec.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** The same command run by `main` in this process, its output captured: `status`, `stdout`, `stderr`. */
export async function runMain(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await main(['node', 'weave-spec', ...args], {
    out: (s) => {
      stdout += s;
    },
    err: (s) => {
      stderr += s;
    },
    tty: false,
  });
  return { status, stdout, stderr };
}
