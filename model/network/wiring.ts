/**
 * Wiring: a topology and a configuration become components and the links between their ports.
 *
 * Every host: containers (port `eth0`) on the Linux bridge (a port per container, named after it,
 * `ethbr`, and `local`, the bridge device), and ethbr (ports `bridge`, `tap`, and `local`, where the host
 * kernel sits). Then, per data plane:
 * - Sleeve: ethbr `tap` = the router's `pcap`; the router's `udp` = the underlay's port for the host.
 * - FDP, seed hypotheses: ethbr `tap` = the datapath's `bridge` (vethwe-datapath); datapath `vtep` = the
 *   vtep's `dp`; the vtep's `udp` = the underlay; datapath `controller` = the controller's `datapath`.
 * - FDP, upstream: as above without a vtep; the datapath's `vxlan` vport is on the underlay itself.
 * - Linux-native layout (docs/conformance.md): no router, no datapath. The vtep is a port of the bridge
 *   (bridge `vxlan` = vtep `dp`), the vtep's `udp` = the underlay, and ethbr has nothing tapped on (it is
 *   the host's veth on the bridge, with the host kernel behind it; the bridge has no `local` port). The `remote` variant points each host at the next one in a ring.
 */

import type { AnyStateMachine } from 'xstate';
import { FAKE_MAC_PREFIX, type Ip, type Mac } from '../addresses.ts';
import { bridgeMachine } from '../components/bridge.ts';
import { containerMachine, DEFAULT_NEIGH_PARAMS, type NeighParams } from '../components/container.ts';
import {
  h1ControllerMachine,
  h2ControllerMachine,
  h3ControllerMachine,
  upstreamControllerMachine,
} from '../components/controller.ts';
import { datapathMachine } from '../components/datapath.ts';
import { ethbrMachine } from '../components/ethbr.ts';
import { sleeveProxyArpMachine, sleeveUpstreamMachine } from '../components/sleeve-router.ts';
import { underlayMachine } from '../components/underlay.ts';
import { vtepMachine } from '../components/vtep.ts';
import type { Config, FdpSeedConfig, FdpUpstreamConfig, LinuxConfig } from '../config.ts';
import { type Directory, initialDirectory } from '../directory.ts';
import { allMeshRoutes, type MeshRoutes, peerGraph } from '../routing.ts';
import { containerSlots, type Timeline } from '../timeline.ts';
import {
  containersOn,
  type HostSpec,
  hostSubnet,
  peerLinks,
  segmentPort,
  type Topology,
  validateTopology,
} from '../topology.ts';
import { reachableTime } from './draws.ts';
import type { Endpoint } from './trace.ts';

export type ComponentKind =
  | 'container'
  | 'bridge'
  | 'ethbr'
  | 'sleeve-router'
  | 'datapath'
  | 'controller'
  | 'vtep'
  | 'underlay';

export interface ComponentDef {
  id: string;
  kind: ComponentKind;
  /** The host it runs on; null for the underlay. */
  host: string | null;
  machine: AnyStateMachine;
  input: unknown;
  /** Told where each IP is as containers start and stop (`schedule.ts`): it answers from a directory. */
  directory?: true;
  /** The host's Weave router (the Sleeve router, the FDP controller): its peer leaves and joins the mesh,
   *  and it hears of the peer graph's changes (`schedule.ts`, `model/peering.ts`). */
  peer?: true;
}

export interface Network {
  topology: Topology;
  config: Config;
  components: ComponentDef[];
  byId: Map<string, ComponentDef>;
  /** Both directions of every link, keyed by `linkKey(endpoint)`. */
  links: Map<string, Endpoint>;
  /** Container name to component id (where it runs at time 0). */
  containerIds: Record<string, string>;
  /** Container components that exist for the timeline's later starts, stopped at time 0. */
  dormant: string[];
  /** The reachable time each container start takes, in the order of the run (`draws.ts`); a start past
   *  the end of the list keeps the base. */
  reachable: readonly number[];
}

export interface WiringOptions {
  /** Machines to use instead of the model's own, by machine id (properties/ swaps in broken ones). */
  machines?: Readonly<Record<string, AnyStateMachine>>;
  /** Every container's neighbour settings (default: Weave's, see container.ts). */
  neigh?: Partial<NeighParams>;
  /** The timeline the network will run (`model/timeline.ts`): a container that starts on a host later
   *  needs its component and bridge port there from the start. */
  timeline?: Timeline;
  /** The kernel's reachable-time draws, one per container start in the order of the run
   *  (`draws.ts`): the topology's containers take the first ones. */
  reachable?: readonly number[];
  /** A looped topology (tests only): on this host, two extra bridge ports `loopA` and `loopB` cabled to
   *  each other, a Layer-2 loop (a veth whose two ends are both on the bridge). */
  bridgeLoop?: string;
}

/** The VXLAN network identifier of the seed's vteps. */
export const SEED_VNI = 1;
/** V1's multicast group. */
export const VTEP_GROUP: Ip = '239.1.1.1';
export const UNDERLAY = 'underlay';

export function linkKey(e: Endpoint): string {
  return `${e.component}\u0000${e.port}`;
}

/** H2's fake MAC for a host: one per host, from a reserved prefix (0e:fa:ce). */
export function fakeMacOf(hostIndex: number): Mac {
  const n = hostIndex + 1;
  return `${FAKE_MAC_PREFIX}00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
}

export function componentId(host: string, name: string): string {
  return `${host}/${name}`;
}

export function buildNetwork(topology: Topology, config: Config, options: WiringOptions = {}): Network {
  validateTopology(topology);
  /** The model's machine, or the one the options put in its place. */
  const use = (machine: AnyStateMachine): AnyStateMachine => options.machines?.[machine.id] ?? machine;
  const components: ComponentDef[] = [];
  const linkPairs: [Endpoint, Endpoint][] = [];
  const add = (def: ComponentDef) => components.push(def);
  const link = (a: Endpoint, b: Endpoint) => linkPairs.push([a, b]);

  const hostNames = topology.hosts.map((h) => h.name);
  // The timers the topology shortens, each passed only where it is given (the machines' defaults are the
  // same as TIMER_DEFAULTS).
  const timers = topology.timers ?? {};
  const neigh: Partial<NeighParams> = {
    ...(timers.reachableMs !== undefined && { baseReachableMs: timers.reachableMs }),
    ...(timers.delayFirstProbeMs !== undefined && { delayFirstProbeMs: timers.delayFirstProbeMs }),
    ...(timers.retransMs !== undefined && { retransMs: timers.retransMs }),
    ...options.neigh,
  };
  const neighInput = Object.keys(neigh).length > 0 ? { neigh } : {};
  const base = neigh.baseReachableMs ?? DEFAULT_NEIGH_PARAMS.baseReachableMs;
  const reachable = (options.reachable ?? []).map((d) => reachableTime(base, d));
  /** A topology container's neighbour settings: the network's, with its drawn reachable time. */
  const neighOf = (index: number) =>
    reachable[index] === undefined ? neighInput : { neigh: { ...neigh, reachableMs: reachable[index] } };
  const macAge = timers.macCacheMs !== undefined ? { macAgeMs: timers.macCacheMs } : {};
  // Only upstream Weave routes over the mesh; the seed's guesses send straight to the owner's host.
  const mesh = config.id === 'sleeve/upstream' || config.id === 'fdp/upstream';
  const allRoutes = mesh ? allMeshRoutes(peerGraph(hostNames, peerLinks(topology))) : {};
  const directory = initialDirectory(topology.containers);
  const addresses: Record<string, Ip> = Object.fromEntries(topology.hosts.map((h) => [h.name, h.address]));
  const containerIds: Record<string, string> = {};

  // Every (host, container) the timeline ever runs, beyond the topology's own: stopped until started.
  const atStart = new Set(topology.containers.map((c) => `${c.host}\u0000${c.name}`));
  const later = containerSlots(topology, options.timeline ?? []).filter(
    (s) => !atStart.has(`${s.host}\u0000${s.name}`),
  );
  const dormant: string[] = [];

  topology.hosts.forEach((host) => {
    const id = (name: string) => componentId(host.name, name);
    const containers = containersOn(topology, host.name);
    const linux = config.plane === 'linux';
    const looped = options.bridgeLoop === host.name;
    // The segments this host's bridge is on (`Topology.segments`): one port each.
    const segments = (topology.segments ?? []).flatMap((pair, i) =>
      pair.includes(host.name) ? [segmentPort(i)] : [],
    );
    add({
      id: id('bridge'),
      kind: 'bridge',
      host: host.name,
      machine: use(bridgeMachine),
      input: {
        ...(timers.bridgeAgeingMs !== undefined && { ageingMs: timers.bridgeAgeingMs }),
        ...(!linux && { local: { port: 'local', mac: host.mac } }),
        ports: [
          ...containers.map((c) => c.name),
          'ethbr',
          // The bridge device, where the host kernel sits, is a port of its own beside the capture port.
          ...(linux ? ['vxlan'] : ['local']),
          ...(looped ? ['loopA', 'loopB'] : []),
          ...segments,
        ],
      },
    });
    for (const c of containers) {
      containerIds[c.name] = id(c.name);
      add({
        id: id(c.name),
        kind: 'container',
        host: host.name,
        machine: use(containerMachine),
        input: {
          name: c.name,
          mac: c.mac,
          ip: c.ip,
          subnet: c.subnet,
          ...(c.announce !== undefined && { announce: c.announce }),
          ...neighOf(topology.containers.indexOf(c)),
        },
      });
      link({ component: id(c.name), port: 'eth0' }, { component: id('bridge'), port: c.name });
    }
    for (const slot of later.filter((s) => s.host === host.name)) {
      dormant.push(id(slot.name));
      add({
        id: id(slot.name),
        kind: 'container',
        host: host.name,
        machine: use(containerMachine),
        // No address until the timeline starts it (its bridge port is down until then).
        input: {
          name: slot.name,
          mac: '',
          ip: '',
          subnet: '',
          announce: false,
          ...neighInput,
        },
      });
      link({ component: id(slot.name), port: 'eth0' }, { component: id('bridge'), port: slot.name });
    }
    add({
      id: id('ethbr'),
      kind: 'ethbr',
      host: host.name,
      machine: use(ethbrMachine),
      input: {
        mac: host.mac,
        ...(host.ip !== undefined && { ip: host.ip, subnet: hostSubnet(topology, host) }),
        tap: !linux,
        ...neighInput,
      },
    });
    link({ component: id('bridge'), port: 'ethbr' }, { component: id('ethbr'), port: 'bridge' });
    if (!linux) link({ component: id('bridge'), port: 'local' }, { component: id('ethbr'), port: 'local' });
    if (looped) link({ component: id('bridge'), port: 'loopA' }, { component: id('bridge'), port: 'loopB' });

    const routes: MeshRoutes = allRoutes[host.name] ?? { unicast: {}, broadcast: {} };
    const peers = Object.fromEntries(Object.entries(addresses).filter(([h]) => h !== host.name));
    const toUnderlay = (e: Endpoint) => link(e, { component: UNDERLAY, port: host.name });
    if (config.plane === 'linux') {
      add(linuxVtep(topology, config, host, use));
      link({ component: id('bridge'), port: 'vxlan' }, { component: id('vtep'), port: 'dp' });
      toUnderlay({ component: id('vtep'), port: 'udp' });
      return;
    }
    if (config.plane === 'sleeve') {
      add({
        id: id('router'),
        kind: 'sleeve-router',
        host: host.name,
        peer: true,
        machine: use(config.arp === 'proxy' ? sleeveProxyArpMachine : sleeveUpstreamMachine),
        ...(config.arp === 'proxy' && { directory: true as const }),
        input: {
          host: host.name,
          address: host.address,
          mode: config.arp === 'proxy' ? 'proxy-arp' : 'upstream',
          peers,
          directory,
          routes,
          ...macAge,
        },
      });
      link({ component: id('ethbr'), port: 'tap' }, { component: id('router'), port: 'pcap' });
      toUnderlay({ component: id('router'), port: 'udp' });
      return;
    }
    for (const c of wireFdpHost(topology, config, host, routes, directory, use)) add(c);
    link({ component: id('ethbr'), port: 'tap' }, { component: id('datapath'), port: 'bridge' });
    link(
      { component: id('datapath'), port: 'controller' },
      { component: id('controller'), port: 'datapath' },
    );
    if (config.hypothesis === 'upstream') toUnderlay({ component: id('datapath'), port: 'vxlan' });
    else {
      link({ component: id('datapath'), port: 'vtep' }, { component: id('vtep'), port: 'dp' });
      toUnderlay({ component: id('vtep'), port: 'udp' });
    }
  });

  for (const [i, [a, b]] of (topology.segments ?? []).entries())
    link(
      { component: componentId(a, 'bridge'), port: segmentPort(i) },
      { component: componentId(b, 'bridge'), port: segmentPort(i) },
    );

  const multicast =
    (config.plane === 'linux' && config.vtep === 'multicast') ||
    (config.plane === 'fdp' && config.hypothesis !== 'upstream' && config.vtep === 'multicast');
  add({
    id: UNDERLAY,
    kind: 'underlay',
    host: null,
    machine: use(underlayMachine),
    input: { hosts: addresses, groups: multicast ? { [VTEP_GROUP]: hostNames } : {} },
  });

  const links = new Map<string, Endpoint>();
  for (const [a, b] of linkPairs) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      if (links.has(linkKey(from))) throw new Error(`port ${from.component}:${from.port} is linked twice`);
      links.set(linkKey(from), to);
    }
  }
  return {
    topology,
    config,
    components,
    byId: new Map(components.map((c) => [c.id, c])),
    links,
    containerIds,
    dormant,
    reachable,
  };
}

/** The vxlan device of the Linux-native layout (VNI 42, as the kernel harness creates it). */
export const LINUX_VNI = 42;

/** The next host in the ring: the single peer of the `remote` variant. */
export function ringNext(topology: Topology, host: string): HostSpec {
  const i = topology.hosts.findIndex((h) => h.name === host);
  return topology.hosts[(i + 1) % topology.hosts.length]!;
}

type Use = (machine: AnyStateMachine) => AnyStateMachine;

function linuxVtep(topology: Topology, config: LinuxConfig, host: HostSpec, use: Use): ComponentDef {
  const others = topology.hosts.filter((h) => h.name !== host.name).map((h) => h.address);
  const remotes =
    config.vtep === 'multicast'
      ? []
      : config.vtep === 'remote'
        ? [ringNext(topology, host.name).address]
        : others;
  return {
    id: componentId(host.name, 'vtep'),
    kind: 'vtep',
    host: host.name,
    machine: use(vtepMachine),
    input: {
      address: host.address,
      vni: LINUX_VNI,
      variant: config.vtep,
      group: config.vtep === 'multicast' ? VTEP_GROUP : undefined,
      remotes,
      learning: config.learning,
      ...(topology.timers?.vxlanAgeingMs !== undefined && { ageingMs: topology.timers.vxlanAgeingMs }),
    },
  };
}

/** The controller machine of each Fast Datapath hypothesis. */
const CONTROLLERS = {
  h1: h1ControllerMachine,
  h2: h2ControllerMachine,
  h3: h3ControllerMachine,
  upstream: upstreamControllerMachine,
} as const;

/** The Fast Datapath components of one host: datapath, controller and, for the seed's guesses, a vtep. */
function wireFdpHost(
  topology: Topology,
  config: FdpSeedConfig | FdpUpstreamConfig,
  host: HostSpec,
  routes: MeshRoutes,
  directory: Directory,
  use: Use,
): ComponentDef[] {
  const id = (name: string) => componentId(host.name, name);
  const upstream = config.hypothesis === 'upstream';
  const others = topology.hosts.filter((h) => h.name !== host.name).map((h) => h.address);
  const components: ComponentDef[] = [
    {
      id: id('datapath'),
      kind: 'datapath',
      host: host.name,
      machine: use(datapathMachine),
      input: {
        ports: upstream ? ['bridge', 'vxlan', 'controller'] : ['bridge', 'vtep', 'controller'],
        address: host.address,
        // Upstream sweeps flows unused for 5 min (router/fastdp.go:1043-1091); the seed's standing flows never expire.
        idleMs: upstream ? (topology.timers?.flowIdleMs ?? 300_000) : undefined,
      },
    },
    {
      id: id('controller'),
      kind: 'controller',
      host: host.name,
      peer: true,
      machine: use(CONTROLLERS[config.hypothesis]),
      ...((config.hypothesis === 'h1' || config.hypothesis === 'h2') && { directory: true as const }),
      input: {
        host: host.name,
        address: host.address,
        hypothesis: config.hypothesis,
        vni: SEED_VNI,
        directory,
        hosts: Object.fromEntries(
          topology.hosts.map((h, i) => [h.name, { address: h.address, fakeMac: fakeMacOf(i) }]),
        ),
        routes,
        ...(topology.timers?.macCacheMs !== undefined && { macAgeMs: topology.timers.macCacheMs }),
      },
    },
  ];
  if (config.hypothesis !== 'upstream') {
    components.push({
      id: id('vtep'),
      kind: 'vtep',
      host: host.name,
      machine: use(vtepMachine),
      input: {
        address: host.address,
        vni: SEED_VNI,
        variant: config.vtep,
        group: config.vtep === 'multicast' ? VTEP_GROUP : undefined,
        remotes: config.vtep === 'multicast' ? [] : others,
        learning: config.learning,
        ...(topology.timers?.vxlanAgeingMs !== undefined && { ageingMs: topology.timers.vxlanAgeingMs }),
      },
    });
  }
  return components;
}
