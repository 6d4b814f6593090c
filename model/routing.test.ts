import { describe, expect, it } from 'vitest';
import { meshRoutes, peerGraph } from './routing.ts';

describe('mesh routes', () => {
  it('routes a line h1-h2-h3 through h2', () => {
    const g = peerGraph(
      ['h1', 'h2', 'h3'],
      [
        ['h1', 'h2'],
        ['h2', 'h3'],
      ],
    );
    expect(meshRoutes(g, 'h1').unicast).toEqual({ h2: 'h2', h3: 'h2' });
    // h1's broadcast: h1 sends to h2, h2 relays to h3, h3 relays nowhere.
    expect(meshRoutes(g, 'h1').broadcast.h1).toEqual(['h2']);
    expect(meshRoutes(g, 'h2').broadcast.h1).toEqual(['h3']);
    expect(meshRoutes(g, 'h3').broadcast.h1).toEqual([]);
  });

  it('reaches every peer of a full mesh exactly once per broadcast', () => {
    const names = ['h1', 'h2', 'h3', 'h4', 'h5'];
    const g = peerGraph(
      names,
      names.flatMap((a, i) => names.slice(i + 1).map((b): [string, string] => [a, b])),
    );
    for (const source of names) {
      const received = new Map<string, number>([[source, 1]]);
      const queue = [source];
      while (queue.length > 0) {
        const at = queue.shift()!;
        for (const hop of meshRoutes(g, at).broadcast[source]!) {
          received.set(hop, (received.get(hop) ?? 0) + 1);
          queue.push(hop);
        }
      }
      expect([...received.values()]).toEqual(names.map(() => 1));
    }
  });

  it('leaves out peers that cannot be reached', () => {
    const g = peerGraph(['h1', 'h2', 'h3'], [['h1', 'h2']]);
    expect(meshRoutes(g, 'h1').unicast).toEqual({ h2: 'h2' });
    expect(meshRoutes(g, 'h1').broadcast.h3).toBeUndefined();
  });
});
