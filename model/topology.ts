/**
 * A topology: hosts (each with its underlay address, the MAC of the host kernel's side of its bridge, and
 * optionally an overlay IP),
 * containers (each on a host, with MAC, IP and overlay subnet), and the peer connections between hosts
 * (a full mesh when not given). `validateTopology` names the bad field, JSON-path style.
 */
import {
  broadcastOf,
  type Cidr,
  FAKE_MAC_PREFIX,
  type Ip,
  inSubnet,
  isCidr,
  isGroupMac,
  isIp,
  isMac,
  type Mac,
  networkOf,
  prefixLength,
  TEST_RANGE,
} from './addresses.ts';

export interface HostSpec {
  name: string;
  /** The host's underlay address: where Sleeve datagrams and VXLAN packets are sent. */
  address: Ip;
  /** MAC of the host kernel's side of the bridge: the bridge device (ethbr itself in the Linux-native
   *  layout). */
  mac: Mac;
  /** The host kernel's own IP on the overlay (`weave expose`), if any: the only ARP it answers, and the
   *  address it answers pings on. */
  ip?: Ip;
  /** The prefix `weave expose` gives `ip` (`weave expose 198.18.1.200/24`): the overlay subnet the host
   *  reaches on-link, to answer. Default: the subnet of the first container whose subnet holds `ip`, or
   *  `ip`/32 (then the host answers ARP, but routes no answer back onto the overlay). */
  subnet?: Cidr;
}

/** The subnet a host's overlay IP is on (`HostSpec.subnet`), or undefined without one. */
export function hostSubnet(topology: Topology, host: HostSpec): Cidr | undefined {
  if (host.ip === undefined) return undefined;
  const ip = host.ip;
  return host.subnet ?? topology.containers.find((c) => inSubnet(ip, c.subnet))?.subnet ?? `${ip}/32`;
}

export interface ContainerSpec {
  name: string;
  host: string;
  mac: Mac;
  ip: Ip;
  /** The overlay subnet of `ip`; the container reaches this subnet directly, nothing else. */
  subnet: Cidr;
  /** Whether it sends a gratuitous ARP when it starts at time 0, as upstream Weave does for the containers
   *  it attaches (default false: a plain container, which sends nothing until its first packet). */
  announce?: boolean;
}

/** A container announces itself at start only when asked: Linux sends no gratuitous ARP when an address
 *  is added; upstream Weave does for the containers it attaches (`net/veth.go`), so the generators and the
 *  seed's topologies ask for it. */
export const DEFAULT_ANNOUNCE = false;

export interface Topology {
  hosts: HostSpec[];
  containers: ContainerSpec[];
  /** Peer connections between hosts, by name; a full mesh when absent. */
  peers?: [string, string][];
  /** Ethernet segments outside Weave, each joining two hosts' bridges (a physical network bridged into
   *  both): a second layer-2 path beside the overlay. Weave's bridge runs no spanning tree. */
  segments?: [string, string][];
  /** Ageing and neighbour timers shortened for this network (each at most its default). */
  timers?: Timers;
}

/**
 * The timers that matter when the world changes, each of which a topology may shorten (never lengthen:
 * the defaults are the real ones, and the properties' budgets are derived from them). Milliseconds.
 */
export interface Timers {
  /**
   * Linux bridge FDB ageing (`ageing_time`), default 300 s.
   * @TJS-type integer
   */
  bridgeAgeingMs?: number;
  /**
   * Linux vxlan FDB ageing (`ageing`), default 300 s.
   * @TJS-type integer
   */
  vxlanAgeingMs?: number;
  /**
   * The Weave router's MAC cache (`macMaxAge`, router/network_router.go), default 10 min.
   * @TJS-type integer
   */
  macCacheMs?: number;
  /**
   * Upstream fastdp's idle flow expiry (router/fastdp.go), default 5 min.
   * @TJS-type integer
   */
  flowIdleMs?: number;
  /**
   * A container's neighbour `base_reachable_time`, default 5 s (Weave's).
   * @TJS-type integer
   */
  reachableMs?: number;
  /**
   * A container's neighbour `delay_first_probe_time`, default 2 s (Weave's).
   * @TJS-type integer
   */
  delayFirstProbeMs?: number;
  /**
   * A container's neighbour `retrans_time`, default 1 s.
   * @TJS-type integer
   */
  retransMs?: number;
}

/** Each timer's default: what a topology's `timers` may shorten. */
export const TIMER_DEFAULTS: Readonly<Required<Timers>> = {
  bridgeAgeingMs: 300_000,
  vxlanAgeingMs: 300_000,
  macCacheMs: 600_000,
  flowIdleMs: 300_000,
  reachableMs: 5_000,
  delayFirstProbeMs: 2_000,
  retransMs: 1_000,
};

/** The bridge port of segment `i` (`Topology.segments`), on both of its hosts' bridges. */
export function segmentPort(i: number): string {
  return `segment${i}`;
}
const SEGMENT_PORT = /^segment\d+$/;

/** A host's own components and bridge ports (`model/network/wiring.ts`): component ids are
 *  `<host>/<name>` and a container's bridge port is its name, so no container may take one of these. */
export const RESERVED_NAMES: readonly string[] = [
  'bridge',
  'ethbr',
  'local',
  'router',
  'datapath',
  'controller',
  'vtep',
  'vxlan',
  'loopA',
  'loopB',
];
/** The underlay is a component of its own, with one port per host. */
export const UNDERLAY_NAME = 'underlay';

export interface TopologyIssue {
  path: string;
  message: string;
}

export class TopologyError extends Error {
  constructor(readonly issues: TopologyIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  }
}

/** Every issue in the topology, in field order; empty when it is valid. */
export function topologyIssues(t: Topology): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const macs = new Map<string, string>();
  const ips = new Map<string, string>();
  const hostNames = new Map<string, string>();
  const containerNames = new Map<string, string>();
  const unique = (seen: Map<string, string>, key: string, path: string, what: string) => {
    const first = seen.get(key);
    if (first !== undefined) issues.push({ path, message: `duplicate ${what} ${key}, first at ${first}` });
    else seen.set(key, path);
  };
  const checkMac = (mac: string, path: string) => {
    if (!isMac(mac))
      issues.push({ path, message: `not a MAC address (aa:bb:cc:dd:ee:ff): ${JSON.stringify(mac)}` });
    else if (isGroupMac(mac)) issues.push({ path, message: `${mac} is a group (multicast) MAC` });
    else if (mac.startsWith(FAKE_MAC_PREFIX))
      issues.push({ path, message: `${mac}: the prefix ${FAKE_MAC_PREFIX} is reserved for H2's fake MACs` });
    else unique(macs, mac, path, 'MAC');
  };
  const checkName = (name: string, path: string) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
      issues.push({ path, message: `${JSON.stringify(name)}: a name is letters, digits, '.', '_' and '-'` });
  };
  const checkIp = (ip: string, path: string) => {
    if (!isIp(ip)) issues.push({ path, message: `not an IPv4 address: ${JSON.stringify(ip)}` });
    else if (!inSubnet(ip, TEST_RANGE)) issues.push({ path, message: `${ip} is outside ${TEST_RANGE}` });
    else unique(ips, ip, path, 'IP');
  };

  /** `${p}.subnet` is a prefix inside the test range, and `${p}.ip` an address of it. */
  const checkSubnet = (ip: string, subnet: string, p: string) => {
    if (!isCidr(subnet))
      issues.push({ path: `${p}.subnet`, message: `not a CIDR prefix: ${JSON.stringify(subnet)}` });
    else if (subnet.split('/')[0] !== networkOf(subnet))
      issues.push({
        path: `${p}.subnet`,
        message: `${subnet} is not a prefix: its network address is ${networkOf(subnet)}/${prefixLength(subnet)}`,
      });
    else if (prefixLength(subnet) < prefixLength(TEST_RANGE) || !inSubnet(networkOf(subnet), TEST_RANGE))
      issues.push({ path: `${p}.subnet`, message: `${subnet} is not inside ${TEST_RANGE}` });
    else if (isIp(ip) && !inSubnet(ip, subnet))
      issues.push({ path: `${p}.ip`, message: `${ip} is outside its subnet ${subnet}` });
    else if (isIp(ip) && prefixLength(subnet) <= 30) {
      // A /31 or /32 has no network or broadcast address (RFC 3021); any shorter prefix has both.
      if (ip === networkOf(subnet))
        issues.push({ path: `${p}.ip`, message: `${ip} is the network address of ${subnet}` });
      else if (ip === broadcastOf(subnet))
        issues.push({ path: `${p}.ip`, message: `${ip} is the broadcast address of ${subnet}` });
    }
  };

  if (!Array.isArray(t.hosts) || t.hosts.length === 0)
    issues.push({ path: 'hosts', message: 'needs at least one host' });
  if (!Array.isArray(t.containers) || t.containers.length === 0)
    issues.push({
      path: 'containers',
      message: 'needs at least one container: nothing would send or receive',
    });
  (t.hosts ?? []).forEach((h, i) => {
    const p = `hosts[${i}]`;
    checkName(h.name, `${p}.name`);
    if (h.name === UNDERLAY_NAME)
      issues.push({ path: `${p}.name`, message: `"${UNDERLAY_NAME}" is the underlay's own name` });
    unique(hostNames, h.name, `${p}.name`, 'host name');
    checkIp(h.address, `${p}.address`);
    checkMac(h.mac, `${p}.mac`);
    if (h.ip !== undefined) checkIp(h.ip, `${p}.ip`);
    if (h.subnet !== undefined && h.ip === undefined)
      issues.push({ path: `${p}.subnet`, message: 'a subnet needs the overlay IP (ip) it belongs to' });
    else if (h.subnet !== undefined && h.ip !== undefined) checkSubnet(h.ip, h.subnet, p);
  });
  (t.containers ?? []).forEach((c, i) => {
    const p = `containers[${i}]`;
    checkName(c.name, `${p}.name`);
    if (RESERVED_NAMES.includes(c.name) || SEGMENT_PORT.test(c.name))
      issues.push({ path: `${p}.name`, message: `"${c.name}" names a host's own component or bridge port` });
    unique(containerNames, c.name, `${p}.name`, 'container name');
    if (hostNames.has(c.name)) issues.push({ path: `${p}.name`, message: `${c.name} is also a host name` });
    if (!hostNames.has(c.host))
      issues.push({ path: `${p}.host`, message: `unknown host ${JSON.stringify(c.host)}` });
    checkMac(c.mac, `${p}.mac`);
    checkIp(c.ip, `${p}.ip`);
    checkSubnet(c.ip, c.subnet, p);
  });
  const links = new Map<string, number>();
  (t.peers ?? []).forEach((pair, i) => {
    const key = [...pair].sort().join(' - ');
    const first = links.get(key);
    if (first !== undefined)
      issues.push({ path: `peers[${i}]`, message: `duplicate peer link ${key}, first at peers[${first}]` });
    else links.set(key, i);
    pair.forEach((name, end) => {
      if (!hostNames.has(name))
        issues.push({ path: `peers[${i}][${end}]`, message: `unknown host ${JSON.stringify(name)}` });
    });
    if (pair[0] === pair[1]) issues.push({ path: `peers[${i}]`, message: 'a host cannot peer with itself' });
  });
  const segments = new Map<string, number>();
  (t.segments ?? []).forEach((pair, i) => {
    const key = [...pair].sort().join(' - ');
    const first = segments.get(key);
    if (first !== undefined)
      issues.push({
        path: `segments[${i}]`,
        message: `duplicate segment ${key}, first at segments[${first}]`,
      });
    else segments.set(key, i);
    pair.forEach((name, end) => {
      if (!hostNames.has(name))
        issues.push({ path: `segments[${i}][${end}]`, message: `unknown host ${JSON.stringify(name)}` });
    });
    if (pair[0] === pair[1])
      issues.push({ path: `segments[${i}]`, message: 'a segment joins two hosts, not a host to itself' });
  });
  for (const [name, value] of Object.entries(t.timers ?? {})) {
    const max = TIMER_DEFAULTS[name as keyof Timers];
    if (max === undefined)
      issues.push({
        path: `timers.${name}`,
        message: `unknown timer; valid: ${Object.keys(TIMER_DEFAULTS).join(', ')}`,
      });
    else if (!Number.isInteger(value) || value < 1 || value > max)
      issues.push({
        path: `timers.${name}`,
        message: `${JSON.stringify(value)} does not shorten the default: a whole number of milliseconds from 1 to ${max}`,
      });
  }
  if (issues.length === 0 && t.peers !== undefined) {
    const groups = peerGroups(t);
    if (groups.length > 1)
      issues.push({
        path: 'peers',
        message: `the peer graph is not connected: no peer link joins ${listed(groups.map((g) => `{${g.join(', ')}}`))}`,
      });
  }
  return issues;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The hosts in groups that reach each other over peer links (connected components), in host order. */
export function peerGroups(t: Topology): string[][] {
  const group = new Map<string, number>();
  const links = peerLinks(t);
  const groups: string[][] = [];
  for (const h of t.hosts) {
    if (group.has(h.name)) continue;
    const members: string[] = [];
    const todo = [h.name];
    group.set(h.name, groups.length);
    while (todo.length > 0) {
      const at = todo.pop()!;
      members.push(at);
      for (const [a, b] of links) {
        const other = a === at ? b : b === at ? a : undefined;
        if (other !== undefined && !group.has(other)) {
          group.set(other, groups.length);
          todo.push(other);
        }
      }
    }
    const order = new Map(t.hosts.map((x, i) => [x.name, i]));
    groups.push(members.sort((a, b) => order.get(a)! - order.get(b)!));
  }
  return groups;
}

export function validateTopology(t: Topology): Topology {
  const issues = topologyIssues(t);
  if (issues.length > 0) throw new TopologyError(issues);
  return t;
}

/** The peer connections, a full mesh when none are given; each pair sorted, the list sorted. */
export function peerLinks(t: Topology): [string, string][] {
  const names = t.hosts.map((h) => h.name);
  const pairs: [string, string][] =
    t.peers ?? names.flatMap((a, i) => names.slice(i + 1).map((b): [string, string] => [a, b]));
  const sorted = pairs.map(([a, b]): [string, string] => (a < b ? [a, b] : [b, a]));
  const keys = [...new Set(sorted.map((p) => p.join('\u0000')))].sort();
  return keys.map((k) => k.split('\u0000') as [string, string]);
}

export function containersOn(t: Topology, host: string): ContainerSpec[] {
  return t.containers.filter((c) => c.host === host);
}
