/**
 * A timeline: what happens to the network over virtual time. Pings (as traffic files have always held:
 * an item without `kind` is a ping), containers that start, stop and move, Weave peers that leave and
 * join the mesh, and the connections between peers going down and up (`model/peering.ts`). Items are in
 * time order;
 * ping `n` is the n-th ping of the timeline, and its echo request and reply carry that number.
 *
 * The containers of the topology start at time 0, before anything else at 0. A container is known by its
 * name: it may stop and start again (on the same host or, by `move`, on another), with its IP and MAC or
 * new ones, and an IP or a MAC may pass from one container to another over time; but two running
 * containers never hold the same IP or MAC at one moment.
 */
import { type Cidr, type Ip, inSubnet, isCidr, isGroupMac, isIp, isMac, type Mac } from './addresses.ts';
import {
  type ContainerSpec,
  DEFAULT_ANNOUNCE,
  peerLinks,
  type Topology,
  type TopologyIssue,
} from './topology.ts';

/** The latest virtual time a timeline item may have: one week (ms). Every ageing timer of the model is
 *  minutes at most, so a week leaves room for any pause that matters, and keeps the clock exact. */
export const MAX_TIME_MS = 7 * 24 * 3600 * 1000;

/** A ping: a container sends an echo request to an IP at a virtual time. */
export interface Ping {
  /**
   * Virtual time in milliseconds, at most one week (604800000).
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  /** The sending container, by name. */
  from: string;
  to: Ip;
}

/** A ping, as in a traffic file; `kind` may be left out. */
export interface PingItem extends Ping {
  kind?: 'ping';
}

/** A container sends one ARP packet, as `arping -c 1 -I eth0` does: always broadcast; the kernel that
 *  sends it keeps nothing of it, the others process it as any ARP (`net/ipv4/arp.c`, `arp_process`). */
export interface ArpItem {
  kind: 'arp';
  /**
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  /** The sending container, by name. */
  from: string;
  /** The address asked for (a request) or announced (`unsolicited`, `answer`). */
  to: Ip;
  /** `request` (default): who-has `to`; `unsolicited` (`arping -U`): a request announcing `to`;
   *  `answer` (`arping -A`): a reply announcing `to`. */
  mode?: 'request' | 'unsolicited' | 'answer';
  /** The sender address written into the packet (`arping -s`), any unicast address; default: the
   *  container's own for a request (nothing is sent when `to` is outside its subnet), `to` otherwise.
   *  arping binds its socket to it: an address the container does not hold needs
   *  `net.ipv4.ip_nonlocal_bind=1`, which the kernel harness sets. */
  source?: Ip;
}

/** An administrator sets a static neighbour entry in a running container: `ip neigh replace IP lladdr
 *  MAC dev eth0 nud permanent`. ARP never changes it; the container's next start has a fresh table. */
export interface NeighItem {
  kind: 'neigh';
  /**
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  container: string;
  ip: Ip;
  /** Any unicast MAC: the right one, another container's, or one nobody owns. */
  mac: Mac;
}

/** A container starts: a new one, or a stopped one again (its name, on a host, with an IP and a MAC). */
export interface StartItem {
  kind: 'start';
  /**
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  container: string;
  host: string;
  ip: Ip;
  mac: Mac;
  subnet: Cidr;
  /** Whether it sends a gratuitous ARP when its address comes up, as upstream Weave does for the containers
   *  it attaches (default false: a plain container, `DEFAULT_ANNOUNCE`). */
  announce?: boolean;
}

/** A running container stops: its namespace and veth are removed. */
export interface StopItem {
  kind: 'stop';
  /**
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  container: string;
}

/** A running container stops and starts again on another host, with its IP and MAC unless given. */
export interface MoveItem {
  kind: 'move';
  /**
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  container: string;
  host: string;
  ip?: Ip;
  mac?: Mac;
  announce?: boolean;
}

/** A host's Weave router goes away (`peer-leave`: the process stops, its connections drop) or comes back
 *  (`peer-join`: a fresh process, with none of the state it had). The host, its bridge and its containers
 *  stay. */
export interface PeerItem {
  kind: 'peer-leave' | 'peer-join';
  /**
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  host: string;
}

/** The connection between two peers goes down (the underlay between their hosts loses everything) or comes
 *  back up. */
export interface LinkItem {
  kind: 'link-down' | 'link-up';
  /**
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  /**
   * The two hosts, peers in the topology.
   * @minItems 2
   * @maxItems 2
   */
  peers: [string, string];
}

export type ContainerItem = StartItem | StopItem | MoveItem;
export type MeshItem = PeerItem | LinkItem;
/** What is done inside a running container besides pinging: raw ARP, static neighbour entries. */
export type AdminItem = ArpItem | NeighItem;
export type TimelineItem = PingItem | AdminItem | ContainerItem | MeshItem;
export type Timeline = TimelineItem[];

export const isPing = (i: TimelineItem): i is PingItem => i.kind === undefined || i.kind === 'ping';
export const isMeshItem = (i: TimelineItem): i is MeshItem =>
  i.kind === 'peer-leave' || i.kind === 'peer-join' || i.kind === 'link-down' || i.kind === 'link-up';
export const isAdminItem = (i: TimelineItem): i is AdminItem => i.kind === 'arp' || i.kind === 'neigh';
export const isContainerItem = (i: TimelineItem): i is ContainerItem =>
  i.kind === 'start' || i.kind === 'stop' || i.kind === 'move';
export const isLinkItem = (i: TimelineItem): i is LinkItem => i.kind === 'link-down' || i.kind === 'link-up';

/** The pings of a timeline, in order: ping n is `pings(t)[n - 1]`. */
export function pings(timeline: Timeline): Ping[] {
  return timeline.filter(isPing);
}

/** Where a container is while it runs. */
export interface Placement {
  name: string;
  host: string;
  ip: Ip;
  mac: Mac;
  subnet: Cidr;
  announce: boolean;
}

/** A change of the world: a container starting (with its placement) or stopping, at a time. The starts of
 *  the topology's containers at time 0 are `initial`. */
export type Change =
  | { kind: 'start'; at: number; placement: Placement; initial: boolean }
  | { kind: 'stop'; at: number; placement: Placement };

/** The changes a timeline makes, in order (a move is a stop then a start at the same time). Assumes a
 *  valid timeline (`timelineIssues`). */
export function changesOf(topology: Topology, timeline: Timeline): Change[] {
  const running = new Map<string, Placement>();
  const out: Change[] = [];
  for (const c of topology.containers) {
    const placement = placementOf(c);
    running.set(c.name, placement);
    out.push({ kind: 'start', at: 0, placement, initial: true });
  }
  const last = new Map<string, Placement>(running);
  for (const item of timeline) {
    if (!isContainerItem(item)) continue;
    if (item.kind === 'start') {
      const placement: Placement = {
        name: item.container,
        host: item.host,
        ip: item.ip,
        mac: item.mac,
        subnet: item.subnet,
        announce: item.announce ?? DEFAULT_ANNOUNCE,
      };
      running.set(item.container, placement);
      last.set(item.container, placement);
      out.push({ kind: 'start', at: item.at, placement, initial: false });
    } else if (item.kind === 'stop') {
      const placement = running.get(item.container)!;
      running.delete(item.container);
      out.push({ kind: 'stop', at: item.at, placement });
    } else {
      const old = running.get(item.container)!;
      const placement: Placement = {
        ...old,
        host: item.host,
        ip: item.ip ?? old.ip,
        mac: item.mac ?? old.mac,
        announce: item.announce ?? old.announce,
      };
      out.push({ kind: 'stop', at: item.at, placement: old });
      running.set(item.container, placement);
      last.set(item.container, placement);
      out.push({ kind: 'start', at: item.at, placement, initial: false });
    }
  }
  return out;
}

export function placementOf(c: ContainerSpec): Placement {
  return {
    name: c.name,
    host: c.host,
    ip: c.ip,
    mac: c.mac,
    subnet: c.subnet,
    announce: c.announce ?? DEFAULT_ANNOUNCE,
  };
}

/** Every (host, container) pair a container ever runs on: each needs a component and a bridge port. */
export function containerSlots(topology: Topology, timeline: Timeline): { host: string; name: string }[] {
  const seen = new Set<string>();
  const out: { host: string; name: string }[] = [];
  for (const ch of changesOf(topology, timeline)) {
    const key = `${ch.placement.host}\u0000${ch.placement.name}`;
    if (ch.kind === 'start' && !seen.has(key)) {
      seen.add(key);
      out.push({ host: ch.placement.host, name: ch.placement.name });
    }
  }
  return out;
}

/** The container holding `ip` at time `at` (after every change at `at`), if any. */
export function ownerAt(changes: readonly Change[], ip: Ip, at: number): Placement | undefined {
  let owner: Placement | undefined;
  for (const ch of changes) {
    if (ch.at > at) break;
    if (ch.kind === 'start' && ch.placement.ip === ip) owner = ch.placement;
    else if (ch.kind === 'stop' && owner !== undefined && ch.placement.name === owner.name) owner = undefined;
  }
  return owner;
}

/** Where the container `name` runs at time `at` (after every change at `at`), if it runs. */
export function whereAt(changes: readonly Change[], name: string, at: number): Placement | undefined {
  let where: Placement | undefined;
  for (const ch of changes) {
    if (ch.at > at) break;
    if (ch.placement.name === name) where = ch.kind === 'start' ? ch.placement : undefined;
  }
  return where;
}

/** Every problem of a timeline over `topology`, each with the path of the item (`[7].host`). */
export function timelineIssues(timeline: Timeline, topology: Topology): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const hosts = new Set(topology.hosts.map((h) => h.name));
  const running = new Map<string, { placement: Placement; path: string }>();
  const known = new Set<string>();
  for (const c of topology.containers) {
    running.set(c.name, { placement: placementOf(c), path: 'the topology' });
    known.add(c.name);
  }
  const holder = (what: 'ip' | 'mac', value: string, except?: string) =>
    [...running.values()].find((r) => r.placement[what] === value && r.placement.name !== except);
  const mesh = meshChecker(topology);
  let previous = 0;
  timeline.forEach((item, i) => {
    const p = `[${i}]`;
    const issue = (field: string, message: string) =>
      issues.push({ path: field ? `${p}.${field}` : p, message });
    if (!Number.isInteger(item.at) || item.at < 0 || item.at > MAX_TIME_MS)
      issue(
        'at',
        `not a time in whole milliseconds from 0 to ${MAX_TIME_MS} (one week): ${JSON.stringify(item.at)}`,
      );
    else if (item.at < previous)
      issue('at', `${item.at} is before the item above it (${previous}): items must be in time order`);
    else previous = item.at;
    if (isPing(item)) {
      if (!known.has(item.from)) issue('from', `unknown container ${JSON.stringify(item.from)}`);
      if (!isIp(item.to)) issue('to', `not an IPv4 address: ${JSON.stringify(item.to)}`);
      return;
    }
    if (isMeshItem(item)) {
      mesh(item, p, issue);
      return;
    }
    if (isAdminItem(item)) {
      adminIssues(item, known, issue);
      return;
    }
    const name = item.container;
    const now = running.get(name);
    /** An address another running container holds, or a host (its overlay IP, its underlay address, the
     *  MAC of its side of the bridge), as a topology refuses them too. */
    const taken = (what: 'ip' | 'mac', value: string) => {
      const other = holder(what, value, name);
      const host = topology.hosts.find((h) => (what === 'mac' ? [h.mac] : [h.ip, h.address]).includes(value));
      if (other)
        issue(
          what,
          `${value} is held by the running container ${other.placement.name} (started at ${other.path})`,
        );
      else if (host) issue(what, `${value} is host ${host.name}'s`);
    };
    const checkPlace = (ip: Ip, mac: Mac, subnet: Cidr) => {
      if (!isIp(ip)) issue('ip', `not an IPv4 address: ${JSON.stringify(ip)}`);
      else if (isCidr(subnet) && !inSubnet(ip, subnet)) issue('ip', `${ip} is outside its subnet ${subnet}`);
      else taken('ip', ip);
      if (!isMac(mac) || isGroupMac(mac)) issue('mac', `not a unicast MAC address: ${JSON.stringify(mac)}`);
      else taken('mac', mac);
    };
    if (item.kind === 'start') {
      if (now) issue('container', `${name} is already running (started at ${now.path})`);
      if (!hosts.has(item.host)) issue('host', `unknown host ${JSON.stringify(item.host)}`);
      if (!isCidr(item.subnet)) issue('subnet', `not a CIDR prefix: ${JSON.stringify(item.subnet)}`);
      checkPlace(item.ip, item.mac, item.subnet);
      if (hosts.has(name)) issue('container', `${name} is a host name`);
      known.add(name);
      running.set(name, {
        placement: {
          name,
          host: item.host,
          ip: item.ip,
          mac: item.mac,
          subnet: item.subnet,
          announce: item.announce ?? DEFAULT_ANNOUNCE,
        },
        path: p,
      });
    } else if (item.kind === 'stop') {
      if (!known.has(name)) issue('container', `unknown container ${JSON.stringify(name)}`);
      else if (!now) issue('container', `${name} is not running: it cannot stop`);
      running.delete(name);
    } else {
      if (!known.has(name)) issue('container', `unknown container ${JSON.stringify(name)}`);
      else if (!now) issue('container', `${name} is not running: it cannot move`);
      else if (now.placement.host === item.host)
        issue('host', `${name} is already on ${item.host}: a move goes to another host`);
      if (!hosts.has(item.host)) issue('host', `unknown host ${JSON.stringify(item.host)}`);
      if (now) {
        const placement = {
          ...now.placement,
          host: item.host,
          ip: item.ip ?? now.placement.ip,
          mac: item.mac ?? now.placement.mac,
        };
        checkPlace(placement.ip, placement.mac, placement.subnet);
        running.set(name, { placement, path: p });
      }
    }
  });
  return issues;
}

const ARPING_MODES: readonly string[] = ['request', 'unsolicited', 'answer'];

/** An address ARP can be about: not in 0/8 or 127/8, not multicast (224/4, which `arp_process` drops),
 *  nor above. */
function isUnicastIp(ip: string): boolean {
  if (!isIp(ip)) return false;
  const first = Number(ip.split('.')[0]);
  return first !== 0 && first !== 127 && first < 224;
}

/** An arping or a static neighbour entry: a known container, addresses that are addresses. */
function adminIssues(
  item: AdminItem,
  known: ReadonlySet<string>,
  issue: (field: string, message: string) => void,
): void {
  const field = item.kind === 'arp' ? 'from' : 'container';
  const name = item.kind === 'arp' ? item.from : item.container;
  if (!known.has(name)) issue(field, `unknown container ${JSON.stringify(name)}`);
  if (item.kind === 'neigh') {
    if (!isUnicastIp(item.ip)) issue('ip', `not a unicast IPv4 address: ${JSON.stringify(item.ip)}`);
    if (!isMac(item.mac) || isGroupMac(item.mac))
      issue('mac', `not a unicast MAC address: ${JSON.stringify(item.mac)}`);
    return;
  }
  if (!isUnicastIp(item.to)) issue('to', `not a unicast IPv4 address: ${JSON.stringify(item.to)}`);
  if (item.mode !== undefined && !ARPING_MODES.includes(item.mode))
    issue('mode', `not an arping mode (${ARPING_MODES.join(', ')}): ${JSON.stringify(item.mode)}`);
  if (item.source !== undefined && !isUnicastIp(item.source))
    issue(
      'source',
      `not a unicast IPv4 address (arping -D's 0.0.0.0 is not modelled): ${JSON.stringify(item.source)}`,
    );
}

/** The key of the connection between two peers, whichever way it is named. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Checks peer and link items in order: the hosts exist, a peer leaves only while present and joins only
 *  after leaving, a link is between two peers of the topology and goes down only while up (and up only
 *  while down). */
function meshChecker(topology: Topology) {
  const hosts = new Set(topology.hosts.map((h) => h.name));
  const links = new Set(peerLinks(topology).map(([a, b]) => pairKey(a, b)));
  const left = new Map<string, string>();
  const down = new Map<string, string>();
  return (item: MeshItem, path: string, issue: (field: string, message: string) => void) => {
    if (!isLinkItem(item)) {
      if (!hosts.has(item.host)) return issue('host', `unknown host ${JSON.stringify(item.host)}`);
      const since = left.get(item.host);
      if (item.kind === 'peer-leave') {
        if (since !== undefined) return issue('host', `${item.host} has already left (at ${since})`);
        left.set(item.host, path);
      } else {
        if (since === undefined)
          return issue('host', `${item.host} is in the mesh: only a peer that left can join`);
        left.delete(item.host);
      }
      return;
    }
    const pair = item.peers;
    if (!Array.isArray(pair) || pair.length !== 2) return issue('peers', 'not a pair of hosts');
    let known = true;
    pair.forEach((h, end) => {
      if (!hosts.has(h)) {
        issue(`peers[${end}]`, `unknown host ${JSON.stringify(h)}`);
        known = false;
      }
    });
    if (!known) return;
    if (pair[0] === pair[1]) return issue('peers', 'a host has no connection to itself');
    const key = pairKey(pair[0], pair[1]);
    if (!links.has(key))
      return issue('peers', `${pair[0]} and ${pair[1]} are not peers in the topology (its peers list)`);
    const since = down.get(key);
    if (item.kind === 'link-down') {
      if (since !== undefined)
        return issue('peers', `the link between ${pair[0]} and ${pair[1]} is already down (at ${since})`);
      down.set(key, path);
    } else {
      if (since === undefined)
        return issue(
          'peers',
          `the link between ${pair[0]} and ${pair[1]} is up: only a link that is down can come up`,
        );
      down.delete(key);
    }
  };
}
