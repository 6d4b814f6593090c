/**
 * What the timeline schedules (`model/timeline.ts`), as inputs to components at virtual times, in the
 * order they happen:
 * - a ping goes to the container that sends it, wherever it runs then (a stopped one drops it);
 * - a container starting: its bridge port comes up, then the container (its address, its announcement);
 * - a container stopping: the container, then its bridge port goes down (Linux deletes the port's FDB
 *   entries, `br_fdb_delete_by_port`);
 * - the control plane: every router or controller that answers from a directory (the seed's proxy-ARP
 *   router, H1's and H2's controllers) hears of a start or stop on its own host at once, and on other
 *   hosts `GOSSIP_DELAY_MS` later (Weave gossips such changes over the mesh; upstream's own data plane
 *   answers from no directory and learns from traffic alone).
 * - the mesh (`model/peering.ts`): a peer leaving stops its host's router (the Sleeve router or the FDP
 *   controller), a peer joining starts a fresh one, told the peer graph and the directory as they are then;
 *   every other router hears of each change to the peer graph when its view changes, and computes its
 *   routes from its view; a link going down or up cuts or restores the underlay between its two hosts at
 *   once.
 * The topology's containers run from time 0 (their components start running, the directory is wired with
 * them); containers that start later exist from time 0, stopped, so that their component and bridge port
 * are wired.
 */
import { type Directory, type DirectoryNews, initialDirectory, updateDirectory } from '../directory.ts';
import { meshChangesOf, reachableFrom, viewUpdates } from '../peering.ts';
import { meshRoutes } from '../routing.ts';
import {
  changesOf,
  isAdminItem,
  isContainerItem,
  isPing,
  type Placement,
  placementOf,
  type Timeline,
} from '../timeline.ts';
import type { ScheduledInput } from './trace.ts';
import { componentId, type Network, UNDERLAY } from './wiring.ts';

/** How long a start or stop takes to reach the routers and controllers of the other hosts. */
export const GOSSIP_DELAY_MS = 1000;

export interface Scheduled {
  at: number;
  component: string;
  input: ScheduledInput;
}

export function scheduledInputs(network: Network, timeline: Timeline): Scheduled[] {
  const out: Scheduled[] = [];
  const listeners = network.components.filter((c) => c.directory);
  // The timeline's starts take the reachable-time draws after the topology's containers (`draws.ts`).
  let draw = network.topology.containers.length;
  const start = (at: number, p: Placement) => {
    const reachableMs = network.reachable[draw++];
    out.push({ at, component: componentId(p.host, 'bridge'), input: { type: 'port.up', port: p.name } });
    out.push({
      at,
      component: componentId(p.host, p.name),
      input: {
        type: 'container.start',
        ip: p.ip,
        mac: p.mac,
        subnet: p.subnet,
        announce: p.announce,
        ...(reachableMs !== undefined && { reachableMs }),
      },
    });
    tell(at, p, true);
  };
  const stop = (at: number, p: Placement) => {
    out.push({ at, component: componentId(p.host, p.name), input: { type: 'container.stop' } });
    out.push({ at, component: componentId(p.host, 'bridge'), input: { type: 'port.down', port: p.name } });
    tell(at, p, false);
  };
  let version = 0;
  // Every change, as the directory hears of it: what a joining router is told (`directoryAt`).
  const told: { at: number; news: DirectoryNews }[] = [];
  const tell = (at: number, p: Placement, holds: boolean) => {
    version++;
    const news = { ip: p.ip, mac: p.mac, host: p.host, holds, version };
    told.push({ at, news });
    for (const l of listeners)
      out.push({
        at: l.host === p.host ? at : at + GOSSIP_DELAY_MS,
        component: l.id,
        input: { type: 'directory', ...news },
      });
  };
  /** The directory once every change up to `at` has been made: a router joining at `at` is told it by its
   *  peers, and the news of those changes that reaches it afterwards is older than what it knows. */
  const directoryAt = (at: number): Directory => {
    let d = initialDirectory(network.topology.containers);
    for (const t of told) if (t.at <= at) d = updateDirectory(d, t.news);
    return d;
  };
  // Containers that start later exist from time 0, stopped.
  for (const id of network.dormant) out.push({ at: 0, component: id, input: { type: 'container.stop' } });
  const where = new Map<string, Placement>();
  // The topology's containers run from time 0, wired with the directory: nothing to schedule.
  for (const c of network.topology.containers) where.set(c.name, placementOf(c));
  // The changes of the timeline, with each move as a stop then a start (changesOf), walked beside it.
  const changes = changesOf(network.topology, timeline).filter((c) => !(c.kind === 'start' && c.initial));
  let next = 0;
  let ping = 0;
  for (const item of timeline) {
    if (isPing(item)) {
      ping++;
      const p = where.get(item.from)!;
      out.push({
        at: item.at,
        component: componentId(p.host, p.name),
        input: { type: 'ping', dst: item.to, ping },
      });
      continue;
    }
    if (isAdminItem(item)) {
      const p = where.get(item.kind === 'arp' ? item.from : item.container)!;
      out.push({
        at: item.at,
        component: componentId(p.host, p.name),
        input:
          item.kind === 'arp'
            ? {
                type: 'arping',
                mode: item.mode ?? 'request',
                target: item.to,
                ...(item.source !== undefined && { source: item.source }),
              }
            : { type: 'neigh.permanent', ip: item.ip, mac: item.mac },
      });
      continue;
    }
    if (!isContainerItem(item)) {
      if (item.kind === 'link-down' || item.kind === 'link-up') {
        const [a, b] = item.peers;
        out.push({
          at: item.at,
          component: UNDERLAY,
          input: { type: item.kind === 'link-down' ? 'link.down' : 'link.up', a, b },
        });
      }
      continue;
    }
    const steps = item.kind === 'move' ? 2 : 1;
    for (let k = 0; k < steps; k++) {
      const ch = changes[next++]!;
      if (ch.kind === 'stop') stop(ch.at, ch.placement);
      else {
        start(ch.at, ch.placement);
        where.set(ch.placement.name, ch.placement);
      }
    }
  }
  const routers = new Map(network.components.filter((c) => c.peer).map((c) => [c.host!, c.id]));
  for (const u of viewUpdates(network.topology, meshChangesOf(timeline), GOSSIP_DELAY_MS)) {
    const component = routers.get(u.host);
    if (component === undefined) continue;
    const view = { routes: meshRoutes(u.graph, u.host), reachable: reachableFrom(u.graph, u.host) };
    const input: ScheduledInput =
      u.kind === 'leave'
        ? { type: 'peer.leave' }
        : u.kind === 'join'
          ? { type: 'peer.join', ...view, directory: directoryAt(u.at) }
          : { type: 'mesh', ...view };
    out.push({ at: u.at, component, input });
  }
  return out;
}
