/**
 * The Weave mesh over time (docs/dynamics.md, "Peers and links"): which peers are in it and which of
 * their connections are up, as it is and as each peer sees it.
 *
 * - **The truth** is what the timeline's `peer-leave`, `peer-join`, `link-down` and `link-up` items make
 *   it (`model/timeline.ts`); the properties judge by it (`meshAt`).
 * - **A peer's view** lags the truth. A peer hears at once of a change to its own connections (a link of
 *   its own going down or up, a neighbour leaving or joining: the connection drops or is made), and of any
 *   other change `gossipDelayMs` later, as upstream's topology gossip brings it (`mesh/gossip.go`,
 *   `mesh/peers.go`). So views diverge for a while, and so may the routes and broadcast trees each peer
 *   computes from its own (`model/routing.ts`).
 * - A peer that joins has lost everything it knew; it learns the whole graph from the peers it connects
 *   to, as a fresh upstream router does on its first gossip exchange.
 *
 * News carries the version of its change (its place among the timeline's mesh changes), so news that
 * arrives after newer news about the same peer or link changes nothing.
 */
import { type PeerGraph, peerGraph } from './routing.ts';
import { isMeshItem, pairKey, type Timeline } from './timeline.ts';
import { peerLinks, type Topology } from './topology.ts';

export interface PeerChange {
  kind: 'peer-leave' | 'peer-join';
  at: number;
  version: number;
  host: string;
}
export interface LinkChange {
  kind: 'link-down' | 'link-up';
  at: number;
  version: number;
  a: string;
  b: string;
}
export type MeshChange = PeerChange | LinkChange;
export const isPeerChange = (c: MeshChange): c is PeerChange => 'host' in c;

/** The mesh changes of a timeline, in order, numbered from 1. Assumes a valid timeline. */
export function meshChangesOf(timeline: Timeline): MeshChange[] {
  const out: MeshChange[] = [];
  for (const item of timeline) {
    if (!isMeshItem(item)) continue;
    const version = out.length + 1;
    if ('peers' in item)
      out.push({ kind: item.kind, at: item.at, version, a: item.peers[0], b: item.peers[1] });
    else out.push({ kind: item.kind, at: item.at, version, host: item.host });
  }
  return out;
}

/** What a peer knows of the mesh: for each peer (`peer:X`) and link (`link:a|b`) it has heard about,
 *  whether it is out (left, down) and the version of that news. Plain JSON. */
export type MeshView = Record<string, { out: boolean; version: number }>;

function keyOf(c: MeshChange): string {
  return isPeerChange(c) ? `peer:${c.host}` : `link:${pairKey(c.a, c.b)}`;
}

/** The view after hearing of `c` (the same object when the news is old). */
export function hear(view: MeshView, c: MeshChange): MeshView {
  const key = keyOf(c);
  const known = view[key];
  if (known !== undefined && known.version >= c.version) return view;
  return { ...view, [key]: { out: c.kind === 'peer-leave' || c.kind === 'link-down', version: c.version } };
}

/** The peer graph a view gives: the topology's peer links between peers in the mesh, less the links down. */
export function graphOf(topology: Topology, view: MeshView): PeerGraph {
  const present = (h: string) => !view[`peer:${h}`]?.out;
  const hosts = topology.hosts.map((h) => h.name).filter(present);
  const links = peerLinks(topology).filter(
    ([a, b]) => present(a) && present(b) && !view[`link:${pairKey(a, b)}`]?.out,
  );
  return peerGraph(hosts, links);
}

/** The peers `self` reaches in `g`, itself included, sorted; none when it is not in the graph. */
export function reachableFrom(g: PeerGraph, self: string): string[] {
  if (g[self] === undefined) return [];
  const seen = new Set([self]);
  const queue = [self];
  while (queue.length > 0)
    for (const n of g[queue.shift()!] ?? [])
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
  return [...seen].sort();
}

/** The mesh as it is at `at` (after every change at `at`). */
export function meshAt(topology: Topology, changes: readonly MeshChange[], at: number): PeerGraph {
  let view: MeshView = {};
  for (const c of changes) {
    if (c.at > at) break;
    view = hear(view, c);
  }
  return graphOf(topology, view);
}

/** What a host's router hears, and when: the news that changes its view, its own leaving, and its joining
 *  (with the whole graph). `graph` is its view afterwards. */
export interface ViewUpdate {
  at: number;
  host: string;
  kind: 'view' | 'leave' | 'join';
  graph: PeerGraph;
}

/** Every host's view over time (see the file's comment), in the order the updates happen. */
export function viewUpdates(
  topology: Topology,
  changes: readonly MeshChange[],
  gossipDelayMs: number,
): ViewUpdate[] {
  type Delivery = { at: number; seq: number; host: string } & (
    | { kind: 'news'; change: MeshChange }
    | { kind: 'leave' }
    | { kind: 'join'; view: MeshView }
  );
  const deliveries: Delivery[] = [];
  let seq = 0;
  let truth: MeshView = {};
  const hosts = topology.hosts.map((h) => h.name);
  for (const c of changes) {
    const before = graphOf(topology, truth);
    truth = hear(truth, c);
    const after = graphOf(topology, truth);
    let atOnce: string[];
    if (!isPeerChange(c)) atOnce = [c.a, c.b];
    else if (c.kind === 'peer-leave') {
      atOnce = before[c.host] ?? [];
      deliveries.push({ at: c.at, seq: seq++, host: c.host, kind: 'leave' });
    } else {
      atOnce = after[c.host] ?? [];
      deliveries.push({ at: c.at, seq: seq++, host: c.host, kind: 'join', view: truth });
    }
    for (const h of hosts) {
      if (isPeerChange(c) && h === c.host) continue;
      deliveries.push({
        at: atOnce.includes(h) ? c.at : c.at + gossipDelayMs,
        seq: seq++,
        host: h,
        kind: 'news',
        change: c,
      });
    }
  }
  deliveries.sort((x, y) => x.at - y.at || x.seq - y.seq);
  const views = new Map<string, MeshView>(hosts.map((h) => [h, {}]));
  // A router that has left hears nothing until it joins again (and then learns everything afresh).
  const gone = new Set<string>();
  const out: ViewUpdate[] = [];
  for (const d of deliveries) {
    if (d.kind === 'leave') gone.add(d.host);
    else if (d.kind === 'join') gone.delete(d.host);
    else if (gone.has(d.host)) continue;
    const old = views.get(d.host)!;
    const view = d.kind === 'news' ? hear(old, d.change) : d.kind === 'join' ? d.view : old;
    views.set(d.host, view);
    if (d.kind === 'news' && view === old) continue;
    out.push({
      at: d.at,
      host: d.host,
      kind: d.kind === 'news' ? 'view' : d.kind,
      graph: graphOf(topology, view),
    });
  }
  return out;
}
