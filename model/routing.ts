/**
 * Weave mesh routes over the peer graph (upstream `mesh/routes.go`, `mesh/peer.go`; weave-upstream.md §3):
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

/** Upstream `Peer.routes`: BFS from `from`, stopping at `stopAt`; the reached set maps peer to first hop. */
function search(g: PeerGraph, from: string, stopAt?: string): Record<string, string> {
  const routes: Record<string, string> = { [from]: '' };
  let next = [from];
  while (next.length > 0) {
    const level = [...next].sort();
    next = [];
    for (const cur of level) {
      if (cur === stopAt) return routes;
      for (const n of g[cur] ?? []) {
        if (n in routes) continue;
        next.push(n);
        routes[n] = cur === from ? n : routes[cur]!;
      }
    }
  }
  return routes;
}

/** The routes peer `self` computes from graph `g`. */
export function meshRoutes(g: PeerGraph, self: string): MeshRoutes {
  const reach = search(g, self);
  const unicast: Record<string, string> = {};
  for (const [dst, hop] of Object.entries(reach)) if (dst !== self) unicast[dst] = hop;
  const broadcast: Record<string, string[]> = {};
  for (const source of Object.keys(g).sort()) {
    if (!(source in reach)) continue;
    const reached = search(g, source, self);
    broadcast[source] = (g[self] ?? []).filter((n) => !(n in reached));
  }
  return { unicast, broadcast };
}
