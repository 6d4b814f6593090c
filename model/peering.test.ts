/** The mesh over time: the truth, and each peer's view lagging it (`peering.ts`). */
import { describe, expect, it } from 'vitest';
import { graphOf, meshAt, meshChangesOf, reachableFrom, viewUpdates } from './peering.ts';
import type { Timeline } from './timeline.ts';
import type { Topology } from './topology.ts';

const host = (n: number) => ({ name: `h${n}`, address: `198.19.0.${n}`, mac: `02:00:00:00:01:0${n}` });
/** Four hosts in a square: h1-h2-h3-h4-h1. */
const square: Topology = {
  hosts: [1, 2, 3, 4].map(host),
  containers: [],
  peers: [
    ['h1', 'h2'],
    ['h2', 'h3'],
    ['h3', 'h4'],
    ['h4', 'h1'],
  ],
};
const DELAY = 1000;

/** Each update as `at host kind: neighbours of the host in its view`. */
function updates(timeline: Timeline): string[] {
  return viewUpdates(square, meshChangesOf(timeline), DELAY).map(
    (u) => `${u.at} ${u.host} ${u.kind}: ${(u.graph[u.host] ?? []).join(',') || '-'}`,
  );
}

describe('the mesh over time', () => {
  it('a link going down: its two ends know at once, the others a gossip delay later', () => {
    expect(updates([{ kind: 'link-down', at: 500, peers: ['h4', 'h1'] }])).toEqual([
      '500 h1 view: h2',
      '500 h4 view: h3',
      '1500 h2 view: h1,h3',
      '1500 h3 view: h2,h4',
    ]);
  });

  it('a peer leaving: it stops, its neighbours know at once; a joining peer learns the whole graph', () => {
    const timeline: Timeline = [
      { kind: 'peer-leave', at: 100, host: 'h2' },
      { kind: 'peer-join', at: 5000, host: 'h2' },
    ];
    expect(updates(timeline)).toEqual([
      '100 h2 leave: h1,h3',
      '100 h1 view: h4',
      '100 h3 view: h4',
      '1100 h4 view: h1,h3',
      '5000 h2 join: h1,h3',
      '5000 h1 view: h2,h4',
      '5000 h3 view: h2,h4',
      '6000 h4 view: h1,h3',
    ]);
    // The far peer's view did change (h2 left and came back), though not its own neighbours.
    const far = viewUpdates(square, meshChangesOf(timeline), DELAY).filter((u) => u.host === 'h4');
    expect(reachableFrom(far[0]!.graph, 'h4')).toEqual(['h1', 'h3', 'h4']);
    expect(reachableFrom(far[1]!.graph, 'h4')).toEqual(['h1', 'h2', 'h3', 'h4']);
  });

  it('news older than what a peer knows changes nothing: a flap shorter than the gossip delay', () => {
    const timeline: Timeline = [
      { kind: 'link-down', at: 0, peers: ['h1', 'h2'] },
      { kind: 'link-up', at: 400, peers: ['h1', 'h2'] },
    ];
    const h3 = viewUpdates(square, meshChangesOf(timeline), DELAY).filter((u) => u.host === 'h3');
    // h3 hears of the flap late but in order, and ends with the link up.
    expect(h3.map((u) => [u.at, u.graph.h1])).toEqual([
      [1000, ['h4']],
      [1400, ['h2', 'h4']],
    ]);
  });

  it('the truth at a moment: left peers and down links are out, and what is left may split', () => {
    const changes = meshChangesOf([
      { kind: 'link-down', at: 10, peers: ['h1', 'h2'] },
      { kind: 'peer-leave', at: 20, host: 'h4' },
    ]);
    expect(meshAt(square, changes, 9).h1).toEqual(['h2', 'h4']);
    expect(reachableFrom(meshAt(square, changes, 10), 'h1')).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(reachableFrom(meshAt(square, changes, 20), 'h1')).toEqual(['h1']);
    expect(reachableFrom(meshAt(square, changes, 20), 'h4')).toEqual([]);
    expect(graphOf(square, {})).toEqual(meshAt(square, [], 0));
  });
});
