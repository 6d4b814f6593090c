import { describe, expect, it } from 'vitest';
import type { Timeline } from '../model/timeline.ts';
import { A, B, D, seedTopology, T0 } from '../scenarios/seed-topology.ts';
import { runCase } from './case.ts';
import { delivery } from './delivery.ts';
import type { MutantName } from './mutants.ts';
import { noBlackHole } from './no-black-hole.ts';
import { HEAL_MS } from './settle.ts';

const MOVE_AT = 2_000;

/** D (host 2) talks to A (host 1); A moves to host 2, whose router still places A's MAC on host 1 and
 *  drops what A sends (docs/dynamics.md); five minutes on, and again once the world has been quiet for
 *  HEAL_MS, B, left behind on host 1, pings A. */
const moveAndBack: Timeline = [
  { at: T0, from: D.name, to: A.ip },
  { kind: 'move', at: MOVE_AT, container: A.name, host: 'h2' },
  { at: MOVE_AT + 300_000, from: B.name, to: A.ip },
  { at: MOVE_AT + HEAL_MS, from: B.name, to: A.ip },
];

const run = (mutants: MutantName[] = []) =>
  runCase({ topology: seedTopology, config: 'sleeve/upstream', traffic: moveAndBack, choices: [], mutants });

describe('no-black-hole', () => {
  it('holds where a moved MAC is black-holed for a while and then forgotten (upstream Sleeve)', () => {
    const r = run();
    // The ping five minutes after the move is lost: a finding of delivery, not of this property.
    expect(delivery.check(r)?.message).toMatch(/^ping 2 from B to A .* never arrived/);
    expect(noBlackHole.check(r)).toBeNull();
  });

  it('catches a router whose MAC cache never forgets: the moved container is cut off for good', () => {
    expect(noBlackHole.check(run(['mac-cache-never-ages']))?.message).toBe(
      `ping 3 from B to A (${A.ip}) at ${MOVE_AT + HEAL_MS} ms: the echo request never arrived`,
    );
  });

  it('judges every ping in a static world, where nothing ever changed', () => {
    const r = runCase({
      topology: seedTopology,
      config: 'sleeve/proxy-arp',
      traffic: [{ at: T0, from: D.name, to: A.ip }],
      choices: [],
      mutants: ['neigh-gives-up-after-one-request', 'proxy-wrong-mac'],
    });
    expect(noBlackHole.check(r)?.message).toMatch(/^ping 1 from D to A/);
  });
});
