/**
 * A case: everything one run depends on, as plain JSON, `{ topology, config, traffic, choices, faults?,
 * mutants? }`
 * (docs/design.md, Simulator: a counterexample is fully described by topology, configuration, traffic and the
 * scheduler's choices, and replays bit for bit). `runCase` builds the network and simulates it;
 * `checkCase` runs one property over it; `traceDigest` names a run's trace by a hash, so a stored
 * counterexample can prove that its replay is the same run.
 */
import { createHash } from 'node:crypto';
import { configById } from '../model/config.ts';
import type { UnderlayFault } from '../model/network/faults.ts';
import { choiceScheduler } from '../model/network/scheduler.ts';
import { type Run, simulate } from '../model/network/simulator.ts';
import { buildNetwork, type Network } from '../model/network/wiring.ts';
import { changesOf, type Timeline } from '../model/timeline.ts';
import type { Topology } from '../model/topology.ts';
import { type MutantName, mutantMachines } from './mutants.ts';

export interface Case {
  topology: Topology;
  /** A configuration id (`model/config.ts`). */
  config: string;
  traffic: Timeline;
  /** The scheduler's choices (`choiceScheduler`): which pending delivery runs next, when there is a choice. */
  choices: number[];
  /** What the underlay does to some of its datagrams (`model/network/faults.ts`): loss, duplication,
   *  delay; scheduler choices like `choices`. None when left out. */
  faults?: UnderlayFault[];
  /** The kernel's reachable-time draws (`model/network/draws.ts`), one per container start in the order
   *  of the run; scheduler choices like `choices`. A start without one keeps the base. */
  reachable?: number[];
  /** Mutants switched on (tests only). */
  mutants?: MutantName[];
}

/** Steps a run may take per component and per ping before it counts as a storm (`quiescent`). */
export const STEPS_PER_COMPONENT = 60;
export const STEPS_PER_PING = 150;

/** The step bound of a case: generous for any loop-free run of its size (see `quiescent`). */
export function stepBound(c: Case, network: Network): number {
  return 2_000 + STEPS_PER_COMPONENT * network.components.length + STEPS_PER_PING * c.traffic.length;
}

export interface CaseRun {
  case: Case;
  network: Network;
  run: Run;
}

/** The network a case runs on: its topology under its configuration, with its mutants, wired for every
 *  container its timeline starts. */
export function caseNetwork(c: Case): Network {
  return buildNetwork(c.topology, configById(c.config), {
    machines: mutantMachines(c.mutants ?? []),
    timeline: c.traffic,
    ...(c.reachable && { reachable: c.reachable }),
  });
}

export function runCase(c: Case): CaseRun {
  const network = caseNetwork(c);
  const run = simulate(network, c.traffic, {
    scheduler: choiceScheduler(c.choices),
    maxSteps: stepBound(c, network),
    ...(c.faults && { faults: c.faults }),
  });
  return { case: c, network, run };
}

/** sha256 of the trace as canonical JSON (keys in the order the simulator writes them, which is fixed). */
export function traceDigest(run: Run): string {
  return createHash('sha256').update(JSON.stringify(run.trace)).digest('hex');
}

/** The case a run really depends on: its choices cut to those the scheduler consumed, its faults to
 *  those that happened and its reachable-time draws to its starts (the rest change nothing), so that a stored case holds no choice its replay does
 *  not use. */
export function consumedCase(run: CaseRun): Case {
  const { faults, reachable, ...rest } = run.case;
  const happened = (faults ?? []).filter((f) => f.datagram < run.run.datagrams);
  const drawn = (reachable ?? []).slice(0, startCount(run.case));
  return {
    ...rest,
    choices: [...run.run.choices],
    ...(happened.length > 0 && { faults: happened }),
    ...(drawn.length > 0 && { reachable: drawn }),
  };
}

/** How many times a case starts a container (the topology's, then the timeline's): each takes one
 *  reachable-time draw. */
export function startCount(c: Pick<Case, 'topology' | 'traffic'>): number {
  return changesOf(c.topology, c.traffic).filter((ch) => ch.kind === 'start').length;
}
