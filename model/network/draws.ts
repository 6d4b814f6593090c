/**
 * The kernel's random reachable time, as the scheduler's choice. Linux does not keep a neighbour entry
 * REACHABLE for exactly base_reachable_time: it draws the interface's reachable_time uniformly from
 * [base/2, 3·base/2) (`neigh_rand_reach_time` in `net/core/neighbour.c`) when the interface's neighbour
 * parameters are set up. A case may list these draws (`reachable`), one per container start in the order
 * of the run (the topology's containers, then each start or move of the timeline): draw `d`, a whole
 * number from 0 to 999, gives base/2 + base·d/1000. A start without a draw keeps exactly the base, the
 * mean, as the static world always has. Linux draws again every 300 s (`neigh_periodic_work`); the model
 * keeps the first draw for the container's life, so a run's draws are few and each is visible.
 */

/** Draws are whole numbers from 0 to `DRAW_SCALE - 1`. */
export const DRAW_SCALE = 1000;

/** The reachable time a draw gives, for a base reachable time (ms). */
export function reachableTime(baseMs: number, draw: number): number {
  return Math.floor(baseMs / 2) + Math.floor((baseMs * draw) / DRAW_SCALE);
}

/** What is wrong with a list of draws, by index; empty when it is fine. */
export function drawIssues(draws: readonly number[]): { path: string; message: string }[] {
  return draws.flatMap((d, i) =>
    Number.isInteger(d) && d >= 0 && d < DRAW_SCALE
      ? []
      : [{ path: `[${i}]`, message: `must be a whole number from 0 to ${DRAW_SCALE - 1}` }],
  );
}

/** The most reachable time a draw can give: the bound a property may count on. */
export function longestReachableTime(baseMs: number): number {
  return reachableTime(baseMs, DRAW_SCALE - 1);
}
