/** `weave-spec matrix`, run as a user runs it. */

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROPERTY_NAMES } from '../properties/index.ts';
import { runCli as cli, ROOT } from './run-cli.ts';

describe('weave-spec matrix', () => {
  it('--json prints only the run and the cells, with a counterexample for each failing cell', () => {
    const r = cli('matrix', '--config', 'fdp/h2/unicast', '--runs', '20', '--seed', '5', '--json');
    // Both worlds by default: a job, and a cell per property, in each.
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['run', 'cells']);
    expect(report.run).toEqual({
      command: 'matrix',
      seed: 5,
      runs: 20,
      configs: ['fdp/h2/unicast'],
      worlds: ['static', 'dynamic'],
    });
    const { cells } = report as {
      cells: {
        config: string;
        world: string;
        property: string;
        expected: string;
        observed: string;
        runs: number;
        counterexample: { case: unknown; steps: number[] } | null;
      }[];
    };
    expect(cells).toHaveLength(2 * PROPERTY_NAMES.length);
    // Exit 0 exactly when every cell is as expected (20 cases may miss a failure a world that changes has).
    expect(r.status).toBe(cells.every((c) => c.observed === c.expected) ? 0 : 1);
    expect(cells.filter((c) => c.world === 'dynamic')).toHaveLength(PROPERTY_NAMES.length);
    for (const world of ['static', 'dynamic']) {
      const strict = cells.find((c) => c.property === 'arp-strict' && c.world === world)!;
      expect(strict).toMatchObject({ config: 'fdp/h2/unicast', expected: 'fails', observed: 'fails' });
      expect(strict.counterexample?.steps).toHaveLength(1);
      expect(cells.find((c) => c.property === 'isolation' && c.world === world)).toMatchObject({
        observed: 'holds',
        runs: 20,
        counterexample: null,
      });
    }
    expect(r.stderr).toMatch(/matrix: 2\/2 jobs, 40\/40 cases/);
  }, 120_000);
  it('prints the verdict table and the same verdicts for the same seed', () => {
    const a = cli('matrix', '--config', 'sleeve/proxy-arp', '--runs', '15', '--seed', '9', '--json');
    const b = cli('matrix', '--config', 'sleeve/proxy-arp', '--runs', '15', '--seed', '9', '--json');
    expect(a.stdout).toBe(b.stdout);
    const t = cli('matrix', '--config', 'sleeve/proxy-arp', '--world', 'static', '--runs', '15');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/sleeve\/proxy-arp\s+static\s+FAILS\s+FAILS\s+holds.*FAILS/);
    expect(t.stdout).toMatch(
      new RegExp(
        `static world × ${PROPERTY_NAMES.length} properties, 15 cases each, seed 20240601: all ${PROPERTY_NAMES.length} verdicts as expected`,
      ),
    );
  }, 120_000);
  it('rejects a bad --runs or --config with exit 2', () => {
    expect(cli('matrix', '--runs', 'zero').status).toBe(2);
    const r = cli('matrix', '--config', 'fdp/h9');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown configuration id "fdp\/h9"/);
  });
  it('stops at once on SIGTERM, its worker threads with it', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/weave-spec.js'), 'matrix', '--runs', '1000000'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    const deadline = Date.now() + 60_000;
    while (!/matrix: 0\/24 jobs/.test(err) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(err).toMatch(/matrix: 0\/24 jobs/);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
  }, 90_000);
});
