/**
 * A case the user gives (`weave-spec conform --topology T --traffic F`), or one a disagreement was written
 * as (`--out`): a topology and a timeline in the files' own formats (docs/files.md), run once in the model
 * and in the kernel. The harness builds only what it can build safely and compare exactly; anything else
 * is refused with the field named.
 */
import { inSubnet, ipToInt } from '../model/addresses.ts';
import { isMeshItem, isPing, type Timeline } from '../model/timeline.ts';
import { hostSubnet, type Topology, type TopologyIssue } from '../model/topology.ts';
import { PING_GAP, timingIssues } from './timing.ts';

/** Every address the harness configures is in 198.18.0.0/15 (RFC 2544's benchmarking range). */
const SAFE = { base: ipToInt('198.18.0.0'), size: 2 ** 17 };
const safe = (ip: string) => {
  const n = ipToInt(ip);
  return n >= SAFE.base && n < SAFE.base + SAFE.size;
};
/** Interface names are at most 15 characters: `ul-<host>` and `v-<container>` must fit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** What the harness cannot build or compare in a valid topology and timeline, each with its field. */
export function harnessIssues(topology: Topology, traffic: Timeline): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (topology.peers) issue('topology.peers', 'the Linux-native layout has no peer graph: leave out "peers"');
  if (topology.segments) issue('topology.segments', 'the harness builds no external Ethernet segment');
  /** An address in the harness's range, or an issue at `path`. */
  const inRange = (path: string, ip: string): boolean => {
    if (!safe(ip)) issue(path, `${ip} is outside 198.18.0.0/15, the only range the harness uses`);
    return safe(ip);
  };
  /** A name that fits in an interface name behind `prefix` (15 characters at most). */
  const fits = (path: string, name: string, prefix: string) => {
    const max = 15 - prefix.length;
    if (!NAME.test(name) || name.length > max)
      issue(
        path,
        `${JSON.stringify(name)}: letters, digits, "_.-", at most ${max} (${prefix}<name> is an interface)`,
      );
  };
  const net24 = (ip: string) => ip.split('.').slice(0, 3).join('.');
  topology.hosts.forEach((h, i) => {
    const at = `topology.hosts[${i}]`;
    fits(`${at}.name`, h.name, 'ul-');
    if (inRange(`${at}.address`, h.address) && net24(h.address) !== net24(topology.hosts[0]!.address))
      issue(
        `${at}.address`,
        `${h.address}: the harness puts every host's underlay in one /24 (${net24(topology.hosts[0]!.address)}.0/24)`,
      );
    // The overlay IP goes on ethbr, with the route to its subnet: that subnet must leave the underlay alone.
    const subnet = hostSubnet(topology, h);
    if (h.ip !== undefined && subnet !== undefined && inRange(`${at}.ip`, h.ip)) {
      const clash = topology.hosts.find((o) => inSubnet(o.address, subnet));
      if (clash) issue(`${at}.subnet`, `${subnet} holds ${clash.name}'s underlay address ${clash.address}`);
    }
  });
  topology.containers.forEach((c, i) => {
    const at = `topology.containers[${i}]`;
    fits(`${at}.name`, c.name, 'v-');
    inRange(`${at}.ip`, c.ip);
  });
  const underlay = new Set(topology.hosts.map((h) => h.address));
  /** An overlay address an item names: in the harness's range; not a host's underlay address (Linux
   *  ignores ARP for it on ethbr with arp_ignore=1 without even updating the sender's entry, which the
   *  model's host kernel does not model; a ping to it goes nowhere, no route). */
  const overlay = (path: string, ip: string) => {
    if (inRange(path, ip) && underlay.has(ip))
      issue(path, `${ip} is a host's underlay address: ARP for it is not modelled`);
  };
  let previous: number | undefined;
  traffic.forEach((item, i) => {
    if (isPing(item)) inRange(`traffic[${i}].to`, item.to);
    if (item.kind === 'arp') {
      overlay(`traffic[${i}].to`, item.to);
      if (item.source !== undefined) overlay(`traffic[${i}].source`, item.source);
    }
    if (item.kind === 'neigh') inRange(`traffic[${i}].ip`, item.ip);
    // A container that starts gets a namespace and a veth `v-<name>` on its host.
    if (item.kind === 'start') fits(`traffic[${i}].container`, item.container, 'v-');
    if ((item.kind === 'start' || item.kind === 'move') && item.ip !== undefined)
      inRange(`traffic[${i}].ip`, item.ip);
    if (isMeshItem(item))
      issue(
        `traffic[${i}].kind`,
        `the Linux-native layout has no Weave peers or connections: no ${item.kind} (pings, arp, neigh, start, stop and move only)`,
      );
    if (previous !== undefined && item.at - previous < PING_GAP)
      issue(
        `traffic[${i}].at`,
        `${item.at - previous} ms after the item above: the harness runs the items one after another, and the model gives each ${PING_GAP} ms`,
      );
    previous = item.at;
  });
  issues.push(...timingIssues(topology, traffic));
  return issues;
}

/** The files a disagreement under `config` is written as, in `dir`. */
export function caseFiles(dir: string, config: string): { topology: string; traffic: string } {
  const stem = `${dir}/${config.replaceAll('/', '-')}`;
  return { topology: `${stem}.topology.json`, traffic: `${stem}.traffic.json` };
}

/** The command that runs a written case again. */
export function replayCommand(files: { topology: string; traffic: string }, config: string): string {
  return `weave-spec conform --topology ${files.topology} --traffic ${files.traffic} --config ${config}`;
}
