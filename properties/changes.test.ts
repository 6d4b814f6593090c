import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changesOf, isPing, type Ping, timelineIssues, whereAt } from '../model/timeline.ts';
import { A, B, seedTopology } from '../scenarios/seed-topology.ts';
import { buildTopology, rawTopology } from './arbitraries.ts';
import {
  buildChanges,
  buildSweep,
  CHASE_AFTER_MS,
  merge,
  type RawChanges,
  rawChanges,
  SWEEP_PAUSES_MS,
} from './changes.ts';
import { HEAL_MS, SETTLE_MS } from './settle.ts';

const generated = fc.sample(fc.record({ topology: rawTopology(false), changes: rawChanges }), {
  seed: 11,
  numRuns: 300,
});

describe('the generator of a world that changes', () => {
  it('sweeps after the longest pause only once the world has been quiet for HEAL_MS', () => {
    expect(SWEEP_PAUSES_MS.at(-1)! + SETTLE_MS).toBeGreaterThanOrEqual(HEAL_MS);
    expect(SWEEP_PAUSES_MS.at(-2)! + SETTLE_MS).toBeLessThan(HEAL_MS);
  });

  it('builds valid timelines; the heal sweep asks each pair once and both ways, reaching every host', () => {
    let healSweeps = 0;
    for (const raw of generated) {
      const topology = buildTopology(raw.topology);
      const changes = buildChanges(topology, raw.changes);
      const sweep = buildSweep(topology, changes.items, changes, raw.changes);
      const timeline = merge(changes.items, sweep);
      expect(timelineIssues(timeline, topology)).toEqual([]);
      const pings = sweep.filter(isPing) as Ping[];
      const asked = new Set(pings.map((p) => `${p.from}>${p.to}`));
      expect(asked.size).toBe(pings.length);
      if (raw.changes.sweepPause !== SWEEP_PAUSES_MS.length - 1 || pings.length === 0) continue;
      healSweeps++;
      const world = changesOf(topology, timeline);
      const at = pings[0]!.at;
      const running = topology.containers
        .map((c) => c.name)
        .concat(changes.changed)
        .flatMap((name) => whereAt(world, name, at) ?? []);
      for (const name of changes.changed) {
        const me = running.find((c) => c.name === name);
        if (!me || !pings.some((p) => p.from === name)) continue;
        const peers = running.filter((c) => c.name !== name && c.subnet === me.subnet);
        // Both ways with every peer it pings, and some peer on every host of its subnet.
        for (const peer of peers.filter((c) => asked.has(`${name}>${c.ip}`)))
          expect(asked.has(`${peer.name}>${me.ip}`), `${peer.name} pings ${name} back`).toBe(true);
        for (const host of new Set(peers.map((c) => c.host)))
          expect(
            peers.some((c) => c.host === host && asked.has(`${name}>${c.ip}`)),
            `${name} reaches ${host}`,
          ).toBe(true);
      }
    }
    expect(healSweeps).toBeGreaterThan(20);
  });

  it('makes every kind of change, peers and links included, and hides IP reuse behind outages', () => {
    const kinds = new Map<string, number>();
    let hidden = 0;
    for (const raw of generated) {
      const topology = buildTopology(raw.topology);
      const { items } = buildChanges(topology, raw.changes);
      for (const i of items) if (!isPing(i)) kinds.set(i.kind!, (kinds.get(i.kind!) ?? 0) + 1);
      // An outage, then within it a stop and a start with the stopped container's IP and another MAC.
      items.forEach((down, k) => {
        if (down.kind !== 'link-down' && down.kind !== 'peer-leave') return;
        const [stop, start] = [items[k + 1], items[k + 2]];
        if (stop?.kind === 'stop' && start?.kind === 'start' && start.at === down.at + 20) hidden++;
      });
    }
    for (const kind of ['start', 'stop', 'move', 'peer-leave', 'peer-join', 'link-down', 'link-up'])
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(20);
    expect(hidden).toBeGreaterThan(20);
  });

  it('chases a move with a ping from another host before the gossip arrives there', () => {
    const raw: RawChanges = {
      changes: [{ gap: 0, change: { kind: 'move', who: 0, host: 0 }, warm: null, chase: 0 }],
      sweepPause: 0,
      sweepPeers: [0, 0, 0, 0, 0, 0],
    };
    const { items } = buildChanges(seedTopology, raw);
    // A moves from h1 to h2; B, left on h1, asks for it half a second later.
    expect(items).toEqual([
      { kind: 'move', at: 1000, container: A.name, host: 'h2' },
      { at: 1000 + CHASE_AFTER_MS, from: B.name, to: A.ip },
    ]);
  });
});
