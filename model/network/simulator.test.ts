import { describe, expect, it } from 'vitest';
import { A, B, D, seedTopology, T0 } from '../../scenarios/seed-topology.ts';
import { configById } from '../config.ts';
import { choiceScheduler } from './scheduler.ts';
import { simulate } from './simulator.ts';
import { ancestors } from './trace.ts';
import { buildNetwork } from './wiring.ts';

const sleeve = () => buildNetwork(seedTopology, configById('sleeve/proxy-arp'));

describe('simulator', () => {
  it('runs every step of an unlabelled run to quiescence and ends at the last timer', () => {
    const run = simulate(sleeve(), [{ at: T0, from: 'A', to: D.ip }]);
    expect(run.truncated).toBe(false);
    // The REACHABLE timers armed at T0 fire base_reachable_time (5 s) later.
    expect(run.end).toBe(T0 + 5000);
    expect(run.trace.map((s) => s.n)).toEqual(run.trace.map((_, i) => i));
  });

  it('follows a frame family: the flooded copies of A’s request share its root', () => {
    const run = simulate(sleeve(), [{ at: T0, from: 'A', to: D.ip }]);
    const ping = run.trace.find((s) => s.input.type === 'ping')!;
    const request = ping.outputs.find((o) => o.type === 'send')!.copy!;
    const family = run.copies.filter((c) => c.root === request);
    // A -> bridge -> {B, ethbr, the bridge device}; ethbr -> router (tap). The router's reply is a new
    // family.
    expect(family.map((c) => `${c.from.component}:${c.from.port}>${c.to.component}:${c.to.port}`)).toEqual([
      'h1/A:eth0>h1/bridge:A',
      'h1/bridge:B>h1/B:eth0',
      'h1/bridge:ethbr>h1/ethbr:bridge',
      'h1/bridge:local>h1/ethbr:local',
      'h1/ethbr:tap>h1/router:pcap',
    ]);
    expect(ancestors(run.copies, family[4]!.copy).map((c) => c.copy)).toEqual([
      family[2]!.copy,
      family[0]!.copy,
    ]);
  });

  it('lets a choice list reorder concurrent deliveries, and replays it exactly', () => {
    const traffic = [
      { at: T0, from: 'A', to: B.ip },
      { at: T0, from: 'B', to: A.ip },
    ];
    const fifo = simulate(sleeve(), traffic);
    const chosen = simulate(sleeve(), traffic, { scheduler: choiceScheduler([1, 1, 2, 0, 3]) });
    expect(chosen.choices).toEqual([1, 1, 2, 0, 3]);
    expect(JSON.stringify(chosen.trace)).not.toBe(JSON.stringify(fifo.trace));
    const again = simulate(sleeve(), traffic, { scheduler: choiceScheduler(chosen.choices) });
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(chosen.trace));
  });

  it('stops a run at the step bound and marks it truncated', () => {
    const run = simulate(sleeve(), [{ at: T0, from: 'A', to: D.ip }], { maxSteps: 25 });
    expect(run.truncated).toBe(true);
    expect(run.trace.length).toBe(25);
  });

  it('stops the clock at `until`', () => {
    const run = simulate(sleeve(), [{ at: T0, from: 'A', to: D.ip }], { until: T0 - 1 });
    expect(run.trace.some((s) => s.input.type === 'ping')).toBe(false);
  });
});
