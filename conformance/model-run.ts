/**
 * The model side of the differential test: wire the Linux-native configuration with the harness's quiet
 * neighbour settings (the reachable time the case shortens, if it does), simulate the case, and read the
 * same observables the kernel harness reads, at the same moments: after each change of the world and each
 * pause (`timing.ts`), and at the end.
 */
import { BROADCAST_MAC, isGroupMac } from '../model/addresses.ts';
import { type BridgeContext, bridgeLookup } from '../model/components/bridge.ts';
import type { ContainerContext } from '../model/components/container.ts';
import type { EthbrContext } from '../model/components/ethbr.ts';
import { type VtepContext, vtepLookup } from '../model/components/vtep.ts';
import type { LinuxConfig } from '../model/config.ts';
import type { NeighParams } from '../model/entries/neighbour.ts';
import { macEntries } from '../model/mac-table.ts';
import { type Run, simulate } from '../model/network/simulator.ts';
import { buildNetwork, componentId, type Network } from '../model/network/wiring.ts';
import { changesOf, containerSlots, isContainerItem, pings, whereAt } from '../model/timeline.ts';
import { type MutantName, mutantMachines } from '../properties/mutants.ts';
import type { Case } from './case.ts';
import { containerNames, type Outcome, type Phase } from './outcome.ts';
import { PING_GAP, pausesAfter, QUIET_NEIGH } from './timing.ts';

/** Mutants the differential test can switch on in the model only (properties/mutants.ts). */
export type ConformanceMutant = MutantName;

/** A run that needs more steps than this is a storm (a forwarding loop). */
export const MODEL_MAX_STEPS = 20_000;

export interface ModelResult {
  outcome: Outcome;
  run: Run;
  network: Network;
}

/** What a run may change besides the case: a bridge loop (`loop.ts`), other neighbour settings. */
export interface ModelRunOptions {
  bridgeLoop?: string;
  neigh?: Partial<NeighParams>;
}

export function modelNetwork(
  c: Case,
  config: LinuxConfig,
  mutants: readonly ConformanceMutant[] = [],
  { bridgeLoop, neigh = quietNeighbours(c) }: ModelRunOptions = {},
): Network {
  return buildNetwork(c.topology, config, {
    machines: mutantMachines(mutants),
    neigh,
    timeline: c.traffic,
    ...(bridgeLoop ? { bridgeLoop } : {}),
  });
}

/** The harness's quiet neighbour settings, with the case's reachable time if it shortens it (the harness
 *  sets it in the kernel too). */
function quietNeighbours(c: Case): Partial<NeighParams> {
  const reachable = c.topology.timers?.reachableMs;
  return reachable === undefined ? QUIET_NEIGH : { ...QUIET_NEIGH, baseReachableMs: reachable };
}

export function runModel(
  c: Case,
  config: LinuxConfig,
  mutants: readonly ConformanceMutant[] = [],
  options: ModelRunOptions = {},
): ModelResult {
  const network = modelNetwork(c, config, mutants, options);
  const end = (c.traffic.at(-1)?.at ?? 0) + PING_GAP - 1;
  const run = simulate(network, c.traffic, { until: end, maxSteps: MODEL_MAX_STEPS });
  /** The tables as they stand at `until`. */
  const tablesAt = (until: number) =>
    modelTables(c, simulate(network, c.traffic, { until, maxSteps: MODEL_MAX_STEPS }), true, until);
  // After each change of the world, the tables as the next item finds them (the item's own time given);
  // after each pause, as the next run finds them, just before its first item.
  const pauses = new Set(pausesAfter(c.traffic));
  const phases = c.traffic.flatMap((item, k): Phase[] => [
    ...(isContainerItem(item) ? [{ after: k, ...tablesAt(item.at + PING_GAP - 1) }] : []),
    ...(pauses.has(k) ? [{ after: k, paused: true, ...tablesAt(c.traffic[k + 1]!.at - 1) }] : []),
  ]);
  return { outcome: { ...modelOutcome(c, network, run, end), phases }, run, network };
}

/** The neighbour tables (with their NUD states, when asked), bridge and vxlan FDBs a run leaves at time
 *  `at`: FDB entries aged by then left out, as the kernel's cleanup has deleted them. */
export function modelTables(c: Case, run: Run, withStates: boolean, at: number): Omit<Phase, 'after'> {
  const { topology } = c;
  const changes = changesOf(topology, c.traffic);
  /** A neighbour table: unresolved and failed entries left out; `MAC STATE`, or the MAC alone. */
  const tableOf = (neigh: ContainerContext['neigh']) => {
    const table: Record<string, string> = {};
    for (const [ip, e] of Object.entries(neigh))
      if (e.mac !== undefined && e.state !== 'INCOMPLETE' && e.state !== 'FAILED')
        table[ip] = withStates ? `${e.mac} ${e.state}` : e.mac;
    return table;
  };
  const neigh: Phase['neigh'] = {};
  for (const name of containerNames(topology, c.traffic)) {
    const p = whereAt(changes, name, at);
    neigh[name] =
      p === undefined ? {} : tableOf((run.contexts[componentId(p.host, p.name)] as ContainerContext).neigh);
  }
  // The host kernel's, behind ethbr (empty without an overlay IP).
  for (const h of topology.hosts)
    neigh[`${h.name}/ethbr`] = tableOf((run.contexts[componentId(h.name, 'ethbr')] as EthbrContext).neigh);
  const bridge: Phase['bridge'] = {};
  const vxlan: Phase['vxlan'] = {};
  for (const h of topology.hosts) {
    const b = run.contexts[componentId(h.name, 'bridge')] as BridgeContext;
    bridge[h.name] = macEntries(b.fdb)
      .filter(([mac]) => bridgeLookup(b, mac, at) !== undefined)
      .map(([mac, e]) => `${mac} ${e.port}`)
      .sort();
    const v = run.contexts[componentId(h.name, 'vtep')] as VtepContext;
    vxlan[h.name] = macEntries(v.fdb)
      .filter(([mac, e]) => e.state !== 'PERMANENT' && vtepLookup(v, mac, at) !== undefined)
      .map(([mac, e]) => `${mac} ${e.remote}`)
      .sort();
  }
  return { neigh, bridge, vxlan };
}

export function modelOutcome(c: Case, network: Network, run: Run, end: number): Omit<Outcome, 'phases'> {
  const { topology } = c;
  const changes = changesOf(topology, c.traffic);
  /** The component a container runs as at `at` (its host's), or undefined while it is stopped. */
  const componentAt = (name: string, at: number) => {
    const p = whereAt(changes, name, at);
    return p === undefined ? undefined : componentId(p.host, p.name);
  };
  const delivered = pings(c.traffic).map((p, i) =>
    run.trace.some(
      (s) =>
        s.component === componentAt(p.from, p.at) &&
        s.outputs.some(
          (o) =>
            o.type === 'deliver' &&
            o.packet.kind === 'frame' &&
            o.packet.payload.kind === 'ipv4' &&
            o.packet.payload.icmp === 'echo-reply' &&
            o.packet.payload.ping === i + 1,
        ),
    ),
  );

  const { neigh: arp, bridge, vxlan } = modelTables(c, run, false, end);
  const names = containerNames(topology, c.traffic);
  const underlay: Outcome['underlay'] = {};
  const otherhost: Outcome['otherhost'] = {};
  for (const h of topology.hosts) {
    underlay[h.name] = { sent: 0, received: 0 };
    otherhost[`${h.name}/ethbr`] = 0;
  }
  for (const name of names) otherhost[name] = 0;

  // Each interface by its component and port: a container's eth0 on every host it runs on (its MAC is
  // the one it holds then), each host's ethbr.
  const ifaceOf = new Map<string, { name: string; mac: (at: number) => string | undefined }>();
  for (const slot of containerSlots(topology, c.traffic))
    ifaceOf.set(`${componentId(slot.host, slot.name)}\u0000eth0`, {
      name: slot.name,
      mac: (at) => whereAt(changes, slot.name, at)?.mac,
    });
  for (const h of topology.hosts)
    ifaceOf.set(`${componentId(h.name, 'ethbr')}\u0000bridge`, { name: `${h.name}/ethbr`, mac: () => h.mac });
  const nameOf = new Map([...ifaceOf].map(([key, iface]) => [key.split('\u0000')[0]!, iface.name]));

  for (const s of run.trace) {
    for (const o of s.outputs) {
      if (o.type !== 'send' || o.to === undefined) continue;
      const def = network.byId.get(s.component);
      if (def?.kind === 'vtep' && o.port === 'udp') underlay[def.host!]!.sent++;
      if (s.component === 'underlay') underlay[network.byId.get(o.to.component)!.host!]!.received++;
    }
    // A container's counter lives as long as its interface: a start or a stop begins it anew.
    if (s.input.type === 'container.start' || s.input.type === 'container.stop') {
      const name = nameOf.get(s.component);
      if (name !== undefined) otherhost[name] = 0;
    }
    if (s.input.type !== 'recv') continue;
    const iface = ifaceOf.get(`${s.component}\u0000${s.input.port}`);
    const f = s.input.packet;
    // ip_rcv drops IPv4 frames of PACKET_OTHERHOST and counts them; ARP ones are dropped uncounted.
    if (
      iface &&
      f.kind === 'frame' &&
      f.payload.kind === 'ipv4' &&
      // A stopped container's interface is gone: nothing counts there.
      iface.mac(s.at) !== undefined &&
      f.dst !== iface.mac(s.at) &&
      f.dst !== BROADCAST_MAC &&
      !isGroupMac(f.dst)
    )
      otherhost[iface.name]!++;
  }
  return { delivered, arp, bridge, vxlan, underlay, otherhost };
}
