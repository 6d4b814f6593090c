/**
 * The benchmark workload for the profiler: every configuration of the default scope on 4 hosts × 3
 * containers with all-pairs pings, `rounds` times (the first rounds warm the JIT up). With `--reference`,
 * the simulator as it was before the performance work (`reference-simulator.ts`).
 *
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx bench/profile.ts [rounds] [--reference]
 *   node --import tsx bench/profile-summary.ts prof   (self and inclusive time per function)
 */
import { DEFAULT_CONFIGS } from '../model/config.ts';
import { simulate } from '../model/network/simulator.ts';
import { buildNetwork } from '../model/network/wiring.ts';
import { referenceSimulate } from './reference-simulator.ts';
import { allPairsPings, gridTopology } from './workload.ts';

const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 8);
const run = process.argv.includes('--reference') ? referenceSimulate : simulate;
const topology = gridTopology(4, 3);
const traffic = allPairsPings(topology);
const networks = DEFAULT_CONFIGS.map((c) => buildNetwork(topology, c));
for (let r = 0; r < rounds; r++) {
  let events = 0;
  const t = performance.now();
  for (const n of networks) events += run(n, traffic, { maxSteps: 10_000_000 }).trace.length;
  const ms = performance.now() - t;
  process.stdout.write(
    `round ${r}: ${events} events in ${ms.toFixed(0)} ms, ${Math.round((events / ms) * 1000)} events/s\n`,
  );
}
