/**
 * The costs the seed talks about, counted on a run's trace: underlay packets (C-FD-2's learning and
 * flooding), ARP broadcasts, upcalls and flows (FDP), and the user/kernel crossings and packet copies of
 * Sleeve's pcap-and-UDP path against FDP's kernel fast path (C-SL-2, C-SL-3).
 *
 * Crossings and copies, per message a user-space process handles:
 * - Sleeve router: a captured frame (pcap read: kernel to user, one copy into the capture buffer, and one
 *   more when the sniff loop keeps it to forward, upstream `router/pcap.go:144-154`); a UDP send (user to
 *   kernel, one copy); a UDP receive (kernel to user, one copy); an injection (pcap write: user to kernel,
 *   one copy).
 * - FDP controller: an upcall (kernel to user, one copy of the packet); an execute (user to kernel, one
 *   copy); a flow install (user to kernel, no packet). Frames that match a flow never leave the kernel.
 */
import { isGroupMac } from '../addresses.ts';
import type { BridgeContext } from '../components/bridge.ts';
import type { VtepContext } from '../components/vtep.ts';
import { macCount } from '../mac-table.ts';
import type { Message } from '../messages.ts';
import type { Run } from './simulator.ts';
import type { TraceStep } from './trace.ts';
import type { Network } from './wiring.ts';

export interface HostTables {
  bridgeFdb: number;
  vtepFdb: number;
  flows: number;
}

export interface Costs {
  /** IPv4 packets delivered to the container that owns their destination. */
  delivered: number;
  /** Underlay packets sent by hosts (a multicast packet counts once), split by what they carry. */
  underlaySent: { arp: number; ipv4: number };
  /** Underlay packets delivered to hosts (a multicast packet counts once per receiver). */
  underlayReceived: number;
  /** ARP requests containers broadcast. */
  arpBroadcasts: number;
  upcalls: number;
  flowsInstalled: number;
  crossings: number;
  copies: number;
  /** Frames that reached a container whose MAC they were not for (Linux's `otherhost` counter): unknown
   *  unicast the bridge flooded. (ethbr is the way out of the host: frames for remote MACs are meant for it.) */
  otherhost: number;
  /** Table sizes at the end of the run, per host. */
  tables: Record<string, HostTables>;
}

function isUnderlay(m: Message): m is Extract<Message, { kind: 'sleeve' | 'vxlan' }> {
  return m.kind === 'sleeve' || m.kind === 'vxlan';
}

/** Counts over the steps from virtual time `from` on (tables: at the end of the run). */
export function countCosts(network: Network, run: Run, from = 0): Costs {
  const counter = costCounter(network, from);
  for (const step of run.trace) counter.count(step);
  return counter.costs(run.contexts);
}

/**
 * Counts costs step by step, as a run takes them (`simulate`'s `onStep`), so that a run too large to
 * record (`weave-spec scale`) is counted without keeping its trace.
 */
export function costCounter(
  network: Network,
  from = 0,
): { count(step: TraceStep): void; costs(contexts: Run['contexts']): Costs } {
  const kind = (id: string) => network.byId.get(id)?.kind;
  const macOf: Record<string, string> = {};
  for (const c of network.topology.containers) macOf[network.containerIds[c.name]!] = c.mac;

  const costs: Costs = {
    delivered: 0,
    underlaySent: { arp: 0, ipv4: 0 },
    underlayReceived: 0,
    arpBroadcasts: 0,
    upcalls: 0,
    flowsInstalled: 0,
    crossings: 0,
    copies: 0,
    otherhost: 0,
    tables: {},
  };
  const count = (step: TraceStep) => {
    if (step.at < from) return;
    const k = kind(step.component);
    const input = step.input;
    if (input.type === 'recv') {
      const m = input.packet;
      if (k === 'underlay' && isUnderlay(m))
        costs.underlaySent[m.frame.payload.kind === 'arp' ? 'arp' : 'ipv4']++;
      if (k === 'container' && m.kind === 'frame') {
        if (!isGroupMac(m.dst) && m.dst !== macOf[step.component]) costs.otherhost++;
      }
      if (k === 'sleeve-router') {
        costs.crossings++;
        costs.copies += input.port === 'pcap' && step.outputs.some((o) => o.type === 'send') ? 2 : 1;
      }
      if (k === 'controller' && m.kind === 'upcall') {
        costs.upcalls++;
        costs.crossings++;
        costs.copies++;
      }
    }
    for (const o of step.outputs) {
      if (o.type === 'deliver' && k === 'container') costs.delivered++;
      if (o.type !== 'send') continue;
      const m = o.packet;
      if (k === 'underlay') costs.underlayReceived++;
      if (
        k === 'container' &&
        m.kind === 'frame' &&
        m.payload.kind === 'arp' &&
        m.payload.op === 'request' &&
        isGroupMac(m.dst)
      )
        costs.arpBroadcasts++;
      if (k === 'sleeve-router') {
        costs.crossings++;
        costs.copies++;
      }
      if (k === 'controller') {
        costs.crossings++;
        if (m.kind === 'execute') costs.copies++;
        if (m.kind === 'flow-install') costs.flowsInstalled++;
      }
    }
  };
  return {
    count,
    // Table sizes at the end of the run.
    costs: (contexts) => {
      for (const h of network.topology.hosts) {
        const ctx = (name: string) => contexts[`${h.name}/${name}`];
        const bridge = ctx('bridge') as BridgeContext | undefined;
        const vtep = ctx('vtep') as VtepContext | undefined;
        const datapath = ctx('datapath') as { flows?: unknown[] } | undefined;
        costs.tables[h.name] = {
          bridgeFdb: bridge ? macCount(bridge.fdb) : 0,
          vtepFdb: vtep ? macCount(vtep.fdb) : 0,
          flows: datapath?.flows?.length ?? 0,
        };
      }
      return costs;
    },
  };
}
