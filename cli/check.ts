/**
 * `weave-spec check`: run properties over generated cases (or over a topology and traffic from files);
 * on a violation, write the shrunk counterexample to a file and print where it is and the reason.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { CounterexampleFile } from '../formats/types.ts';
import { intToIp, ipToInt, networkOf } from '../model/addresses.ts';
import type { Config } from '../model/config.ts';
import type { Topology } from '../model/topology.ts';
import type { Traffic } from '../model/traffic.ts';
import { caseArbitrary, GAPS_MS } from '../properties/arbitraries.ts';
import {
  type Case,
  type CaseRun,
  checkRun,
  PROPERTIES,
  PROPERTY_NAMES,
  type Property,
  propertyByName,
  runCase,
  traceDigest,
} from '../properties/index.ts';
import { ModelError } from '../properties/matrix.ts';
import { UsageError } from './errors.ts';
import { writeFileAtomic } from './files.ts';
import { selectConfigs } from './options.ts';
import type { Progress } from './progress.ts';

export interface CheckOptions {
  config: string;
  property: string;
  runs: number;
  seed: number;
  topology?: Topology;
  traffic?: Traffic;
  out: string;
}

export interface CheckFinding {
  config: string;
  property: string;
  holds: boolean;
  runs: number;
  file?: string;
  message?: string;
}

export function selectProperties(name: string): readonly Property[] {
  if (name === 'all') return PROPERTIES;
  if (!PROPERTY_NAMES.includes(name))
    throw new UsageError(`unknown property "${name}"; valid: ${PROPERTY_NAMES.join(', ')}, or all`);
  return [propertyByName(name)];
}

/** Traffic over a fixed topology: pings between its containers, to its exposed host IPs and to an address
 *  nobody owns in each subnet (the `.99` host, unless a container has it), with pauses. */
function trafficArbitrary(topology: Topology): fc.Arbitrary<Traffic> {
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

function caseSource(config: Config, opts: CheckOptions): fc.Arbitrary<Case> {
  if (!opts.topology) return caseArbitrary(config);
  const topology = opts.topology;
  const traffic = opts.traffic ? fc.constant(opts.traffic) : trafficArbitrary(topology);
  const choices: fc.Arbitrary<number[]> = opts.traffic
    ? fc.constant([])
    : fc.array(fc.nat(15), { maxLength: 40 });
  return fc
    .record({ traffic, choices })
    .map(({ traffic, choices }): Case => ({ topology, config: config.id, traffic, choices }));
}

export function counterexampleFile(
  run: CaseRun,
  property: string,
  message: string,
  steps: number[],
): CounterexampleFile {
  const c = run.case;
  return {
    format: 'weave-spec/counterexample/1',
    config: c.config,
    property,
    topology: c.topology,
    traffic: c.traffic,
    choices: c.choices,
    ...(c.mutants && c.mutants.length > 0 && { mutants: c.mutants }),
    verdict: { holds: false, message, steps },
    traceDigest: traceDigest(run.run),
    steps: run.run.trace.length,
  };
}

export function counterexampleName(config: string, property: string): string {
  return `${config.replace(/\//g, '-')}--${property}.json`;
}

/** Runs every selected (configuration, property) pair; writes a counterexample file per violation. */
export function runCheck(opts: CheckOptions, progress: Progress): CheckFinding[] {
  if (existsSync(opts.out) && !statSync(opts.out).isDirectory())
    throw new UsageError(`--out ${opts.out}: exists and is not a directory`);
  const configs = selectConfigs(opts.config);
  const properties = selectProperties(opts.property);
  const findings: CheckFinding[] = [];
  const runs = opts.topology && opts.traffic ? 1 : opts.runs;
  const total = configs.length * properties.length;
  for (const config of configs) {
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
    for (const property of properties) {
      progress.update(findings.length, total, `${config.id} ${property.name}`);
      const result = fc.check(
        fc.property(caseSource(config, opts), (c) => checkRun(simulateCase(c), property).holds),
        { numRuns: runs, seed: opts.seed },
      );
      if (!result.failed || !result.counterexample) {
        findings.push({ config: config.id, property: property.name, holds: true, runs: result.numRuns });
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
      const file = join(opts.out, counterexampleName(config.id, property.name));
      writeFileAtomic(
        file,
        `${JSON.stringify(counterexampleFile(run, property.name, verdict.message, verdict.steps), null, 2)}\n`,
      );
      findings.push({
        config: config.id,
        property: property.name,
        holds: false,
        runs: result.numRuns,
        file,
        message: verdict.message,
      });
    }
  }
  progress.done();
  return findings;
}
