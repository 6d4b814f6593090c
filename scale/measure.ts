/**
 * What `weave-spec scale` measures: for one configuration and one network size it simulates the standard
 * workload (`bench/workload.ts`: `hosts` hosts of `perHost` containers; every container pings a container
 * on the next host, on cold caches, then again on warm ones: an ARP storm followed by steady traffic) and
 * counts, with `costCounter` (model/network/costs.ts), per delivered packet: underlay packets, frames
 * flooded to containers they were not for, user/kernel crossings and packet copies, upcalls and flows
 * installed; per host: bridge FDB, vtep FDB and flow-table sizes; network-wide: ARP broadcasts.
 *
 * The steps are not kept (`record: false`): costs are counted step by step as they are taken, so memory
 * stays flat. Deterministic: the same size gives the same row.
 */
import { gridTopology, OVERLAY_SIZE, remoteNeighbourPings, START } from '../bench/workload.ts';
import { type Config, configById } from '../model/config.ts';
import { costCounter } from '../model/network/costs.ts';
import { simulate } from '../model/network/simulator.ts';
import { buildNetwork } from '../model/network/wiring.ts';

export const DEFAULT_HOSTS = [2, 4, 8, 16, 32, 64, 128, 256];
export const DEFAULT_CONTAINERS = 2;
export const MAX_HOSTS = 4096;
export const MAX_CONTAINERS_PER_HOST = 64;
/** Every container of a run has an address in the workload's overlay subnet. */
export const MAX_CONTAINERS = OVERLAY_SIZE;
/** Steps a run may take before it counts as a storm the model cannot finish (`truncated`). */
export const SCALE_MAX_STEPS = 20_000_000;
/** How often a long run reports the steps taken so far. */
export const PROGRESS_EVERY_STEPS = 250_000;

export interface ScaleRow {
  config: string;
  hosts: number;
  containers: number;
  steps: number;
  truncated: boolean;
  delivered: number;
  arpBroadcasts: number;
  underlaySent: number;
  /** Of which: carrying ARP, carrying IPv4. */
  underlayArp: number;
  underlayIpv4: number;
  underlayReceived: number;
  otherhost: number;
  crossings: number;
  copies: number;
  upcalls: number;
  flowsInstalled: number;
  bridgeFdbMean: number;
  bridgeFdbMax: number;
  vtepFdbMean: number;
  vtepFdbMax: number;
  flowsMean: number;
  flowsMax: number;
}

/** Simulates one configuration at one size and counts its costs. */
export function measureScale(
  config: Config,
  hosts: number,
  perHost: number,
  onSteps?: (steps: number) => void,
): ScaleRow {
  const topology = gridTopology(hosts, perHost);
  const network = buildNetwork(topology, config);
  const traffic = remoteNeighbourPings(topology);
  const counter = costCounter(network, START);
  let steps = 0;
  const run = simulate(network, traffic, {
    maxSteps: SCALE_MAX_STEPS,
    record: false,
    onStep: (step) => {
      steps++;
      counter.count(step);
      if (onSteps && steps % PROGRESS_EVERY_STEPS === 0) onSteps(steps);
    },
  });
  const c = counter.costs(run.contexts);
  const tables = Object.values(c.tables);
  const mean = (k: 'bridgeFdb' | 'vtepFdb' | 'flows') => tables.reduce((a, t) => a + t[k], 0) / tables.length;
  const max = (k: 'bridgeFdb' | 'vtepFdb' | 'flows') => Math.max(...tables.map((t) => t[k]));
  return {
    config: config.id,
    hosts,
    containers: hosts * perHost,
    steps,
    truncated: run.truncated,
    delivered: c.delivered,
    arpBroadcasts: c.arpBroadcasts,
    underlaySent: c.underlaySent.arp + c.underlaySent.ipv4,
    underlayArp: c.underlaySent.arp,
    underlayIpv4: c.underlaySent.ipv4,
    underlayReceived: c.underlayReceived,
    otherhost: c.otherhost,
    crossings: c.crossings,
    copies: c.copies,
    upcalls: c.upcalls,
    flowsInstalled: c.flowsInstalled,
    bridgeFdbMean: mean('bridgeFdb'),
    bridgeFdbMax: max('bridgeFdb'),
    vtepFdbMean: mean('vtepFdb'),
    vtepFdbMax: max('vtepFdb'),
    flowsMean: mean('flows'),
    flowsMax: max('flows'),
  };
}

/** One job of the worker pool (`workers/pool.ts`): a configuration at one size. */
export interface ScaleJob {
  config: string;
  hosts: number;
  perHost: number;
}

export function handle(job: ScaleJob, progress: (steps: number) => void): ScaleRow {
  return measureScale(configById(job.config), job.hosts, job.perHost, progress);
}
