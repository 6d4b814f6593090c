/** `check`, `replay` and `schema` as a user runs them: a new process for the main path, the rest in this
 *  process (`runMain`), which runs the same `main` with its output captured. */

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseOf, counterexampleFile, inputDigests } from '../formats/counterexample.ts';
import { configById } from '../model/config.ts';
import { caseArbitrary } from '../properties/arbitraries.ts';
import { consumedCase } from '../properties/case.ts';
import { checkRun, PROPERTY_NAMES, propertyByName, runCase, traceDigest } from '../properties/index.ts';
import { A, D, seedTopology } from '../scenarios/seed-topology.ts';
import { type CheckFinding, checkExitCode, checkSummary, findingLine } from './check.ts';
import { datagramsText } from './replay.ts';
import { ROOT, runCli, runMain } from './run-cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'weave-spec-'));

describe('check then replay', () => {
  const out = tmp();
  const check = runCli(
    'check',
    '--config',
    'fdp/h2/unicast',
    '--world',
    'static',
    '--property',
    'arp-strict',
    '--runs',
    '50',
    '--out',
    out,
  );
  const file = join(out, 'fdp-h2-unicast--arp-strict.json');
  const cx = () => JSON.parse(readFileSync(file, 'utf8'));

  it('finds the violation H2 must give, marks it expected, writes it, and exits 0', () => {
    expect(check.status).toBe(0);
    expect(check.stdout).toContain(`counterexample: ${file}`);
    expect(check.stdout).toMatch(
      /VIOLATED {3}fdp\/h2\/unicast arp-strict \(expected, see docs\/verdicts\.md#fdp-h2-unicast--arp-strict\): .* at 0e:fa:ce:/,
    );
    expect(check.stdout).toMatch(
      /^check: 1 configuration × static × 1 property, 50 cases each, seed 20240601: 1 violation, all expected/m,
    );
    expect(readdirSync(out).sort()).toEqual(['fdp-h2-unicast--arp-strict.json', 'run.json']);
  });

  it('records which run wrote the folder and the file', () => {
    const command = `weave-spec check --config fdp/h2/unicast --world static --property arp-strict --runs 50 --out ${out}`;
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toEqual({
      command,
      seed: 20240601,
      runs: 50,
      files: ['fdp-h2-unicast--arp-strict.json'],
    });
    const { generated, ...origin } = cx().origin;
    expect(origin).toEqual({ command, seed: 20240601 });
    // Where fast-check generated the case: the path gives it again, before the run cut it to what it used.
    expect(generated.seed).toBe(20240601);
    const arb = caseArbitrary(configById('fdp/h2/unicast'), { world: 'static' });
    const [atPath] = fc.sample(arb, { seed: generated.seed, path: generated.path, numRuns: 1 });
    expect(consumedCase(runCase(atPath!))).toEqual(caseOf(cx()));
  });

  it('replays it bit for bit: the same violation and the same trace digest', async () => {
    const r = await runMain('replay', file, '--format', 'json');
    expect(r.status).toBe(0);
    const replay = JSON.parse(r.stdout);
    expect(replay.reproduced).toBe(true);
    expect(replay.why).toEqual([]);
    expect(replay.traceDigest).toBe(cx().traceDigest);
    expect(replay.verdict).toEqual({
      holds: false,
      property: 'arp-strict',
      message: cx().verdict.message,
      steps: cx().verdict.steps,
    });
    expect(replay.trace.length).toBe(cx().steps);
  });

  it('marks the violating steps in the text trace, and prints the state at a step as tables', async () => {
    const step = cx().verdict.steps[0];
    const text = await runMain('replay', file);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`\\n\\s+${step}\\s.*\\[violates arp-strict\\]`));
    expect(text.stdout).toMatch(/\nreproduced\n$/);
    const state = await runMain('replay', file, '--step', String(step));
    expect(state.status).toBe(0);
    // The neighbour table, with the entry the violation is about, as `ip neigh` lists it.
    expect(state.stdout).toMatch(/^h1\/A\n/m);
    expect(state.stdout).toMatch(/^ {2}neigh \(1\):\n {4}ip +state +mac /m);
    expect(state.stdout).toMatch(/^ {4}198\.18\.\d+\.\d+ +REACHABLE +0e:fa:ce:00:00:0\d /m);
    // The bridge FDB as MAC -> port, as `bridge fdb show` lists it.
    expect(state.stdout).toMatch(/^ {2}fdb \(\d\):\n {4}mac +port +seen\n/m);
    const json = await runMain('replay', file, '--step', String(step), '--format', 'json');
    const states = JSON.parse(json.stdout);
    expect(states.step).toBe(step);
    expect(Object.keys(states.contexts['h1/bridge'].fdb)[0]).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  });

  it('says why when the recorded verdict differs', async () => {
    const edited = join(out, 'edited-steps.json');
    writeFileSync(edited, JSON.stringify({ ...cx(), verdict: { ...cx().verdict, steps: [0] } }));
    const r = await runMain('replay', edited);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\nNOT reproduced: verdict\.steps: the run's violation is at steps \d+\n$/);
  });

  it('says the model changed when the same inputs give another trace', async () => {
    const edited = join(out, 'edited-digest.json');
    writeFileSync(edited, JSON.stringify({ ...cx(), traceDigest: '0'.repeat(64) }));
    const r = await runMain('replay', edited);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('DIFFERS from the recorded');
    expect(r.stdout).toMatch(
      /NOT reproduced: the recorded inputs give another trace than the recorded digest: the model has changed since this file was written, or traceDigest was edited/,
    );
  });

  it('names the input that was changed since the file was written', async () => {
    const edited = join(out, 'edited-traffic.json');
    const traffic = cx().traffic.map((p: { at: number }) => ({ ...p, at: p.at + 1 }));
    writeFileSync(edited, JSON.stringify({ ...cx(), traffic }));
    const r = await runMain('replay', edited);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /NOT reproduced: traffic differs from the run that wrote this file, and the trace differs/,
    );
  });

  it('writes files that `schema counterexample` validates', async () => {
    const schema = JSON.parse((await runMain('schema', 'counterexample')).stdout);
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(cx()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ format: 'weave-spec/counterexample/3' })).toBe(false);
  });
});

/**
 * A counterexample whose interleaving matters: A and D ping each other at the same instant, so their ARP
 * exchanges cross, and the scheduler's choices decide which delivery runs first wherever several are due.
 */
describe('replaying a recorded interleaving', () => {
  const out = tmp();
  const base = {
    topology: seedTopology,
    config: 'fdp/h2/unicast',
    traffic: [
      { at: 1000, from: 'A', to: D.ip },
      { at: 1000, from: 'D', to: A.ip },
    ],
  };
  const write = (name: string, choices: number[]) => {
    const run = runCase({ ...base, choices });
    const verdict = checkRun(run, propertyByName('arp-strict'));
    if (verdict.holds) throw new Error('fixture: arp-strict must fail under fdp/h2/unicast');
    const f = join(out, name);
    writeFileSync(f, JSON.stringify(counterexampleFile(run, 'arp-strict', verdict)));
    return { file: f, run };
  };
  const fifo = runCase({ ...base, choices: [] });

  it.each([
    ['one choice', [1]],
    ['every other delivery swapped', [1, 0, 1]],
    ['a longer schedule', [2, 1, 0, 1, 2, 3, 1]],
  ])('%s: consumed, changes the run, and replays bit for bit', async (_what, choices) => {
    const { file, run } = write(`cx-${choices.join('')}.json`, choices);
    expect(run.run.choices).toEqual(choices);
    expect(traceDigest(run.run)).not.toBe(traceDigest(fifo.run));
    const r = await runMain('replay', file, '--format', 'json');
    expect(r.status).toBe(0);
    const replay = JSON.parse(r.stdout);
    expect(replay.reproduced).toBe(true);
    expect(replay.traceDigest).toBe(traceDigest(run.run));
    expect(replay.trace).toEqual(JSON.parse(JSON.stringify(run.run.trace)));
  });

  it('choices edited into others that pick the same deliveries: reproduced, with a note', async () => {
    const { file, run } = write('cx-same.json', [1, 0, 1]);
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    // A choice is taken modulo the deliveries due, so adding a large multiple of every count changes nothing.
    writeFileSync(file, JSON.stringify({ ...cx, choices: [1 + 720720, 0, 1] }));
    const r = await runMain('replay', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /\nnote: choices differs from what the file recorded \(inputs\), but give the same run\nreproduced\n$/,
    );
    expect(traceDigest(run.run)).toBe(cx.traceDigest);
  });

  it('an unedited file whose run now consumes fewer choices is a model that changed, not bad input', async () => {
    const { file } = write('cx-fewer.json', [1, 0, 1]);
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    // As a file written by a model that consulted more choices would be: the extra ones are in its inputs.
    const choices = [1, 0, 1, ...new Array<number>(500).fill(0)];
    const inputs = inputDigests({ ...caseOf(cx), choices });
    writeFileSync(file, JSON.stringify({ ...cx, choices, inputs }));
    const r = await runMain('replay', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /NOT reproduced: the run consumes only \d+ of the 503 choices: the model has changed/,
    );
  });

  it('an unedited file with a fault on a datagram its run no longer sends is a model that changed', async () => {
    const { file } = write('cx-unsent.json', [1, 0, 1]);
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    // As a file written by a model whose run sent more datagrams would be: the fault is in its inputs.
    const faults = [{ datagram: 100_000, kind: 'loss' as const }];
    const inputs = inputDigests({ ...caseOf(cx), faults });
    writeFileSync(file, JSON.stringify({ ...cx, faults, inputs }));
    const r = await runMain('replay', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /NOT reproduced: the run sends only \d+ datagrams \(0 to \d+\), so faults\[0\] never happens: the model has changed/,
    );
    // With another trace as well, the model change is said once.
    writeFileSync(file, JSON.stringify({ ...cx, faults, inputs, traceDigest: '0'.repeat(64) }));
    const both = await runMain('replay', file);
    expect(both.status).toBe(1);
    expect(both.stdout).toMatch(
      /NOT reproduced: .* never happens: the model has changed since this file was written; the recorded inputs give another trace than the recorded digest\n$/,
    );
    expect(both.stdout.match(/model has changed/g)).toHaveLength(1);
  });

  it('numbers the datagrams a run sends from 0, and says when it sends none', () => {
    expect(datagramsText(0)).toBe('no datagram');
    expect(datagramsText(1)).toBe('only 1 datagram (0)');
    expect(datagramsText(6)).toBe('only 6 datagrams (0 to 5)');
  });

  it('a file whose choices were edited is not reproduced, and the choices are named', async () => {
    const { file } = write('cx-edit.json', [1, 0, 1]);
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...cx, choices: [0, 1, 1] }));
    const r = await runMain('replay', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /NOT reproduced: choices differs from the run that wrote this file, and the trace differs/,
    );
  });
});

describe('check of the default scope', () => {
  it('runs every configuration of the default scope without --config, and --json prints only the findings', async () => {
    const out = join(tmp(), 'out');
    const r = await runMain(
      'check',
      '--world',
      'static',
      '--property',
      'arp-strict',
      '--runs',
      '20',
      '--out',
      out,
      '--json',
    );
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as {
      seed: number;
      runs: number;
      findings: { config: string; expected: string; observed: string; file?: string }[];
    };
    expect(report.seed).toBe(20240601);
    expect(report.findings.map((f) => f.config)).toHaveLength(12);
    // H2's fake MAC breaks strict ARP under every vtep, as the matrix expects; nothing else does.
    const failing = report.findings.filter((f) => f.observed === 'fails').map((f) => f.config);
    expect(failing).toEqual(['fdp/h2/multicast', 'fdp/h2/unicast', 'fdp/h2/zero-mac']);
    expect(report.findings.every((f) => f.expected === f.observed)).toBe(true);
  });

  it('an H2 violation over your own files is expected too: exit 0', async () => {
    const dir = tmp();
    const t = join(dir, 't.json');
    writeFileSync(t, JSON.stringify(seedTopology));
    const p = join(dir, 'p.json');
    writeFileSync(p, JSON.stringify([{ at: 1000, from: 'A', to: D.ip }]));
    const r = await runMain(
      'check',
      '--config',
      'fdp/h2/unicast',
      '--property',
      'arp-strict',
      '--topology',
      t,
      '--traffic',
      p,
      '--out',
      join(dir, 'out'),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/VIOLATED {3}fdp\/h2\/unicast arp-strict \(expected/);
    expect(r.stdout).toMatch(/your traffic, seed 20240601: 1 violation, all expected/);
    // No arbitrary generated this case: the file says so by saying nothing of where.
    const written = JSON.parse(readFileSync(join(dir, 'out/fdp-h2-unicast--arp-strict.json'), 'utf8'));
    expect(written.origin).toEqual({ command: expect.stringMatching(/^weave-spec check /), seed: 20240601 });
  });

  it('a violation the matrix does not expect is marked UNEXPECTED and makes the exit code 1', () => {
    const opts = { configs: [], worlds: [], properties: [], runs: 5, seed: 1, out: 'cx', command: '' };
    const unexpected: CheckFinding = {
      config: 'fdp/upstream',
      world: 'static',
      property: 'delivery',
      expected: 'holds',
      observed: 'fails',
      runs: 3,
      file: 'cx/fdp-upstream--delivery.json',
      message: 'ping 1 never arrived',
    };
    const expected: CheckFinding = {
      ...unexpected,
      config: 'fdp/h2/unicast',
      property: 'arp-strict',
      expected: 'fails',
    };
    expect(findingLine(unexpected)).toMatch(
      /^VIOLATED {3}fdp\/upstream delivery \(UNEXPECTED: the matrix expects it to hold\): ping 1/,
    );
    expect(checkSummary([unexpected, expected], opts)).toMatch(
      /: 2 violations, 1 NOT expected; counterexamples in cx\n$/,
    );
    expect(checkExitCode([unexpected, expected])).toBe(1);
    expect(checkExitCode([expected])).toBe(0);
    // A cell the matrix expects to fail may hold on the cases at hand: said, and not an error.
    const held: CheckFinding = { ...expected, observed: 'holds', file: undefined, message: undefined };
    expect(findingLine(held)).toMatch(
      /^holds {6}fdp\/h2\/unicast arp-strict \(3 cases; the matrix expects it to fail/,
    );
    expect(checkExitCode([held])).toBe(0);
  });
});

describe('the documented example files', () => {
  it('check runs them under upstream Fast Datapath, and every property holds', async () => {
    const out = join(tmp(), 'out');
    const r = await runMain(
      'check',
      '--config',
      'fdp/upstream',
      '--topology',
      'docs/examples/three-hosts.topology.json',
      '--traffic',
      'docs/examples/three-hosts.traffic.json',
      '--out',
      out,
    );
    expect(r.stderr).not.toMatch(/weave-spec:/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/holds {6}fdp\/upstream delivery \(1 case\)/);
    expect(r.stdout).not.toMatch(/VIOLATED/);
    expect(r.stdout).toMatch(/: no violation\n$/);
  });
});

describe('signals', () => {
  it('a long check stops at once on SIGINT, leaving no temporary file', async () => {
    const out = join(tmp(), 'out');
    mkdirSync(out);
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/weave-spec.js'), 'check', '--runs', '1000000', '--out', out],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    const deadline = Date.now() + 60_000;
    while (!/check: 0\/\d+ jobs/.test(err) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.tmp')) : []).toEqual([]);
  }, 90_000);
});

describe('check in a world that changes', () => {
  it('finds upstream losing a moved container, marks it expected with its page, and names the file by world', async () => {
    const out = join(tmp(), 'out');
    const r = await runMain(
      'check',
      '--config',
      'fdp/upstream',
      '--world',
      'dynamic',
      '--property',
      'delivery',
      '--runs',
      '150',
      '--out',
      out,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^VIOLATED {3}fdp\/upstream \(dynamic\) delivery \(expected, see docs\/verdicts-dynamic\.md#fdp-upstream--delivery--dynamic\): ping \d+ /m,
    );
    expect(r.stdout).toMatch(/^check: 1 configuration × dynamic × 1 property, 150 cases each/m);
    expect(readdirSync(out).sort()).toEqual(['fdp-upstream--delivery--dynamic.json', 'run.json']);
    // The counterexample replays, moves and all.
    const replay = await runMain('replay', join(out, 'fdp-upstream--delivery--dynamic.json'));
    expect(replay.status).toBe(0);
    expect(replay.stdout).toMatch(/container (start|stop)/);
  }, 120_000);
});

describe('a result that cannot be written after the work', () => {
  it('keeps every finding, names the file it could not write, and exits 3', async () => {
    const out = join(tmp(), 'out');
    // A folder (not empty) where the counterexample file goes: the rename onto it fails.
    mkdirSync(join(out, 'fdp-h2-unicast--arp-strict.json', 'inside'), { recursive: true });
    const r = await runMain(
      'check',
      '--config',
      'fdp/h2/unicast',
      '--world',
      'static',
      '--runs',
      '20',
      '--out',
      out,
    );
    expect(r.status).toBe(3);
    expect(r.stdout.match(/^(holds|VIOLATED) /gm)).toHaveLength(PROPERTY_NAMES.length);
    expect(r.stdout).toMatch(
      /arp-strict \(expected, .*\n {11}counterexample NOT written: cannot write .*fdp-h2-unicast--arp-strict\.json: E/,
    );
    expect(r.stdout).toMatch(
      new RegExp(`^check: 1 configuration × static × ${PROPERTY_NAMES.length} properties`, 'm'),
    );
    expect(r.stderr).toMatch(/^weave-spec: cannot write .*fdp-h2-unicast--arp-strict\.json: E[A-Z]+/m);
    // The other counterexample and run.json, which names only what was written, are there.
    expect(readdirSync(out).sort()).toEqual([
      'fdp-h2-unicast--arp-strict.json',
      'fdp-h2-unicast--broadcast-once.json',
      'run.json',
    ]);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).files).toEqual([
      'fdp-h2-unicast--broadcast-once.json',
    ]);
  });
});
