/**
 * What the differential test compares: the observables a run leaves behind, read the same way from the
 * model (a simulator run) and from the kernel (JSON dumps and counters). docs/conformance.md explains each.
 */
import type { Ip, Mac } from '../model/addresses.ts';
import { containerSlots, type Timeline } from '../model/timeline.ts';
import type { Topology } from '../model/topology.ts';

/** Every container a case names, the topology's and those its timeline starts, each once, in order. */
export function containerNames(topology: Topology, timeline: Timeline): string[] {
  return [...new Set(containerSlots(topology, timeline).map((s) => s.name))];
}

export interface UnderlayCount {
  /** Frames the host sent onto the underlay (rx on its underlay switch port). */
  sent: number;
  /** Frames the underlay delivered to the host (tx on its switch port). */
  received: number;
}

export interface Outcome {
  /** Per ping, in traffic order: did the echo reply come back to the sender. */
  delivered: boolean[];
  /** Each container's ARP cache, {IP to MAC}, and each host kernel's on ethbr as `<host>/ethbr`;
   *  unresolved and failed entries left out, NUD states ignored. */
  arp: Record<string, Record<Ip, Mac>>;
  /** Each host's bridge: learned (MAC, port), as sorted `mac port` strings. */
  bridge: Record<string, string[]>;
  /** Each host's vxlan device: learned (MAC, remote vtep), as sorted `mac remote` strings. */
  vxlan: Record<string, string[]>;
  /** Each host's underlay frame counts. */
  underlay: Record<string, UnderlayCount>;
  /** IPv4 frames each interface received with another unicast MAC as destination (`rx.otherhost`):
   *  containers by name, the host side of each bridge as `<host>/ethbr`. */
  otherhost: Record<string, number>;
  /** The tables after each change of the world (a container stopping, starting again or moving) and
   *  after each pause (conformance/timing.ts), in timeline order. */
  phases: Phase[];
}

/** The tables once one change of the world has settled, or a pause has run out, before the next item:
 *  what the next actions find. */
export interface Phase {
  /** The index of the timeline item it follows. */
  after: number;
  /** After the pause that follows that item, rather than after the item itself. */
  paused?: boolean;
  /** Each container's and host kernel's neighbour entries as `MAC STATE` (the NUD state: REACHABLE,
   *  STALE, DELAY, PROBE, PERMANENT); unresolved and failed entries left out. */
  neigh: Record<string, Record<Ip, string>>;
  bridge: Record<string, string[]>;
  vxlan: Record<string, string[]>;
}

/** One difference between two outcomes: where, and each side's value. */
export interface Difference {
  path: string;
  model: unknown;
  kernel: unknown;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function keysOf(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/** Every difference between the model's outcome and the kernel's, and how many observables were compared. */
export function compareOutcomes(
  model: Outcome,
  kernel: Outcome,
): { differences: Difference[]; compared: number } {
  const differences: Difference[] = [];
  let compared = 0;
  const check = (path: string, m: unknown, k: unknown) => {
    compared++;
    if (!same(m, k)) differences.push({ path, model: m, kernel: k });
  };
  const n = Math.max(model.delivered.length, kernel.delivered.length);
  for (let i = 0; i < n; i++) check(`ping ${i + 1} delivered`, model.delivered[i], kernel.delivered[i]);
  for (const c of keysOf(model.arp, kernel.arp))
    check(`arp ${c}`, sortRecord(model.arp[c]), sortRecord(kernel.arp[c]));
  for (const h of keysOf(model.bridge, kernel.bridge))
    check(`bridge ${h}`, model.bridge[h], kernel.bridge[h]);
  for (const h of keysOf(model.vxlan, kernel.vxlan)) check(`vxlan ${h}`, model.vxlan[h], kernel.vxlan[h]);
  for (const h of keysOf(model.underlay, kernel.underlay)) {
    check(`underlay ${h} sent`, model.underlay[h]?.sent, kernel.underlay[h]?.sent);
    check(`underlay ${h} received`, model.underlay[h]?.received, kernel.underlay[h]?.received);
  }
  for (const i of keysOf(model.otherhost, kernel.otherhost))
    check(`otherhost ${i}`, model.otherhost[i], kernel.otherhost[i]);
  const phases = Math.max(model.phases.length, kernel.phases.length);
  for (let i = 0; i < phases; i++) {
    const [m, k] = [model.phases[i], kernel.phases[i]];
    const p = (m ?? k)!;
    const at = `after item ${p.after + 1}${p.paused ? ' and the pause' : ''}:`;
    for (const c of keysOf(m?.neigh ?? {}, k?.neigh ?? {}))
      check(`${at} neigh ${c}`, sortRecord(m?.neigh[c]), sortRecord(k?.neigh[c]));
    for (const h of keysOf(m?.bridge ?? {}, k?.bridge ?? {}))
      check(`${at} bridge ${h}`, m?.bridge[h], k?.bridge[h]);
    for (const h of keysOf(m?.vxlan ?? {}, k?.vxlan ?? {}))
      check(`${at} vxlan ${h}`, m?.vxlan[h], k?.vxlan[h]);
  }
  return { differences, compared };
}

function sortRecord(r: Record<string, string> | undefined): Record<string, string> | undefined {
  return r === undefined
    ? undefined
    : Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (Array.isArray(v)) return v.length === 0 ? '{}' : v.join(', ');
  if (typeof v === 'object' && v !== null) {
    const e = Object.entries(v);
    return e.length === 0 ? '{}' : e.map(([k, x]) => `${k}=${x}`).join(', ');
  }
  return String(v);
}

/** The differences as a side-by-side table: observable, model, kernel. */
export function sideBySide(differences: readonly Difference[]): string {
  const rows = differences.map((d) => [d.path, show(d.model), show(d.kernel)] as const);
  const all = [['observable', 'model', 'kernel'] as const, ...rows];
  const w0 = Math.max(...all.map((r) => r[0].length));
  const w1 = Math.max(...all.map((r) => r[1].length));
  return all.map((r) => `  ${r[0].padEnd(w0)} | ${r[1].padEnd(w1)} | ${r[2]}`).join('\n');
}
