/**
 * `npm run bench`: how fast the model is, every figure read against a baseline measured in this process.
 *
 * 1. Simulator throughput, component events (trace steps) per second, on the fixed workload (4 hosts,
 *    3 containers each, all-pairs pings: 132 pings) under every configuration of the default scope;
 *    against the floor (`floor.ts`: the same bridge-and-ARP workload as hand-written reducers, no xstate)
 *    and against the simulator before the performance work (`reference-simulator.ts`).
 * 2. fast-check property runs per second on the default matrix scope (the matrix's own arbitrary, runCase
 *    and properties), and the split of one run's time between generation, simulation and checking;
 *    against an empty property over the same arbitrary.
 * 3. Memory: retained heap per host and per container of a large network's state, and per trace step;
 *    against the size of the same state as JSON.
 *
 * Options: `--quick` (shorter measurements), `--only sim|fc|mem`.
 */
import { cpus, loadavg } from 'node:os';
import fc from 'fast-check';
import { Bench } from 'tinybench';
import { DEFAULT_CONFIGS } from '../model/config.ts';
import { simulate } from '../model/network/simulator.ts';
import { buildNetwork } from '../model/network/wiring.ts';
import { caseArbitrary } from '../properties/arbitraries.ts';
import { runCase } from '../properties/case.ts';
import { PROPERTIES } from '../properties/index.ts';
import { renderMarkdownTable } from '../render/table.ts';
import { runFloor } from './floor.ts';
import { referenceSimulate } from './reference-simulator.ts';
import { allPairsPings, gridTopology, remoteNeighbourPings } from './workload.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const TIME_MS = quick ? 300 : 1000;
const MAX_STEPS = 10_000_000;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const x = (n: number) => (n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(2));
const print = (s: string) => process.stdout.write(s);

/** Median milliseconds per call of each task, measured with tinybench. */
async function measure(
  tasks: Record<string, () => unknown>,
  time = TIME_MS,
): Promise<Record<string, number>> {
  const bench = new Bench({ time, warmupTime: time / 4, warmupIterations: 2, iterations: 3 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.warmup();
  await bench.run();
  return Object.fromEntries(bench.tasks.map((t) => [t.name, median(t.result?.samples ?? [])]));
}

async function simulatorThroughput(): Promise<void> {
  const topology = gridTopology(4, 3);
  const traffic = allPairsPings(topology);
  const floor = runFloor(topology, traffic);
  if (floor.delivered !== 2 * traffic.length) throw new Error(`the floor delivered ${floor.delivered}`);
  const networks = DEFAULT_CONFIGS.map((c) => buildNetwork(topology, c));
  const events = networks.map((n) => simulate(n, traffic, { maxSteps: MAX_STEPS }).trace.length);
  // Each configuration is measured beside its own run of the floor, so that a change in the machine's load
  // during the benchmark moves both sides of its ratio alike.
  const tasks: Record<string, () => unknown> = {};
  networks.forEach((n, i) => {
    tasks[`floor ${i}`] = () => runFloor(topology, traffic);
    tasks[`sim ${i}`] = () => simulate(n, traffic, { maxSteps: MAX_STEPS });
    tasks[`ref ${i}`] = () => referenceSimulate(n, traffic, { maxSteps: MAX_STEPS });
  });
  const ms = await measure(tasks);
  const floorMs = DEFAULT_CONFIGS.map((_, i) => ms[`floor ${i}`]!);
  const floorRate = (floor.events / median(floorMs)) * 1000;
  let simTotal = 0;
  let refTotal = 0;
  let eventsTotal = 0;
  let floorWeighted = 0;
  const rows = DEFAULT_CONFIGS.map((c, i) => {
    const sim = ms[`sim ${i}`]!;
    const ref = ms[`ref ${i}`]!;
    simTotal += sim;
    refTotal += ref;
    eventsTotal += events[i]!;
    const rate = (events[i]! / sim) * 1000;
    const besideFloor = (floor.events / floorMs[i]!) * 1000;
    floorWeighted += (events[i]! / besideFloor) * 1000;
    return [
      `\`${c.id}\``,
      fmt(events[i]!),
      sim.toFixed(1),
      fmt(rate),
      `${x(besideFloor / rate)}×`,
      `${x(ref / sim)}×`,
    ];
  });
  const all = (eventsTotal / simTotal) * 1000;
  rows.push([
    '**all configurations**',
    fmt(eventsTotal),
    simTotal.toFixed(1),
    fmt(all),
    `${x(simTotal / floorWeighted)}×`,
    `${x(refTotal / simTotal)}×`,
  ]);
  rows.push([
    'floor (hand-written reducers)',
    fmt(floor.events),
    median(floorMs).toFixed(2),
    fmt(floorRate),
    '1×',
    '-',
  ]);
  print(
    `\n## Simulator throughput: 4 hosts × 3 containers, all-pairs pings (${traffic.length} pings), one core\n\n`,
  );
  print(
    renderMarkdownTable(
      ['configuration', 'events', 'ms / run', 'events / s', 'slower than floor', 'speed-up vs before'],
      rows,
    ),
  );
  print(
    `\nFloor: ${fmt(floor.events)} events for the same pings (no timers, no trace). Targets: 250,000 events/s; within 10× of the floor.\n`,
  );
}

async function fastCheckRate(): Promise<void> {
  const N = quick ? 50 : 200;
  const seed = 20_240_601;
  const rows: string[][] = [];
  let gen = 0;
  let sim = 0;
  let chk = 0;
  let count = 0;
  let emptyTotal = 0;
  let fullTotal = 0;
  for (const config of DEFAULT_CONFIGS) {
    const arb = caseArbitrary(config);
    // Baseline: fast-check alone (generation and the runner), an empty property over the same arbitrary.
    let t = performance.now();
    fc.check(
      fc.property(arb, () => true),
      { seed, numRuns: N },
    );
    const empty = performance.now() - t;
    // The matrix's work per run: simulate once, check every property.
    t = performance.now();
    fc.check(
      fc.property(arb, (c) => {
        const r = runCase(c);
        for (const p of PROPERTIES) p.check(r);
        return true;
      }),
      { seed, numRuns: N },
    );
    const full = performance.now() - t;
    // The split, on the same cases.
    t = performance.now();
    const cases = fc.sample(arb, { seed, numRuns: N });
    gen += performance.now() - t;
    for (const c of cases) {
      t = performance.now();
      const r = runCase(c);
      const t1 = performance.now();
      for (const p of PROPERTIES) p.check(r);
      sim += t1 - t;
      chk += performance.now() - t1;
    }
    count += N;
    emptyTotal += empty;
    fullTotal += full;
    rows.push([`\`${config.id}\``, fmt((N / full) * 1000), fmt((N / empty) * 1000), `${x(full / empty)}×`]);
  }
  rows.push([
    '**default scope**',
    fmt((count / fullTotal) * 1000),
    fmt((count / emptyTotal) * 1000),
    `${x(fullTotal / emptyTotal)}×`,
  ]);
  print(`\n## fast-check: property runs per second (${N} runs per configuration, matrix arbitrary)\n\n`);
  print(renderMarkdownTable(['configuration', 'runs / s', 'empty property runs / s', 'cost vs empty'], rows));
  const total = gen + sim + chk;
  const pct = (v: number) => `${((v / total) * 100).toFixed(0)}%`;
  print(
    `\nSplit of one run (${count} cases): generation ${pct(gen)} (${((gen / count) * 1000).toFixed(0)} µs), ` +
      `simulation ${pct(sim)} (${((sim / count) * 1000).toFixed(0)} µs), property checking ${pct(chk)} ` +
      `(${((chk / count) * 1000).toFixed(0)} µs); generation is ${x(sim / gen)}× cheaper than simulation.\n`,
  );
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function memory(): void {
  // Kept small: wiring a full mesh costs O(hosts^4) in model/routing.ts (docs/performance.md).
  const H = quick ? 30 : 60;
  const K = 10;
  const config = DEFAULT_CONFIGS.find((c) => c.id === 'sleeve/proxy-arp')!;
  /** Retained heap of a network's final state (component contexts), after start-up. */
  const stateOf = (hosts: number, perHost: number) => {
    const before = heap();
    const network = buildNetwork(gridTopology(hosts, perHost), config);
    const run = simulate(network, [], { maxSteps: MAX_STEPS });
    const contexts = run.contexts;
    run.trace.length = 0;
    run.copies.length = 0;
    const bytes = heap() - before;
    const json =
      JSON.stringify(contexts).length + JSON.stringify(network.components.map((c) => c.input)).length;
    return { bytes, json, keep: [network, contexts] };
  };
  stateOf(H / 2, K); // warm-up: the first network pays for code and caches that every later one shares
  const base = stateOf(H, K);
  const wide = stateOf(H, 2 * K);
  const tall = stateOf(2 * H, K);
  const perContainer = (wide.bytes - base.bytes) / (H * K);
  const perHost = (tall.bytes - base.bytes - H * K * perContainer) / H;
  const jsonContainer = (wide.json - base.json) / (H * K);
  const jsonHost = (tall.json - base.json - H * K * jsonContainer) / H;
  // Trace: retained bytes per step of the storm (remote-neighbour pings) on the base network.
  const network = buildNetwork(gridTopology(H, K), config);
  const before = heap();
  const run = simulate(network, remoteNeighbourPings(gridTopology(H, K)), { maxSteps: MAX_STEPS });
  const traceBytes = (heap() - before) / run.trace.length;
  const traceJson = JSON.stringify(run.trace).length / run.trace.length;
  print(`\n## Memory (\`${config.id}\`, ${H} to ${2 * H} hosts, ${K} to ${2 * K} containers each)\n\n`);
  print(
    renderMarkdownTable(
      ['what', 'retained heap', 'state and inputs as JSON', 'heap vs JSON'],
      [
        [
          'per host (bridge, ethbr, router, their inputs, links)',
          `${fmt(perHost)} B`,
          `${fmt(jsonHost)} B`,
          `${x(perHost / jsonHost)}×`,
        ],
        [
          'per container (container, bridge port, link)',
          `${fmt(perContainer)} B`,
          `${fmt(jsonContainer)} B`,
          `${x(perContainer / jsonContainer)}×`,
        ],
        [
          'per trace step (with its copy record)',
          `${fmt(traceBytes)} B`,
          `${fmt(traceJson)} B`,
          `${x(traceBytes / traceJson)}×`,
        ],
      ],
    ),
  );
  if (base.keep.length + wide.keep.length + tall.keep.length === 0) print('');
}

print(
  `# weave-spec benchmarks\n\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )} at start (other processes share these cores: read the ratios, measured side by side, before the absolute figures).\n`,
);
if (!only || only === 'sim') await simulatorThroughput();
if (!only || only === 'fc') await fastCheckRate();
if (!only || only === 'mem') memory();
