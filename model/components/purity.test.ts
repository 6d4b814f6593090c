/**
 * Every component is an xstate machine that imports no other component and touches no clock, I/O or
 * randomness (DESIGN.md, Components).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedTopology } from '../../scenarios/seed-topology.ts';
import { ALL_CONFIGS } from '../config.ts';
import { simulate } from '../network/simulator.ts';
import { buildNetwork } from '../network/wiring.ts';
import * as bridge from './bridge.ts';
import * as container from './container.ts';
import * as controller from './controller.ts';
import * as datapath from './datapath.ts';
import * as ethbr from './ethbr.ts';
import * as sleeveRouter from './sleeve-router.ts';
import * as underlay from './underlay.ts';
import * as vtep from './vtep.ts';

const dir = new URL('.', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'io.ts');
const modules: Record<string, Record<string, unknown>> = {
  'bridge.ts': bridge,
  'container.ts': container,
  'controller.ts': controller,
  'datapath.ts': datapath,
  'ethbr.ts': ethbr,
  'sleeve-router.ts': sleeveRouter,
  'underlay.ts': underlay,
  'vtep.ts': vtep,
};

describe.each(files)('%s', (file) => {
  const source = readFileSync(join(dir, file), 'utf8');
  it('is listed here, so the checks below cover it', () => {
    expect(Object.keys(modules)).toContain(file);
  });
  it('exports an xstate machine built with setup()', () => {
    const machines = Object.values(modules[file] ?? {}).filter(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        (v as { config?: unknown }).config !== undefined &&
        'transition' in v,
    );
    expect(machines.length).toBeGreaterThan(0);
    expect(source).toMatch(/\bsetup\(/);
  });
  it('imports no other component', () => {
    const imports = [...source.matchAll(/from '(\.\/[^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => i !== './io.ts')).toEqual([]);
  });
  it('reads no clock, does no I/O, draws no random numbers', () => {
    expect(source).not.toMatch(
      /Date\.|new Date\b|Math\.random|crypto|globalThis|performance\.|setTimeout|setInterval|process\.|node:|sendTo\(|\bafter:/,
    );
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
