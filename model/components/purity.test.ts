/**
 * Every component and every entry machine is an xstate machine built with `setup()` that imports no
 * component and touches no clock, I/O or randomness (docs/design.md, Components); and nothing in model/ knows
 * of mutants: they are made in properties/ by `machine.provide()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedTopology } from '../../scenarios/seed-topology.ts';
import { ALL_CONFIGS } from '../config.ts';
import { simulate } from '../network/simulator.ts';
import { buildNetwork } from '../network/wiring.ts';

const model = new URL('..', import.meta.url).pathname;
const sources = (dir: string) =>
  readdirSync(join(model, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => [`${dir}/${f}`, readFileSync(join(model, dir, f), 'utf8')] as const);

const machineFiles = [...sources('components'), ...sources('entries')];

describe.each(machineFiles)('%s', (_file, source) => {
  it('builds its machines with setup() or the shared forwarder adapter', () => {
    expect(source).toMatch(/\bsetup\(|forwarderMachine</);
  });
  it('imports no component', () => {
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    expect(imports.filter((i) => i.startsWith('./') || i.includes('components/'))).toEqual([]);
  });
});

// The machines' files, and the kernel code they share (model/kernel/).
describe.each([...machineFiles, ...sources('kernel')])('%s', (_file, source) => {
  it('reads no clock, does no I/O, draws no random numbers', () => {
    expect(source).not.toMatch(
      /Date\.|new Date\b|Math\.random|crypto|globalThis|performance\.|setTimeout|setInterval|process\.|node:|sendTo\(|\bafter:|\bspawn\b/,
    );
  });
});

describe('nothing in model/ mentions a mutant', () => {
  const all = ['.', 'components', 'entries', 'fdp', 'kernel', 'machine', 'network'].flatMap((dir) =>
    readdirSync(join(model, dir))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => [`${dir}/${f}`, readFileSync(join(model, dir, f), 'utf8')] as const),
  );
  it.each(all)('%s', (_file, source) => {
    expect(source).not.toMatch(/mutant/i);
  });
});

describe('component contexts are plain JSON (no Map, Set or class instances)', () => {
  // Every component of every configuration, as the wiring creates it for the seed topology.
  const networks = ALL_CONFIGS.map((c) => buildNetwork(seedTopology, c));
  it.each(networks.map((n) => [n.config.id, n] as const))('%s', (_, network) => {
    const run = simulate(network, [{ at: 1000, from: 'A', to: '198.18.0.4' }]);
    for (const [id, context] of Object.entries(run.contexts))
      expect(JSON.parse(JSON.stringify(context)), id).toEqual(context);
  });
});
