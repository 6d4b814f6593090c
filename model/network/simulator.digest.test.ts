/**
 * The performance work on the simulator must not change what it computes: for the same inputs, the trace
 * (and the copies, final contexts, end time and choices) must be byte-identical to the simulator as it was
 * before (`bench/reference-simulator.ts`, kept verbatim). Compared by sha256 of the JSON, over every
 * scenario, a small all-pairs workload under every configuration, interleavings chosen by a choice list,
 * a truncated run and a run stopped by `until`.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { referenceSimulate } from '../../bench/reference-simulator.ts';
import { allPairsPings, gridTopology, remoteNeighbourPings } from '../../bench/workload.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { ALL_CONFIGS, configById } from '../config.ts';
import { isPing, type Ping, pings } from '../timeline.ts';
import { choiceScheduler } from './scheduler.ts';
import { type RunOptions, simulate } from './simulator.ts';
import { buildNetwork, type Network } from './wiring.ts';

const digest = (run: object) => createHash('sha256').update(JSON.stringify(run)).digest('hex');

function same(network: Network, traffic: Ping[], options: () => RunOptions = () => ({})) {
  const before = referenceSimulate(network, traffic, options());
  const after = simulate(network, traffic, options());
  expect(after.trace.length).toBe(before.trace.length);
  // The reference has no `values` (each component's final state) and no underlay faults: everything else
  // must be the same.
  const { values: _, faults, datagrams: __, ...compared } = after;
  expect(faults).toEqual([]);
  expect(digest(compared)).toBe(digest(before));
  return after;
}

/** A fixed pseudo-random choice list (a linear congruential generator): the same on every run. */
function choices(seed: number, n: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(x % 97);
  }
  return out;
}

describe('simulator: traces byte-identical to the reference simulator', () => {
  it('on every scenario', () => {
    // The reference simulator predates the timeline: it runs pings only.
    const pingsOnly = SCENARIOS.filter((s) => s.traffic.every(isPing));
    expect(pingsOnly.length).toBeGreaterThan(SCENARIOS.length / 2);
    for (const s of pingsOnly) same(buildNetwork(s.topology, configById(s.config)), pings(s.traffic));
  });

  it('on all-pairs pings (3 hosts, 2 containers each) under every configuration', () => {
    const topology = gridTopology(3, 2);
    const traffic = allPairsPings(topology, 700);
    for (const config of ALL_CONFIGS) {
      const run = same(buildNetwork(topology, config), traffic);
      expect(run.truncated).toBe(false);
    }
  });

  it('on interleavings chosen by a choice list (timers set and cleared in any order)', () => {
    const topology = gridTopology(3, 2);
    const traffic = remoteNeighbourPings(topology);
    for (const id of ['sleeve/upstream', 'fdp/h1/unicast', 'fdp/h3/multicast', 'fdp/upstream'])
      for (const seed of [1, 2, 3]) {
        const run = same(buildNetwork(topology, configById(id)), traffic, () => ({
          scheduler: choiceScheduler(choices(seed, 400)),
        }));
        // Every choice of the list is consulted: the schedule is the list's, not FIFO's.
        expect(run.choices).toEqual(choices(seed, 400));
      }
  });

  it('when truncated by maxSteps, and when stopped by until', () => {
    const topology = gridTopology(2, 3);
    const network = buildNetwork(topology, configById('sleeve/upstream'));
    const traffic = remoteNeighbourPings(topology);
    expect(same(network, traffic, () => ({ maxSteps: 57 })).truncated).toBe(true);
    same(network, traffic, () => ({ until: 2500 }));
  });

  it('without recording, shows onStep the same steps it would have recorded, and keeps none', () => {
    const topology = gridTopology(3, 2);
    const network = buildNetwork(topology, configById('fdp/h1/unicast'));
    const traffic = remoteNeighbourPings(topology);
    const recorded = simulate(network, traffic);
    const seen: unknown[] = [];
    const quiet = simulate(network, traffic, { record: false, onStep: (s) => seen.push(s) });
    expect(quiet.trace).toEqual([]);
    expect(digest(seen)).toBe(digest(recorded.trace));
    expect(quiet.copies).toEqual([]);
    expect(recorded.copies).toHaveLength(509);
    expect(digest(quiet.contexts)).toBe(digest(recorded.contexts));
  });
});
