import fc from 'fast-check';
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

/** Upstream's algorithm as written (`Peer.routes`, then the neighbours not reached), one search per
 *  (source, peer): the reference the one-search-per-source implementation must agree with. */
function reference(g: Record<string, string[]>, self: string) {
  const search = (from: string, stopAt?: string) => {
    const routes = new Map<string, string>([[from, '']]);
    let next = [from];
    while (next.length > 0) {
      const level = [...next].sort();
      next = [];
      for (const cur of level) {
        if (cur === stopAt) return routes;
        for (const n of g[cur] ?? []) {
          if (routes.has(n)) continue;
          next.push(n);
          routes.set(n, cur === from ? n : routes.get(cur)!);
        }
      }
    }
    return routes;
  };
  const reach = search(self);
  const unicast = Object.fromEntries([...reach].filter(([d]) => d !== self));
  const broadcast: Record<string, string[]> = {};
  for (const source of Object.keys(g).sort()) {
    if (!reach.has(source)) continue;
    const reached = search(source, self);
    broadcast[source] = (g[self] ?? []).filter((n) => !reached.has(n));
  }
  return { unicast, broadcast };
}

describe('mesh routes agree with upstream’s algorithm', () => {
  it('on random peer graphs, connected or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), {
              maxLength: 20,
              selector: ([a, b]) => `${a}-${b}`,
            }),
          ),
        ),
        ([n, edges]) => {
          const names = Array.from({ length: n }, (_, i) => `h${i + 1}`);
          const g = peerGraph(
            names,
            edges.filter(([a, b]) => a !== b).map(([a, b]): [string, string] => [names[a]!, names[b]!]),
          );
          for (const self of names) expect(meshRoutes(g, self)).toEqual(reference(g, self));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
