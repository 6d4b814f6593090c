/**
 * The kernel harness: builds a conformance case out of real Linux bridges, veths and vxlan devices in
 * network namespaces, runs the pings, reads the observables as JSON, and always tears down.
 *
 * Layout (docs/kernel.md, section 2), per run prefix P (`wsc-<pid>-<n>-`):
 * - `Pul`: the underlay switch `ubr` (STP off, multicast snooping off), a veth `ul-hN` per host with a
 *   static FDB entry to the host's MAC (no unknown-unicast flooding).
 * - `PhN`: `eth0` 198.19.0.N/24 with static neighbours to every other host; bridge `weave`; `ethbr`, a
 *   veth whose peer `vethbr` is a bridge port; `v-<container>` per container; `vxlan0` (VNI 42, port
 *   4789, local 198.19.0.N, per-variant destinations), a port of `weave`.
 * - `P<container>`: `eth0` with the container's MAC and IP, `lo` up.
 * The quieting knobs (section 4 of the probe, docs/conformance.md) are applied before any traffic, and the
 * timers the case shortens are set through the kernel's own: the bridge's `ageing_time`, the vxlan
 * device's `ageing`, `base_reachable_time_ms` on every eth0 and ethbr (`timing.ts`).
 * Every command runs under `timeout`; every address is in 198.18.0.0/15; nothing touches the root netns
 * except creating and deleting the namespaces.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Ip } from '../model/addresses.ts';
import type { LinuxConfig } from '../model/config.ts';
import { LINUX_VNI, ringNext, VTEP_GROUP } from '../model/network/wiring.ts';
import {
  type ArpItem,
  type Change,
  changesOf,
  isContainerItem,
  isPing,
  type NeighItem,
  type Placement,
  placementOf,
  type TimelineItem,
} from '../model/timeline.ts';
import { hostSubnet, type Topology } from '../model/topology.ts';
import type { Case } from './case.ts';
import { containerNames, type Outcome, type Phase } from './outcome.ts';
import { pausesAfter, QUIET_NEIGH, runLimitMs, SLACK_MS, settleMs } from './timing.ts';

/** Every namespace this harness creates starts with this, then the creating process's pid. */
export const FAMILY = 'wsc-';
const hex = (n: number) => n.toString(16).padStart(2, '0');

export class CommandError extends Error {}

/** A case the kernel ran too slowly, or under a timer drawn again meanwhile, to compare: run it again. */
export class TimingMiss extends CommandError {}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command under `timeout` (SIGTERM, then SIGKILL a second later); never throws. */
export function sh(args: readonly string[], timeoutMs = 5000): Result {
  const secs = (timeoutMs / 1000).toFixed(2);
  const r = spawnSync('timeout', ['-k', '1', secs, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs + 3000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Run a command that must succeed. */
export function must(args: readonly string[], timeoutMs = 5000): string {
  const r = sh(args, timeoutMs);
  if (r.code !== 0) throw new CommandError(`${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Why the kernel harness cannot run here, or null when it can. */
export function unavailableReason(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)';
  for (const tool of ['ip', 'bridge', 'ping', 'arping', 'timeout']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    if (r.status !== 0)
      return `${tool} is not installed (apt-get install -y --no-install-recommends iproute2 iputils-ping iputils-arping)`;
  }
  const probe = `${FAMILY}${process.pid}-probe`;
  const r = sh(['ip', 'netns', 'add', probe]);
  if (r.code !== 0) return `cannot create a network namespace: ${r.stderr.trim()}`;
  const v = sh(['ip', '-n', probe, 'link', 'add', 'vx', 'type', 'vxlan', 'id', '1', 'dstport', '4789']);
  const b = sh(['ip', '-n', probe, 'link', 'add', 'wbr', 'type', 'bridge']);
  sh(['ip', 'netns', 'del', probe]);
  if (v.code !== 0) return `no vxlan support: ${v.stderr.trim()}`;
  if (b.code !== 0) return `no bridge support: ${b.stderr.trim()}`;
  return null;
}

export function listNamespaces(): string[] {
  const r = sh(['ip', 'netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.length > 0);
}

/** Is `pid` a running process? A zombie (exited, not yet reaped: a killed run whose parent is gone too
 *  waits for init to reap it) is not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) state ...", comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Kill every process inside a namespace, then delete it. */
function deleteNamespace(ns: string): void {
  for (const pid of sh(['ip', 'netns', 'pids', ns]).stdout.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  sh(['ip', 'netns', 'del', ns]);
}

/** Delete the namespaces of runs whose process is gone (a crashed or killed run); returns their names. */
export function sweepStale(): string[] {
  const stale = listNamespaces().filter((ns) => {
    const m = /^wsc-(\d+)-/.exec(ns);
    return m !== null && !isRunning(Number(m[1]));
  });
  for (const ns of stale) deleteNamespace(ns);
  return stale;
}

/** Processes (other than ourselves) whose command line names a namespace of `prefix`. */
export function processesNaming(prefix: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\u0000', ' ');
      if (cmd.includes(prefix) && !cmd.includes('processesNaming')) out.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

let runSeq = 0;

export interface KernelOptions {
  /** The containers' neighbour locktime instead of the quiet 0 (`QUIET_NEIGH`), in ms. */
  locktimeMs?: number;
  /** Mutant topology: on this host a veth whose two ends are both ports of `weave` (a loop), rate-limited. */
  bridgeLoop?: string;
  /** Print each command (debugging). */
  verbose?: boolean;
}

/** One case's namespaces, built, driven and read. Always call `teardown` (use `withKernel`). */
export class KernelCase {
  readonly prefix: string;
  readonly namespaces: string[] = [];
  /** The containers running now, by name (the topology's at first). */
  private readonly running = new Map<string, Placement>();

  constructor(
    readonly c: Case,
    readonly config: LinuxConfig,
    readonly options: KernelOptions = {},
  ) {
    this.prefix = `${FAMILY}${process.pid}-${runSeq++}-`;
  }

  ns(name: string): string {
    return `${this.prefix}${name}`;
  }

  private x(args: readonly string[], timeoutMs = 5000): string {
    if (this.options.verbose) console.log(`  $ ${args.join(' ')}`);
    return must(args, timeoutMs);
  }

  /** Run one command line (no argument has a space in it), as the probe's shell scripts wrote them. */
  private $(line: string): string {
    return this.x(line.trim().split(/\s+/));
  }

  private addNs(name: string): string {
    const ns = this.ns(name);
    this.$(`ip netns add ${ns}`);
    this.namespaces.push(ns);
    // Noise 1 and 2: no IPv6 (DAD, RS, MLD); no IGMP reports for link-local groups (the bridge's MRD join).
    // And the IPv4 settings the model assumes, whatever the root namespace has (a new namespace copies its
    // `all` and `default` ones, devconf_inherit_init_net): no forwarding, no ARP entries made from
    // gratuitous ARP or replies, no announcement when an interface comes up, every local address answered
    // on any interface (the hosts narrow that below), no reverse-path filter.
    const v4 = (k: string, v: number) => `net.ipv4.conf.all.${k}=${v} net.ipv4.conf.default.${k}=${v}`;
    this.$(`ip netns exec ${ns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
      net.ipv4.igmp_link_local_mcast_reports=0 ${v4('forwarding', 0)} ${v4('arp_accept', 0)}
      ${v4('arp_notify', 0)} ${v4('arp_ignore', 0)} ${v4('arp_announce', 0)} ${v4('arp_filter', 0)}
      ${v4('rp_filter', 0)}`);
    return ns;
  }

  build(): void {
    const { topology } = this.c;
    const ul = this.addNs('ul');
    this.$(`ip -n ${ul} link add ubr type bridge stp_state 0 mcast_snooping 0`);
    this.$(`ip -n ${ul} link set ubr up`);
    for (const [i, h] of topology.hosts.entries()) this.buildHost(topology, h.name, i + 1, ul);
    // Noise 5: the multicast join is repeated within the (shortened) report interval; let it pass.
    sleep(this.config.vtep === 'multicast' ? 250 : 30);
  }

  private buildHost(topology: Topology, name: string, n: number, ul: string): void {
    const host = topology.hosts[n - 1]!;
    const h = this.addNs(name);
    const ip = (line: string) => this.$(`ip -n ${h} ${line}`);
    const eth0Mac = (i: number) => `02:aa:00:00:00:${hex(i)}`;
    // Underlay: a veth to the switch, a static FDB entry for it there (noise 3), static neighbours.
    this.$(`ip -n ${ul} link add ul-${name} address 02:ab:00:00:00:${hex(n)} type veth
      peer name eth0 address ${eth0Mac(n)} netns ${h}`);
    this.$(`ip -n ${ul} link set ul-${name} master ubr up`);
    this.$(`bridge -n ${ul} fdb replace ${eth0Mac(n)} dev ul-${name} master static`);
    this.$(`ip netns exec ${h} sysctl -qw net.ipv4.conf.eth0.igmpv3_unsolicited_report_interval=10`);
    ip(`addr add ${host.address}/24 dev eth0`);
    ip('link set eth0 up');
    for (const [j, o] of topology.hosts.entries())
      if (o.name !== name) ip(`neigh replace ${o.address} lladdr ${eth0Mac(j + 1)} dev eth0 nud permanent`);
    // In a looped topology, the underlay is rate-limited too.
    if (this.options.bridgeLoop === name)
      this.$(`tc -n ${h} qdisc add dev eth0 root tbf rate 1mbit burst 4kb latency 50ms`);

    // The bridge, and ethbr: a veth whose peer is a bridge port (the probe's ETHBR_MODE=veth), with the
    // host's overlay IP if it has one. arp_ignore=1: only ethbr answers for it (docs/kernel.md, 5.3), and
    // nothing answers ARP for the underlay address on the overlay. ethbr's neighbour settings are the
    // containers' quiet ones (Weave sets its own on the bridge, and so does the model).
    const ageing = this.c.topology.timers?.bridgeAgeingMs;
    const bridgeAgeing = ageing === undefined ? '' : ` ageing_time ${ageing / 10}`;
    ip(
      `link add weave address 02:b1:00:00:00:${hex(n)} type bridge stp_state 0 mcast_snooping 0${bridgeAgeing}`,
    );
    ip('link set weave up');
    ip(`link add ethbr address ${host.mac} type veth peer name vethbr address 02:bf:00:00:00:${hex(n)}`);
    ip('link set vethbr master weave up');
    this.quietNeighbours(h, 'ethbr', 'net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.ethbr.arp_ignore=1');
    const subnet = hostSubnet(topology, host);
    if (host.ip !== undefined && subnet !== undefined)
      ip(`addr add ${host.ip}/${subnet.split('/')[1]} dev ethbr`);
    ip('link set ethbr up');

    for (const c of topology.containers.filter((x) => x.host === name)) {
      this.plugIn(placementOf(c));
      this.running.set(c.name, placementOf(c));
    }

    // The vxlan device and its default destinations (all-zero-MAC FDB entries).
    const others = topology.hosts.filter((o) => o.name !== name).map((o) => o.address);
    let vx = `link add vxlan0 address 02:5e:00:00:00:${hex(n)} type vxlan id ${LINUX_VNI} dstport 4789 local ${host.address}`;
    let appends: Ip[] = [];
    switch (this.config.vtep) {
      case 'multicast':
        vx += ` group ${VTEP_GROUP} dev eth0`;
        break;
      case 'remote':
        vx += ` remote ${ringNext(topology, name).address}`;
        break;
      case 'unicast':
        // "A list given at creation": Linux takes one `remote`, the rest can only be appended.
        vx += ` remote ${others[0]}`;
        appends = others.slice(1);
        break;
      case 'zero-mac':
        appends = others;
        break;
    }
    const vxlanAgeing = this.c.topology.timers?.vxlanAgeingMs;
    if (vxlanAgeing !== undefined) vx += ` ageing ${vxlanAgeing / 1000}`;
    ip(`${vx}${this.config.learning ? '' : ' nolearning'}`);
    for (const dst of appends)
      this.$(`bridge -n ${h} fdb append 00:00:00:00:00:00 dev vxlan0 dst ${dst} self permanent`);
    ip('link set vxlan0 master weave up');

    if (this.options.bridgeLoop === name) {
      // Mutant topology: a veth with both ends on the bridge, rate-limited both ways.
      ip('link add loopA address 02:ee:00:00:00:0a type veth peer name loopB address 02:ee:00:00:00:0b');
      for (const dev of ['loopA', 'loopB']) {
        this.$(`tc -n ${h} qdisc add dev ${dev} root tbf rate 100kbit burst 1600 latency 50ms`);
        ip(`link set ${dev} master weave up`);
      }
    }
  }

  /** A container starts on its host: a namespace of its own, a veth `eth0` there whose peer `v-<name>` is a
   *  port of the host's bridge, its address, and nothing sent (an announcement is the caller's). */
  private plugIn(p: Placement): void {
    const h = this.ns(p.host);
    const cns = this.addNs(p.name);
    this.$(
      `ip -n ${h} link add v-${p.name} address 02:cf${p.mac.slice(5)} type veth peer name eth0 address ${p.mac} netns ${cns}`,
    );
    this.$(`ip -n ${h} link set v-${p.name} master weave up`);
    // arping -s may send from any address (it binds to it).
    this.quietNeighbours(cns, 'eth0', 'net.ipv4.ip_nonlocal_bind=1');
    this.$(`ip -n ${cns} addr add ${p.ip}/${p.subnet.split('/')[1]} dev eth0`);
    this.$(`ip -n ${cns} link set lo up`);
    this.$(`ip -n ${cns} link set eth0 up`);
  }

  /** A container stops: its bridge port goes first (at once, so the bridge flushes what it learned there,
   *  `br_fdb_delete_by_port`; a namespace's own teardown is deferred), then its namespace. */
  private unplug(p: Placement): void {
    this.$(`ip -n ${this.ns(p.host)} link del v-${p.name}`);
    deleteNamespace(this.ns(p.name));
    this.drawn = this.drawn.filter((d) => d.ns !== this.ns(p.name));
  }

  /** One gratuitous ARP from a container (`arping -U -c 1`), as upstream Weave sends when it adds the
   *  address and the model's container sends at start when told to `announce`: the command. */
  private announcement(c: { name: string; ip: Ip }): string[] {
    return [
      'timeout',
      '-k',
      '1',
      '4',
      'ip',
      'netns',
      'exec',
      this.ns(c.name),
      'arping',
      '-q',
      '-U',
      '-c',
      '1',
    ].concat(['-I', 'eth0', c.ip]);
  }

  private announceOne(p: Placement): void {
    this.x(this.announcement(p), 6000);
  }

  /** Noise 4: no re-probes during a run; one broadcast solicit, failure after 500 ms, no locktime (the
   *  model's too), on `dev` in namespace `ns`; the case's reachable time if it shortens it; and the other
   *  settings given. */
  private quietNeighbours(ns: string, dev: string, others: string): void {
    const q = QUIET_NEIGH;
    const n = `net.ipv4.neigh.${dev}`;
    const reachable = this.c.topology.timers?.reachableMs ?? q.baseReachableMs;
    this.$(`ip netns exec ${ns} sysctl -qw ${n}.base_reachable_time_ms=${reachable}
      ${n}.delay_first_probe_time=${q.delayFirstProbeMs / 1000} ${n}.mcast_solicit=${q.mcastSolicit}
      ${n}.retrans_time_ms=${q.retransMs} ${n}.locktime=${Math.round((this.options.locktimeMs ?? q.locktimeMs) / 10)}
      ${others}`);
    if (this.c.topology.timers?.reachableMs !== undefined) this.drawReachable(ns, dev, reachable);
  }

  /** Where the case shortens the reachable time: each live interface whose draw the harness fixed. */
  private drawn: { ns: string; dev: string; base: number }[] = [];

  /** The reachable time Linux drew for `dev` in `ns` (`ip ntable`: "reachable N base_reachable M"). */
  private reachableDraw(ns: string, dev: string): number {
    const out = this.$(`ip -n ${ns} ntable show dev ${dev} name arp_cache`);
    const m = /\breachable (\d+)/.exec(out);
    if (m === null) throw new CommandError(`ip ntable shows no reachable time for ${dev} in ${ns}: ${out}`);
    return Number(m[1]);
  }

  /** Writes the base again until Linux's draw (from [base/2, 3·base/2)) is at least the base, so that an
   *  entry stays REACHABLE in the kernel at least as long as in the model (`timing.ts`). */
  private drawReachable(ns: string, dev: string, base: number): void {
    for (let i = 0; i < 40; i++) {
      if (this.reachableDraw(ns, dev) >= base) {
        this.drawn.push({ ns, dev, base });
        return;
      }
      this.$(`ip netns exec ${ns} sysctl -qw net.ipv4.neigh.${dev}.base_reachable_time_ms=${base}`);
    }
    throw new CommandError(`${dev} in ${ns}: no reachable time of at least ${base} ms in 40 draws`);
  }

  /** Linux draws every interface's reachable time again every 300 s: a draw below the base since the
   *  start spoils the case (a timing miss, run again), as a draw below the base would have. */
  private checkDraws(): void {
    for (const { ns, dev, base } of this.drawn) {
      const now = this.reachableDraw(ns, dev);
      if (now < base)
        throw new TimingMiss(
          `Linux drew ${dev}'s reachable time in ${ns} again during the case: ${now} ms, below the base ${base} ms`,
        );
    }
  }

  /** The gratuitous ARP of each container the case announces (`announce`), as upstream Weave sends when
   *  it adds the address and the model's container sends at start; the others send nothing. All at once:
   *  arping waits a second after its one request, and the tables compared are sets, so the order does not
   *  matter. */
  announce(): void {
    const script = this.c.topology.containers
      .filter((c) => c.announce === true)
      .map((c) => `${this.announcement(c).join(' ')} &`)
      .join('\n');
    if (script !== '') this.x(['sh', '-c', `${script}\nwait`], 6000);
  }

  /** One ping, `-c1 -W0.8` (a failed resolution gives up after 500 ms); then, if it failed, wait until the neighbour entry has left INCOMPLETE. */
  ping(from: string, to: Ip): boolean {
    const ns = this.ns(from);
    const r = sh(['ip', 'netns', 'exec', ns, 'ping', '-c', '1', '-W', '0.8', '-n', '-q', to], 4000);
    if (r.code === 0) return true;
    for (let i = 0; i < 40; i++) {
      const entries = JSON.parse(
        must(['ip', '-j', '-n', ns, 'neigh', 'show', 'dev', 'eth0', 'to', to]) || '[]',
      ) as NeighJson[];
      if (!entries.some((e) => e.state?.includes('INCOMPLETE'))) break;
      sleep(50);
    }
    return false;
  }

  /** Frames sent and received by each host on the underlay, from the switch's port counters. */
  underlayCounters(): Record<string, { sent: number; received: number }> {
    const links = JSON.parse(must(['ip', '-j', '-s', '-n', this.ns('ul'), 'link', 'show'])) as LinkJson[];
    const out: Record<string, { sent: number; received: number }> = {};
    for (const h of this.c.topology.hosts) {
      const l = links.find((x) => x.ifname === `ul-${h.name}`);
      out[h.name] = { sent: l?.stats64?.rx?.packets ?? 0, received: l?.stats64?.tx?.packets ?? 0 };
    }
    return out;
  }

  /** `arping -c 1 -w 1 -I eth0 [-U | -A] [-s SOURCE] TARGET`: one broadcast ARP packet, then up to a
   *  second for an answer (arping's own; the kernel processes it as any ARP). A request without a route to
   *  its target sends nothing, and arping exits non-zero: that is the case's outcome, not an error. */
  arping(item: ArpItem): void {
    const flag = item.mode === 'unsolicited' ? ['-U'] : item.mode === 'answer' ? ['-A'] : [];
    const source = item.source === undefined ? [] : ['-s', item.source];
    const ns = this.ns(item.from);
    const args = ['ip', 'netns', 'exec', ns, 'arping', '-q', '-c', '1', '-w', '1', '-I', 'eth0'];
    args.push(...flag, ...source, item.to);
    // iputils: 0 answered (or sent, for -U and -A), 1 no answer; 2 an error, of which only the missing
    // route is an outcome.
    const r = sh(args, 4000);
    if (r.code === 0 || r.code === 1 || (r.code === 2 && r.stderr.includes('Network is unreachable'))) return;
    throw new CommandError(`${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  }

  /** `ip neigh replace IP lladdr MAC dev eth0 nud permanent` in the container. */
  setNeighbour(item: NeighItem): void {
    this.$(
      `ip -n ${this.ns(item.container)} neigh replace ${item.ip} lladdr ${item.mac} dev eth0 nud permanent`,
    );
  }

  /** Runs the whole case: announce, each action in order, a real sleep for each pause, observe (underlay
   *  counts are deltas from just before). */
  run(): Outcome {
    const before = this.underlayCounters();
    const timers = this.c.topology.timers ?? {};
    const pauses = new Set(pausesAfter(this.c.traffic));
    const limit = runLimitMs(timers);
    // A run counts from here for the FDBs, from its first item for the neighbour entries.
    let runStart = Date.now();
    /** A run that took longer than the shortened timers allow cannot be compared. */
    const endRun = (k: number) => {
      const now = Date.now();
      for (const [took, max, what] of [
        [now - runStart, limit.fdb, 'ageing'],
        [now - itemsStart, limit.neigh, 'reachable time'],
      ] as const)
        if (took > max)
          throw new TimingMiss(
            `the run ending with item ${k + 1} took ${took} ms in the kernel: the shortened ${what} allows ${max} ms (conformance/timing.ts)`,
          );
    };
    this.announce();
    let itemsStart = Date.now();
    const delivered: boolean[] = [];
    const phases: Phase[] = [];
    const changes = changesOf(this.c.topology, this.c.traffic).filter(
      (ch) => ch.kind === 'stop' || !ch.initial,
    );
    for (const [k, item] of this.c.traffic.entries()) {
      this.perform(k, item, changes, delivered, phases);
      if (!pauses.has(k)) continue;
      endRun(k);
      sleep(settleMs(timers) + SLACK_MS);
      phases.push({ after: k, paused: true, ...this.tables(true) });
      runStart = Date.now();
      itemsStart = runStart;
    }
    sleep(100);
    endRun(this.c.traffic.length - 1);
    this.checkDraws();
    return this.observe(before, delivered, phases);
  }

  /** One item of the case; a change of the world is followed by its tables. */
  private perform(
    k: number,
    item: TimelineItem,
    changes: readonly Change[],
    delivered: boolean[],
    phases: Phase[],
  ): void {
    // What a stopped container would do, nothing does: it has no namespace (the model drops it too).
    const from =
      isPing(item) || item.kind === 'arp' ? item.from : item.kind === 'neigh' ? item.container : null;
    const away = from !== null && !this.running.has(from);
    if (isPing(item)) delivered.push(!away && this.ping(item.from, item.to));
    else if (away) return;
    else if (item.kind === 'arp') this.arping(item);
    else if (item.kind === 'neigh') this.setNeighbour(item);
    else if (isContainerItem(item)) {
      for (const ch of changes.filter((c) => c.at === item.at && c.placement.name === item.container))
        this.change(ch);
      phases.push({ after: k, ...this.tables(true) });
    } else throw new CommandError(`the harness cannot perform a ${item.kind} item yet`);
  }

  /** A container stops, or starts (again, or on another host for a move), announced if it says so. */
  private change(ch: Change): void {
    if (ch.kind === 'stop') {
      this.unplug(ch.placement);
      this.running.delete(ch.placement.name);
      return;
    }
    this.plugIn(ch.placement);
    this.running.set(ch.placement.name, ch.placement);
    if (ch.placement.announce) this.announceOne(ch.placement);
  }

  /** The neighbour tables (with their NUD states, when asked), bridge and vxlan FDBs, as they are now. */
  tables(withStates: boolean): Omit<Phase, 'after'> {
    const { topology } = this.c;
    /** The neighbour table of `dev` in `ns`: unresolved and failed entries left out. */
    const tableOf = (ns: string, dev: string) => {
      const entries = JSON.parse(
        must(['ip', '-j', '-n', ns, 'neigh', 'show', 'dev', dev]) || '[]',
      ) as NeighJson[];
      const table: Record<Ip, string> = {};
      for (const e of entries)
        if (e.lladdr && !e.state?.some((s) => s === 'INCOMPLETE' || s === 'FAILED'))
          table[e.dst] = withStates ? `${e.lladdr} ${(e.state ?? []).join(',')}` : e.lladdr;
      return table;
    };
    const neigh: Phase['neigh'] = {};
    // A stopped container has no namespace left, and no table.
    for (const name of containerNames(topology, this.c.traffic))
      neigh[name] = this.running.has(name) ? tableOf(this.ns(name), 'eth0') : {};
    const bridge: Phase['bridge'] = {};
    const vxlan: Phase['vxlan'] = {};
    for (const h of topology.hosts) {
      const ns = this.ns(h.name);
      const fdb = JSON.parse(must(['bridge', '-j', '-n', ns, 'fdb', 'show']) || '[]') as FdbJson[];
      const learned = fdb.filter(
        (e) =>
          e.state !== 'permanent' && e.state !== 'static' && !e.flags?.includes('offload') && !isGroup(e.mac),
      );
      bridge[h.name] = learned
        .filter((e) => e.master === 'weave')
        .map((e) => `${e.mac} ${portName(e.ifname)}`)
        .sort();
      vxlan[h.name] = learned
        .filter(
          (e) =>
            e.master === undefined &&
            e.ifname === 'vxlan0' &&
            e.dst !== undefined &&
            e.mac !== '00:00:00:00:00:00',
        )
        .map((e) => `${e.mac} ${e.dst}`)
        .sort();
      neigh[`${h.name}/ethbr`] = tableOf(ns, 'ethbr');
    }
    return { neigh, bridge, vxlan };
  }

  observe(
    before: Record<string, { sent: number; received: number }>,
    delivered: boolean[],
    phases: Phase[],
  ): Outcome {
    const { topology } = this.c;
    const otherhost = (ns: string, dev: string) => {
      const [l] = JSON.parse(
        must(['ip', '-j', '-s', '-s', '-n', ns, 'link', 'show', 'dev', dev]),
      ) as LinkJson[];
      return l?.stats64?.rx?.otherhost ?? 0;
    };
    const { neigh: arp, bridge, vxlan } = this.tables(false);
    const oh: Outcome['otherhost'] = {};
    // A stopped container's counter went with its interface.
    for (const name of containerNames(topology, this.c.traffic))
      oh[name] = this.running.has(name) ? otherhost(this.ns(name), 'eth0') : 0;
    for (const h of topology.hosts) oh[`${h.name}/ethbr`] = otherhost(this.ns(h.name), 'ethbr');
    const after = this.underlayCounters();
    const underlay: Outcome['underlay'] = {};
    for (const h of topology.hosts)
      underlay[h.name] = {
        sent: after[h.name]!.sent - before[h.name]!.sent,
        received: after[h.name]!.received - before[h.name]!.received,
      };
    return { delivered, arp, bridge, vxlan, underlay, otherhost: oh, phases };
  }

  /** Delete every namespace of this case (processes in them killed first). Safe to call twice. */
  teardown(): void {
    for (const ns of listNamespaces().filter((n) => n.startsWith(this.prefix))) deleteNamespace(ns);
    this.namespaces.length = 0;
  }
}

function isGroup(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** The kernel's interface names as the model's bridge port names. */
function portName(ifname: string): string {
  if (ifname === 'vethbr') return 'ethbr';
  if (ifname === 'vxlan0') return 'vxlan';
  if (ifname.startsWith('v-')) return ifname.slice(2);
  return ifname;
}

interface NeighJson {
  dst: string;
  lladdr?: string;
  state?: string[];
}
interface FdbJson {
  mac: string;
  ifname: string;
  master?: string;
  dst?: string;
  state?: string;
  flags?: string[];
}
interface LinkJson {
  ifname: string;
  stats64?: { rx?: { packets?: number; otherhost?: number }; tx?: { packets?: number } };
}

/** Build a case, run `body`, and always tear down, even when building or the body throws. */
export function withKernel<T>(
  c: Case,
  config: LinuxConfig,
  body: (k: KernelCase) => T,
  options: KernelOptions = {},
): T {
  const k = new KernelCase(c, config, options);
  try {
    k.build();
    return body(k);
  } finally {
    k.teardown();
  }
}

/** How often a case is run again after a timing miss before the miss is reported as a harness error. */
export const TIMING_ATTEMPTS = 3;

/** Run one case in the kernel and read its outcome (again, on fresh namespaces, after a timing miss). */
export function runKernel(c: Case, config: LinuxConfig, options: KernelOptions = {}): Outcome {
  for (let attempt = 1; ; attempt++) {
    try {
      return withKernel(c, config, (k) => k.run(), options);
    } catch (e) {
      if (!(e instanceof TimingMiss) || attempt >= TIMING_ATTEMPTS) throw e;
    }
  }
}

/**
 * Stops the runs of `pids` and removes what they made: the processes whose command line names their
 * namespaces (`timeout`, `ip netns exec`, ping) and the processes inside them are killed, and the
 * namespaces deleted, until none is left or `timeoutMs` has passed. Returns the namespaces removed.
 */
export function removeRunsOf(pids: readonly number[], timeoutMs = 10_000): string[] {
  const prefixes = pids.map((pid) => `${FAMILY}${pid}-`);
  const removed = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const procs = prefixes.flatMap(processesNaming);
    for (const pid of procs) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const left = listNamespaces().filter((n) => prefixes.some((p) => n.startsWith(p)));
    for (const ns of left) {
      deleteNamespace(ns);
      removed.add(ns);
    }
    if ((procs.length === 0 && left.length === 0) || Date.now() > deadline) return [...removed];
    sleep(100);
  }
}

/** Delete every namespace this process created (a worker stopping because its parent is gone). */
export function teardownAllOfThisProcess(): void {
  for (const ns of listNamespaces().filter((n) => n.startsWith(`${FAMILY}${process.pid}-`)))
    deleteNamespace(ns);
}
