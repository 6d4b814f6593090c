/**
 * What `weave-spec converge` measures (docs/convergence.md): for one configuration, one kind of change and
 * one network size, how long the network takes to reach a container again after the change, how many
 * probes it loses meanwhile, and how many flooded copies it sends.
 *
 * The scenario, the same for every configuration: `hosts` hosts in a full mesh, one container on each
 * (`c1.1` … `cN.1`) and a target `t` on h1. At 1 s every container pings the target (every cache holds
 * it). At `EVENT_AT` the change:
 * - `move`: the target moves to h2, keeping its IP and MAC;
 * - `ip-reuse`: the target stops and a new container takes its IP with another MAC, on h2;
 * - `peer-leave`: the peer of the last host leaves the mesh for good (what its going costs the others);
 * - `peer-join`: the target's host's router, away since `EVENT_AT` − 1 s, comes back fresh;
 * - `link-flap`: the link between h1 and h2 is down for `FLAP_MS`.
 * From the change on, every container except the target and those on a peer that left probes the target's
 * IP at `PROBE_OFFSETS_MS`: light, steady traffic, as in a real network (the probes themselves refresh and
 * correct caches, as traffic does).
 *
 * - `convergeMs`: the first probe offset from which every probe is answered (a reply comes back), or null
 *   when the last round still loses one; its resolution is the spacing of the offsets.
 * - `lost`: probes without a reply.
 * - `floodCopies`: copies the underlay delivered to a host where their frame's destination is not: every
 *   copy of a broadcast or multicast, and copies of unicast frames flooded (or relayed) through a host
 *   that does not hold their destination MAC.
 * - `staleMs`: from the change to the last probe sent after it that still went to the target's old owner,
 *   in the two layers of the staleness property (`properties/staleness.ts`): sent on the old MAC (under
 *   H2, on the fake MAC of the old host), or, for a target that moved with its MAC, carried to the old
 *   host and not to the target. The probe sent at the change itself is left out: nobody can know of the
 *   change yet. 0 when no later probe went there; null for a change that moves no owner (peers, links).
 * Deterministic: the same job gives the same row.
 */

import { gridTopology } from '../bench/workload.ts';
import { isGroupMac, type Mac } from '../model/addresses.ts';
import { type Config, configById } from '../model/config.ts';
import type { Message } from '../model/messages.ts';
import { simulate } from '../model/network/simulator.ts';
import type { TraceStep } from '../model/network/trace.ts';
import { buildNetwork, componentId, fakeMacOf, UNDERLAY } from '../model/network/wiring.ts';
import type { Frame } from '../model/packets.ts';
import { changesOf, type Timeline, type TimelineItem } from '../model/timeline.ts';
import type { Timers, Topology } from '../model/topology.ts';

export const CONVERGE_EVENTS = ['move', 'ip-reuse', 'peer-leave', 'peer-join', 'link-flap'] as const;
export type ConvergeEvent = (typeof CONVERGE_EVENTS)[number];

export const DEFAULT_CONVERGE_HOSTS = [2, 4, 8];
export const MAX_CONVERGE_HOSTS = 64;

/** When the change happens: the warm-up's resolutions are long over. */
export const EVENT_AT = 10_000;
/** How long the link of `link-flap` stays down. */
export const FLAP_MS = 30_000;
/** When the probes go, after the change: tight at first, then further apart, past upstream's ten-minute
 *  MAC cache and its one-minute sweep (the longest any data plane of the model holds a stale entry). */
export const PROBE_OFFSETS_MS = [
  0, 250, 500, 1_000, 1_500, 2_000, 3_000, 4_000, 6_000, 8_000, 12_000, 16_000, 24_000, 32_000, 48_000,
  64_000, 96_000, 128_000, 192_000, 256_000, 384_000, 512_000, 640_000, 700_000, 768_000,
];
/** A bound on a run's steps: far above any of these runs; a run that hits it is a storm. */
export const CONVERGE_MAX_STEPS = 20_000_000;

export interface ConvergeJob {
  config: string;
  event: ConvergeEvent;
  hosts: number;
  /** Timers shortened for the run (`Topology.timers`); the real defaults when absent. */
  timers?: Timers;
}

export interface ConvergeRow {
  config: string;
  event: ConvergeEvent;
  hosts: number;
  convergeMs: number | null;
  lost: number;
  floodCopies: number;
  /** From the change to the last probe sent after it to the old owner (0: none was); null for a change
   *  that moves no owner. */
  staleMs: number | null;
  /** Probes sent (and so the most `lost` can be). */
  probes: number;
  /** The run hit its step bound (a storm): its counts stop there. */
  truncated: boolean;
}

const TARGET = 't';
const NEW_MAC: Mac = '02:00:00:ff:ff:02';

/** The scenario's topology: the grid of one container a host, and the target on h1. */
export function convergeTopology(hosts: number): Topology {
  const grid = gridTopology(hosts, 1);
  const last = grid.containers.at(-1)!;
  const ip = last.ip.replace(/\d+$/, (n) => String(Number(n) + 1));
  return {
    ...grid,
    containers: [
      ...grid.containers,
      { name: TARGET, host: 'h1', ip, mac: '02:00:00:ff:ff:01', subnet: last.subnet, announce: true },
    ],
  };
}

/** The change, as timeline items; `away` is the host whose containers do not probe (its peer left). */
function eventItems(event: ConvergeEvent, topology: Topology): { items: TimelineItem[]; away?: string } {
  const target = topology.containers.find((c) => c.name === TARGET)!;
  const last = topology.hosts.at(-1)!.name;
  const second = topology.hosts[1]?.name ?? 'h1';
  switch (event) {
    case 'move':
      return { items: [{ kind: 'move', at: EVENT_AT, container: TARGET, host: second }] };
    case 'ip-reuse':
      return {
        items: [
          { kind: 'stop', at: EVENT_AT, container: TARGET },
          {
            kind: 'start',
            at: EVENT_AT,
            container: 't2',
            host: second,
            ip: target.ip,
            mac: NEW_MAC,
            subnet: target.subnet,
            announce: true,
          },
        ],
      };
    case 'peer-leave':
      return { items: [{ kind: 'peer-leave', at: EVENT_AT, host: last }], away: last };
    case 'peer-join':
      return {
        items: [
          { kind: 'peer-leave', at: EVENT_AT - 1_000, host: 'h1' },
          { kind: 'peer-join', at: EVENT_AT, host: 'h1' },
        ],
      };
    case 'link-flap':
      return {
        items: [
          { kind: 'link-down', at: EVENT_AT, peers: ['h1', second] },
          { kind: 'link-up', at: EVENT_AT + FLAP_MS, peers: ['h1', second] },
        ],
      };
  }
}

/** The whole timeline of a job: warm-up, the change, the probes. Returns it with the probers. */
export function convergeTimeline(
  event: ConvergeEvent,
  topology: Topology,
): { timeline: Timeline; probers: string[] } {
  const target = topology.containers.find((c) => c.name === TARGET)!;
  const { items, away } = eventItems(event, topology);
  const others = topology.containers.filter((c) => c.name !== TARGET);
  const probers = others.filter((c) => c.host !== away).map((c) => c.name);
  const timeline: Timeline = others.map((c) => ({ at: 1_000, from: c.name, to: target.ip }));
  // At the change's time, the change first, then the first probes (and the link-up of a flap in its place).
  const probes = PROBE_OFFSETS_MS.flatMap((dt) =>
    probers.map((from) => ({ at: EVENT_AT + dt, from, to: target.ip })),
  );
  const all = [...items, ...probes].sort((a, b) => a.at - b.at);
  return { timeline: [...timeline, ...all], probers };
}

/** The inner frame of an underlay packet. */
function innerFrame(m: Message): Frame | undefined {
  return m.kind === 'sleeve' || m.kind === 'vxlan' ? m.frame : undefined;
}

/** The probe a frame, bare or tunnelled, carries: its ping number and destination MAC. */
function probeIn(m: Message): { ping: number; dst: Mac } | undefined {
  const frame = m.kind === 'frame' ? m : innerFrame(m);
  if (frame?.payload.kind !== 'ipv4' || frame.payload.icmp !== 'echo-request') return undefined;
  return { ping: frame.payload.ping, dst: frame.dst };
}

/** What a probe sent to the target's old owner looks like, for a change that moves the owner (staleness's
 *  layers): the MACs it is sent on (the old MAC after an IP reuse; under H2 the old host's fake MAC, which
 *  a neighbour entry holds for every container there), and, for a move that keeps the MAC outside H2, the
 *  old host it reaches instead of the target's component. */
function staleOf(
  event: ConvergeEvent,
  topology: Topology,
  h2: boolean,
): { macs: Mac[]; oldHost?: string; owner?: string } | undefined {
  const target = topology.containers.find((c) => c.name === TARGET)!;
  const second = topology.hosts[1]?.name ?? 'h1';
  const fake = h2 ? [fakeMacOf(topology.hosts.findIndex((h) => h.name === target.host))] : [];
  if (event === 'ip-reuse') return { macs: [target.mac, ...fake] };
  if (event !== 'move') return undefined;
  return h2 ? { macs: fake } : { macs: [], oldHost: target.host, owner: componentId(second, TARGET) };
}

export function measureConvergence(job: ConvergeJob): ConvergeRow {
  const config: Config = configById(job.config);
  const topology = { ...convergeTopology(job.hosts), ...(job.timers && { timers: job.timers }) };
  const { timeline, probers } = convergeTimeline(job.event, topology);
  const network = buildNetwork(topology, config, { timeline });
  const changes = changesOf(topology, timeline);
  // H2's fake MAC of a host stands for every container on it (the host's datapath rewrites it).
  const fakeHost = new Map(topology.hosts.map((h, i) => [fakeMacOf(i), h.name]));
  /** Where a MAC is at `at` (the host of the running container that holds it). */
  const macHost = (mac: Mac, at: number): string | undefined => {
    const fake = fakeHost.get(mac);
    if (fake !== undefined) return fake;
    let host: string | undefined;
    for (const ch of changes) {
      if (ch.at > at) break;
      if (ch.placement.mac !== mac) continue;
      host = ch.kind === 'start' ? ch.placement.host : undefined;
    }
    return host;
  };
  // Probe n (the timeline's ping number) to its send time, and which came back.
  const probeAt = new Map<number, number>();
  let ping = 0;
  for (const item of timeline)
    if (item.kind === undefined || item.kind === 'ping') {
      ping++;
      if (item.at >= EVENT_AT) probeAt.set(ping, item.at);
    }
  const answered = new Set<number>();
  const senderIds = new Set(
    probers
      .map((name) => topology.containers.find((c) => c.name === name)!)
      .map((c) => componentId(c.host, c.name)),
  );
  let floodCopies = 0;
  const h2 = config.plane === 'fdp' && config.hypothesis === 'h2';
  const stale = staleOf(job.event, topology, h2);
  /** Probes sent on an old MAC; probes seen on the old host, and at the target. */
  const onOldMac = new Set<number>();
  const atOldHost = new Set<number>();
  const atOwner = new Set<number>();
  const onStep = (step: TraceStep) => {
    if (stale && step.input.type === 'recv') {
      const probe = probeIn(step.input.packet);
      if (probe && probeAt.has(probe.ping)) {
        if (step.component === stale.owner) atOwner.add(probe.ping);
        else if (stale.oldHost && network.byId.get(step.component)?.host === stale.oldHost)
          atOldHost.add(probe.ping);
      }
    }
    if (stale && senderIds.has(step.component))
      for (const o of step.outputs) {
        if (o.type !== 'send') continue;
        const probe = probeIn(o.packet);
        if (probe && probeAt.has(probe.ping) && stale.macs.includes(probe.dst)) onOldMac.add(probe.ping);
      }
    if (step.component === UNDERLAY) {
      if (step.at < EVENT_AT) return;
      for (const o of step.outputs) {
        if (o.type !== 'send') continue;
        const dst = innerFrame(o.packet)?.dst;
        if (dst !== undefined && (isGroupMac(dst) || macHost(dst, step.at) !== o.port)) floodCopies++;
      }
      return;
    }
    if (!senderIds.has(step.component)) return;
    for (const o of step.outputs)
      if (
        o.type === 'deliver' &&
        o.packet.kind === 'frame' &&
        o.packet.payload.kind === 'ipv4' &&
        o.packet.payload.icmp === 'echo-reply' &&
        probeAt.has(o.packet.payload.ping)
      )
        answered.add(o.packet.payload.ping);
  };
  const run = simulate(network, timeline, { record: false, onStep, maxSteps: CONVERGE_MAX_STEPS });
  // The first offset from which every probe is answered.
  const lostAt = [...probeAt].filter(([n]) => !answered.has(n)).map(([, at]) => at - EVENT_AT);
  const lastLoss = lostAt.length === 0 ? undefined : Math.max(...lostAt);
  const after = lastLoss === undefined ? 0 : PROBE_OFFSETS_MS.find((dt) => dt > lastLoss);
  const staleAt = [...probeAt]
    .filter(([n]) => onOldMac.has(n) || (atOldHost.has(n) && !atOwner.has(n)))
    .map(([, at]) => at - EVENT_AT)
    .filter((dt) => dt > 0);
  return {
    config: job.config,
    event: job.event,
    hosts: job.hosts,
    convergeMs: after ?? null,
    lost: lostAt.length,
    floodCopies,
    staleMs: stale ? Math.max(0, ...staleAt) : null,
    probes: probeAt.size,
    truncated: run.truncated,
  };
}

/** The pool's entry point. */
export const handle = (job: ConvergeJob): ConvergeRow => measureConvergence(job);
