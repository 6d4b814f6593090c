/** The timeline's changes and who holds what when (`timeline.ts`). */
import { describe, expect, it } from 'vitest';
import { A, B, seedTopology } from '../scenarios/seed-topology.ts';
import { changesOf, containerSlots, ownerAt, pings, type Timeline, whereAt } from './timeline.ts';

const E = { ip: A.ip, mac: '02:00:00:00:00:0e', subnet: A.subnet };
const timeline: Timeline = [
  { at: 500, from: 'A', to: B.ip },
  { kind: 'move', at: 1000, container: 'A', host: 'h2', ip: '198.18.0.5' },
  { kind: 'start', at: 2000, container: 'E', host: 'h1', ...E },
  { kind: 'ping', at: 2500, from: 'E', to: B.ip },
  { kind: 'stop', at: 3000, container: 'E' },
];

describe('timeline', () => {
  it('a move is a stop then a start at the same time; the topology starts at 0', () => {
    const changes = changesOf(seedTopology, timeline).filter((c) => !(c.kind === 'start' && c.initial));
    expect(
      changes.map((c) => `${c.at} ${c.kind} ${c.placement.name}@${c.placement.host} ${c.placement.ip}`),
    ).toEqual([
      '1000 stop A@h1 198.18.0.1',
      '1000 start A@h2 198.18.0.5',
      '2000 start E@h1 198.18.0.1',
      '3000 stop E@h1 198.18.0.1',
    ]);
  });

  it('says who holds an IP and where a container runs at each moment', () => {
    const changes = changesOf(seedTopology, timeline);
    expect(ownerAt(changes, A.ip, 999)?.name).toBe('A');
    expect(ownerAt(changes, A.ip, 1000)).toBeUndefined();
    expect(ownerAt(changes, A.ip, 2000)?.name).toBe('E');
    expect(ownerAt(changes, A.ip, 3000)).toBeUndefined();
    expect(whereAt(changes, 'A', 999)?.host).toBe('h1');
    expect(whereAt(changes, 'A', 1000)?.host).toBe('h2');
    expect(whereAt(changes, 'E', 1999)).toBeUndefined();
  });

  it('numbers pings in order, with or without kind, and wires a slot per host a container runs on', () => {
    expect(pings(timeline).map((p) => p.from)).toEqual(['A', 'E']);
    expect(containerSlots(seedTopology, timeline).filter((s) => s.name === 'A' || s.name === 'E')).toEqual([
      { host: 'h1', name: 'A' },
      { host: 'h2', name: 'A' },
      { host: 'h1', name: 'E' },
    ]);
  });
});
