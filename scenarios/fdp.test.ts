/** The checks issue 3 names: H1's lost first request, H2's fake MAC, upstream's relay on a partial mesh. */
import { describe, expect, it } from 'vitest';
import type { ContainerContext } from '../model/components/container.ts';
import { configById } from '../model/config.ts';
import { simulate } from '../model/network/simulator.ts';
import type { TraceStep } from '../model/network/trace.ts';
import { buildNetwork, fakeMacOf } from '../model/network/wiring.ts';
import type { Frame } from '../model/packets.ts';
import { FDP_CONFIGS, lineTopology } from './fdp.ts';
import { SCENARIOS } from './index.ts';
import { D, seedTopology, T0 } from './seed-topology.ts';

const run = (config: string, topology = seedTopology, to = D.ip) =>
  simulate(buildNetwork(topology, configById(config)), [{ at: T0, from: 'A', to }]);
const sentFrames = (s: TraceStep): Frame[] =>
  s.outputs.flatMap((o) => (o.type === 'send' && o.packet.kind === 'frame' ? [o.packet] : []));
const isReplyFor = (ip: string) => (f: Frame) =>
  f.payload.kind === 'arp' && f.payload.op === 'reply' && f.payload.senderIp === ip;

describe('every FDP configuration id has its FD-L and FD-X scenarios', () => {
  it.each(FDP_CONFIGS.map((c) => c.id))('%s', (id) => {
    expect(SCENARIOS.filter((s) => s.config === id).map((s) => s.name)).toEqual(
      expect.arrayContaining(['FD-L', 'FD-X']),
    );
  });
  it('covers all ten FDP ids', () => {
    expect(FDP_CONFIGS.length).toBe(10);
  });
});

describe.each(['fdp/h1/multicast', 'fdp/h1/unicast', 'fdp/h1/zero-mac'])('H1 under %s', (config) => {
  it("answers nobody's first ARP request for D and answers the retry", () => {
    const r = run(config);
    const requests = r.trace.filter(
      (s) =>
        s.component === 'h1/A' &&
        sentFrames(s).some((f) => f.payload.kind === 'arp' && f.payload.targetIp === D.ip),
    );
    expect(requests.length).toBeGreaterThanOrEqual(2);
    const [first, retry] = requests as [TraceStep, TraceStep];
    expect(retry.at - first.at).toBe(1000);
    const replies = r.trace.filter((s) => sentFrames(s).some(isReplyFor(D.ip)));
    // No ARP reply for D anywhere before the retry; the first one comes after it, from the responder flow.
    expect(replies.every((s) => s.n > retry.n)).toBe(true);
    expect(replies[0]?.component).toBe('h1/datapath');
    const retryCopy = retry.outputs.find((o) => o.type === 'send')!.copy!;
    const answered = replies[0]!.input;
    expect(answered.type === 'recv' && r.copies[answered.copy]!.root).toBe(retryCopy);
  });
});

describe.each(['fdp/h2/multicast', 'fdp/h2/unicast', 'fdp/h2/zero-mac'])('H2 under %s', (config) => {
  const r = run(config);
  it("leaves host 2's fake MAC in A's neighbour cache", () => {
    const a = r.contexts['h1/A'] as ContainerContext;
    expect(a.neigh[D.ip]?.mac).toBe(fakeMacOf(1));
  });
  it('delivers to D a frame carrying its real MAC', () => {
    const delivered = r.trace
      .filter((s) => s.component === 'h2/D')
      .flatMap((s) => s.outputs)
      .flatMap((o) => (o.type === 'deliver' && o.packet.kind === 'frame' ? [o.packet] : []));
    expect(delivered.length).toBe(1);
    expect(delivered[0]!.dst).toBe(D.mac);
  });
});

describe('fdp/upstream on the partial mesh h1 - h2 - h3', () => {
  const r = run('fdp/upstream', lineTopology, '198.18.0.5');
  it("delivers A's ARP request to E exactly once, relayed by host 2", () => {
    const received = r.trace.filter(
      (s) =>
        s.component === 'h3/E' &&
        s.input.type === 'recv' &&
        s.input.packet.kind === 'frame' &&
        s.input.packet.payload.kind === 'arp' &&
        s.input.packet.payload.op === 'request' &&
        s.input.packet.payload.targetIp === '198.18.0.5',
    );
    expect(received.length).toBe(1);
    const underlay = r.trace.filter(
      (s) =>
        s.component === 'underlay' &&
        s.input.type === 'recv' &&
        s.input.packet.kind === 'vxlan' &&
        s.input.packet.frame.payload.kind === 'arp' &&
        s.input.packet.frame.payload.targetIp === '198.18.0.5' &&
        s.input.packet.frame.payload.senderIp === '198.18.0.1' &&
        s.input.packet.frame.payload.op === 'request',
    );
    // h1 -> h2, then h2 -> h3: never h1 -> h3 directly (they are not peers).
    expect(
      underlay.map((s) =>
        s.input.type === 'recv' && s.input.packet.kind === 'vxlan'
          ? `${s.input.packet.src}>${s.input.packet.dst}`
          : '',
      ),
    ).toEqual(['198.19.0.1>198.19.0.2', '198.19.0.2>198.19.0.3']);
  });
});
