/**
 * Weave mesh routes over the peer graph (upstream `mesh/routes.go`, `mesh/peer.go`; docs/upstream.md §3):
 * unicast next hops by breadth-first search from this peer, each level sorted by peer name; and, for a
 * broadcast from source S, the neighbours this peer relays to: run the same search from S, stop on
 * reaching this peer, and send to this peer's neighbours that search has not reached. With one shared
 * view of the graph, every peer gets each broadcast exactly once.
 */

/** Adjacency by peer name: only established, symmetric connections. */
export type PeerGraph = Record<string, string[]>;

export interface MeshRoutes {
  /** Destination peer to next hop. */
  unicast: Record<string, string>;
  /** Broadcast source peer to the next hops this peer relays to. */
  broadcast: Record<string, string[]>;
}

export function peerGraph(peers: string[], links: [string, string][]): PeerGraph {
  const g: PeerGraph = Object.fromEntries(peers.map((p) => [p, [] as string[]]));
  for (const [a, b] of links) {
    g[a]?.push(b);
    g[b]?.push(a);
  }
  for (const p of peers) g[p]!.sort();
  return g;
}

/** Upstream `Peer.routes` from `from` to the end: the breadth-first search, each level sorted by name.
 *  Records when each peer was discovered, when its own turn came (the search that `stopAt` = that peer
 *  would have ended there), and the first hop towards it. */
function search(g: PeerGraph, from: string) {
  const discovered = new Map<string, number>([[from, 0]]);
  const turn = new Map<string, number>();
  const firstHop = new Map<string, string>();
  let clock = 1;
  let next = [from];
  while (next.length > 0) {
    const level = [...next].sort();
    next = [];
    for (const cur of level) {
      turn.set(cur, clock);
      for (const n of g[cur] ?? []) {
        if (discovered.has(n)) continue;
        discovered.set(n, clock++);
        next.push(n);
        firstHop.set(n, cur === from ? n : firstHop.get(cur)!);
      }
    }
  }
  return { discovered, turn, firstHop };
}

/** The routes every peer computes from graph `g` (the same view everywhere): one search per source.
 *  Peer X relays source S's broadcasts to its neighbours that S's search had not discovered when X's turn
 *  came, which is upstream's "search from S, stop at X, skip the reached" (`mesh/routes.go:270-299`). */
export function allMeshRoutes(g: PeerGraph): Record<string, MeshRoutes> {
  const peers = Object.keys(g).sort();
  const all: Record<string, MeshRoutes> = Object.fromEntries(
    peers.map((p) => [p, { unicast: {}, broadcast: {} }]),
  );
  for (const source of peers) {
    const { discovered, turn, firstHop } = search(g, source);
    for (const [dst, hop] of firstHop) all[source]!.unicast[dst] = hop;
    for (const [x, at] of turn)
      all[x]!.broadcast[source] = (g[x] ?? []).filter(
        (n) => (discovered.get(n) ?? Number.POSITIVE_INFINITY) >= at,
      );
  }
  return all;
}

/** The routes peer `self` computes from graph `g`. */
export function meshRoutes(g: PeerGraph, self: string): MeshRoutes {
  return allMeshRoutes(g)[self] ?? { unicast: {}, broadcast: {} };
}
