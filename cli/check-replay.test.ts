/** `check`, `replay` and `schema` through the real command, as a user runs them (issue 5). */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { seedTopology } from '../scenarios/seed-topology.ts';
import { runCli } from './run-cli.ts';

const cli = runCli;
const tmp = () => mkdtempSync(join(tmpdir(), 'weave-spec-'));

describe('check then replay', () => {
  const out = tmp();
  const check = cli(
    'check',
    '--config',
    'fdp/h2/unicast',
    '--property',
    'arp-strict',
    '--runs',
    '50',
    '--out',
    out,
  );
  const file = join(out, 'fdp-h2-unicast--arp-strict.json');

  it('finds the counterexample H2 must give, writes it, and says where and why', () => {
    expect(check.status).toBe(1);
    expect(check.stdout).toContain(`counterexample: ${file}`);
    expect(check.stdout).toMatch(/VIOLATED\s+fdp\/h2\/unicast arp-strict: .* at 0e:fa:ce:/);
    expect(readdirSync(out)).toEqual(['fdp-h2-unicast--arp-strict.json']);
  });

  it('replays it bit for bit: the same violation and the same trace digest', () => {
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    const r = cli('replay', file, '--format', 'json');
    expect(r.status).toBe(0);
    const replay = JSON.parse(r.stdout);
    expect(replay.reproduced).toBe(true);
    expect(replay.traceDigest).toBe(cx.traceDigest);
    expect(replay.verdict).toEqual({
      holds: false,
      property: 'arp-strict',
      message: cx.verdict.message,
      steps: cx.verdict.steps,
    });
    expect(replay.trace.length).toBe(cx.steps);
  });

  it('marks the violating steps in the text trace, and prints the state at a step', () => {
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    const text = cli('replay', file);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`\\n\\s+${cx.verdict.steps[0]}\\s.*\\[violates arp-strict\\]`));
    const state = cli('replay', file, '--step', String(cx.verdict.steps[0]));
    expect(state.status).toBe(0);
    expect(state.stdout).toMatch(/^h1\/bridge: \{"ports":/m);
    // The FDB reads as MAC -> entry, as `bridge fdb show` lists it, not as its storage buckets.
    expect(state.stdout).toMatch(/^h1\/bridge: .*"fdb":\{"[0-9a-f]{2}(:[0-9a-f]{2}){5}":\{"port":/m);
  });

  it('does not call it reproduced when the recorded steps differ', () => {
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    const edited = join(out, 'edited-steps.json');
    writeFileSync(edited, JSON.stringify({ ...cx, verdict: { ...cx.verdict, steps: [0] } }));
    const r = cli('replay', edited);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/NOT reproduced\n$/);
  });

  it('rejects scheduler choices that are not whole numbers >= 0, naming the field', () => {
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    const edited = join(out, 'edited-choices.json');
    writeFileSync(edited, JSON.stringify({ ...cx, choices: [1, -1] }));
    const r = cli('replay', edited);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/edited-choices\.json: choices\[1\]: must be >= 0/);
  });

  it('says so when the file no longer matches its run', () => {
    const cx = JSON.parse(readFileSync(file, 'utf8'));
    const edited = join(out, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...cx, traceDigest: '0'.repeat(64) }));
    const r = cli('replay', edited);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('DIFFERS from the recorded');
  });

  it('writes files that `schema counterexample` validates', () => {
    const schema = JSON.parse(cli('schema', 'counterexample').stdout);
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(JSON.parse(readFileSync(file, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ format: 'weave-spec/counterexample/1' })).toBe(false);
  });
});

describe('bad input: exit 2, the field named, nothing written', () => {
  const topologyFile = (t: unknown) => {
    const dir = tmp();
    const f = join(dir, 'topology.json');
    writeFileSync(f, typeof t === 'string' ? t : JSON.stringify(t));
    return f;
  };
  const seed = () => structuredClone(seedTopology);
  const cases: [string, () => string[], RegExp][] = [
    ['malformed JSON', () => ['--topology', topologyFile('{"hosts": [')], /topology\.json: malformed JSON/],
    [
      'a schema violation',
      () => ['--topology', topologyFile({ ...seed(), hosts: [{ name: 'h1', address: '198.19.0.1' }] })],
      /topology\.json: hosts\[0\]: missing field "mac"/,
    ],
    [
      'a duplicate MAC',
      () => {
        const t = seed();
        t.containers[3]!.mac = t.containers[1]!.mac;
        return ['--topology', topologyFile(t)];
      },
      /containers\[3\]\.mac: duplicate MAC 02:00:00:00:00:0b, first at containers\[1\]\.mac/,
    ],
    [
      'a duplicate IP',
      () => {
        const t = seed();
        t.containers[2]!.ip = t.containers[0]!.ip;
        return ['--topology', topologyFile(t)];
      },
      /containers\[2\]\.ip: duplicate IP 198\.18\.0\.1, first at containers\[0\]\.ip/,
    ],
    [
      'a container on an unknown host',
      () => {
        const t = seed();
        t.containers[0]!.host = 'h7';
        return ['--topology', topologyFile(t)];
      },
      /containers\[0\]\.host: unknown host "h7"/,
    ],
    [
      'an unknown configuration id',
      () => [],
      /unknown configuration id "fdp\/h4\/unicast"; valid ids: sleeve\/proxy-arp, /,
    ],
    ['an unknown property', () => [], /unknown property "liveness"; valid: delivery, /],
  ];
  it.each(cases)('%s', (what, args, message) => {
    const out = join(tmp(), 'out');
    const config = what === 'an unknown configuration id' ? 'fdp/h4/unicast' : 'sleeve/upstream';
    const property = what === 'an unknown property' ? 'liveness' : 'all';
    const r = cli(
      'check',
      '--config',
      config,
      '--property',
      property,
      '--runs',
      '1',
      '--out',
      out,
      ...args(),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an --out that is a file, before running anything', () => {
    const dir = tmp();
    const out = join(dir, 'a-file');
    writeFileSync(out, 'x');
    const r = cli('check', '--config', 'sleeve/upstream', '--runs', '1', '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out .*a-file: exists and is not a directory/);
    expect(readFileSync(out, 'utf8')).toBe('x');
  });

  it('rejects a seed that is not a 32-bit integer', () => {
    const r = cli('matrix', '--seed', '99999999999', '--runs', '1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--seed must be an integer from -2147483648 to 2147483647/);
  });

  it('rejects a traffic file that names an unknown container', () => {
    const dir = tmp();
    const traffic = join(dir, 'traffic.json');
    writeFileSync(traffic, JSON.stringify([{ at: 1000, from: 'Z', to: '198.18.0.4' }]));
    const r = cli(
      'check',
      '--config',
      'sleeve/upstream',
      '--topology',
      topologyFile(seed()),
      '--traffic',
      traffic,
      '--out',
      join(dir, 'out'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/traffic\.json: \[0\]\.from: unknown container "Z"/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('rejects a counterexample file for replay that is not one', () => {
    const f = topologyFile(seed());
    const r = cli('replay', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/topology\.json: missing field "format"/);
  });
});

describe('the documented example files', () => {
  it('check runs them under upstream Fast Datapath, and every property holds', () => {
    const out = join(tmp(), 'out');
    const r = cli(
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
    expect(r.stdout).toMatch(/holds\s+fdp\/upstream delivery \(1 runs\)/);
    expect(r.stdout).not.toMatch(/VIOLATED/);
  });
});
