/**
 * The file formats users write and the CLI reads: topology, traffic, and counterexample. The JSON
 * Schemas in docs/schemas/ are generated from these types by typescript-json-schema (`npm run docs`).
 */
import type { MutantName } from '../model/mutants.ts';
import type { Topology } from '../model/topology.ts';
import type { Ping } from '../model/traffic.ts';

/** A topology file: hosts, containers and (optionally) the peer connections between hosts. */
export type TopologyFile = Topology;

/** A traffic file: pings, each sent by a container at a virtual time (ms) to an IP. */
export type TrafficFile = Ping[];

/** The verdict a counterexample records: the property fails, at these trace steps. */
export interface CounterexampleVerdict {
  holds: false;
  /** The property's one-line reason. */
  message: string;
  /** Trace step numbers that show the violation. */
  steps: number[];
}

/** Everything needed to re-run a violation bit for bit, and to confirm the replay is the same run. */
export interface CounterexampleFile {
  /** Format marker and version. */
  format: 'weave-spec/counterexample/1';
  /** The configuration id the case ran under. */
  config: string;
  /** The property that fails. */
  property: string;
  topology: Topology;
  traffic: Ping[];
  /**
   * The scheduler's choices (indices into the pending deliveries, used where there was a choice).
   * @items.type integer
   * @items.minimum 0
   */
  choices: number[];
  /** Mutants switched on, if any (tests only). */
  mutants?: MutantName[];
  verdict: CounterexampleVerdict;
  /** sha256 of the run's trace: a replay must give the same digest. */
  traceDigest: string;
  /** Number of trace steps. */
  steps: number;
}

export const FORMATS = {
  topology: 'TopologyFile',
  traffic: 'TrafficFile',
  counterexample: 'CounterexampleFile',
} as const;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
