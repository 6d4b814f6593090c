/**
 * The file formats users write and the CLI reads: topology, traffic, and counterexample. The JSON
 * Schemas in docs/schemas/ are generated from these types by typescript-json-schema (`npm run docs`).
 */

import type { UnderlayFault } from '../model/network/faults.ts';
import type { TimelineItem } from '../model/timeline.ts';
import type { Topology } from '../model/topology.ts';
import type { MutantName } from '../properties/mutants.ts';

/** A topology file: hosts, containers and (optionally) the peer connections between hosts. */
export type TopologyFile = Topology;

/** A traffic file: a timeline, in time order, of pings (each sent by a container at a virtual time, in ms,
 *  to an IP) and of containers that start, stop and move (`kind`). */
export type TrafficFile = TimelineItem[];

/** The verdict a counterexample records: the property fails, at these trace steps. */
export interface CounterexampleVerdict {
  holds: false;
  /** The property's one-line reason. */
  message: string;
  /** Trace step numbers that show the violation. */
  steps: number[];
}

/**
 * A digest of each input of the run that wrote the file (the first 16 hex digits of the sha256 of its JSON),
 * so that a replay that does not reproduce can say which input was changed since.
 */
export interface InputDigests {
  config: string;
  topology: string;
  traffic: string;
  choices: string;
  /** Present when the case has underlay faults. */
  faults?: string;
  /** Present when the case has reachable-time draws. */
  reachable?: string;
  mutants: string;
}

/** Which run wrote the file: the command line and its seed. */
export interface CounterexampleOrigin {
  /** The command as typed, e.g. `weave-spec check --config fdp/h2/unicast --runs 50`. */
  command: string;
  /**
   * The fast-check seed of the run.
   * @TJS-type integer
   */
  seed: number;
  /** Where fast-check generated the case, before the run cut it to what it consumed. */
  generated?: GeneratedAt;
}

/** A generated case's place: `fc.sample(arbitrary, { seed, path, numRuns: 1 })` gives it again, with
 *  `caseArbitrary(config, { world })`, the arbitrary of the matrix and of `check` without a topology of its
 *  own (`check` over a topology file does not record it). */
export interface GeneratedAt {
  /**
   * The seed of the configuration's arbitrary: the run's seed, or under the matrix the configuration's
   * own seed for the world (`configSeed`).
   * @TJS-type integer
   */
  seed: number;
  /** The fast-check path: the case's index in the run, then the index of the shrink candidate picked at
   *  each step (`12:3:0`). */
  path: string;
  /**
   * The most cases the shrink could simulate (the matrix's budget); absent when it shrank to the end.
   * @TJS-type integer
   * @minimum 1
   */
  shrinkBudget?: number;
}

/** The format marker this version writes and reads. */
export const COUNTEREXAMPLE_FORMAT = 'weave-spec/counterexample/3';

/** Everything needed to re-run a violation bit for bit, and to confirm the replay is the same run. */
export interface CounterexampleFile {
  /** Format marker and version. */
  format: 'weave-spec/counterexample/3';
  /** The configuration id the case ran under. */
  config: string;
  /** The property that fails. */
  property: string;
  topology: Topology;
  traffic: TrafficFile;
  /**
   * The scheduler's choices (indices into the pending deliveries, used where there was a choice); the run
   * consumes every one of them.
   * @items.type integer
   * @items.minimum 0
   */
  choices: number[];
  /**
   * What the underlay does to some of its datagrams (loss, duplication, delay), in datagram order; the run
   * sends every datagram named.
   * @maxItems 8
   */
  faults?: UnderlayFault[];
  /**
   * The kernel's reachable-time draws, one per container start in the order of the run (the topology's
   * containers, then the timeline's starts and moves): draw d makes the reachable time half the base plus d
   * thousandths of it.
   */
  reachable?: number[];
  /** Mutants switched on, if any (tests only). */
  mutants?: MutantName[];
  verdict: CounterexampleVerdict;
  /** sha256 of the run's trace: a replay must give the same digest. */
  traceDigest: string;
  /** Number of trace steps. */
  steps: number;
  inputs: InputDigests;
  origin?: CounterexampleOrigin;
}

export const FORMATS = {
  topology: 'TopologyFile',
  traffic: 'TrafficFile',
  counterexample: 'CounterexampleFile',
} as const;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
