/**
 * `weave-spec matrix` (and `start`): every configuration × both worlds (static, and one that changes:
 * docs/dynamics.md) × every property, printed as the verdict table,
 * with a progress line on stderr while it works. Exit 0 only when every verdict matches its expectation.
 * `--json` prints `{ "run", "cells": [...] }` and nothing else on stdout; with `--shard i/n` only the
 * run's i-th slice of jobs runs (`cli/shard.ts`), and `weave-spec merge` joins the slices' reports.
 */
import { WORLDS, type World } from '../properties/arbitraries.ts';
import { expectedFailure } from '../properties/expectations.ts';
import { DEFAULT_RUNS } from '../properties/matrix.ts';
import { type Cell, matches, matrixJobCount, PROPERTY_ORDER, runMatrix } from '../properties/verdicts.ts';
import { renderTable } from '../render/table.ts';
import { EXIT_FAIL, EXIT_OK } from './errors.ts';
import { runsOption, seedOption, selectConfigs, selectWorlds, workersOption } from './options.ts';
import { type Io, plural, progress } from './progress.ts';
import { inShard, type ShardedRun, shardOption } from './shard.ts';

export interface MatrixCommandOptions {
  runs?: string;
  world?: string;
  seed?: string;
  json?: boolean;
  config?: string;
  workers?: string;
  shard?: string;
}

/** The verdict table: a row per configuration and world, a column per property. A cell reads `holds` or
 *  `FAILS`, with `(!)` where that is not what the expectations table says. */
export function verdictTable(cells: readonly Cell[]): string {
  const rows = [...new Set(cells.map((c) => `${c.world}\u0000${c.config}`))]
    .map((key) => key.split('\u0000') as [World, string])
    .sort(([a], [b]) => WORLDS.indexOf(a) - WORLDS.indexOf(b))
    .map(([world, config]) => [
      config,
      world,
      ...PROPERTY_ORDER.map((p) => {
        const c = cells.find((x) => x.config === config && x.world === world && x.property === p);
        if (!c) return '-';
        return `${c.observed === 'holds' ? 'holds' : 'FAILS'}${matches(c) ? '' : ' (!)'}`;
      }),
    ]);
  return renderTable(['configuration', 'world', ...PROPERTY_ORDER], rows);
}

export function matrixSummary(cells: readonly Cell[], runs: number, seed: number, ms?: number): string {
  const bad = cells.filter((c) => !matches(c));
  const configs = new Set(cells.map((c) => c.config)).size;
  const worlds = [...new Set(cells.map((c) => c.world))];
  const head = `${plural(configs, 'configuration')} × ${worlds.join(' and ')} ${worlds.length === 1 ? 'world' : 'worlds'} × ${plural(PROPERTY_ORDER.length, 'property', 'properties')}, ${plural(runs, 'case')} each, seed ${seed}`;
  const took = ms === undefined ? '' : ` (${(ms / 1000).toFixed(1)} s)`;
  const lines = [
    bad.length === 0
      ? `${head}: all ${cells.length} verdicts as expected${took}`
      : `${head}: ${bad.length} of ${cells.length} verdicts NOT as expected${took}`,
  ];
  for (const c of bad) {
    const expected = expectedFailure(c.config, c.property, c.world);
    const cell = `  ${c.config} ${c.property} (${c.world})`;
    lines.push(
      c.observed === 'holds'
        ? `${cell}: expected to fail (${expected?.why.slice(0, 60)}...), held over ${plural(c.runs, 'case')}`
        : expected
          ? `${cell}: expected to fail only where ${expected.only}, fails otherwise: ${c.counterexample?.message ?? ''}`
          : `${cell}: expected to hold, fails: ${c.counterexample?.message ?? ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function runMatrixCommand(opts: MatrixCommandOptions, io: Io): Promise<number> {
  const runs = runsOption(opts.runs, DEFAULT_RUNS);
  const seed = seedOption(opts.seed);
  const configs = selectConfigs(opts.config).map((c) => c.id);
  const worlds = selectWorlds(opts.world);
  const workers = workersOption(opts.workers);
  const shard = shardOption(opts.shard);
  const started = Date.now();
  const all = matrixJobCount({ configs, worlds });
  const mine = Array.from({ length: all }, (_, k) => k).filter((k) => inShard(k, shard)).length;
  const bar = progress(io, 'matrix', mine, runs);
  // The table shows only the counterexamples of cells not as expected; --json shows every one, shrunk.
  const cells = await runMatrix({
    configs,
    worlds,
    runs,
    seed,
    workers,
    onRun: bar.onRun,
    shrinkExpected: opts.json === true,
    jobs: (k) => inShard(k, shard),
  });
  bar.end();
  const run: ShardedRun = {
    command: 'matrix',
    seed,
    runs,
    configs,
    worlds: [...worlds],
    ...(shard && { shard }),
  };
  if (opts.json) io.out(`${JSON.stringify({ run, cells }, null, 2)}\n`);
  else io.out(`${verdictTable(cells)}\n${matrixSummary(cells, runs, seed, Date.now() - started)}`);
  return cells.every(matches) ? EXIT_OK : EXIT_FAIL;
}
