/**
 * Output files and folders. An output folder is checked before any work starts (`checkOutDir`), so that a
 * run is never thrown away because its results cannot be written; files are written atomically (a
 * temporary file beside the target, then a rename), so a reader never sees half a file.
 */
import {
  accessSync,
  constants,
  mkdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, parse, resolve, sep } from 'node:path';
import { describeFsError } from '../formats/load.ts';
import { UsageError } from './errors.ts';

/** The folders from the root down to `path` (absolute). */
function levels(path: string): string[] {
  const abs = resolve(path);
  const { root } = parse(abs);
  const parts = abs.slice(root.length).split(sep).filter(Boolean);
  return parts.map((_, i) => root + parts.slice(0, i + 1).join(sep));
}

function kind(path: string): 'dir' | 'other' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'none';
  }
}

/**
 * Creates `path` and any missing parent, one level at a time. (A recursive `mkdirSync` never returns on a
 * path under /proc, where every level "exists" to the walk up but none can be made.) Returns the folders
 * it created, outermost first.
 */
export function makeDirs(path: string): string[] {
  const made: string[] = [];
  for (const dir of levels(path)) {
    const k = kind(dir);
    if (k === 'dir') continue;
    if (k === 'other')
      throw Object.assign(new Error(`ENOTDIR: ${dir} is a file, not a folder`), {
        code: 'ENOTDIR',
        syscall: 'mkdir',
        path: dir,
      });
    mkdirSync(dir);
    made.push(dir);
  }
  return made;
}

/**
 * Checks, before any work, that `path` is a folder that exists or can be made, and that files can be
 * written in it: a missing folder is made and removed again, so the check leaves nothing behind.
 * A problem is a UsageError naming the option and the path.
 */
export function checkOutDir(option: string, path: string): void {
  const fail = (why: string): never => {
    throw new UsageError(`${option} ${path}: ${why}`);
  };
  const all = levels(path);
  for (const dir of all.slice(0, -1)) if (kind(dir) === 'other') fail(`${dir} is a file, not a folder`);
  const k = kind(resolve(path));
  if (k === 'other') fail('exists and is not a folder');
  if (k === 'dir') {
    try {
      accessSync(path, constants.W_OK);
    } catch (e) {
      fail(`cannot write there: ${describeFsError(e as NodeJS.ErrnoException)}`);
    }
    return;
  }
  let made: string[] = [];
  try {
    made = makeDirs(path);
  } catch (e) {
    fail(`cannot create it: ${describeFsError(e as NodeJS.ErrnoException)}`);
  } finally {
    for (const dir of made.reverse()) rmdirSync(dir);
  }
}

/** Checks, before any work, that `path` can be written as a file: not a folder, in a folder that can be made. */
export function checkOutFile(option: string, path: string): void {
  if (kind(path) === 'dir') throw new UsageError(`${option}: ${path} is a folder, not a file`);
  checkOutDir(option, dirname(path));
}

/** Writes `text` to `path` whole or not at all; a failure is a file-system error naming `path`. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    makeDirs(dirname(path));
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw Object.assign(new Error(`cannot write ${path}: ${describeFsError(err)}`), {
      code: err.code ?? 'EIO',
      syscall: err.syscall ?? 'write',
      path,
    });
  }
}

/** An `--out` folder with its page beside it (`scale`, `converge`): a folder of its own (not `.`, `/` or
 *  `..`), its page `<dir>.md`; both checked as writable before any work. */
export function outPaths(out: string): { dir: string; page: string } {
  const dir = out.replace(/\/+$/, '');
  if (dir === '' || basename(dir) === '.' || basename(dir) === '..')
    throw new UsageError(
      `--out "${out}": name a folder of its own (its page is written beside it as <folder>.md)`,
    );
  const page = `${dir}.md`;
  checkOutDir('--out', dir);
  checkOutFile('--out', page);
  return { dir, page };
}
