import fc from 'fast-check';
import { DEFAULT_CONFIGS } from '../model/config.ts';
import { MUTANT_NAMES, type MutantName } from '../model/mutants.ts';
import { caseArbitrary } from './arbitraries.ts';
import { runCase } from './case.ts';
import { PROPERTIES } from './index.ts';
const mut = process.argv[2] as MutantName | undefined;
const n = Number(process.argv[3] ?? 100);
for (const config of DEFAULT_CONFIGS) {
  const t0 = performance.now();
  const cases = fc.sample(caseArbitrary(config, { mutants: mut ? [mut] : [] }), { seed: 7, numRuns: n });
  const fails = new Map<string, { n: number; msg: string }>();
  for (const c of cases) {
    const r = runCase(c);
    for (const p of PROPERTIES) {
      const v = p.check(r);
      if (v) { const f = fails.get(p.name) ?? { n: 0, msg: v.message }; f.n++; fails.set(p.name, f); }
    }
  }
  console.log(config.id, ((performance.now() - t0) / n).toFixed(1), 'ms/case');
  for (const [k, f] of fails) console.log('   ', k, f.n, f.msg.slice(0, 200));
}
