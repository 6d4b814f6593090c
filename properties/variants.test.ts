/**
 * The three vtep variants, in both worlds, learning on and off (docs/dynamics.md, "The three vtep
 * variants"): on the first cases of those docs/variants.md counts (the same seed), in the world that
 * changes with peers leaving and joining, links going down and datagrams lost, duplicated and delayed,
 * they give every property the same verdict in every case; V2 and V3 are one mechanism (the same trace);
 * V1 differs only in the packets the vteps send, not in how many copies the underlay delivers in a case.
 */
import { describe, expect, it } from 'vitest';
import { VTEP_VARIANTS } from '../model/config.ts';
import { DEFAULT_SEED } from './matrix.ts';
import {
  compareVariants,
  VARIANT_SCOPES,
  type VariantCase,
  type VariantRun,
  variantRow,
} from './variants.ts';

const CASES = 12;
const SEED = DEFAULT_SEED;

describe.each(VARIANT_SCOPES)(
  'the vtep variants under $hypothesis, $world world, learning $learning',
  (scope) => {
    const opts = { ...scope, cases: CASES, seed: SEED };
    const compared = compareVariants(opts);
    const row = variantRow(opts, compared);

    if (scope.world === 'dynamic')
      it('are judged on cases with faults and with peers or links changing', () => {
        expect(row.withFaults).toBeGreaterThanOrEqual(CASES / 2);
        expect(row.withMeshChanges).toBeGreaterThanOrEqual(CASES / 3);
      });
    else
      it('are judged on cases where no fault happens and no peer or link changes', () => {
        expect(row.withFaults).toBe(0);
        expect(row.withMeshChanges).toBe(0);
      });

    it('give every property the same verdict in every case', () => {
      for (const { runs } of compared)
        for (const v of VTEP_VARIANTS) expect(runs[v].holds, v).toEqual(runs.multicast.holds);
      expect(row.sameVerdicts).toBe(CASES);
    });

    it('V2 and V3 run the same trace: Linux holds a unicast list as all-zero-MAC entries', () => {
      for (const { runs } of compared) expect(runs['zero-mac'].digest).toBe(runs.unicast.digest);
      expect(row.sameTraceV2V3).toBe(CASES);
    });

    it('V1 sends fewer packets into the underlay, and each case delivers as many copies under every variant', () => {
      for (const { case: c, runs } of compared) {
        for (const v of VTEP_VARIANTS) expect(runs[v].delivered, v).toBe(runs.multicast.delivered);
        // Alone on its host a multicast vtep still floods to its group, where nobody receives; a unicast
        // list is empty. With peers, one packet a flood against one per peer.
        if (c.topology.hosts.length === 1) {
          expect(runs.unicast.vtepSends).toBe(0);
          expect(runs.multicast.delivered).toBe(0);
        } else expect(runs.multicast.vtepSends).toBeLessThanOrEqual(runs.unicast.vtepSends);
      }
      expect(row.vtepSends.multicast).toBeLessThan(row.vtepSends.unicast);
      expect(row.sameDelivered).toBe(CASES);
    });
  },
);

describe('the comparison row', () => {
  const run = (holds: boolean[], digest: string, vtepSends: number, delivered: number): VariantRun => ({
    config: '',
    holds,
    digest,
    vtepSends,
    delivered,
  });
  const [real] = compareVariants({ hypothesis: 'h1', world: 'dynamic', cases: 1, seed: SEED });
  const same: VariantCase = {
    case: real!.case,
    runs: {
      multicast: run([true], 'a', 2, 4),
      unicast: run([true], 'b', 4, 4),
      'zero-mac': run([true], 'b', 4, 4),
    },
  };
  const differs: VariantCase = {
    case: real!.case,
    runs: {
      multicast: run([true], 'a', 2, 4),
      unicast: run([false], 'b', 4, 5),
      'zero-mac': run([true], 'c', 4, 4),
    },
  };

  it('counts the cases where the variants differ, and sums what they send', () => {
    const row = variantRow({ hypothesis: 'h1', world: 'dynamic', cases: 2, seed: SEED }, [same, differs]);
    expect(row).toMatchObject({
      cases: 2,
      sameVerdicts: 1,
      sameTraceV2V3: 1,
      sameDelivered: 1,
      vtepSends: { multicast: 4, unicast: 8, 'zero-mac': 8 },
      delivered: { multicast: 8, unicast: 9, 'zero-mac': 8 },
    });
  });
});
