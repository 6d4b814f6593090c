/**
 * The three vtep variants side by side (docs/dynamics.md, "The three vtep variants"): the same generated
 * cases of one hypothesis run under V1 (multicast group), V2 (unicast list) and V3 (all-zero-MAC FDB
 * entries), each with every property's verdict, its trace digest and what the vteps put on the underlay.
 * The cases come from the V1 configuration's generator; the variant changes nothing the generator draws.
 * `weave-spec variants` (cli/variants.ts) prints the summary rows; docs/variants.md holds them.
 */
import fc from 'fast-check';
import {
  configById,
  fdpSeedId,
  HYPOTHESES,
  type Hypothesis,
  VTEP_VARIANTS,
  type VtepVariant,
} from '../model/config.ts';
import { UNDERLAY } from '../model/network/wiring.ts';
import { caseArbitrary, WORLDS, type World } from './arbitraries.ts';
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

export interface VariantOptions {
  hypothesis: Hypothesis;
  world: World;
  /** The vxlan devices' learning (default on). */
  learning?: boolean;
  cases: number;
  seed: number;
}

/** Every hypothesis, world and learning setting, learning on first: the scopes `weave-spec variants`
 *  compares. */
export const VARIANT_SCOPES: readonly { hypothesis: Hypothesis; world: World; learning: boolean }[] = [
  true,
  false,
].flatMap((learning) =>
  HYPOTHESES.flatMap((hypothesis) => WORLDS.map((world) => ({ hypothesis, world, learning }))),
);

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
 *  variants; `onCase` is told after each case. */
export function compareVariants(opts: VariantOptions, onCase?: (done: number) => void): VariantCase[] {
  const learning = opts.learning ?? true;
  const arb = caseArbitrary(configById(fdpSeedId(opts.hypothesis, 'multicast', learning)), {
    world: opts.world,
  });
  return fc.sample(arb, { numRuns: opts.cases, seed: opts.seed }).map((c, i) => {
    const runs = Object.fromEntries(
      VTEP_VARIANTS.map((v) => [v, variantRun(c, fdpSeedId(opts.hypothesis, v, learning))]),
    ) as Record<VtepVariant, VariantRun>;
    onCase?.(i + 1);
    return { case: c, runs };
  });
}

/** What the comparison of one hypothesis, world and learning shows, counted over its cases. */
export interface VariantRow {
  hypothesis: Hypothesis;
  world: World;
  learning: boolean;
  cases: number;
  /** Cases with underlay faults, and cases where a peer leaves or a link goes down. */
  withFaults: number;
  withMeshChanges: number;
  /** Cases where every property has the same verdict under the three variants. */
  sameVerdicts: number;
  /** Cases where V2 and V3 run the same trace (the same digest). */
  sameTraceV2V3: number;
  /** Cases where the underlay delivers as many copies to hosts under each variant. */
  sameDelivered: number;
  /** Totals over the cases, by variant. */
  vtepSends: Record<VtepVariant, number>;
  delivered: Record<VtepVariant, number>;
}

const byVariant = (f: (v: VtepVariant) => number) =>
  Object.fromEntries(VTEP_VARIANTS.map((v) => [v, f(v)])) as Record<VtepVariant, number>;

/** The row of one comparison. */
export function variantRow(opts: VariantOptions, compared: readonly VariantCase[]): VariantRow {
  const count = (f: (x: VariantCase) => boolean) => compared.filter(f).length;
  const allSame = (x: VariantCase, f: (r: VariantRun) => unknown) =>
    VTEP_VARIANTS.every((v) => JSON.stringify(f(x.runs[v])) === JSON.stringify(f(x.runs.multicast)));
  const total = (v: VtepVariant, k: 'vtepSends' | 'delivered') =>
    compared.reduce((n, x) => n + x.runs[v][k], 0);
  return {
    hypothesis: opts.hypothesis,
    world: opts.world,
    learning: opts.learning ?? true,
    cases: compared.length,
    withFaults: count((x) => (x.case.faults ?? []).length > 0),
    withMeshChanges: count((x) =>
      x.case.traffic.some((i) => i.kind === 'peer-leave' || i.kind === 'link-down'),
    ),
    sameVerdicts: count((x) => allSame(x, (r) => r.holds)),
    sameTraceV2V3: count((x) => x.runs.unicast.digest === x.runs['zero-mac'].digest),
    sameDelivered: count((x) => allSame(x, (r) => r.delivered)),
    vtepSends: byVariant((v) => total(v, 'vtepSends')),
    delivered: byVariant((v) => total(v, 'delivered')),
  };
}
