/**
 * The three vtep variants under a world that changes (docs/dynamics.md, "The three vtep variants"): over
 * generated cases with peers leaving and joining, links going down and datagrams lost, duplicated and
 * delayed, they give every property the same verdict; V2 and V3 are one mechanism (the same trace); V1
 * differs only in the packets the vteps send, not in what the underlay delivers.
 */
import { describe, expect, it } from 'vitest';
import { HYPOTHESES, VTEP_VARIANTS } from '../model/config.ts';
import { compareVariants } from './variants.ts';

const CASES = 12;

describe.each(HYPOTHESES)('the vtep variants under %s, in the world that changes', (hypothesis) => {
  const compared = compareVariants({ hypothesis, world: 'dynamic', cases: CASES, seed: 5 });

  it('are judged on cases with faults and with peers or links changing', () => {
    expect(compared.filter((x) => (x.case.faults ?? []).length > 0).length).toBeGreaterThanOrEqual(CASES / 2);
    const meshChanges = compared.filter((x) =>
      x.case.traffic.some((i) => i.kind === 'peer-leave' || i.kind === 'link-down'),
    );
    expect(meshChanges.length).toBeGreaterThanOrEqual(CASES / 3);
  });

  it('give every property the same verdict in every case', () => {
    for (const { runs } of compared)
      for (const v of VTEP_VARIANTS) expect(runs[v].holds, v).toEqual(runs.multicast.holds);
  });

  it('V2 and V3 run the same trace: Linux holds a unicast list as all-zero-MAC entries', () => {
    for (const { runs } of compared) expect(runs['zero-mac'].digest).toBe(runs.unicast.digest);
  });

  it('V1 sends fewer packets into the underlay, which delivers as many copies', () => {
    const total = (v: (typeof VTEP_VARIANTS)[number], k: 'vtepSends' | 'delivered') =>
      compared.reduce((n, x) => n + x.runs[v][k], 0);
    expect(total('multicast', 'vtepSends')).toBeLessThan(total('unicast', 'vtepSends'));
    expect(total('multicast', 'delivered')).toBe(total('unicast', 'delivered'));
  });
});
