/**
 * The floor: the benchmark's bridge-and-ARP workload (hosts of containers on learning bridges, ARP
 * resolution, all-pairs pings across an underlay, with the seed's proxy-ARP router on each host) as
 * hand-written reducers, without xstate. Same discipline as the model: one pure `(state, event) ->
 * {state, outputs}` function per component kind, context replaced copy-on-write (never mutated), outputs as
 * data routed by a deterministic FIFO loop that counts one component event per delivery. No timers, no
 * trace: the fastest honest version of the work, against which the simulator's events per second are read.
 */

import type { Ping } from '../model/timeline.ts';
import type { Topology } from '../model/topology.ts';

type Msg =
  | { kind: 'arp'; op: 'request' | 'reply'; src: string; dst: string; senderIp: string; targetIp: string }
  | { kind: 'ip'; src: string; dst: string; from: string; to: string; ping: number; reply: boolean }
  | { kind: 'tunnel'; host: string; frame: Msg };

interface Out {
  port: string;
  msg: Msg;
}

const BROADCAST = 'ff:ff:ff:ff:ff:ff';

interface ContainerState {
  arp: Record<string, string>;
  waiting: Record<string, Msg[]>;
  delivered: number;
}

function container(
  me: { mac: string; ip: string },
  s: ContainerState,
  e: { ping: { to: string; ping: number } } | { recv: Msg },
): { s: ContainerState; out: Out[] } {
  const sendIp = (
    s: ContainerState,
    to: string,
    ping: number,
    reply: boolean,
  ): { s: ContainerState; out: Out[] } => {
    const frame = (dst: string): Msg => ({ kind: 'ip', src: me.mac, dst, from: me.ip, to, ping, reply });
    const mac = s.arp[to];
    if (mac) return { s, out: [{ port: 'eth0', msg: frame(mac) }] };
    const queued = s.waiting[to];
    const waiting = { ...s.waiting, [to]: [...(queued ?? []), frame('')] };
    if (queued) return { s: { ...s, waiting }, out: [] };
    const request: Msg = {
      kind: 'arp',
      op: 'request',
      src: me.mac,
      dst: BROADCAST,
      senderIp: me.ip,
      targetIp: to,
    };
    return { s: { ...s, waiting }, out: [{ port: 'eth0', msg: request }] };
  };
  if ('ping' in e) return sendIp(s, e.ping.to, e.ping.ping, false);
  const m = e.recv;
  if (m.kind === 'arp') {
    if (m.op === 'request' && m.targetIp === me.ip) {
      const arp = s.arp[m.senderIp] === m.src ? s.arp : { ...s.arp, [m.senderIp]: m.src };
      const reply: Msg = {
        kind: 'arp',
        op: 'reply',
        src: me.mac,
        dst: m.src,
        senderIp: me.ip,
        targetIp: m.senderIp,
      };
      return { s: arp === s.arp ? s : { ...s, arp }, out: [{ port: 'eth0', msg: reply }] };
    }
    if (m.op === 'reply' && m.dst === me.mac) {
      const queued = s.waiting[m.senderIp] ?? [];
      const { [m.senderIp]: _, ...waiting } = s.waiting;
      const next = { ...s, arp: { ...s.arp, [m.senderIp]: m.src }, waiting };
      return { s: next, out: queued.map((f) => ({ port: 'eth0', msg: { ...f, dst: m.src } as Msg })) };
    }
    return { s, out: [] };
  }
  if (m.kind === 'ip' && m.dst === me.mac && m.to === me.ip) {
    const got = { ...s, delivered: s.delivered + 1 };
    return m.reply ? { s: got, out: [] } : sendIp(got, m.from, m.ping, true);
  }
  return { s, out: [] };
}

interface BridgeState {
  fdb: Record<string, string>;
}

function bridge(
  ports: readonly string[],
  s: BridgeState,
  port: string,
  m: Msg,
): { s: BridgeState; out: Out[] } {
  if (m.kind === 'tunnel') return { s, out: [] };
  const fdb = s.fdb[m.src] === port ? s.fdb : { ...s.fdb, [m.src]: port };
  const next = fdb === s.fdb ? s : { fdb };
  const known = m.dst === BROADCAST ? undefined : fdb[m.dst];
  if (known !== undefined) return { s: next, out: known === port ? [] : [{ port: known, msg: m }] };
  return { s: next, out: ports.filter((p) => p !== port).map((p) => ({ port: p, msg: m })) };
}

/** The seed's Sleeve router: proxy ARP for remote IPs, frames for remote MACs tunnelled to their host. */
function router(
  directory: { ips: Record<string, { mac: string; host: string }>; macs: Record<string, string> },
  host: string,
  port: string,
  m: Msg,
): Out[] {
  if (port === 'udp') return m.kind === 'tunnel' ? [{ port: 'bridge', msg: m.frame }] : [];
  if (m.kind === 'arp' && m.op === 'request') {
    const owner = directory.ips[m.targetIp];
    if (!owner || owner.host === host) return [];
    const reply: Msg = {
      kind: 'arp',
      op: 'reply',
      src: owner.mac,
      dst: m.src,
      senderIp: m.targetIp,
      targetIp: m.senderIp,
    };
    return [{ port: 'bridge', msg: reply }];
  }
  if (m.kind === 'tunnel') return [];
  const to = directory.macs[m.dst];
  return to && to !== host ? [{ port: 'udp', msg: { kind: 'tunnel', host: to, frame: m } }] : [];
}

export interface FloorResult {
  events: number;
  delivered: number;
}

/** Runs the workload to quiescence after each ping; returns the component events and the deliveries. */
export function runFloor(topology: Topology, traffic: Ping[]): FloorResult {
  const directory = {
    ips: Object.fromEntries(topology.containers.map((c) => [c.ip, { mac: c.mac, host: c.host }])),
    macs: Object.fromEntries(topology.containers.map((c) => [c.mac, c.host])),
  };
  const containers = new Map(topology.containers.map((c) => [c.name, c]));
  const cstate = new Map<string, ContainerState>(
    topology.containers.map((c) => [c.name, { arp: {}, waiting: {}, delivered: 0 }]),
  );
  const ports = new Map<string, string[]>(topology.hosts.map((h) => [h.name, ['router']]));
  for (const c of topology.containers) ports.get(c.host)!.unshift(c.name);
  const bstate = new Map<string, BridgeState>(topology.hosts.map((h) => [h.name, { fdb: {} }]));

  type Delivery = { to: 'container' | 'bridge' | 'router' | 'underlay'; id: string; port: string; msg: Msg };
  const queue: Delivery[] = [];
  let head = 0;
  let events = 0;
  const fromContainer = (name: string, out: Out[]) => {
    for (const o of out) queue.push({ to: 'bridge', id: containers.get(name)!.host, port: name, msg: o.msg });
  };
  for (const p of traffic) {
    const s = cstate.get(p.from)!;
    const c = containers.get(p.from)!;
    events++;
    const r = container(c, s, { ping: { to: p.to, ping: events } });
    cstate.set(p.from, r.s);
    fromContainer(p.from, r.out);
    while (head < queue.length) {
      const d = queue[head++]!;
      events++;
      if (d.to === 'container') {
        const r = container(containers.get(d.id)!, cstate.get(d.id)!, { recv: d.msg });
        cstate.set(d.id, r.s);
        fromContainer(d.id, r.out);
      } else if (d.to === 'bridge') {
        const r = bridge(ports.get(d.id)!, bstate.get(d.id)!, d.port, d.msg);
        bstate.set(d.id, r.s);
        for (const o of r.out)
          queue.push(
            o.port === 'router'
              ? { to: 'router', id: d.id, port: 'bridge', msg: o.msg }
              : { to: 'container', id: o.port, port: 'eth0', msg: o.msg },
          );
      } else if (d.to === 'router') {
        for (const o of router(directory, d.id, d.port, d.msg))
          queue.push(
            o.port === 'bridge'
              ? { to: 'bridge', id: d.id, port: 'router', msg: o.msg }
              : { to: 'underlay', id: 'underlay', port: d.id, msg: o.msg },
          );
      } else if (d.msg.kind === 'tunnel')
        queue.push({ to: 'router', id: d.msg.host, port: 'udp', msg: d.msg });
    }
    queue.length = 0;
    head = 0;
  }
  let delivered = 0;
  for (const s of cstate.values()) delivered += s.delivered;
  return { events, delivered };
}
