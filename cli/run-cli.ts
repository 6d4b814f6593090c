/** Runs the real `weave-spec` command, as a user would, for tests. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(new URL('.', import.meta.url).pathname, '..');

export function runCli(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/weave-spec.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
}
