/**
 * The progress line long commands print on stderr: on a terminal it is rewritten in place (at most ten
 * times a second); in a log (CI) it is one line when the first case is done, one per finished job, and
 * one every ten seconds while a single job runs long, so a deep run of one property is never silent.
 */

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stderr is a terminal: the progress line is rewritten in place. */
  tty: boolean;
}

export interface Progress {
  /** The number of jobs, when it is known only once work has started. */
  resize(jobs: number): void;
  /** Job `job` has finished `done` of its cases. */
  onRun(job: number, done: number): void;
  end(): void;
}

const TTY_EVERY_MS = 100;
const LOG_EVERY_MS = 10_000;

export function progress(io: Io, what: string, jobs: number, runsPerJob: number): Progress {
  const done = new Array<number>(jobs).fill(0);
  const started = Date.now();
  let finished = 0;
  let last = started;
  let shown = false;
  const line = () => {
    const total = done.reduce((a, b) => a + b, 0);
    return `${what}: ${finished}/${jobs} jobs, ${total}/${jobs * runsPerJob} cases, ${((Date.now() - started) / 1000).toFixed(1)} s`;
  };
  return {
    resize(n) {
      while (done.length < n) done.push(0);
      jobs = n;
    },
    onRun(job, n) {
      done[job] = n;
      const jobDone = n === runsPerJob;
      if (jobDone) finished++;
      const now = Date.now();
      if (io.tty) {
        if (now - last > TTY_EVERY_MS || jobDone) {
          last = now;
          io.err(`\r${line()}\x1b[K`);
        }
      } else if (jobDone || now - last > LOG_EVERY_MS || !shown) {
        last = now;
        shown = true;
        io.err(`${line()}\n`);
      }
    },
    end() {
      if (io.tty) io.err(`\r${line()}\x1b[K\n`);
    },
  };
}

/** `n thing` or `n things`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
