/**
 * The trace of a run: every step (time, component, input, outputs), and for every message sent a copy
 * id with the id of the copy it came from, so that a property can follow one frame's family tree.
 */
import type { Directory } from '../directory.ts';
import type { ArpingEvent, ContainerStartEvent, NeighPermanentEvent, Output } from '../machine/io.ts';
import type { Message } from '../messages.ts';
import type { MeshRoutes } from '../routing.ts';

export interface Endpoint {
  component: string;
  port: string;
}

export type TraceInput =
  | { type: 'start' }
  | { type: 'recv'; port: string; packet: Message; copy: number }
  | { type: 'timer.fire'; key: string }
  | { type: 'ping'; dst: string; ping: number }
  | Omit<ArpingEvent, 'now'>
  | Omit<NeighPermanentEvent, 'now'>
  | Omit<ContainerStartEvent, 'now'>
  | { type: 'container.stop' }
  | { type: 'port.up' | 'port.down'; port: string }
  | { type: 'directory'; ip: string; mac: string; host: string; holds: boolean; version: number }
  | { type: 'mesh'; routes: MeshRoutes; reachable: string[] }
  | { type: 'peer.leave' }
  | { type: 'peer.join'; routes: MeshRoutes; reachable: string[]; directory: Directory }
  | { type: 'link.down' | 'link.up'; a: string; b: string };

/** The inputs the timeline schedules (every input but a message received, a timer and the start). */
export type ScheduledInput = Exclude<
  TraceInput,
  { type: 'start' } | { type: 'recv' } | { type: 'timer.fire' }
>;

/** An output as the simulator routed it: a `send` gets its copy id and the endpoint it went to, and, if
 *  the underlay delayed or duplicated it (`faults.ts`), which (a duplicate is a second send). */
export type TraceOutput = Output & { copy?: number; to?: Endpoint; fault?: 'delay' | 'duplicate' };

export interface TraceStep {
  n: number;
  at: number;
  component: string;
  input: TraceInput;
  outputs: TraceOutput[];
}

export interface CopyInfo {
  copy: number;
  /** The copy this one was made from, or none for a packet a component originated. */
  parent: number | null;
  /** The family: the first ancestor. */
  root: number;
  /** The copy whose arrival made the step that sent this one (its parent, or for a packet a component
   *  originated in answer to one, the packet answered); none when a timer, a ping or a change of the
   *  world made the step. Chains of causes cross families: a request, its answer, what the answer
   *  released. */
  cause: number | null;
  /** The step that sent it. */
  step: number;
  from: Endpoint;
  to: Endpoint;
}

/** A copy's ancestors, nearest first (itself excluded). */
export function ancestors(copies: readonly CopyInfo[], copy: number): CopyInfo[] {
  const out: CopyInfo[] = [];
  let cur = copies[copy]?.parent ?? null;
  while (cur !== null) {
    const info = copies[cur]!;
    out.push(info);
    cur = info.parent;
  }
  return out;
}
