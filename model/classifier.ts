/**
 * Flow lookup by tuple space search, the way Open vSwitch's classifier does it (`lib/classifier.c`):
 * flows are grouped by which match fields they set (their mask); within a group a hash table maps the
 * values of those fields to the flows with exactly that match. A packet is looked up once per group,
 * with the key built from its own values of the group's fields, so a lookup costs the number of masks
 * (a handful) rather than the number of flows (hundreds on a large network).
 *
 * The answer is the one `flows.find((f) => matches(f.match, ...))` gives: the first match in table order
 * (highest priority, then install order). `model/classifier.test.ts` checks that on random tables.
 *
 * A classifier is built for one flow table (an immutable array) and kept, by identity, until the table
 * is replaced; datapath contexts stay plain JSON.
 */
import { type Flow, type FlowMatch, matches, type Tunnel } from './flows.ts';
import type { Frame } from './packets.ts';

type Field = keyof FlowMatch;

/** Every match field, in a fixed order (the order of the fields in a key). */
const FIELDS: Field[] = [
  'inPort',
  'ethSrc',
  'ethDst',
  'ethType',
  'arpOp',
  'arpTpa',
  'ipDst',
  'tunnelSrc',
  'tunnelVni',
];

/** A packet's value for a field, or undefined when the packet has no such field (an IPv4 packet has no
 *  ARP opcode; a packet that did not come from the vxlan vport has no tunnel source). */
function packetValue(
  field: Field,
  frame: Frame,
  inPort: string,
  tunnel?: Tunnel,
): string | number | undefined {
  const p = frame.payload;
  switch (field) {
    case 'inPort':
      return inPort;
    case 'ethSrc':
      return frame.src;
    case 'ethDst':
      return frame.dst;
    case 'ethType':
      return p.kind;
    case 'arpOp':
      return p.kind === 'arp' ? p.op : undefined;
    case 'arpTpa':
      return p.kind === 'arp' ? p.targetIp : undefined;
    case 'ipDst':
      return p.kind === 'ipv4' ? p.dst : undefined;
    case 'tunnelSrc':
      return tunnel?.src;
    case 'tunnelVni':
      return tunnel?.vni;
  }
}

/** One mask: the fields it sets, and its flows by key, each list in table order. */
interface Subtable {
  fields: Field[];
  byKey: Map<string, { flow: Flow; position: number }[]>;
}

const keyOf = (values: (string | number | undefined)[]): string => values.join('\u0000');

export class Classifier {
  private readonly subtables: Subtable[] = [];

  constructor(flows: readonly Flow[]) {
    const byMask = new Map<string, Subtable>();
    flows.forEach((flow, position) => {
      const fields = FIELDS.filter((f) => flow.match[f] !== undefined);
      const mask = fields.join(',');
      let sub = byMask.get(mask);
      if (!sub) {
        sub = { fields, byKey: new Map() };
        byMask.set(mask, sub);
        this.subtables.push(sub);
      }
      const key = keyOf(fields.map((f) => flow.match[f]));
      const list = sub.byKey.get(key);
      if (list) list.push({ flow, position });
      else sub.byKey.set(key, [{ flow, position }]);
    });
  }

  /** The first flow in table order that matches the packet, if any. */
  lookup(frame: Frame, inPort: string, tunnel?: Tunnel): Flow | undefined {
    let best: { flow: Flow; position: number } | undefined;
    for (const sub of this.subtables) {
      const values = sub.fields.map((f) => packetValue(f, frame, inPort, tunnel));
      if (values.includes(undefined)) continue;
      const first = sub.byKey.get(keyOf(values))?.[0];
      if (first && (best === undefined || first.position < best.position)) best = first;
    }
    return best?.flow;
  }
}

const built = new WeakMap<readonly Flow[], Classifier>();

/** The first flow of `flows` matching the packet: a classifier lookup, the classifier built once per table. */
export function classify(
  flows: readonly Flow[],
  frame: Frame,
  inPort: string,
  tunnel?: Tunnel,
): Flow | undefined {
  // Small tables: a scan is cheaper than building the hash tables.
  if (flows.length <= 8) return flows.find((f) => matches(f.match, frame, inPort, tunnel));
  let c = built.get(flows);
  if (!c) {
    c = new Classifier(flows);
    built.set(flows, c);
  }
  return c.lookup(frame, inPort, tunnel);
}
