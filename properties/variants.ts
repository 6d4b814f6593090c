/**
 * The three vtep variants side by side (docs/dynamics.md, "The three vtep variants"): the same generated
 * cases of one hypothesis run under V1 (multicast group), V2 (unicast list) and V3 (all-zero-MAC FDB
 * entries), each with every property's verdict, its trace digest and what the vteps put on the underlay.
 * The cases come from the V1 configuration's generator; the variant changes nothing the generator draws.
 */
import fc from 'fast-check';
import { configById, type Hypothesis, VTEP_VARIANTS, type VtepVariant } from '../model/config.ts';
import { UNDERLAY } from '../model/network/wiring.ts';
import { caseArbitrary, type World } from './arbitraries.ts';
import { type Case, type CaseRun, runCase, traceDigest } from './case.ts';
import { PROPERTIES } from './index.ts';

export interface VariantRun {
  config: string;
  /** Each property's verdict, in `PROPERTIES` order: true where it holds. */
  holds: boolean[];
  digest: string;
  /** Packets the vteps sent into the underlay, and copies the underlay delivered to hosts. */
  vtepSends: number;
  delivered: number;
}

export interface VariantCase {
  case: Case;
  runs: Record<VtepVariant, VariantRun>;
}

/** The config id of `hypothesis` under `vtep`, with learning on or off. */
export function variantConfig(hypothesis: Hypothesis, vtep: VtepVariant, learning = true): string {
  return `fdp/${hypothesis}/${vtep}${learning ? '' : '/no-learning'}`;
}

function variantRun(c: Case, config: string): VariantRun {
  const r: CaseRun = runCase({ ...c, config });
  let vtepSends = 0;
  let delivered = 0;
  for (const step of r.run.trace)
    for (const o of step.outputs) {
      if (o.type !== 'send' || o.copy === undefined) continue;
      if (step.component === UNDERLAY) delivered++;
      else if (
        r.run.copies[o.copy]!.to.component === UNDERLAY &&
        r.network.byId.get(step.component)?.kind === 'vtep'
      )
        vtepSends++;
    }
  return {
    config,
    holds: PROPERTIES.map((p) => p.check(r) === null),
    digest: traceDigest(r.run),
    vtepSends,
    delivered,
  };
}

/** `cases` generated cases of `hypothesis` in `world` (fast-check seed `seed`), each under the three
 *  variants. */
export function compareVariants(opts: {
  hypothesis: Hypothesis;
  world: World;
  cases: number;
  seed: number;
  learning?: boolean;
}): VariantCase[] {
  const learning = opts.learning ?? true;
  const arb = caseArbitrary(configById(variantConfig(opts.hypothesis, 'multicast', learning)), {
    world: opts.world,
  });
  return fc.sample(arb, { numRuns: opts.cases, seed: opts.seed }).map((c) => ({
    case: c,
    runs: Object.fromEntries(
      VTEP_VARIANTS.map((v) => [v, variantRun(c, variantConfig(opts.hypothesis, v, learning))]),
    ) as Record<VtepVariant, VariantRun>,
  }));
}
