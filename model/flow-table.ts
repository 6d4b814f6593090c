/**
 * The datapath's flow table: a plain array of flows in table order (highest priority first; equal
 * priorities in install order), with the operations the datapath needs, installing, refreshing a flow's
 * last use and looking a packet up, none of which reads every flow (an install or a refresh copies the
 * array of references and finds a position in it, which is cheap; reading flow objects scattered over a
 * large heap is not).
 *
 * Lookups use tuple space search, the way Open vSwitch's classifier does (`lib/classifier.c`): flows are
 * grouped by which match fields they set (their mask); within a group a hash table maps the values of
 * those fields to the flows with exactly that match. A packet is looked up once per group, with the key
 * built from its own values of the group's fields, so a lookup costs the number of masks (a handful),
 * not the number of flows (hundreds on a large network). The answer is the one
 * `flows.find((f) => matches(f.match, ...))` gives; `model/flow-table.test.ts` checks that on random
 * tables and random sequences of installs.
 *
 * The array stays the datapath's context (plain JSON, never mutated). The classifier lives beside it, in
 * a WeakMap keyed by the array: an install or a refresh derives the next array from the current one, and
 * moves the classifier to it, updated, instead of building a new one (the previous array loses it, and
 * would get a fresh one if it were looked up again). Any other change (expiry, flush) simply leaves the
 * new array without one until its first lookup.
 */
import {
  type Flow,
  type FlowMatch,
  fieldValue,
  flowIdentity,
  keyOfValues,
  matchShape,
  type Tunnel,
} from './flows.ts';
import type { Frame } from './packets.ts';

type Field = keyof FlowMatch;

/** A flow in the classifier, with its place in table order: higher priority first, then lower `seq`. */
interface Entry {
  flow: Flow;
  seq: number;
}

const before = (a: Entry, b: Entry) =>
  a.flow.priority > b.flow.priority || (a.flow.priority === b.flow.priority && a.seq < b.seq);

/** One mask: the fields it sets, and its flows by key, each list in table order. */
interface Subtable {
  fields: Field[];
  byKey: Map<string, Entry[]>;
}

export class Classifier {
  private readonly subtables = new Map<string, Subtable>();
  /** By priority and match: a flow's identity (an install with both replaces it). */
  private readonly byIdentity = new Map<string, Entry>();
  private nextSeq = 0;

  constructor(flows: readonly Flow[]) {
    for (const flow of flows) this.insert(flow);
  }

  /** The flow with the same priority and match as `flow`, if any. */
  find(flow: Flow): Flow | undefined {
    return this.byIdentity.get(flowIdentity(flow))?.flow;
  }

  /** Adds a flow after every flow of its priority (an install adds only flows `find` does not know). */
  insert(flow: Flow): void {
    const entry: Entry = { flow, seq: this.nextSeq++ };
    const id = flowIdentity(flow);
    if (!this.byIdentity.has(id)) this.byIdentity.set(id, entry);
    const { fields, mask, key } = matchShape(flow.match);
    let sub = this.subtables.get(mask);
    if (!sub) {
      sub = { fields, byKey: new Map() };
      this.subtables.set(mask, sub);
    }
    const list = sub.byKey.get(key);
    if (!list) sub.byKey.set(key, [entry]);
    else {
      // Same match, other priorities: usually none, so a short list.
      const at = list.findIndex((e) => before(entry, e));
      list.splice(at < 0 ? list.length : at, 0, entry);
    }
  }

  /** Puts `flow` in the place of the same-identity flow (a replacing install, or a refreshed last use). */
  replace(flow: Flow): void {
    const entry = this.byIdentity.get(flowIdentity(flow));
    if (!entry) throw new Error(`flow table: no flow to replace with ${flowIdentity(flow)}`);
    entry.flow = flow;
  }

  /** The first flow in table order that matches the packet, if any. */
  lookup(frame: Frame, inPort: string, tunnel?: Tunnel): Flow | undefined {
    let best: Entry | undefined;
    for (const sub of this.subtables.values()) {
      const values = sub.fields.map((f) => fieldValue(f, frame, inPort, tunnel));
      if (values.includes(undefined)) continue;
      const first = sub.byKey.get(keyOfValues(values))?.[0];
      if (first && (best === undefined || before(first, best))) best = first;
    }
    return best?.flow;
  }
}

const classifiers = new WeakMap<readonly Flow[], Classifier>();

function classifierOf(flows: readonly Flow[]): Classifier {
  let c = classifiers.get(flows);
  if (!c) {
    c = new Classifier(flows);
    classifiers.set(flows, c);
  }
  return c;
}

/** Hands `flows`' classifier, updated by `change`, over to `next`. */
function derive(flows: readonly Flow[], next: Flow[], change: (c: Classifier) => void): Flow[] {
  const c = classifierOf(flows);
  classifiers.delete(flows);
  change(c);
  classifiers.set(next, c);
  return next;
}

/** Where `flow` is in `flows`; a flow the table does not hold means the classifier is out of step with it. */
function positionOf(flows: readonly Flow[], flow: Flow): number {
  const i = flows.indexOf(flow);
  if (i < 0) throw new Error('flow table: the classifier holds a flow the table does not (a stale index)');
  return i;
}

/** The first flow of `flows` matching the packet (the highest priority; the earliest installed of equals). */
export function lookupFlow(
  flows: readonly Flow[],
  frame: Frame,
  inPort: string,
  tunnel?: Tunnel,
): Flow | undefined {
  return classifierOf(flows).lookup(frame, inPort, tunnel);
}

/** The flow table with `flow` added after every flow of its priority, or replacing the flow with the same
 *  match and priority in its place (OVS: a flow's identity is its match and priority). */
export function installFlow(flows: readonly Flow[], flow: Flow): { flows: Flow[]; replaced?: Flow } {
  const old = classifierOf(flows).find(flow);
  if (old !== undefined) {
    const next = flows.slice();
    next[positionOf(flows, old)] = flow;
    return { flows: derive(flows, next, (c) => c.replace(flow)), replaced: old };
  }
  // The table is sorted by priority, highest first: the new flow goes before the first lower one.
  let lo = 0;
  let hi = flows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (flows[mid]!.priority >= flow.priority) lo = mid + 1;
    else hi = mid;
  }
  const next = [...flows.slice(0, lo), flow, ...flows.slice(lo)];
  return { flows: derive(flows, next, (c) => c.insert(flow)) };
}

/** The flow table with `flow` (one of its flows) replaced by `refreshed`, the same flow used again. */
export function refreshFlow(flows: readonly Flow[], flow: Flow, refreshed: Flow): Flow[] {
  const next = flows.slice();
  next[positionOf(flows, flow)] = refreshed;
  return derive(flows, next, (c) => c.replace(refreshed));
}

/** The flow table without the flow of `flow`'s identity (OVS `flow del`), and the flow it held, if any.
 *  Deletes are rare (a directory change), so the new table's classifier is built afresh when first used. */
export function deleteFlow(flows: readonly Flow[], flow: Flow): { flows: readonly Flow[]; deleted?: Flow } {
  const old = classifierOf(flows).find(flow);
  if (old === undefined) return { flows };
  return { flows: flows.filter((f) => f !== old), deleted: old };
}
