import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Classifier, installFlow, lookupFlow, refreshFlow } from './flow-table.ts';
import { type Flow, type FlowMatch, matches, sameFlow, type Tunnel } from './flows.ts';
import { arpReply, arpRequest, type Frame } from './packets.ts';

// Few distinct values per field, so that random flows and packets collide often.
const macs = ['02:00:00:00:00:01', '02:00:00:00:00:02', 'ff:ff:ff:ff:ff:ff'];
const ips = ['198.18.0.1', '198.18.0.2'];
const ports = ['bridge', 'vtep', 'vxlan'];
const tunnels: Tunnel[] = [
  { src: '198.19.0.1', vni: 1 },
  { src: '198.19.0.2', vni: 1 },
  { src: '198.19.0.1', vni: 2 },
];

/** The values each match field may take. */
const fieldValues: { [K in keyof FlowMatch]-?: fc.Arbitrary<FlowMatch[K]> } = {
  inPort: fc.constantFrom(...ports),
  ethSrc: fc.constantFrom(...macs),
  ethDst: fc.constantFrom(...macs),
  ethType: fc.constantFrom('arp' as const, 'ipv4' as const),
  arpOp: fc.constantFrom('request' as const, 'reply' as const),
  arpTpa: fc.constantFrom(...ips),
  ipDst: fc.constantFrom(...ips),
  tunnelSrc: fc.constantFrom(...tunnels.map((t) => t.src)),
  tunnelVni: fc.constantFrom(1, 2),
};

/** Zero to two fields set: wide matches, so that packets often match several flows, in several masks. */
const match: fc.Arbitrary<FlowMatch> = fc
  .uniqueArray(fc.constantFrom(...(Object.keys(fieldValues) as (keyof FlowMatch)[])), { maxLength: 2 })
  .chain((fields) =>
    fc.record(
      Object.fromEntries(fields.map((f) => [f, fieldValues[f]])) as Record<string, fc.Arbitrary<unknown>>,
    ),
  )
  .map((m) => m as FlowMatch);

const flows: fc.Arbitrary<Flow[]> = fc
  .array(fc.record({ match, priority: fc.integer({ min: 0, max: 1 }) }), { maxLength: 30 })
  .map((fs) =>
    // A flow table is sorted by priority, highest first, stable (datapath `installFlow`).
    fs.map((f, i) => ({ ...f, actions: [], label: `f${i}` })).sort((a, b) => b.priority - a.priority),
  );

const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc
    .record({ src: fc.constantFrom(...macs), dst: fc.constantFrom(...macs), tpa: fc.constantFrom(...ips) })
    .map(({ src, dst, tpa }) => arpRequest(src, '198.18.0.9', tpa, dst)),
  fc
    .record({ src: fc.constantFrom(...macs), tpa: fc.constantFrom(...ips) })
    .map(({ src, tpa }) => arpReply(arpRequest(src, '198.18.0.9', tpa).payload as never, macs[0]!)),
  fc
    .record({ src: fc.constantFrom(...macs), dst: fc.constantFrom(...macs), ip: fc.constantFrom(...ips) })
    .map(
      ({ src, dst, ip }): Frame => ({
        kind: 'frame',
        src,
        dst,
        payload: { kind: 'ipv4', src: '198.18.0.9', dst: ip, icmp: 'echo-request', ping: 1 },
      }),
    ),
);

const packet = fc.record({
  frame,
  inPort: fc.constantFrom(...ports),
  tunnel: fc.option(fc.constantFrom(...tunnels), { nil: undefined }),
});

/** The table semantics, written plainly: what the indexed operations must agree with. */
const reference = {
  install(flows: Flow[], flow: Flow): Flow[] {
    const i = flows.findIndex((f) => sameFlow(f, flow));
    if (i >= 0) return flows.map((f, j) => (j === i ? flow : f));
    const at = flows.findIndex((f) => f.priority < flow.priority);
    const pos = at < 0 ? flows.length : at;
    return [...flows.slice(0, pos), flow, ...flows.slice(pos)];
  },
  lookup: (flows: Flow[], p: { frame: Frame; inPort: string; tunnel?: Tunnel | undefined }) =>
    flows.find((f) => matches(f.match, p.frame, p.inPort, p.tunnel)),
};

type Op =
  | { op: 'install'; flow: { match: FlowMatch; priority: number } }
  | { op: 'refresh'; which: number }
  | { op: 'lookup'; packet: { frame: Frame; inPort: string; tunnel: Tunnel | undefined } }
  | { op: 'fork' };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record({ match, priority: fc.integer({ min: 0, max: 1 }) })
        .map((flow) => ({ op: 'install' as const, flow })),
    },
    { weight: 2, arbitrary: fc.nat().map((which) => ({ op: 'refresh' as const, which })) },
    { weight: 4, arbitrary: packet.map((p) => ({ op: 'lookup' as const, packet: p })) },
    { weight: 1, arbitrary: fc.constant({ op: 'fork' as const }) },
  ),
  { minLength: 20, maxLength: 80 },
);

/** How often lookups found a flow, and how often two flows of the winning priority matched (so that install
 *  order decided): the tests below check that the random cases really exercise both. */
function contest(flows: Flow[], p: { frame: Frame; inPort: string; tunnel?: Tunnel | undefined }) {
  const hits = flows.filter((f) => matches(f.match, p.frame, p.inPort, p.tunnel));
  return { hit: hits.length > 0, tie: hits.filter((f) => f.priority === hits[0]?.priority).length > 1 };
}

describe('flow table', () => {
  it('installs, refreshes and lookups agree with the plain table, whatever the order (and on older tables)', () => {
    const seen = { lookups: 0, hits: 0, ties: 0 };
    fc.assert(
      fc.property(ops, (sequence) => {
        let table: Flow[] = [];
        let expected: Flow[] = [];
        const older: { table: Flow[]; expected: Flow[] }[] = [];
        let n = 0;
        for (const o of sequence) {
          if (o.op === 'install') {
            const flow: Flow = { ...o.flow, actions: [], label: `f${n++}` };
            const r = installFlow(table, flow);
            expect(r.replaced !== undefined).toBe(expected.some((f) => sameFlow(f, flow)));
            table = r.flows;
            expected = reference.install(expected, flow);
          } else if (o.op === 'refresh' && table.length > 0) {
            const i = o.which % table.length;
            const refreshed = { ...table[i]!, lastUsed: n++ };
            table = refreshFlow(table, table[i]!, refreshed);
            expected = expected.map((f, j) => (j === i ? refreshed : f));
          } else if (o.op === 'lookup') {
            expect(lookupFlow(table, o.packet.frame, o.packet.inPort, o.packet.tunnel)).toBe(
              reference.lookup(expected, o.packet),
            );
            const c = contest(expected, o.packet);
            seen.lookups++;
            if (c.hit) seen.hits++;
            if (c.tie) seen.ties++;
          } else if (o.op === 'fork') {
            // Go on from the table as it is, and later look at an older one again (a kept snapshot).
            older.push({ table, expected });
          }
          expect(table).toEqual(expected);
        }
        for (const o of older)
          for (const p of sequence)
            if (p.op === 'lookup')
              expect(lookupFlow(o.table, p.packet.frame, p.packet.inPort, p.packet.tunnel)).toBe(
                reference.lookup(o.expected, p.packet),
              );
      }),
      { numRuns: 300 },
    );
    expect(seen.hits).toBeGreaterThan(seen.lookups / 5);
    expect(seen.ties).toBeGreaterThan(seen.lookups / 10);
  });

  it('an install replaces the flow with the same match and priority in its place, and leaves the old table as it was', () => {
    const a: Flow = { match: { inPort: 'bridge' }, actions: [], priority: 1, label: 'a' };
    const b: Flow = { match: { ethDst: macs[0]! }, actions: [], priority: 1, label: 'b' };
    const t1 = installFlow(installFlow([], a).flows, b).flows;
    const r = installFlow(t1, { ...a, label: 'a2' });
    expect(r.replaced).toBeDefined();
    expect(r.flows.map((f) => f.label)).toEqual(['a2', 'b']);
    expect(t1.map((f) => f.label)).toEqual(['a', 'b']);
    const ping = arpRequest(macs[1]!, '198.18.0.9', ips[0]!);
    expect(lookupFlow(t1, ping, 'bridge')?.label).toBe('a');
    expect(lookupFlow(r.flows, ping, 'bridge')?.label).toBe('a2');
  });
});

describe('classifier', () => {
  it('finds the first matching flow in table order, as a linear scan does', () => {
    const seen = { lookups: 0, hits: 0, ties: 0 };
    fc.assert(
      fc.property(flows, fc.array(packet, { minLength: 1, maxLength: 10 }), (table, packets) => {
        const c = new Classifier(table);
        for (const p of packets) {
          const scan = table.find((f) => matches(f.match, p.frame, p.inPort, p.tunnel));
          expect(c.lookup(p.frame, p.inPort, p.tunnel)?.label).toBe(scan?.label);
          expect(lookupFlow(table, p.frame, p.inPort, p.tunnel)?.label).toBe(scan?.label);
          const t = contest(table, p);
          seen.lookups++;
          if (t.hit) seen.hits++;
          if (t.tie) seen.ties++;
        }
      }),
      { numRuns: 500 },
    );
    expect(seen.hits).toBeGreaterThan(seen.lookups / 2);
    expect(seen.ties).toBeGreaterThan(seen.lookups / 10);
  });

  it('prefers the earlier of two flows with the same match, and a higher priority in another mask', () => {
    const ping = arpRequest(macs[0]!, '198.18.0.9', ips[0]!);
    const table: Flow[] = [
      { match: { inPort: 'bridge' }, actions: [], priority: 5, label: 'port' },
      { match: { ethType: 'arp', arpTpa: ips[0]! }, actions: [], priority: 5, label: 'tpa' },
      { match: { inPort: 'bridge' }, actions: [], priority: 1, label: 'port-low' },
    ];
    expect(new Classifier(table).lookup(ping, 'bridge')?.label).toBe('port');
    expect(new Classifier(table.slice(1)).lookup(ping, 'bridge')?.label).toBe('tpa');
    expect(new Classifier(table).lookup(ping, 'vtep')?.label).toBe('tpa');
  });

  it('never matches a field the packet does not have', () => {
    const ping: Frame = {
      kind: 'frame',
      src: macs[0]!,
      dst: macs[1]!,
      payload: { kind: 'ipv4', src: '198.18.0.9', dst: ips[0]!, icmp: 'echo-request', ping: 1 },
    };
    const table: Flow[] = [
      { match: { arpOp: 'request' }, actions: [], priority: 9, label: 'arp' },
      { match: { tunnelVni: 1 }, actions: [], priority: 9, label: 'tunnel' },
    ];
    expect(new Classifier(table).lookup(ping, 'bridge')).toBeUndefined();
    expect(new Classifier(table).lookup(ping, 'vxlan', tunnels[0])?.label).toBe('tunnel');
  });
});
