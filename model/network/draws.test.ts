import { describe, expect, it } from 'vitest';
import { type Case, consumedCase, runCase, startCount } from '../../properties/case.ts';
import { A, D, seedTopology, T0 } from '../../scenarios/seed-topology.ts';
import { longestReachableTime, reachableTime } from './draws.ts';

/** A pings D under the proxy-ARP router; later, a new container N starts on h1 and pings D too. */
const ping = (reachable?: number[]): Case => ({
  topology: seedTopology,
  config: 'sleeve/proxy-arp',
  traffic: [
    { at: T0, from: 'A', to: D.ip },
    {
      kind: 'start',
      at: 20_000,
      container: 'N',
      host: 'h1',
      ip: '198.18.0.9',
      mac: '02:00:00:00:00:19',
      subnet: A.subnet,
    },
    { at: 21_000, from: 'N', to: D.ip },
  ],
  choices: [],
  ...(reachable && { reachable }),
});

/** When a container's entry for D went from REACHABLE to STALE. */
const staleAt = (c: Case, component: string) =>
  runCase(c).run.trace.find(
    (s) =>
      s.component === component &&
      s.outputs.some((o) => o.type === 'note' && o.text.startsWith(`neigh ${D.ip} REACHABLE -> STALE`)),
  )?.at;

describe("the kernel's reachable-time draws", () => {
  it('spread a base uniformly over [base/2, 3·base/2)', () => {
    expect([0, 500, 999].map((d) => reachableTime(5000, d))).toEqual([2500, 5000, 7495]);
    expect(longestReachableTime(5000)).toBe(7495);
  });

  it('set how long a confirmed entry stays REACHABLE; without a draw, exactly the base', () => {
    // Weave's base_reachable_time is 5 s (upstream net/arp.go); A is the topology's first container.
    expect(staleAt(ping(), 'h1/A')).toBe(T0 + 5000);
    expect(staleAt(ping([0]), 'h1/A')).toBe(T0 + 2500);
    expect(staleAt(ping([999]), 'h1/A')).toBe(T0 + 7495);
  });

  it('go to the timeline’s starts after the topology’s containers, one each', () => {
    const topologyDraws = seedTopology.containers.length;
    const draws = [...new Array(topologyDraws).fill(500), 100];
    expect(staleAt(ping(draws), 'h1/N')).toBe(21_000 + reachableTime(5000, 100));
    expect(staleAt(ping(draws), 'h1/A')).toBe(T0 + 5000);
  });

  it('are cut to the case’s starts in the case a run stores', () => {
    const c = ping(new Array(10).fill(7));
    expect(startCount(c)).toBe(seedTopology.containers.length + 1);
    expect(consumedCase(runCase(c)).reachable).toHaveLength(startCount(c));
    expect(consumedCase(runCase(ping([]))).reachable).toBeUndefined();
  });
});
