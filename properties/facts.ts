/**
 * Facts a property reads off a run: who owns which address, which copy carried which packet, the
 * families of copies, and the container steps. Computed once per run and shared (memoised by run).
 */
import type { Ip, Mac } from '../model/addresses.ts';
import { kernelPort } from '../model/components/ethbr.ts';
import { configById } from '../model/config.ts';
import type { Message } from '../model/messages.ts';
import type { Endpoint, TraceOutput, TraceStep } from '../model/network/trace.ts';
import { componentId } from '../model/network/wiring.ts';
import { type MeshChange, meshAt, meshChangesOf, reachableFrom } from '../model/peering.ts';
import { type Change, changesOf, type Placement } from '../model/timeline.ts';
import { hostSubnet } from '../model/topology.ts';
import type { CaseRun } from './case.ts';
import { HEAL_MS, healed, meshQuiet, type Parties, RETRY_BUDGET_MS, SETTLE_MS, settled } from './settle.ts';

/** The owner of an overlay IP: a container, or a host kernel (an exposed host IP, behind ethbr). */
export interface Owner {
  kind: 'container' | 'host';
  name: string;
  mac: Mac;
  /** Where a frame for the owner arrives: the container's eth0, or the host kernel's port on ethbr (the
   *  bridge device, or ethbr itself in the Linux-native layout). */
  endpoint: Endpoint;
  /** The subnet it reaches on-link (a host without an overlay IP owns nothing). */
  subnet?: string;
  /** The host it is on. */
  host: string;
}

export interface Facts {
  /** The owner of `ip` at time `at` (after every change at `at`): a running container, or an exposed
   *  host. Containers start, stop and move over a timeline (`model/timeline.ts`). */
  ownerAt(ip: Ip, at: number): Owner | undefined;
  /** Whether a container held `ip` at some time up to `at` (it may have stopped since). */
  everOwned(ip: Ip, at: number): boolean;
  /** Where the container of a component runs at `at`, or undefined while it is stopped. */
  placementAt(component: string, at: number): Placement | undefined;
  /** Where a container (by name) runs at `at`, or undefined while it is stopped. */
  whereAt(name: string, at: number): Placement | undefined;
  /** Every container component (the ones wired for later starts too), by id, with the container's name. */
  containers: Map<string, { name: string }>;
  /** The timeline's changes beyond the topology's own starts, in order; none in a static world. */
  changes: Change[];
  /** The timeline's peer and link changes, in order; none in a static world. */
  meshChanges: MeshChange[];
  /** The copies the underlay's faults made (a duplicate's second copy), and every copy made from them or
   *  in answer to them: the underlay's doing, which properties that count copies leave out
   *  (`model/network/faults.ts`). */
  byFault: Set<number>;
  /** Whether a promise at `at` about `parties` is owed (`settle.ts`): its parties have been quiet for
   *  `SETTLE_MS`; if they are on several hosts, so have the mesh and the underlay (no fault), and their
   *  hosts reach each other; and the
   *  run went on long enough to judge it (a run cut short by its step bound, a storm, judges nothing after
   *  it stopped). */
  settled(at: number, parties: Parties): boolean;
  /** The same after `HEAL_MS` of quiet everywhere (`healed` in `settle.ts`). */
  healed(at: number, parties: Parties): boolean;
  /** Copy id to the message it carried. */
  packets: Message[];
  /** Family root to its copies, in order. */
  families: Map<number, number[]>;
  /** Host kernels (ethbr), by component id: the host's name as the properties say it, and its overlay
   *  address if it has one. */
  kernels: Map<string, HostKernel>;
}

export interface HostKernel {
  name: string;
  mac: Mac;
  ip?: Ip;
  /** The port of ethbr the kernel is behind (the others are the capture port's two sides). */
  port: string;
}

/** A placement's time of life: from `from` to just before `to` (or to the end of the run). */
interface Span {
  from: number;
  to: number;
  placement: Placement;
}

const memo = new WeakMap<object, Facts>();

export function factsOf(r: CaseRun): Facts {
  const known = memo.get(r.run);
  if (known) return known;
  const { topology, traffic } = r.case;
  const all = changesOf(topology, traffic);
  // Each placement's span, by IP and by component; a stop at `at` ends it at `at`.
  const byIp = new Map<Ip, Span[]>();
  const byComponent = new Map<string, Span[]>();
  const byName = new Map<string, Span[]>();
  const open = new Map<string, Span>();
  for (const ch of all) {
    const id = componentId(ch.placement.host, ch.placement.name);
    if (ch.kind === 'start') {
      const span: Span = { from: ch.at, to: Number.POSITIVE_INFINITY, placement: ch.placement };
      open.set(ch.placement.name, span);
      for (const [map, key] of [
        [byIp, ch.placement.ip],
        [byComponent, id],
        [byName, ch.placement.name],
      ] as const)
        map.set(key, [...(map.get(key) ?? []), span]);
    } else {
      const span = open.get(ch.placement.name);
      if (span) span.to = ch.at;
      open.delete(ch.placement.name);
    }
  }
  const at = (spans: Span[] | undefined, t: number) => spans?.find((s) => s.from <= t && t < s.to)?.placement;
  const hostOwners = new Map<Ip, Owner>();
  const kernels = new Map<string, HostKernel>();
  const port = kernelPort({ tap: configById(r.case.config).plane !== 'linux' });
  for (const h of topology.hosts) {
    const id = componentId(h.name, 'ethbr');
    const name = `${h.name}'s host kernel`;
    kernels.set(id, { name, mac: h.mac, port, ...(h.ip !== undefined && { ip: h.ip }) });
    if (h.ip !== undefined)
      hostOwners.set(h.ip, {
        kind: 'host',
        name,
        mac: h.mac,
        endpoint: { component: id, port },
        subnet: hostSubnet(topology, h),
        host: h.name,
      });
  }
  const ownerAt = (ip: Ip, t: number): Owner | undefined => {
    const p = at(byIp.get(ip), t);
    if (p === undefined) return hostOwners.get(ip);
    return {
      kind: 'container',
      name: p.name,
      mac: p.mac,
      endpoint: { component: componentId(p.host, p.name), port: 'eth0' },
      subnet: p.subnet,
      host: p.host,
    };
  };
  const containers = new Map<string, { name: string }>();
  for (const [id, spans] of byComponent) containers.set(id, { name: spans[0]!.placement.name });
  const packets: Message[] = [];
  for (const s of r.run.trace)
    for (const o of s.outputs) if (o.type === 'send' && o.copy !== undefined) packets[o.copy] = o.packet;
  const byFault = new Set(r.run.faults.flatMap((f) => (f.kind === 'duplicate' ? [f.copy!] : [])));
  if (byFault.size > 0)
    for (const c of r.run.copies)
      if ((c.parent !== null && byFault.has(c.parent)) || (c.cause !== null && byFault.has(c.cause)))
        byFault.add(c.copy);
  const families = new Map<number, number[]>();
  for (const c of r.run.copies) {
    if (byFault.has(c.copy)) continue;
    const f = families.get(c.root);
    if (f) f.push(c.copy);
    else families.set(c.root, [c.copy]);
  }
  const changes = all.filter((c) => !(c.kind === 'start' && c.initial));
  const meshChanges = meshChangesOf(traffic);
  /** The hosts a promise at `t` spans: where its containers run and where its IPs' owners are. */
  const hostsOf = (t: number, parties: Parties): Set<string> => {
    const hosts = new Set<string>();
    for (const name of parties.containers ?? []) {
      const p = at(byName.get(name), t);
      if (p) hosts.add(p.host);
    }
    for (const ip of parties.ips ?? []) {
      const o = ownerAt(ip, t);
      if (o) hosts.add(o.host);
    }
    return hosts;
  };
  /** Whether the hosts reach each other over the peer graph as it is at `t`. */
  const joined = (t: number, hosts: Set<string>): boolean => {
    const [first] = hosts;
    if (first === undefined) return true;
    const reached = reachableFrom(meshAt(topology, meshChanges, t), first);
    return [...hosts].every((h) => reached.includes(h));
  };
  const faults = r.run.faults;
  const overMesh = (t: number, parties: Parties, quietMs: number): boolean => {
    // A mesh that never changes is joined (a partitioned peer graph is refused) and quiet.
    if (meshChanges.length === 0 && faults.length === 0) return true;
    const hosts = hostsOf(t, parties);
    return (
      hosts.size <= 1 ||
      (meshQuiet(meshChanges, t, quietMs) && meshQuiet(faults, t, quietMs) && joined(t, hosts))
    );
  };
  /** A run cut short by its step bound judges no promise whose time runs past where it stopped. */
  const judged = (t: number) => !r.run.truncated || t + 2 * RETRY_BUDGET_MS < r.run.end;
  const facts: Facts = {
    ownerAt,
    everOwned: (ip, t) => byIp.get(ip)?.some((span) => span.from <= t) ?? false,
    placementAt: (component, t) => at(byComponent.get(component), t),
    whereAt: (name, t) => at(byName.get(name), t),
    containers,
    changes,
    meshChanges,
    byFault,
    settled: (t, parties) => judged(t) && settled(changes, t, parties) && overMesh(t, parties, SETTLE_MS),
    healed: (t, parties) => judged(t) && healed(changes, t) && overMesh(t, parties, HEAL_MS),
    packets,
    families,
    kernels,
  };
  memo.set(r.run, facts);
  return facts;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.component === b.component && a.port === b.port;
}

/** The step that sent a copy. */
export function sendStep(r: CaseRun, copy: number): TraceStep {
  return r.run.trace[r.run.copies[copy]!.step]!;
}

/** The step that received a copy, if it was received before the run ended. */
export function recvStep(r: CaseRun, copy: number): TraceStep | undefined {
  const memoKey = r.run.trace;
  let index = recvIndex.get(memoKey);
  if (!index) {
    index = new Map();
    for (const s of r.run.trace) if (s.input.type === 'recv') index.set(s.input.copy, s.n);
    recvIndex.set(memoKey, index);
  }
  const n = index.get(copy);
  return n === undefined ? undefined : r.run.trace[n];
}
const recvIndex = new WeakMap<object, Map<number, number>>();

/** Every output of every container step, in trace order, with its step and its container; steps that took
 *  a copy the underlay's faults made are left out (`Facts.byFault`). */
export function containerOutputs(
  r: CaseRun,
): Generator<{ step: TraceStep; container: { name: string }; output: TraceOutput }> {
  return outputsOf(r, factsOf(r).containers);
}

/** The same for every IP endpoint: the containers, and the host kernels (ethbr), which answer for an
 *  exposed host IP with the same IP stack (`model/kernel/ip-stack.ts`). Of ethbr's sends, only the
 *  kernel's own count: the capture port's frames pass through it. */
export function endpointOutputs(
  r: CaseRun,
): Generator<{ step: TraceStep; container: { name: string }; output: TraceOutput }> {
  const { containers, kernels } = factsOf(r);
  return outputsOf(r, new Map<string, { name: string; port?: string }>([...containers, ...kernels]));
}

function* outputsOf(
  r: CaseRun,
  endpoints: Map<string, { name: string; port?: string }>,
): Generator<{ step: TraceStep; container: { name: string }; output: TraceOutput }> {
  const { byFault } = factsOf(r);
  for (const step of r.run.trace) {
    if (step.input.type === 'recv' && byFault.has(step.input.copy)) continue;
    const container = endpoints.get(step.component);
    if (container)
      for (const output of step.outputs)
        if (output.type !== 'send' || container.port === undefined || output.port === container.port)
          yield { step, container, output };
  }
}
