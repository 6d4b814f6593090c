/**
 * Splitting a run over machines: `--shard i/n` on `matrix` and `check` keeps the i-th of n deterministic
 * slices of the run's jobs (round robin over the jobs in their fixed order, so every slice gets some of
 * every kind of configuration), and its `--json` report names the run and the slice (`ShardedRun`).
 * `weave-spec merge` (`cli/merge.ts`) takes the n reports back and gives the report of the whole run:
 * a CI provider's job matrix runs one slice per machine, then one job merges.
 */
import { UsageError } from './errors.ts';

/** The most slices a run may be cut into. */
export const MAX_SHARDS = 1000;

/** The i-th (from 1) of `count` slices. */
export interface Shard {
  index: number;
  count: number;
}

/** What a sharded report says of the run it is a slice of: two slices merge only if all of it is equal
 *  but the slice. */
export interface ShardedRun {
  command: 'matrix' | 'check';
  seed: number;
  runs: number;
  configs: string[];
  worlds: string[];
  /** `check` only: the properties checked. */
  properties?: string[];
  /** Absent in a whole run's report. */
  shard?: Shard;
}

/** `--shard i/n`: the whole run when absent. */
export function shardOption(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (m === null) throw new UsageError(`--shard: "${value}" is not i/n (the i-th of n slices, e.g. 2/4)`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || count > MAX_SHARDS)
    throw new UsageError(`--shard: ${value}: the number of slices is from 1 to ${MAX_SHARDS}`);
  if (index < 1 || index > count)
    throw new UsageError(`--shard: ${value}: the slice counts from 1 to ${count}`);
  return { index, count };
}

/** Whether job `k` (from 0, in the run's fixed job order) is in the slice; every job is when unsharded. */
export function inShard(k: number, shard: Shard | undefined): boolean {
  return shard === undefined || k % shard.count === shard.index - 1;
}
