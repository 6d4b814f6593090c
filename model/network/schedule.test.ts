/** What the timeline's peer and link items schedule (`schedule.ts`), and what the routers do with it. */
import { describe, expect, it } from 'vitest';
import { A, C, seedTopology } from '../../scenarios/seed-topology.ts';
import { configById } from '../config.ts';
import { macEntries } from '../mac-table.ts';
import type { Timeline } from '../timeline.ts';
import type { Topology } from '../topology.ts';
import type { MacCache } from '../weave-router.ts';
import { scheduledInputs } from './schedule.ts';
import { simulate } from './simulator.ts';
import { buildNetwork } from './wiring.ts';

const three: Topology = {
  ...seedTopology,
  hosts: [...seedTopology.hosts, { name: 'h3', address: '198.19.0.3', mac: '02:00:00:00:01:03' }],
};

describe('peers and links on the timeline', () => {
  it('a peer leaving stops its router; a link going down reaches the underlay at once', () => {
    const timeline: Timeline = [
      { kind: 'peer-leave', at: 1000, host: 'h1' },
      { kind: 'link-down', at: 2000, peers: ['h2', 'h3'] },
    ];
    const net = buildNetwork(three, configById('sleeve/upstream'), { timeline });
    const inputs = scheduledInputs(net, timeline).map((s) => `${s.at} ${s.component} ${s.input.type}`);
    expect(inputs).toEqual([
      '2000 underlay link.down',
      '1000 h1/router peer.leave',
      '1000 h2/router mesh',
      '1000 h3/router mesh',
      '2000 h2/router mesh',
      '2000 h3/router mesh',
    ]);
  });

  it('a router joining as a container moves onto its host is told the directory with the move', () => {
    const timeline: Timeline = [
      { kind: 'peer-leave', at: 1000, host: 'h2' },
      { kind: 'peer-join', at: 1010, host: 'h2' },
      { kind: 'move', at: 1010, container: 'A', host: 'h2' },
    ];
    const net = buildNetwork(seedTopology, configById('sleeve/proxy-arp'), { timeline });
    const join = scheduledInputs(net, timeline).find((s) => s.input.type === 'peer.join')!;
    expect(join.input.type === 'peer.join' && join.input.directory.ips[A.ip]?.host).toBe('h2');
  });

  it('upstream forgets the MACs of a peer that left; a fresh router knows none from before', () => {
    const run = simulate(
      buildNetwork(seedTopology, configById('sleeve/upstream'), { timeline: outage }),
      outage,
    );
    const notes = (id: string, at: number) =>
      run.trace
        .filter((s) => s.component === id && s.at === at)
        .flatMap((s) => s.outputs.flatMap((o) => (o.type === 'note' || o.type === 'drop' ? [o] : [])));
    expect(notes('h1/router', 2000).map((o) => o.type === 'note' && o.text)).toEqual([
      `routes recalculated; forget ${C.mac}, 02:00:00:00:00:0d (at peers no longer reached)`,
    ]);
    expect(notes('h1/router', 2500).map((o) => o.type === 'drop' && o.reason)).toEqual([
      "no peers on h1's broadcast tree",
    ]);
    expect(run.values['h2/router']).toBe('running');
    const macs = macEntries((run.contexts['h2/router'] as { macs: MacCache }).macs);
    expect(macs.length).toBeGreaterThan(0);
    expect(macs.every(([, e]) => e.seen >= 3000)).toBe(true);
  });

  it("the seed's router tunnels to a peer that left, where nothing takes the datagram", () => {
    const run = simulate(
      buildNetwork(seedTopology, configById('sleeve/proxy-arp'), { timeline: outage }),
      outage,
    );
    const lost = run.trace.filter((s) =>
      s.outputs.some((o) => o.type === 'drop' && /router is not running/.test(o.reason)),
    );
    expect(lost.map((s) => `${s.at} ${s.component}`)).toEqual(['2500 h2/router']);
  });
});

/** A ping that warms every cache, h2's router away from 2 s to 3 s, and a ping while it is away. */
const outage: Timeline = [
  { at: 1000, from: 'A', to: C.ip },
  { kind: 'peer-leave', at: 2000, host: 'h2' },
  { at: 2500, from: 'A', to: C.ip },
  { kind: 'peer-join', at: 3000, host: 'h2' },
];
