/** A mistake in what the user asked for or gave us: printed on stderr, exit code 2, nothing written. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
/** Verdicts did not match expectations. */
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;
