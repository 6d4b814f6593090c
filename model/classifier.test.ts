import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Classifier, classify } from './classifier.ts';
import { type Flow, type FlowMatch, matches, type Tunnel } from './flows.ts';
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

const match: fc.Arbitrary<FlowMatch> = fc.record(
  {
    inPort: fc.constantFrom(...ports),
    ethSrc: fc.constantFrom(...macs),
    ethDst: fc.constantFrom(...macs),
    ethType: fc.constantFrom('arp' as const, 'ipv4' as const),
    arpOp: fc.constantFrom('request' as const, 'reply' as const),
    arpTpa: fc.constantFrom(...ips),
    ipDst: fc.constantFrom(...ips),
    tunnelSrc: fc.constantFrom(...tunnels.map((t) => t.src)),
    tunnelVni: fc.constantFrom(1, 2),
  },
  { requiredKeys: [] },
);

const flows: fc.Arbitrary<Flow[]> = fc
  .array(fc.record({ match, priority: fc.integer({ min: 0, max: 3 }) }), { maxLength: 40 })
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

describe('classifier', () => {
  test.prop([flows, fc.array(packet, { minLength: 1, maxLength: 10 })], { numRuns: 500 })(
    'finds the first matching flow in table order, as a linear scan does',
    (table, packets) => {
      const c = new Classifier(table);
      for (const p of packets) {
        const scan = table.find((f) => matches(f.match, p.frame, p.inPort, p.tunnel));
        expect(c.lookup(p.frame, p.inPort, p.tunnel)?.label).toBe(scan?.label);
        expect(classify(table, p.frame, p.inPort, p.tunnel)?.label).toBe(scan?.label);
      }
    },
  );

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
