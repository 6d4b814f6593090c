/**
 * staleness on hand-made cases: A on h1 talks to D on h2; h1's router goes away, D stops, and A asks for
 * D's IP 7 s and 23 s into the outage. Linux alone gives the dead MAC up after one unanswered probe; H1's
 * and H2's responders, which nobody updates while the router is away, confirm it each time.
 */
import { describe, expect, it } from 'vitest';
import { A, D, seedTopology } from '../scenarios/seed-topology.ts';
import type { Case } from './case.ts';
import { runCase } from './case.ts';
import { checkRun, propertyByName } from './index.ts';
import type { MutantName } from './mutants.ts';
import { neighbourBoundMs, staleEpisodes } from './staleness.ts';

const outage = (config: string, mutants: MutantName[] = []): Case => ({
  topology: seedTopology,
  config,
  choices: [],
  traffic: [
    { at: 1000, from: 'A', to: D.ip },
    { kind: 'peer-leave', at: 1500, host: 'h1' },
    { kind: 'stop', at: 1510, container: 'D' },
    { at: 8500, from: 'A', to: D.ip },
    { at: 24_500, from: 'A', to: D.ip },
    { kind: 'peer-join', at: 31_000, host: 'h1' },
  ],
  ...(mutants.length > 0 && { mutants }),
});

const staleness = propertyByName('staleness');

describe('staleness', () => {
  it('bounds a neighbour entry by the longest reachable time, DELAY and one probe (Weave: 10.5 s)', () => {
    expect(neighbourBoundMs()).toBe(7_495 + 2_000 + 1_000);
    expect(neighbourBoundMs({ reachableMs: 1_000, delayFirstProbeMs: 100, retransMs: 100 })).toBe(1_699);
  });

  it('holds where nothing answers for the dead owner: each use of the entry finds out afresh', () => {
    for (const config of ['sleeve/upstream', 'fdp/upstream', 'fdp/h3/unicast', 'sleeve/proxy-arp']) {
      const r = runCase(outage(config));
      expect(checkRun(r, staleness), config).toEqual({ holds: true });
      // A did try D's old MAC, once per use: the property saw the attempts and judged them short.
      expect(
        staleEpisodes(r).every((e) => e.owner.name === 'D' && e.last === e.first),
        config,
      ).toBe(true);
      expect(staleEpisodes(r).length, config).toBeGreaterThan(0);
    }
  });

  it("fails under H1 and H2: the responders left standing confirm the dead MAC (H2: its host's fake MAC)", () => {
    for (const config of ['fdp/h1/unicast', 'fdp/h2/unicast']) {
      const v = checkRun(runCase(outage(config)), staleness);
      expect(v.holds, config).toBe(false);
      if (!v.holds)
        expect(v.message, config).toMatch(
          /^A kept sending to 198\.18\.0\.4 on \S+ \(D, gone from h2 at 1510 ms\) for 16000 ms/,
        );
    }
  });

  it('catches a neighbour entry that never goes STALE (mutant neigh-never-stale)', () => {
    const r = runCase(outage('fdp/upstream', ['neigh-never-stale']));
    const v = checkRun(r, staleness);
    expect(v.holds).toBe(false);
    if (!v.holds) expect(v.message).toContain(`${A.name} kept sending to ${D.ip}`);
  });
});
