/**
 * One configuration at one size of `weave-spec scale`'s workload, for the profiler: where the time goes on
 * a large network (the tables' sizes matter there, not on the 4-host benchmark workload).
 *
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx bench/profile-scale.ts fdp/h2/unicast 128
 *   node --import tsx bench/profile-summary.ts prof
 */

import { configById } from '../model/config.ts';
import { DEFAULT_CONTAINERS, measureScale } from '../scale/measure.ts';

const [id = 'fdp/h2/unicast', hosts = '64'] = process.argv.slice(2);
const t = performance.now();
const row = measureScale(configById(id), Number(hosts), DEFAULT_CONTAINERS);
const s = (performance.now() - t) / 1000;
process.stdout.write(
  `${id} at ${hosts} hosts: ${row.steps} steps in ${s.toFixed(1)} s, ${Math.round(row.steps / s)} steps/s; ` +
    `largest tables: bridge FDB ${row.bridgeFdbMax}, vtep FDB ${row.vtepFdbMax}, flows ${row.flowsMax}\n`,
);
