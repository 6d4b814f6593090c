/**
 * Counterexample files: written by `check` for each violation, read by `replay`. A file holds the case
 * (topology, configuration, traffic, the scheduler's choices), the verdict, the trace's digest, and a digest
 * of each input, so that a replay that does not reproduce can name the input that changed.
 */
import { createHash } from 'node:crypto';
import { type Case, type CaseRun, consumedCase, traceDigest } from '../properties/case.ts';
import {
  COUNTEREXAMPLE_FORMAT,
  type CounterexampleFile,
  type CounterexampleOrigin,
  type InputDigests,
} from './types.ts';

const digest = (value: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex')
    .slice(0, 16);

export function inputDigests(c: Case): InputDigests {
  return {
    config: digest(c.config),
    topology: digest(c.topology),
    traffic: digest(c.traffic),
    choices: digest(c.choices),
    ...(c.faults && c.faults.length > 0 && { faults: digest(c.faults) }),
    ...(c.reachable && c.reachable.length > 0 && { reachable: digest(c.reachable) }),
    mutants: digest(c.mutants ?? []),
  };
}

/** The inputs of `c` whose digest differs from the recorded ones, in file order. */
export function changedInputs(c: Case, recorded: InputDigests): (keyof InputDigests)[] {
  const now = inputDigests(c);
  const keys = new Set([...Object.keys(now), ...Object.keys(recorded)] as (keyof InputDigests)[]);
  return [...keys].filter((k) => now[k] !== recorded[k]);
}

export function counterexampleFile(
  run: CaseRun,
  property: string,
  violation: { message: string; steps: number[] },
  origin?: CounterexampleOrigin,
): CounterexampleFile {
  const c = consumedCase(run);
  return {
    format: COUNTEREXAMPLE_FORMAT,
    config: c.config,
    property,
    topology: c.topology,
    traffic: c.traffic,
    choices: c.choices,
    ...(c.faults && { faults: c.faults }),
    ...(c.reachable && { reachable: c.reachable }),
    ...(c.mutants && c.mutants.length > 0 && { mutants: c.mutants }),
    verdict: { holds: false, message: violation.message, steps: violation.steps },
    traceDigest: traceDigest(run.run),
    steps: run.run.trace.length,
    inputs: inputDigests(c),
    ...(origin && { origin }),
  };
}

export function caseOf(cx: CounterexampleFile): Case {
  return {
    topology: cx.topology,
    config: cx.config,
    traffic: cx.traffic,
    choices: cx.choices,
    ...(cx.faults && { faults: cx.faults }),
    ...(cx.reachable && { reachable: cx.reachable }),
    ...(cx.mutants && { mutants: cx.mutants }),
  };
}

/** `fdp/h2/unicast` × `arp-strict` is written as `fdp-h2-unicast--arp-strict.json`. */
export function counterexampleName(config: string, property: string, world = 'static'): string {
  return `${config.replace(/\//g, '-')}--${property}${world === 'static' ? '' : `--${world}`}.json`;
}
