/**
 * Coverage of what the property runs really exercise (`weave-spec coverage`): per machine of the model, the
 * states and transitions it declares and the ones the generated cases reached; and, of the runs
 * themselves, how much of the traffic the delivery property checks and where the scheduler's choices are
 * spent. The cases are the matrix's own (the same arbitrary, seed and number per configuration), run on
 * the worker pool, one job per configuration.
 */
import fc from 'fast-check';
import { inSubnet } from '../model/addresses.ts';
import { type Config, configById } from '../model/config.ts';
import { onTransition, type Plan, plan } from '../model/machine/plan.ts';
import { MODEL_MACHINES } from '../model/machines.ts';
import type { Scheduler } from '../model/network/scheduler.ts';
import { choiceScheduler } from '../model/network/scheduler.ts';
import { simulate } from '../model/network/simulator.ts';
import { buildNetwork } from '../model/network/wiring.ts';
import { runPool } from '../workers/pool.ts';
import { caseArbitrary } from './arbitraries.ts';
import { type Case, stepBound } from './case.ts';
import { configSeed } from './matrix.ts';

/** `SOURCE --event[guard]--> TARGET`, as the diagrams and the reports name a transition. */
export function transitionLabel(p: Plan, index: number): string {
  const t = p.transitions[index]!;
  const label = `${t.source} --${t.event}${t.guard ? `[${t.guard}]` : ''}--> ${t.target}`;
  const same = p.transitions.filter(
    (u) => u.source === t.source && u.event === t.event && u.guard === t.guard && u.target === t.target,
  );
  return same.length > 1 ? `${label} #${same.indexOf(t) + 1}` : label;
}

/**
 * Transitions no run of the static world can take, and why. The coverage test fails for a declared
 * transition that is neither reached by the default runs nor listed here.
 */
const STATIC =
  'in a static world: nothing starts, stops, moves or fails after time 0 (the dynamics issue makes it reachable)';
const WIRED = (what: string) => `the wiring links ${what}: nothing else can arrive (a defensive transition)`;
const MESH = 'the mesh port is not wired: routes change only when peers join or leave (the dynamics issue)';

export const UNREACHABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  container: {
    'running --stop--> stopped': `no container stops ${STATIC}`,
    'stopped --recv--> stopped': 'no container is ever stopped (see running --stop--> stopped)',
    'stopped --ping--> stopped': 'no container is ever stopped (see running --stop--> stopped)',
    'stopped --start--> running': 'no container is ever stopped (see running --stop--> stopped)',
  },
  neighbour: {
    'REACHABLE --timer--> REACHABLE':
      'every ARP confirmation re-arms the timer to the new expiry, so it fires only once the entry has expired; an upper-layer confirmation (neigh_confirm) would make it fire early, and the model has none',
    'NONE --reply--> NONE':
      'a reply is unicast to the requester, which made an entry when it asked: an unsolicited reply needs a requester that lost its table (a restart, the dynamics issue)',
    'REACHABLE --reply[sameMac]--> REACHABLE':
      'each request is answered once (no loops, no latency) and a reply arrives before a retry is due: a second reply needs link latency (the dynamics issue)',
    'REACHABLE --reply--> REACHABLE': `a reply from another MAC for the same IP needs a MAC that changed, ${STATIC}`,
    'STALE --reply--> REACHABLE':
      'a STALE entry has no request outstanding: a reply reaches it only late, over a link with latency (the dynamics issue)',
    'FAILED --reply--> REACHABLE':
      'a reply after mcast_solicit × retrans_time (3 s) needs link latency or a lost reply (the dynamics issue)',
    'PROBE --timer[unicastProbesLeft]--> PROBE':
      'Weave sets ucast_solicit to 1 (net/arp.go): one unicast probe, then FAILED; reachable with other neighbour settings',
    'PROBE --timer--> FAILED': `every unicast probe is answered by the owner (or H2's responder) ${STATIC}; under linux/remote, outside the default scope, some are not`,
    'PROBE --update--> STALE': `a request naming the neighbour with another MAC needs a MAC that changed, ${STATIC}`,
    'FAILED --update--> STALE':
      "a FAILED entry's IP is nobody's, or its owner cannot be reached; an owner that cannot answer yet speaks needs linux/remote (outside the default scope) or a container that restarts (the dynamics issue)",
  },
  'flow-entry': {
    'installed --flush--> flushed': `upstream flushes its flows at start, before any is installed, and again when routes change or a MAC moves; neither happens ${STATIC}`,
  },
  'vxlan-fdb-entry': {
    'REACHABLE --snoop--> REACHABLE': `a learned MAC moves to another remote only when its container moves, ${STATIC}`,
    'PERMANENT --snoop[sameRemote]--> PERMANENT':
      "no configuration adds static FDB entries (the seed's V1–V3 have none)",
    'PERMANENT --snoop--> PERMANENT': "no configuration adds static FDB entries (the seed's V1–V3 have none)",
  },
  'mac-cache-entry': {
    'local --forwarded[expired]--> remote': `a MAC learned here and forwarded from a peer has moved there, ${STATIC}`,
    'local --forwarded--> remote': `a MAC learned here and forwarded from a peer has moved there, ${STATIC}`,
    'local --forwarded[samePeerRefreshDue]--> local':
      'a peer never receives a frame it captured itself: every broadcast tree is loop-free (mesh/routes.go)',
    'local --forwarded[samePeer]--> local':
      'a peer never receives a frame it captured itself: every broadcast tree is loop-free (mesh/routes.go)',
    'remote --captured[expired]--> local': `a MAC at another peer captured here has moved here, ${STATIC}`,
    'remote --captured--> remote':
      'pcap captures inbound only (router/pcap.go), so a router never sees its own injections, and a MAC stays where it is in a static world (the bridge-floods-ingress mutant reaches it)',
    'remote --forwarded--> remote': `a MAC forwarded from a second peer has moved there, ${STATIC}`,
  },
  'h1-target': Object.fromEntries(
    [
      'answering --upcall[ownerLocal]--> local',
      'answering --upcall--> unowned',
      'local --upcall[ownerRemote]--> answering',
      'local --upcall--> unowned',
      'unowned --upcall[ownerRemote]--> answering',
      'unowned --upcall[ownerLocal]--> local',
    ].map((t) => [t, `an IP changes owner only when containers stop, start or move, ${STATIC}`]),
  ),
  'sleeve-proxy-arp': { '* --recv--> *': WIRED('pcap to ethbr and udp to the underlay') },
  'sleeve-upstream': { '* --recv--> *': WIRED('pcap to ethbr and udp to the underlay') },
  'controller-h1': {
    '* --recv[upcall]--> *':
      "H1's standing flows flood every packet but ARP requests, which they punt: nothing else misses",
    '* --recv[routesUpdate]--> *': MESH,
    '* --recv--> *': WIRED('the datapath port to the datapath, which sends only upcalls'),
  },
  'controller-h2': {
    '* --recv[routesUpdate]--> *': MESH,
    '* --recv--> *': WIRED('the datapath port to the datapath, which sends only upcalls'),
  },
  'controller-h3': {
    '* --recv[routesUpdate]--> *': MESH,
    '* --recv--> *': WIRED('the datapath port to the datapath, which sends only upcalls'),
  },
  'controller-upstream': {
    '* --recv[routesUpdate]--> *': MESH,
    '* --recv--> *': WIRED('the datapath port to the datapath, which sends only upcalls'),
  },
};

export interface MachineCoverage {
  id: string;
  kind: 'component' | 'entry';
  states: string[];
  transitions: string[];
  reachedStates: string[];
  reachedTransitions: string[];
  unreachable: { transition: string; why: string }[];
  /** Declared, not reached, and not listed as unreachable. */
  missed: string[];
}

export interface Exercise {
  cases: number;
  pings: number;
  /** Of all pings, the fraction the delivery property checks (to a container in the sender's subnet). */
  pingsChecked: number;
  /** Of the checked pings, the fraction whose target is on another host. */
  crossHostOfChecked: number;
  /** Of the checked pings, the fraction a container sends to itself. */
  selfOfChecked: number;
  /** Cases in which a ping found no neighbour entry and an ARP resolution started. */
  casesWithArpMiss: number;
  /** Fast Datapath cases in which a packet missed every flow and was upcalled (null: none run). */
  casesWithDatapathMiss: number | null;
  /** Of the scheduler's choices consumed, the fraction consumed at or after the first ping. */
  choicesAfterFirstPing: number;
}

export interface Coverage {
  machines: MachineCoverage[];
  exercise: Exercise;
}

/** What one configuration's cases did: transition counts by machine id, and the raw exercise counts. */
export interface ConfigCoverage {
  transitions: Record<string, number[]>;
  cases: number;
  pings: number;
  checked: number;
  crossHost: number;
  self: number;
  arpMiss: number;
  fdpCases: number;
  datapathMiss: number;
  choices: number;
  choicesAfter: number;
}

export interface CoverageJob {
  config: string;
  runs: number;
  seed: number;
}

/** A scheduler that also notes at which pick each choice was consumed. */
function notingScheduler(choices: readonly number[]): { scheduler: Scheduler; consumedAt: number[] } {
  const inner = choiceScheduler(choices);
  const consumedAt: number[] = [];
  let picks = 0;
  return {
    consumedAt,
    scheduler: {
      used: inner.used,
      pick(pending) {
        const before = inner.used.length;
        const i = inner.pick(pending);
        if (inner.used.length > before) consumedAt.push(picks);
        picks++;
        return i;
      },
    },
  };
}

const NEIGHBOUR_MISS = new Set(['NONE --send--> INCOMPLETE', 'FAILED --send--> INCOMPLETE']);

/** Runs one configuration's cases with every transition observed. */
export function coverConfig(job: CoverageJob): ConfigCoverage {
  const config: Config = configById(job.config);
  const cases = fc.sample(caseArbitrary(config), {
    numRuns: job.runs,
    seed: configSeed(job.seed, job.config),
  });
  const result: ConfigCoverage = {
    transitions: {},
    cases: cases.length,
    pings: 0,
    checked: 0,
    crossHost: 0,
    self: 0,
    arpMiss: 0,
    fdpCases: 0,
    datapathMiss: 0,
    choices: 0,
    choicesAfter: 0,
  };
  const neighbour = plan(MODEL_MACHINES.find((m) => m.machine.id === 'neighbour')!.machine);
  const missIndex = new Set(
    neighbour.transitions
      .filter((_, i) => NEIGHBOUR_MISS.has(transitionLabel(neighbour, i)))
      .map((t) => t.index),
  );
  for (const c of cases) {
    let arpMiss = false;
    const stop = onTransition((p, index) => {
      if (!result.transitions[p.id]) result.transitions[p.id] = new Array(p.transitions.length).fill(0);
      const counts = result.transitions[p.id]!;
      counts[index] = (counts[index] ?? 0) + 1;
      if (p === neighbour && missIndex.has(index)) arpMiss = true;
    });
    try {
      exercise(c, result);
    } finally {
      stop();
    }
    if (arpMiss) result.arpMiss++;
  }
  return result;
}

/** One case: simulate it, and count its pings and choices. */
function exercise(c: Case, into: ConfigCoverage): void {
  const network = buildNetwork(c.topology, configById(c.config));
  const noted = notingScheduler(c.choices);
  const run = simulate(network, c.traffic, { scheduler: noted.scheduler, maxSteps: stepBound(c, network) });
  const byName = new Map(c.topology.containers.map((x) => [x.name, x]));
  const byIp = new Map(c.topology.containers.map((x) => [x.ip, x]));
  for (const p of c.traffic) {
    into.pings++;
    const sender = byName.get(p.from)!;
    const owner = byIp.get(p.to);
    if (owner === undefined || !inSubnet(p.to, sender.subnet)) continue;
    into.checked++;
    if (owner === sender) into.self++;
    else if (owner.host !== sender.host) into.crossHost++;
  }
  if (network.config.plane === 'fdp') {
    into.fdpCases++;
    const miss = run.trace.some((s) =>
      s.outputs.some((o) => o.type === 'note' && o.text.startsWith('miss ')),
    );
    if (miss) into.datapathMiss++;
  }
  const starts = run.trace.filter((s) => s.input.type === 'start').length;
  const firstPing = run.trace.findIndex((s) => s.input.type === 'ping');
  into.choices += noted.consumedAt.length;
  if (firstPing >= 0) into.choicesAfter += noted.consumedAt.filter((k) => k + starts >= firstPing).length;
}

/** The pool's entry point: one configuration. */
export const handle = (job: CoverageJob): ConfigCoverage => coverConfig(job);
const COVERAGE_MODULE = new URL('./coverage.ts', import.meta.url);

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

/** Sums the configurations' coverage into the report. */
export function summarise(parts: readonly ConfigCoverage[]): Coverage {
  const machines = MODEL_MACHINES.map(({ machine, kind }): MachineCoverage => {
    const p = plan(machine);
    const counts = new Array<number>(p.transitions.length).fill(0);
    for (const part of parts)
      part.transitions[p.id]?.forEach((n, i) => {
        counts[i] = (counts[i] ?? 0) + n;
      });
    const labels = p.transitions.map((_, i) => transitionLabel(p, i));
    const reached = labels.filter((_, i) => counts[i]! > 0);
    const states = new Set<string>();
    for (const [i, t] of p.transitions.entries())
      if (counts[i]! > 0) for (const s of [t.source, t.target]) if (s !== '*') states.add(s);
    if (reached.length > 0 && p.states.length > 0) states.add(p.initial);
    const known = UNREACHABLE[p.id] ?? {};
    const unreachable = labels
      .filter((l) => !reached.includes(l) && known[l])
      .map((l) => ({ transition: l, why: known[l]! }));
    return {
      id: p.id,
      kind,
      states: p.states,
      transitions: labels,
      reachedStates: p.states.filter((s) => states.has(s)),
      reachedTransitions: reached,
      unreachable,
      missed: labels.filter((l) => !reached.includes(l) && !known[l]),
    };
  });
  const sum = (k: keyof Omit<ConfigCoverage, 'transitions'>) => parts.reduce((a, p) => a + p[k], 0);
  const fdp = sum('fdpCases');
  return {
    machines,
    exercise: {
      cases: sum('cases'),
      pings: sum('pings'),
      pingsChecked: ratio(sum('checked'), sum('pings')),
      crossHostOfChecked: ratio(sum('crossHost'), sum('checked')),
      selfOfChecked: ratio(sum('self'), sum('checked')),
      casesWithArpMiss: ratio(sum('arpMiss'), sum('cases')),
      casesWithDatapathMiss: fdp === 0 ? null : ratio(sum('datapathMiss'), fdp),
      choicesAfterFirstPing: ratio(sum('choicesAfter'), sum('choices')),
    },
  };
}

export interface CoverageOptions {
  configs: readonly string[];
  runs: number;
  seed: number;
  workers?: number;
  onDone?: (job: number) => void;
}

export async function runCoverage(options: CoverageOptions): Promise<Coverage> {
  const jobs = options.configs.map(
    (config): CoverageJob => ({ config, runs: options.runs, seed: options.seed }),
  );
  const parts = await runPool<CoverageJob, ConfigCoverage>(COVERAGE_MODULE, jobs, {
    workers: options.workers,
    onDone: options.onDone,
  });
  return summarise(parts);
}

/** Of a machine's declared transitions, the fraction reached or listed as unreachable. */
export function accounted(m: MachineCoverage): number {
  return ratio(m.reachedTransitions.length + m.unreachable.length, m.transitions.length);
}
