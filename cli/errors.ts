/** A mistake in what the user asked for or gave us: printed on stderr, exit code 2, nothing written. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
/** Verdicts did not match expectations. */
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;
/** A file could not be written after the work was done (a full disk, a folder removed meanwhile). */
export const EXIT_IO = 3;

/** A file-system error (it has an errno code), as opposed to a bug. */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'syscall' in e;
}
