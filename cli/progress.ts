/**
 * A progress line on stderr for long runs: rewritten in place on a terminal, one line per update
 * otherwise (CI logs), and silent when asked to be.
 */
export interface Progress {
  update(done: number, total: number, label: string): void;
  done(): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  let shown = false;
  return {
    update(done, total, label) {
      if (quiet) return;
      const line = `[${done}/${total}] ${label}`;
      if (stream.isTTY) {
        stream.write(
          `\r${line.slice(0, (stream.columns ?? 100) - 1).padEnd(shown ? (stream.columns ?? 100) - 1 : 0)}`,
        );
        shown = true;
      } else stream.write(`${line}\n`);
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

export const silentProgress: Progress = { update() {}, done() {} };
