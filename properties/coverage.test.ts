/**
 * What the property runs exercise, pinned: every declared transition of every machine is reached by the
 * default runs or listed as unreachable with its reason (and nothing listed is reached or undeclared), and
 * the generators keep the traffic the delivery property checks above the floors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIGS } from '../model/config.ts';
import { plan } from '../model/machine/plan.ts';
import { MODEL_MACHINES } from '../model/machines.ts';
import { WORLDS } from './arbitraries.ts';
import { type Coverage, runCoverage, transitionLabel, UNREACHABLE } from './coverage.ts';
import { DEFAULT_RUNS, DEFAULT_SEED } from './matrix.ts';

let coverage: Coverage;
beforeAll(async () => {
  coverage = await runCoverage({
    configs: DEFAULT_CONFIGS.map((c) => c.id),
    runs: DEFAULT_RUNS,
    seed: DEFAULT_SEED,
  });
}, 180_000);

describe('coverage of the default runs', () => {
  it('reaches every declared transition, or lists it as unreachable with a reason', () => {
    expect(coverage.machines.flatMap((m) => m.missed.map((t) => `${m.id}: ${t}`))).toEqual([]);
    const declared = coverage.machines.reduce((n, m) => n + m.transitions.length, 0);
    const accounted = coverage.machines.reduce(
      (n, m) => n + m.reachedTransitions.length + m.unreachable.length,
      0,
    );
    expect(accounted / declared).toBeGreaterThanOrEqual(0.95);
  });

  it('lists as unreachable only transitions that exist and that no run reached', () => {
    for (const [id, list] of Object.entries(UNREACHABLE)) {
      const m = MODEL_MACHINES.find((x) => x.machine.id === id);
      expect(m, id).toBeDefined();
      const p = plan(m!.machine);
      const labels = p.transitions.map((_, i) => transitionLabel(p, i));
      const reached = coverage.machines.find((x) => x.id === id)!.reachedTransitions;
      for (const [label, why] of Object.entries(list)) {
        expect(labels, `${id}: ${label}`).toContain(label);
        expect(reached, `${id}: ${label} is reached`).not.toContain(label);
        expect(why.length).toBeGreaterThan(20);
      }
    }
  });

  it('has at least five machines with three or more states, each with its states reached', () => {
    const stateful = coverage.machines.filter((m) => m.states.length >= 3);
    expect(stateful.map((m) => m.id)).toEqual(
      expect.arrayContaining(['neighbour', 'flow-entry', 'vxlan-fdb-entry', 'mac-cache-entry', 'h1-target']),
    );
    // Every state but PERMANENT, which only an administrator's static entry makes (`UNREACHABLE`).
    for (const m of stateful.filter((x) => x.id === 'neighbour' || x.id === 'h1-target'))
      expect(m.reachedStates).toEqual(m.states.filter((s) => s !== 'PERMANENT'));
  });

  it('keeps the traffic the delivery property checks above the floors', () => {
    const e = coverage.exercise;
    expect(e.cases).toBe(DEFAULT_CONFIGS.length * DEFAULT_RUNS * WORLDS.length);
    expect(e.pingsChecked).toBeGreaterThanOrEqual(0.7);
    expect(e.crossHostOfChecked).toBeGreaterThanOrEqual(0.5);
    expect(e.selfOfChecked).toBeLessThanOrEqual(0.1);
    expect(e.casesWithArpMiss).toBeGreaterThanOrEqual(0.9);
    expect(e.casesWithDatapathMiss).toBeGreaterThan(0.05);
  });

  it('changes the world in most dynamic cases, and checks pings after the changes', () => {
    const e = coverage.exercise;
    const dynamic = DEFAULT_CONFIGS.length * DEFAULT_RUNS;
    for (const kind of ['start', 'stop', 'move'] as const)
      expect(e.casesWithEvent[kind], kind).toBeGreaterThanOrEqual(0.35 * dynamic);
    for (const kind of ['peer-leave', 'peer-join', 'link-down', 'link-up'] as const)
      expect(e.casesWithEvent[kind], kind).toBeGreaterThanOrEqual(0.15 * dynamic);
    for (const kind of ['loss', 'duplicate', 'delay'] as const)
      expect(e.casesWithEvent[kind], kind).toBeGreaterThanOrEqual(0.1 * dynamic);
    expect(e.pingsCheckedAfterChange).toBeGreaterThanOrEqual(5 * dynamic);
  });
});
