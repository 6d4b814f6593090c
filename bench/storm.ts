/**
 * The ARP storm at scale: `hosts` hosts of 10 containers, every container resolving one remote neighbour
 * at once (it pings the container in the same position on the next host, on cold caches). For each
 * configuration and size: the time to wire the network, the time to simulate it, the steps, the packets
 * delivered and the peak heap. The steps are not kept (`record: false`). Target: 1,000 hosts and 10,000
 * containers in under 30 s and 2 GiB.
 *
 * Usage: node --expose-gc --import tsx bench/storm.ts [--hosts 100,200,...] [--config id,...]
 *        [--budget SECONDS]   (a run is stopped after this long; a configuration stops growing once one
 *        size took longer)
 */
import { configById, DEFAULT_CONFIGS } from '../model/config.ts';
import { simulate } from '../model/network/simulator.ts';
import { buildNetwork } from '../model/network/wiring.ts';
import { renderMarkdownTable } from '../render/table.ts';
import { gridTopology, remoteNeighbourPings, START } from './workload.ts';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizes = (opt('--hosts') ?? '50,100,200,400,1000').split(',').map(Number);
const configs = opt('--config')?.split(',').map(configById) ?? DEFAULT_CONFIGS;
const budget = Number(opt('--budget') ?? 30);
const PER_HOST = 10;
const MAX_STEPS = 50_000_000;

/** Thrown from `onStep` to stop a run that is past its time budget. */
class OutOfTime extends Error {}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
const rows: string[][] = [];
for (const config of configs) {
  for (const hosts of sizes) {
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const t0 = performance.now();
    const topology = gridTopology(hosts, PER_HOST);
    const network = buildNetwork(topology, config);
    const t1 = performance.now();
    const traffic = remoteNeighbourPings(topology).filter((p) => p.at === START);
    let steps = 0;
    let delivered = 0;
    let outcome = '';
    const deadline = t1 + budget * 1000;
    try {
      const run = simulate(network, traffic, {
        maxSteps: MAX_STEPS,
        record: false,
        onStep: (s) => {
          steps++;
          for (const o of s.outputs) if (o.type === 'deliver') delivered++;
          if ((steps & 0x3fff) === 0) {
            peak = Math.max(peak, process.memoryUsage().heapUsed);
            if (performance.now() > deadline) throw new OutOfTime();
          }
        },
      });
      if (run.truncated) outcome = ' (step bound)';
    } catch (e) {
      if (!(e instanceof OutOfTime)) throw e;
      outcome = ` (stopped after ${budget} s)`;
    }
    const t2 = performance.now();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    const sim = (t2 - t1) / 1000;
    rows.push([
      `\`${config.id}\``,
      String(hosts),
      String(hosts * PER_HOST),
      ((t1 - t0) / 1000).toFixed(1),
      sim.toFixed(1),
      steps.toLocaleString('en-US'),
      Math.round(steps / sim).toLocaleString('en-US'),
      `${delivered} / ${2 * traffic.length}${outcome}`,
      mib(peak),
    ]);
    process.stderr.write(`${rows.at(-1)!.join('  ')}\n`);
    if (outcome !== '' || (t2 - t0) / 1000 > budget) break;
  }
}
process.stdout.write(
  renderMarkdownTable(
    [
      'configuration',
      'hosts',
      'containers',
      'wiring s',
      'simulation s',
      'steps',
      'steps / s',
      'delivered',
      'peak heap used (with garbage)',
    ],
    rows,
  ),
);
