/**
 * fast-check arbitraries for cases (issue 4, Generators). Each is a small named builder over plain
 * indices, mapped into addresses at the end, so that shrinking works on the indices: fewer hosts, fewer
 * containers, fewer subnets, fewer and earlier pings, and shorter schedules.
 *
 * - Topologies: 1–6 hosts, 1–4 containers each, 1–3 overlay subnets (`198.18.{1,2,3}.0/24`), unique MACs
 *   and IPs by construction. Peer graphs are full meshes, or, for the upstream configurations (the only
 *   ones with multi-hop mesh routing), connected partial meshes: a random spanning tree plus extra links.
 *   Some hosts expose an IP on the first subnet (`weave expose`), so the host kernel has an ARP to answer.
 * - Traffic: mostly pings to another container in the sender's subnet, across hosts three times in four
 *   (what the delivery property checks: `weave-spec coverage` measures it); also to any container (itself
 *   included), to an IP nobody owns in the sender's subnet, to an address outside every subnet, or to an
 *   exposed host; separated by gaps
 *   from 0 (concurrent) to past every ageing time (neighbour REACHABLE 5 s, bridge/vtep FDB and upstream
 *   flows 300 s), and repeats of an earlier ping (warm caches).
 * - Interleavings: the scheduler's choice list (`choiceScheduler`), shrinking to the shortest schedule.
 *
 * Array lengths are given explicitly with `size: 'max'`: fast-check's default size keeps arrays short.
 */
import fc from 'fast-check';
import type { Ip } from '../model/addresses.ts';
import type { Config } from '../model/config.ts';
import type { Ping } from '../model/timeline.ts';
import type { ContainerSpec, HostSpec, Topology } from '../model/topology.ts';
import type { Case } from './case.ts';
import { faultsArbitrary, reachableArbitrary } from './chance.ts';
import { buildChanges, buildSweep, merge, type RawChanges, rawChanges } from './changes.ts';
import type { MutantName } from './mutants.ts';
import { peersOf } from './peers.ts';

export const MAX_HOSTS = 6;
export const MAX_CONTAINERS_PER_HOST = 4;
export const MAX_SUBNETS = 3;
export const MAX_PINGS = 24;
export const MAX_CHOICES = 40;

/** Gaps between pings (ms): concurrent, warm cache, one ARP retry, past REACHABLE (5 s) and past
 *  STALE→DELAY→PROBE, past the bridge, vtep FDB and upstream flow ageing (300 s). */
export const GAPS_MS = [0, 10, 1_000, 6_000, 12_000, 310_000] as const;

export const subnetOf = (s: number) => `198.18.${s + 1}.0/24`;
/** An address in the sender's subnet that no container or host owns. */
export const nobodyIn = (s: number): Ip => `198.18.${s + 1}.99`;
/** An address outside every overlay subnet. */
export const OFF_SUBNET: Ip = '198.18.77.1';

const hex = (n: number) => n.toString(16).padStart(2, '0');

interface RawHost {
  /** Subnet index of each container. */
  containers: number[];
  exposed: boolean;
}

interface RawTopology {
  hosts: RawHost[];
  /** For host i > 0, the tree parent is `tree[i - 1] % i`. */
  tree: number[];
  extra: [number, number][];
  fullMesh: boolean;
  /** A partial mesh that is one ring, h1-h2-…-hn-h1 (the dynamic world's only): a cycle without a chord,
   *  where a link going down leaves a long way round, and views that differ can send a frame back. */
  ring?: boolean;
}

/** Most containers share the first subnet, so that most pings have a target the delivery property
 *  checks (a container in the sender's subnet); the others exercise routing between subnets. */
const rawSubnet = fc.oneof(
  { weight: 5, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.nat(MAX_SUBNETS - 1) },
);

const rawHost = fc.record({
  containers: fc.array(rawSubnet, {
    minLength: 1,
    maxLength: MAX_CONTAINERS_PER_HOST,
    size: 'max',
  }),
  exposed: fc.boolean(),
});

/** Host and container names: hosts h1…h6, containers A, B, C… in host order. */
export function buildTopology(raw: RawTopology): Topology {
  const hosts: HostSpec[] = raw.hosts.map((h, i) => ({
    name: `h${i + 1}`,
    address: `198.19.0.${i + 1}`,
    mac: `02:00:00:00:01:${hex(i + 1)}`,
    ...(h.exposed && { ip: `198.18.1.${200 + i}` }),
  }));
  const containers: ContainerSpec[] = [];
  raw.hosts.forEach((h, i) => {
    for (const s of h.containers) {
      const k = containers.length;
      containers.push({
        name: String.fromCharCode(65 + k),
        host: `h${i + 1}`,
        mac: `02:00:00:00:00:${hex(k + 1)}`,
        ip: `198.18.${s + 1}.${k + 1}`,
        subnet: subnetOf(s),
        // Upstream Weave announces every container it attaches.
        announce: true,
      });
    }
  });
  const topology: Topology = { hosts, containers };
  if (!raw.fullMesh && hosts.length > 2) {
    const n = hosts.length;
    const pairs = new Set<string>();
    const peers: [string, string][] = [];
    const link = (a: number, b: number) => {
      const [x, y] = a < b ? [a, b] : [b, a];
      if (x === y || pairs.has(`${x},${y}`)) return;
      pairs.add(`${x},${y}`);
      peers.push([`h${x + 1}`, `h${y + 1}`]);
    };
    if (raw.ring && n > 3) for (let i = 0; i < n; i++) link(i, (i + 1) % n);
    else {
      for (let i = 1; i < n; i++) link(i, (raw.tree[i - 1] ?? 0) % i);
      for (const [a, b] of raw.extra) link(a % n, b % n);
    }
    topology.peers = peers;
  }
  return topology;
}

/** Raw topologies; `partialMesh` allows connected partial meshes (upstream configurations only), `rings`
 *  rings among them (the dynamic world, where links go down). */
export function rawTopology(partialMesh: boolean, rings = false): fc.Arbitrary<RawTopology> {
  const common = {
    hosts: fc.array(rawHost, { minLength: 1, maxLength: MAX_HOSTS, size: 'max' }),
    tree: fc.array(fc.nat(MAX_HOSTS), { minLength: MAX_HOSTS - 1, maxLength: MAX_HOSTS - 1 }),
    extra: fc.array(fc.tuple(fc.nat(MAX_HOSTS - 1), fc.nat(MAX_HOSTS - 1)), { maxLength: 4 }),
    fullMesh: partialMesh ? fc.boolean() : fc.constant(true),
  };
  return rings && partialMesh ? fc.record({ ...common, ring: fc.boolean() }) : fc.record(common);
}

export function topologyArbitrary(partialMesh: boolean): fc.Arbitrary<Topology> {
  return rawTopology(partialMesh).map(buildTopology);
}

type RawTarget =
  /** Another container in the sender's subnet, on another host when `remote` and one exists. */
  | { kind: 'peer'; index: number; remote: boolean }
  /** Any container (any subnet, the sender itself included). */
  | { kind: 'container'; index: number }
  | { kind: 'nobody' }
  | { kind: 'off-subnet' }
  | { kind: 'host'; index: number }
  | { kind: 'repeat'; back: number };

interface RawPing {
  gap: number;
  from: number;
  to: RawTarget;
}

const rawTarget: fc.Arbitrary<RawTarget> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('peer' as const),
      index: fc.nat(31),
      remote: fc.oneof(
        { weight: 3, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('container' as const), index: fc.nat(31) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nobody' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('off-subnet' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('host' as const), index: fc.nat(MAX_HOSTS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('repeat' as const), back: fc.nat(7) }) },
);

const rawPing: fc.Arbitrary<RawPing> = fc.record({
  gap: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: GAPS_MS.length - 1 }) },
  ),
  from: fc.nat(31),
  to: rawTarget,
});

/** Pings as concrete traffic for `topology`: indices taken modulo what exists; a peer target with no peer
 *  in the sender's subnet becomes an address nobody owns there. */
export function buildTraffic(topology: Topology, raw: RawPing[]): Ping[] {
  const cs = topology.containers;
  const exposed = topology.hosts.filter((h) => h.ip !== undefined);
  const traffic: Ping[] = [];
  let at = 0;
  for (const p of raw) {
    at += GAPS_MS[p.gap] ?? 0;
    const from = cs[p.from % cs.length]!;
    const subnet = Number(from.subnet.split('.')[2]) - 1;
    let ping: Ping;
    const t = p.to;
    if (t.kind === 'repeat' && traffic.length > 0) {
      const earlier = traffic[traffic.length - 1 - (t.back % traffic.length)]!;
      ping = { at, from: earlier.from, to: earlier.to };
    } else if (t.kind === 'peer' && peersOf(cs, from, t.remote).length > 0) {
      const peers = peersOf(cs, from, t.remote);
      ping = { at, from: from.name, to: peers[t.index % peers.length]!.ip };
    } else if (t.kind === 'container') ping = { at, from: from.name, to: cs[t.index % cs.length]!.ip };
    else if (t.kind === 'host' && exposed.length > 0)
      ping = { at, from: from.name, to: exposed[t.index % exposed.length]!.ip! };
    else if (t.kind === 'off-subnet') ping = { at, from: from.name, to: OFF_SUBNET };
    else ping = { at, from: from.name, to: nobodyIn(subnet) };
    traffic.push(ping);
  }
  return traffic;
}

/** A timeline over a topology, from raw pings and changes (`changes.ts`). */
function buildDynamic(raw: { topology: RawTopology; pings: RawPing[]; changes: RawChanges }) {
  const topology = buildTopology(raw.topology);
  const changes = buildChanges(topology, raw.changes);
  // At the same time, changes first: a ping then sees the new world.
  const middle = merge(changes.items, buildTraffic(topology, raw.pings));
  return { topology, traffic: merge(middle, buildSweep(topology, middle, changes, raw.changes)) };
}

/** The world a case runs in: frozen after time 0, or with containers that move, restart, stop and start
 *  (`changes.ts`). */
export type World = 'static' | 'dynamic';
export const WORLDS: readonly World[] = ['static', 'dynamic'];

export interface CaseOptions {
  mutants?: readonly MutantName[];
  world?: World;
  maxPings?: number;
  maxChoices?: number;
}

/** Partial meshes only where the data plane routes over the mesh (upstream Sleeve and FDP); the seed's
 *  guesses send straight to the owner's host and assume a full mesh. */
export function allowsPartialMesh(config: Config): boolean {
  return config.id === 'sleeve/upstream' || config.id === 'fdp/upstream';
}

export function caseArbitrary(config: Config, options: CaseOptions = {}): fc.Arbitrary<Case> {
  const mutants = options.mutants ?? [];
  const common = {
    topology: rawTopology(allowsPartialMesh(config), options.world === 'dynamic'),
    pings: fc.array(rawPing, { minLength: 1, maxLength: options.maxPings ?? MAX_PINGS, size: 'max' }),
    choices: fc.array(fc.nat(15), { maxLength: options.maxChoices ?? MAX_CHOICES, size: 'max' }),
  };
  const extra = { config: config.id, ...(mutants.length > 0 && { mutants: [...mutants] }) };
  if (options.world === 'dynamic')
    return fc
      .record({ ...common, changes: rawChanges, faults: faultsArbitrary, reachable: reachableArbitrary })
      .map(
        ({ choices, faults, reachable, ...raw }): Case => ({
          ...buildDynamic(raw),
          choices,
          ...(faults.length > 0 && { faults }),
          ...(reachable.length > 0 && { reachable }),
          ...extra,
        }),
      );
  return fc.record(common).map(({ topology: raw, pings, choices }): Case => {
    const topology = buildTopology(raw);
    return { topology, traffic: buildTraffic(topology, pings), choices, ...extra };
  });
}
