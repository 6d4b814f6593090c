/**
 * Facts a property reads off a run: who owns which address, which copy carried which packet, the
 * families of copies, and the container steps. Computed once per run and shared (memoised by run).
 */
import type { Ip, Mac } from '../model/addresses.ts';
import type { Message } from '../model/messages.ts';
import type { Endpoint, TraceOutput, TraceStep } from '../model/network/trace.ts';
import { componentId } from '../model/network/wiring.ts';
import type { ContainerSpec } from '../model/topology.ts';
import type { CaseRun } from './case.ts';

/** The owner of an overlay IP: a container, or a host kernel (an exposed host IP, behind ethbr). */
export interface Owner {
  kind: 'container' | 'host';
  name: string;
  mac: Mac;
  /** Where a frame for the owner arrives: the container's eth0, or ethbr's bridge side. */
  endpoint: Endpoint;
  /** The container's subnet (hosts: none). */
  subnet?: string;
}

export interface Facts {
  owners: Map<Ip, Owner>;
  /** Container component id to its spec. */
  containers: Map<string, ContainerSpec>;
  /** Copy id to the message it carried. */
  packets: Message[];
  /** Family root to its copies, in order. */
  families: Map<number, number[]>;
  /** Component ids of host kernels (ethbr). */
  kernels: Set<string>;
}

const memo = new WeakMap<object, Facts>();

export function factsOf(r: CaseRun): Facts {
  const known = memo.get(r.run);
  if (known) return known;
  const { topology } = r.case;
  const owners = new Map<Ip, Owner>();
  const containers = new Map<string, ContainerSpec>();
  for (const c of topology.containers) {
    const id = componentId(c.host, c.name);
    containers.set(id, c);
    owners.set(c.ip, {
      kind: 'container',
      name: c.name,
      mac: c.mac,
      endpoint: { component: id, port: 'eth0' },
      subnet: c.subnet,
    });
  }
  const kernels = new Set<string>();
  for (const h of topology.hosts) {
    const id = componentId(h.name, 'ethbr');
    kernels.add(id);
    if (h.ip !== undefined)
      owners.set(h.ip, {
        kind: 'host',
        name: h.name,
        mac: h.mac,
        endpoint: { component: id, port: 'bridge' },
      });
  }
  const packets: Message[] = [];
  for (const s of r.run.trace)
    for (const o of s.outputs) if (o.type === 'send' && o.copy !== undefined) packets[o.copy] = o.packet;
  const families = new Map<number, number[]>();
  for (const c of r.run.copies) {
    const f = families.get(c.root);
    if (f) f.push(c.copy);
    else families.set(c.root, [c.copy]);
  }
  const facts = { owners, containers, packets, families, kernels };
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

/** Every output of every container step, in trace order, with its step and its container. */
export function* containerOutputs(
  r: CaseRun,
): Generator<{ step: TraceStep; container: ContainerSpec; output: TraceOutput }> {
  const { containers } = factsOf(r);
  for (const step of r.run.trace) {
    const container = containers.get(step.component);
    if (container) for (const output of step.outputs) yield { step, container, output };
  }
}
