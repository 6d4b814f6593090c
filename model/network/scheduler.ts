/**
 * Which pending delivery runs next. FIFO by default; or driven by a list of choices (fast-check generates
 * and shrinks them), each choice an index into the pending deliveries, taken modulo their number, used
 * only where there is more than one to pick from. Once the list runs out the scheduler falls back to FIFO,
 * so the shortest list that still shows a behaviour is the natural shrink target.
 */
export interface Scheduler {
  /** The index, in `[0, pending)`, of the delivery to run next. */
  pick(pending: number): number;
  /** The choices actually consulted, in order: what replays this interleaving. */
  readonly used: number[];
}

export function fifoScheduler(): Scheduler {
  return { pick: () => 0, used: [] };
}

export function choiceScheduler(choices: readonly number[]): Scheduler {
  let next = 0;
  const used: number[] = [];
  return {
    used,
    pick(pending) {
      if (pending <= 1 || next >= choices.length) return 0;
      const choice = choices[next++]!;
      used.push(choice);
      // Files are checked to hold whole numbers >= 0; stay in range whatever comes.
      return ((Math.trunc(choice) % pending) + pending) % pending;
    },
  };
}
