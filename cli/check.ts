/**
 * `weave-spec check`: run properties over generated cases (or over a topology and traffic from files); on a
 * violation, write the shrunk counterexample to a file, and say whether the violation is one the verdict
 * matrix expects (`properties/expectations.ts`, explained in docs/verdicts.md). Exit 0 when every
 * violation is expected. Every option and file is checked before any case runs.
 */
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { counterexampleFile, counterexampleName } from '../formats/counterexample.ts';
import { loadTopology, loadTraffic } from '../formats/load.ts';
import { intToIp, ipToInt, networkOf } from '../model/addresses.ts';
import type { Config } from '../model/config.ts';
import type { UnderlayFault } from '../model/network/faults.ts';
import { isContainerItem, isMeshItem, type Timeline } from '../model/timeline.ts';
import type { Topology } from '../model/topology.ts';
import { caseArbitrary, GAPS_MS, type World } from '../properties/arbitraries.ts';
import { faultsArbitrary, reachableArbitrary } from '../properties/chance.ts';
import { buildChanges, buildSweep, merge, rawChanges } from '../properties/changes.ts';
import { expectedFailure, expectedVerdict, violationExpected } from '../properties/expectations.ts';
import {
  type Case,
  type CaseRun,
  checkRun,
  PROPERTIES,
  PROPERTY_NAMES,
  type Property,
  propertyByName,
  runCase,
} from '../properties/index.ts';
import { ModelError, type Verdict } from '../properties/matrix.ts';
import { anchorOf, pageOf } from '../properties/verdicts-page.ts';
import { EXIT_FAIL, EXIT_IO, EXIT_OK, isFsError, UsageError } from './errors.ts';
import { checkOutDir, writeFileAtomic } from './files.ts';
import { checkSize, runsOption, seedOption, selectConfigs, selectWorlds } from './options.ts';
import { type Io, type Progress, plural, progress } from './progress.ts';
import { inShard, type Shard, type ShardedRun, shardOption } from './shard.ts';

export const DEFAULT_CHECK_RUNS = 100;
export const DEFAULT_CHECK_OUT = 'out/counterexamples';

/** The options as typed on the command line: `runCheckCommand` checks every one before any work. */
export interface CheckCommandOptions {
  config?: string;
  world?: string;
  property?: string;
  runs?: string;
  seed?: string;
  topology?: string;
  traffic?: string;
  out?: string;
  large?: boolean;
  json?: boolean;
  shard?: string;
}

export interface CheckOptions {
  configs: readonly Config[];
  /** The worlds generated cases run in; with a traffic file, the file's own (`worldOf`). */
  worlds: readonly World[];
  properties: readonly Property[];
  runs: number;
  seed: number;
  topology?: Topology;
  traffic?: Timeline;
  out: string;
  /** The command line, recorded in each counterexample file and in the folder's run.json. */
  command: string;
  /** Only this slice of the jobs (configuration × world × property, in that order): `--shard`. */
  shard?: Shard;
}

export interface CheckFinding {
  config: string;
  world: World;
  property: string;
  /** What the verdict matrix expects of this cell in general. */
  expected: Verdict;
  observed: Verdict;
  runs: number;
  file?: string;
  message?: string;
  /** Why the counterexample file could not be written (the run went on). */
  writeError?: string;
}

export function selectProperties(name: string | undefined): readonly Property[] {
  if (name === undefined || name === 'all') return PROPERTIES;
  if (!PROPERTY_NAMES.includes(name))
    throw new UsageError(`unknown property "${name}"; valid: ${PROPERTY_NAMES.join(', ')}, or all`);
  return [propertyByName(name)];
}

/** Traffic over a fixed topology: pings between its containers, to its exposed host IPs and to an address
 *  nobody owns in each subnet (the `.99` host, unless a container has it), with pauses. */
function trafficArbitrary(topology: Topology): fc.Arbitrary<Timeline> {
  const names = topology.containers.map((c) => c.name);
  const owned = new Set([
    ...topology.containers.map((c) => c.ip),
    ...topology.hosts.flatMap((h) => (h.ip ? [h.ip] : [])),
  ]);
  const nobody = [...new Set(topology.containers.map((c) => c.subnet))]
    .map((subnet) => intToIp(ipToInt(networkOf(subnet)) + 99))
    .filter((ip) => !owned.has(ip));
  const targets = [...owned, ...nobody];
  if (names.length === 0) return fc.constant([]);
  return fc
    .array(
      fc.record({
        from: fc.constantFrom(...names),
        to: fc.constantFrom(...targets),
        gap: fc.constantFrom(...GAPS_MS),
      }),
      { minLength: 1, maxLength: 16, size: 'max' },
    )
    .map((pings) => {
      let at = 1000;
      return pings.map((p) => {
        at += p.gap;
        return { at, from: p.from, to: p.to };
      });
    });
}

/** A traffic file's world: dynamic when it starts, stops or moves a container or changes the mesh; pings,
 *  arpings and static neighbour entries alone leave the world static. */
export function worldOf(timeline: Timeline): World {
  return timeline.some((i) => isContainerItem(i) || isMeshItem(i)) ? 'dynamic' : 'static';
}

/** Generated pings over the user's topology, and in the dynamic world changes and a sweep (`changes.ts`). */
function userTraffic(topology: Topology, world: World): fc.Arbitrary<Timeline> {
  if (world === 'static') return trafficArbitrary(topology);
  return fc.record({ pings: trafficArbitrary(topology), changes: rawChanges }).map(({ pings, changes }) => {
    const built = buildChanges(topology, changes);
    const middle = merge(built.items, pings);
    return merge(middle, buildSweep(topology, middle, built, changes));
  });
}

function caseSource(config: Config, opts: CheckOptions, world: World): fc.Arbitrary<Case> {
  if (!opts.topology) return caseArbitrary(config, { world });
  const topology = opts.topology;
  const traffic = opts.traffic ? fc.constant(opts.traffic) : userTraffic(topology, world);
  const choices: fc.Arbitrary<number[]> = opts.traffic
    ? fc.constant([])
    : fc.array(fc.nat(15), { maxLength: 40 });
  // Underlay faults and reachable-time draws: generated with the dynamic world's timelines only.
  const fixed = opts.traffic !== undefined || world === 'static';
  const faults: fc.Arbitrary<UnderlayFault[]> = fixed ? fc.constant([]) : faultsArbitrary;
  const reachable: fc.Arbitrary<number[]> = fixed ? fc.constant([]) : reachableArbitrary;
  return fc.record({ traffic, choices, faults, reachable }).map(
    ({ traffic, choices, faults, reachable }): Case => ({
      topology,
      config: config.id,
      traffic,
      choices,
      ...(faults.length > 0 && { faults }),
      ...(reachable.length > 0 && { reachable }),
    }),
  );
}

/** Runs every selected (configuration, property) pair; writes a counterexample file per violation and,
 *  when it wrote any, `run.json` naming the command, the seed and the files. Returns the findings and why
 *  any file could not be written. */
export function runCheck(
  opts: CheckOptions,
  bar: Progress,
): { findings: CheckFinding[]; unwritten: string[] } {
  const findings: CheckFinding[] = [];
  const unwritten: string[] = [];
  const runs = opts.topology && opts.traffic ? 1 : opts.runs;
  const worlds = opts.traffic ? [worldOf(opts.traffic)] : opts.worlds;
  let job = 0;
  let k = 0;
  for (const config of opts.configs)
    for (const world of worlds) {
      // The same seed draws the same cases for every property: simulate each case once.
      const cache = new Map<string, CaseRun>();
      const simulateCase = (c: Case): CaseRun => {
        const key = JSON.stringify(c);
        let r = cache.get(key);
        if (!r) {
          if (cache.size > 5000) cache.clear();
          r = runCase(c);
          cache.set(key, r);
        }
        return r;
      };
      for (const property of opts.properties) {
        if (!inShard(k++, opts.shard)) continue;
        let tried = 0;
        const result = fc.check(
          fc.property(caseSource(config, opts, world), (c) => {
            bar.onRun(job, Math.min(++tried, runs - 1));
            return checkRun(simulateCase(c), property).holds;
          }),
          { numRuns: runs, seed: opts.seed },
        );
        bar.onRun(job++, runs);
        const cell = {
          config: config.id,
          world,
          property: property.name,
          expected: expectedVerdict(config.id, property.name, world),
        };
        if (!result.failed || !result.counterexample) {
          findings.push({ ...cell, observed: 'holds', runs: result.numRuns });
          continue;
        }
        const shrunk = result.counterexample[0];
        let run: CaseRun;
        try {
          run = runCase(shrunk);
        } catch (e) {
          // The predicate failed by throwing: a model bug, shown with the case that provokes it.
          throw new ModelError(config.id, shrunk, e);
        }
        const verdict = checkRun(run, property);
        if (verdict.holds)
          throw new Error(`${config.id} ${property.name}: the shrunk counterexample does not reproduce`);
        const file = join(opts.out, counterexampleName(config.id, property.name, world));
        // Where the case was generated, for the arbitrary `fc.sample` can give it again with: not the
        // user's topology's.
        const path = opts.topology ? null : result.counterexamplePath;
        const cx = counterexampleFile(run, property.name, verdict, {
          command: opts.command,
          seed: opts.seed,
          ...(path && { generated: { seed: opts.seed, path } }),
        });
        const finding: CheckFinding = {
          ...cell,
          // Expected only if it fails the way the table expects (`ExpectedFailure.only`).
          expected: violationExpected(config.id, property.name, world, verdict.message) ? 'fails' : 'holds',
          observed: 'fails',
          runs: result.numRuns,
          file,
          message: verdict.message,
        };
        // A file that cannot be written (a disk filled, a folder removed meanwhile) loses that file, not the run.
        const error = tryWrite(file, `${JSON.stringify(cx, null, 2)}\n`);
        findings.push(error === undefined ? finding : { ...finding, file: undefined, writeError: error });
        if (error !== undefined) unwritten.push(error);
      }
    }
  bar.end();
  const files = findings.flatMap((f) => (f.file ? [basename(f.file)] : []));
  if (files.length > 0) {
    const record = { command: opts.command, seed: opts.seed, runs, files };
    const error = tryWrite(join(opts.out, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    if (error !== undefined) unwritten.push(error);
  }
  return { findings, unwritten };
}

function tryWrite(file: string, text: string): string | undefined {
  try {
    writeFileAtomic(file, text);
    return undefined;
  } catch (e) {
    if (!isFsError(e)) throw e;
    return e.message;
  }
}

export function findingLine(f: CheckFinding): string {
  const cases = plural(f.runs, 'case');
  const cell = `${f.config}${f.world === 'static' ? '' : ` (${f.world})`} ${f.property}`;
  if (f.observed === 'holds')
    return f.expected === 'fails'
      ? `holds      ${cell} (${cases}; the matrix expects it to fail: these cases do not show it)\n`
      : `holds      ${cell} (${cases})\n`;
  const only = expectedFailure(f.config, f.property, f.world)?.only;
  const mark =
    f.expected === 'fails'
      ? `expected, see ${pageOf(f.world)}#${anchorOf(f.config, f.property, f.world)}`
      : only
        ? `UNEXPECTED: the matrix expects it to fail only where ${only}`
        : 'UNEXPECTED: the matrix expects it to hold';
  const where = f.file ? `counterexample: ${f.file}` : `counterexample NOT written: ${f.writeError}`;
  return `VIOLATED   ${cell} (${mark}): ${f.message}\n           ${where}\n`;
}

export function checkSummary(findings: readonly CheckFinding[], opts: CheckOptions): string {
  const violations = findings.filter((f) => f.observed === 'fails');
  const unexpected = violations.filter((f) => f.expected === 'holds');
  const runs = opts.topology && opts.traffic ? 'your traffic' : `${plural(opts.runs, 'case')} each`;
  const worlds = opts.traffic
    ? `the ${worldOf(opts.traffic)} world of your traffic`
    : opts.worlds.join(' and ');
  const head = `check: ${plural(opts.configs.length, 'configuration')} × ${worlds} × ${plural(opts.properties.length, 'property', 'properties')}, ${runs}, seed ${opts.seed}`;
  if (violations.length === 0) return `${head}: no violation\n`;
  const tail = `counterexamples in ${join(opts.out, '.')}`;
  return unexpected.length === 0
    ? `${head}: ${plural(violations.length, 'violation')}, all expected (docs/verdicts.md explains each); ${tail}\n`
    : `${head}: ${plural(violations.length, 'violation')}, ${unexpected.length} NOT expected; ${tail}\n`;
}

/** `weave-spec check`: options and files checked first, then the run; the exit code. */
export function runCheckCommand(raw: CheckCommandOptions, io: Io, command: string): number {
  if (raw.traffic && !raw.topology)
    throw new UsageError('--traffic needs --topology: traffic names the containers of a topology');
  if (raw.traffic && raw.runs !== undefined)
    throw new UsageError('--runs does not apply with --traffic: the traffic file is the one case to run');
  if (raw.traffic && raw.world !== undefined)
    throw new UsageError('--world does not apply with --traffic: the traffic file is its own world');
  const configs = selectConfigs(raw.config);
  const worlds = selectWorlds(raw.world);
  const properties = selectProperties(raw.property);
  const runs = runsOption(raw.runs, DEFAULT_CHECK_RUNS);
  const seed = seedOption(raw.seed);
  const out = raw.out ?? DEFAULT_CHECK_OUT;
  const topology = raw.topology ? loadTopology(raw.topology) : undefined;
  if (topology && raw.topology) checkSize(raw.topology, topology, raw.large === true);
  const traffic = raw.traffic && topology ? loadTraffic(raw.traffic, topology) : undefined;
  const shard = shardOption(raw.shard);
  if (shard && traffic)
    throw new UsageError('--shard does not apply with --traffic: the one case is one job');
  checkOutDir('--out', out);
  const opts: CheckOptions = {
    configs,
    worlds,
    properties,
    runs,
    seed,
    topology,
    traffic,
    out,
    command,
    ...(shard && { shard }),
  };
  const all = configs.length * (traffic ? 1 : worlds.length) * properties.length;
  const jobs = Array.from({ length: all }, (_, k) => k).filter((k) => inShard(k, shard)).length;
  const cases = topology && traffic ? 1 : runs;
  const { findings, unwritten } = runCheck(opts, progress(io, 'check', jobs, cases));
  const run: ShardedRun = {
    command: 'check',
    seed,
    runs: cases,
    configs: configs.map((c) => c.id),
    worlds: traffic ? [worldOf(traffic)] : [...worlds],
    properties: properties.map((p) => p.name),
    ...(shard && { shard }),
  };
  if (raw.json) io.out(`${JSON.stringify({ seed, runs: cases, run, findings }, null, 2)}\n`);
  else {
    for (const f of findings) io.out(findingLine(f));
    io.out(checkSummary(findings, opts));
  }
  for (const e of unwritten) io.err(`weave-spec: ${e}\n`);
  return unwritten.length > 0 ? EXIT_IO : checkExitCode(findings);
}

/** 0 when every violation is one the matrix expects. */
export function checkExitCode(findings: readonly CheckFinding[]): number {
  return findings.some((f) => f.observed === 'fails' && f.expected === 'holds') ? EXIT_FAIL : EXIT_OK;
}
