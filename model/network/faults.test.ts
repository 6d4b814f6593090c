import { describe, expect, it } from 'vitest';
import { type Case, consumedCase, runCase } from '../../properties/case.ts';
import { checkRun, propertyByName } from '../../properties/index.ts';
import { D, seedTopology, T0 } from '../../scenarios/seed-topology.ts';
import { faultIssues, type UnderlayFault } from './faults.ts';
import type { Run } from './simulator.ts';
import { UNDERLAY } from './wiring.ts';

/** A at h1 pings D at h2 under upstream Sleeve: the ARP request, its reply, the echo request and its reply
 *  each cross the underlay once. */
const ping = (faults: UnderlayFault[] = []): Case => ({
  topology: seedTopology,
  config: 'sleeve/upstream',
  traffic: [{ at: T0, from: 'A', to: D.ip }],
  choices: [],
  ...(faults.length > 0 && { faults }),
});

/** The underlay's datagrams in the order it sends them (what a fault's number counts), by what they carry. */
function datagrams(run: Run): string[] {
  const out: string[] = [];
  for (const s of run.trace)
    if (s.component === UNDERLAY)
      for (const o of s.outputs)
        if (o.type === 'send' && o.fault !== 'duplicate' && o.packet.kind === 'sleeve') {
          const inner = o.packet.frame.payload;
          out.push(inner.kind === 'ipv4' ? inner.icmp : `arp-${inner.kind === 'arp' ? inner.op : '?'}`);
        } else if (o.type === 'drop' && o.reason.startsWith('lost')) out.push('lost');
  return out;
}

/** The steps at which D's container delivered an echo request, with their times. */
const requestsAtD = (run: Run) =>
  run.trace.filter(
    (s) =>
      s.component === 'h2/D' &&
      s.outputs.some(
        (o) => o.type === 'deliver' && o.packet.kind === 'frame' && o.packet.payload.kind === 'ipv4',
      ),
  );

const clean = runCase(ping()).run;
const echo = datagrams(clean).indexOf('echo-request');
/** A's ARP request for D: the first datagram after the start-up announcements. */
const request = echo - 2;

describe('underlay faults', () => {
  it('numbers the datagrams of a run: the echo request is one of them', () => {
    expect(datagrams(clean).slice(request, echo + 2)).toEqual([
      'arp-request',
      'arp-reply',
      'echo-request',
      'echo-reply',
    ]);
    expect(clean.datagrams).toBe(datagrams(clean).length);
    expect(clean.faults).toEqual([]);
    expect(requestsAtD(clean)).toHaveLength(1);
  });

  it('loses the datagram named: the echo request never reaches D, and the trace says where it was lost', () => {
    const { run } = runCase(ping([{ datagram: echo, kind: 'loss' }]));
    expect(requestsAtD(run)).toHaveLength(0);
    expect(datagrams(run)[echo]).toBe('lost');
    expect(run.faults).toEqual([{ datagram: echo, kind: 'loss', at: T0, from: 'h1', to: 'h2', copy: null }]);
  });

  it('duplicates it: D receives the echo request twice, the second copy marked as the underlay’s', () => {
    const { run } = runCase(ping([{ datagram: echo, kind: 'duplicate' }]));
    expect(requestsAtD(run)).toHaveLength(2);
    const twin = run.faults[0]!.copy!;
    expect(run.copies[twin]!.to).toEqual({ component: 'h2/router', port: 'udp' });
  });

  it('delays it: the echo request reaches D that much later', () => {
    const { run } = runCase(ping([{ datagram: echo, kind: 'delay', ms: 300 }]));
    expect(requestsAtD(run).map((s) => s.at)).toEqual(requestsAtD(clean).map((s) => s.at + 300));
  });

  it('drops faults on datagrams the run never sends from the case it stores', () => {
    const r = runCase(
      ping([
        { datagram: echo, kind: 'loss' },
        { datagram: 500, kind: 'loss' },
      ]),
    );
    expect(consumedCase(r).faults).toEqual([{ datagram: echo, kind: 'loss' }]);
    expect(consumedCase(runCase(ping([{ datagram: 500, kind: 'loss' }]))).faults).toBeUndefined();
  });

  it('does not count the copies a duplicate makes against the properties that count copies', () => {
    // Duplicate A's ARP request: its owner D gets it twice and answers twice.
    const r = runCase(ping([{ datagram: request, kind: 'duplicate' }]));
    const { run } = r;
    const answers = run.trace.filter(
      (s) =>
        s.component === 'h2/D' &&
        s.at >= T0 &&
        s.outputs.some(
          (o) =>
            o.type === 'send' &&
            o.packet.kind === 'frame' &&
            o.packet.payload.kind === 'arp' &&
            o.packet.payload.op === 'reply',
        ),
    );
    expect(answers).toHaveLength(2);
    for (const p of ['broadcast-once', 'arp-no-spurious', 'loop-free', 'isolation'])
      expect(checkRun(r, propertyByName(p)), p).toEqual({ holds: true });
  });

  it('excuses promises that span hosts around a fault, as it does around any change of the world', () => {
    // The echo request is lost: delivery owes nothing to a ping the underlay failed.
    const lost = runCase(ping([{ datagram: echo, kind: 'loss' }]));
    expect(checkRun(lost, propertyByName('delivery'))).toEqual({ holds: true });
  });

  it('refuses a list it cannot apply: too many, out of order, a delay without a length', () => {
    const nine = Array.from({ length: 9 }, (_, i): UnderlayFault => ({ datagram: i, kind: 'loss' }));
    expect(faultIssues(nine).map((i) => i.path)).toEqual(['']);
    expect(
      faultIssues([
        { datagram: 3, kind: 'loss' },
        { datagram: 3, kind: 'loss' },
      ])[0]!.path,
    ).toBe('[1].datagram');
    expect(faultIssues([{ datagram: 0, kind: 'delay' }])[0]!.path).toBe('[0].ms');
    expect(faultIssues([{ datagram: 0, kind: 'loss', ms: 5 }])[0]!.path).toBe('[0].ms');
    expect(faultIssues([{ datagram: 0, kind: 'delay', ms: 500 }])).toEqual([]);
  });
});
