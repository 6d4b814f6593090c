/**
 * `--shard i/n` and `weave-spec merge`: the slices of a run partition its jobs, and merged they give the
 * report an unsharded run gives, verdict for verdict, for `matrix` and for `check`; slices of different
 * runs, a missing or a repeated slice are refused with the file and field named.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './run-cli.ts';
import { inShard, shardOption } from './shard.ts';

const dir = mkdtempSync(join(tmpdir(), 'weave-spec-shard-'));
const scope = ['--runs', '4', '--config', 'sleeve/proxy-arp,fdp/h3/unicast', '--json'];

/** Runs a command, writes its stdout to a file in `dir`, and returns the path and the parsed report. */
async function report(name: string, ...args: string[]) {
  const r = await runMain(...args);
  expect(r.stderr).not.toMatch(/weave-spec:|error:/);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, r.stdout);
  return { file, status: r.status, json: JSON.parse(r.stdout) };
}

describe('--shard i/n', () => {
  it('parses i/n from 1 to n and refuses anything else, naming the option', () => {
    expect(shardOption(undefined)).toBeUndefined();
    expect(shardOption('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '2', '-1/3'])
      expect(() => shardOption(bad)).toThrow(/^--shard: /);
  });

  it('puts every job in exactly one slice', () => {
    for (const count of [1, 2, 3, 7]) {
      const slices = Array.from({ length: count }, (_, i) => ({ index: i + 1, count }));
      for (let k = 0; k < 40; k++) expect(slices.filter((s) => inShard(k, s))).toHaveLength(1);
    }
  });
});

describe('merge', () => {
  it('matrix: three slices merged give the unsharded run, cell for cell, and its exit code', async () => {
    const matrix = ['matrix', ...scope, '--workers', '1'];
    const whole = await report('matrix-whole', ...matrix);
    const slices = [];
    for (const i of [1, 2, 3]) slices.push(await report(`matrix-${i}`, ...matrix, '--shard', `${i}/3`));
    // Each slice ran only its jobs (configuration × world): 4 jobs dealt 2, 1, 1.
    expect(slices.map((s) => s.json.cells.length / 11)).toEqual([2, 1, 1]);
    // Any order of files.
    const merged = await runMain('merge', slices[2]!.file, slices[0]!.file, slices[1]!.file, '--json');
    expect(JSON.parse(merged.stdout)).toEqual(whole.json);
    expect(merged.status).toBe(whole.status);
    const table = await runMain('merge', ...slices.map((s) => s.file));
    expect(table.stdout).toContain(
      '2 configurations × static and dynamic worlds × 11 properties, 4 cases each',
    );
  }, 240_000);

  it('check: slices merged give the unsharded findings', async () => {
    const args = ['check', ...scope, '--world', 'static', '--property', 'all', '--out', join(dir, 'cx')];
    const whole = await report('check-whole', ...args);
    const a = await report('check-1', ...args, '--shard', '1/2');
    const b = await report('check-2', ...args, '--shard', '2/2');
    expect(a.json.findings.length + b.json.findings.length).toBe(whole.json.findings.length);
    const merged = await runMain('merge', a.file, b.file, '--json');
    expect(JSON.parse(merged.stdout)).toEqual(whole.json);
    expect(merged.status).toBe(whole.status);
  }, 240_000);

  it('refuses slices of different runs, a repeated slice, a missing one, and a whole run', async () => {
    const base = ['matrix', '--runs', '2', '--config', 'sleeve/proxy-arp', '--world', 'static', '--json'];
    const one = await report('r1', ...base, '--shard', '1/2');
    const two = await report('r2', ...base, '--shard', '2/2');
    const other = await report('o2', ...base, '--seed', '7', '--shard', '2/2');
    const whole = await report('w', ...base);
    const refused = async (files: string[], message: RegExp) => {
      const r = await runMain('merge', ...files);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    };
    await refused(
      [one.file, other.file],
      /o2\.json: run\.seed: 7, but .*r1\.json has 20240601: slices of different runs/,
    );
    await refused([one.file, one.file], /r1\.json: run\.shard\.index: slice 1 again/);
    await refused([one.file], /1 slice of 2 missing \(2\)/);
    await refused([whole.file], /w\.json: run\.shard: missing: a whole run/);
    const merged = await runMain('merge', two.file, one.file, '--json');
    expect(merged.status).not.toBe(2);
  }, 120_000);
});
