/**
 * Coverage of what the property runs really exercise (`weave-spec coverage`): per machine of the model, the
 * states and transitions it declares and the ones the generated cases reached; and, of the runs
 * themselves, how much of the traffic the delivery property checks and where the scheduler's choices are
 * spent, and how much of it follows a change of the world. The cases are the matrix's own (the same
 * arbitrary, seed and number per configuration and world), run on the worker pool, one job per
 * configuration and world.
 */

import fc from 'fast-check';
import { inSubnet } from '../model/addresses.ts';
import { type Config, configById } from '../model/config.ts';
import { onTransition, type Plan, plan } from '../model/machine/plan.ts';
import { MODEL_MACHINES } from '../model/machines.ts';
import { FAULT_KINDS, type FaultKind } from '../model/network/faults.ts';
import type { Scheduler } from '../model/network/scheduler.ts';
import { choiceScheduler } from '../model/network/scheduler.ts';
import { simulate } from '../model/network/simulator.ts';
import { changesOf, isContainerItem, isMeshItem, ownerAt, pings, whereAt } from '../model/timeline.ts';
import { runPool } from '../workers/pool.ts';
import { caseArbitrary, WORLDS, type World } from './arbitraries.ts';
import { type Case, caseNetwork, stepBound } from './case.ts';
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
 * Transitions no default run (static and dynamic world) takes, and why. The coverage test fails for a
 * declared transition that is neither reached by the default runs nor listed here.
 */
const LATENCY = 'link latency or loss, not modelled yet (the dynamics issue)';
const WIRED = (what: string) => `the wiring links ${what}: nothing else can arrive (a defensive transition)`;
const NO_MISS = (h: string) =>
  `${h}'s standing flows match every packet (they flood what they do not answer), and they stay in the datapath while the controller is stopped: its datapath misses only in the instant a controller starts and installs them, when the controller is running`;
/** Why H1's directory transitions between two holders do not happen: a release always comes first. */
const RELEASE_FIRST =
  "news of an IP's release always arrives before news of its next holder: the release's own host hears of it at once, every other host after the same gossip delay as the next holder's start; a gossip delay that differs by link would reorder them";
const RETARGETED =
  'the controller retargets an IP as soon as its directory changes (retarget), so a punted request finds the IP in the state that matches its owner';

/** Why nothing arrives at a container in the instant it changes. */
const NOTHING_IN_FLIGHT =
  'links have no latency, so nothing is in flight when a change comes, and a container changes at most once a second (properties/changes.ts, MIN_LIFE_MS): what it asked for before a restart, or what was sent to it before a stop, has long arrived';

/** Why the matrix's runs never run arping or set a static neighbour entry. */
const ADMIN =
  "the matrix's generators make no `arp` or `neigh` timeline item: what a borrowed address or a wrong static MAC breaks is the administrator's doing, not the network's. The conformance generator makes both (conformance/case.ts), and the kernel judges them; model/entries/entries.test.ts and model/components/container.test.ts take each transition";
const PERMANENT_ONLY = Object.fromEntries(
  ['NONE', 'INCOMPLETE', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'PERMANENT']
    .map((s) => [`${s} --admin--> PERMANENT`, ADMIN])
    .concat(['send', 'reply', 'update'].map((e) => [`PERMANENT --${e}--> PERMANENT`, ADMIN])),
);

export const UNREACHABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  container: {
    'stopped --recv--> stopped': `a stopped container's bridge port is down, and ${NOTHING_IN_FLIGHT}`,
    'running --arping--> running': ADMIN,
    'running --neigh.permanent--> running': ADMIN,
    'stopped --arping--> stopped': ADMIN,
    'stopped --neigh.permanent--> stopped': ADMIN,
  },
  neighbour: {
    ...PERMANENT_ONLY,
    'REACHABLE --timer[expiredButUsedLately]--> DELAY':
      "an entry is used outside REACHABLE only before it is confirmed, and Weave's reachable time (at least 2.5 s drawn, 5 s in the model) outlasts delay_first_probe_time (2 s) from then on: the timer always finds it unused lately. The kernel harness, whose delay_first_probe_time is an hour, takes it after every pause (conformance/timing.test.ts, conformance/conformance.test.ts); model/components/container.test.ts takes it with a reachable time below delay_first_probe_time",
    'REACHABLE --reply[lockedOut]--> REACHABLE': `a REACHABLE entry has no request outstanding: a reply from another MAC reaches it only late, over ${LATENCY}`,
    'STALE --reply[lockedOut]--> STALE': `a STALE entry has no request outstanding: a reply from another MAC reaches it only late, over ${LATENCY}`,
    'REACHABLE --timer--> REACHABLE':
      'every ARP confirmation re-arms the timer to the new expiry, so it fires only once the entry has expired; an upper-layer confirmation (neigh_confirm) would make it fire early, and the model has none',
    'REACHABLE --reply--> REACHABLE': `a REACHABLE entry has no request outstanding: a reply from another MAC reaches it only late, over ${LATENCY}`,
    'STALE --reply--> REACHABLE': `a STALE entry has no request outstanding: a reply reaches it only late, over ${LATENCY}`,
    'FAILED --reply--> REACHABLE': `a reply after mcast_solicit × retrans_time (3 s) needs ${LATENCY}`,
    'PROBE --timer[unicastProbesLeft]--> PROBE':
      'Weave sets ucast_solicit to 1 (net/arp.go): one unicast probe, then FAILED; reachable with other neighbour settings',
  },
  'vxlan-fdb-entry': {
    'PERMANENT --snoop[sameRemote]--> PERMANENT':
      "no configuration adds static FDB entries (the seed's V1–V3 have none)",
    'PERMANENT --snoop--> PERMANENT': "no configuration adds static FDB entries (the seed's V1–V3 have none)",
  },
  'mac-cache-entry': {
    'local --forwarded[samePeerRefreshDue]--> local':
      'a peer never receives a frame it captured itself: every broadcast tree is loop-free (mesh/routes.go)',
    'local --forwarded[samePeer]--> local':
      'a peer never receives a frame it captured itself: every broadcast tree is loop-free (mesh/routes.go)',
  },
  'h1-target': {
    ...Object.fromEntries(
      [
        'answering --upcall[ownerLocal]--> local',
        'answering --upcall--> unowned',
        'local --upcall[ownerRemote]--> answering',
        'local --upcall--> unowned',
      ].map((t) => [t, RETARGETED]),
    ),
    ...Object.fromEntries(
      [
        'answering --directory[ownerRemote]--> answering',
        'local --directory[ownerRemote]--> answering',
        'local --directory[ownerLocal]--> local',
      ].map((t) => [t, RELEASE_FIRST]),
    ),
  },
  'sleeve-proxy-arp': { 'running --recv--> running': WIRED('pcap to ethbr and udp to the underlay') },
  'sleeve-upstream': { 'running --recv--> running': WIRED('pcap to ethbr and udp to the underlay') },
  'controller-h1': {
    'running --recv--> running': WIRED('the datapath port to the datapath, which sends only upcalls'),
    'running --recv[upcall]--> running':
      "H1's standing flows flood every data frame and punt every ARP request from the bridge; any other upcall is a miss, which happens only in the instant a restarted controller deletes every flow and installs them again, and no default run has a frame arriving then (an echo request to the host's own MAC reached the datapath before the bridge device was a port of its own)",
  },
  'controller-h2': {
    'running --recv--> running': WIRED('the datapath port to the datapath, which sends only upcalls'),
    'stopped --recv--> stopped': NO_MISS('H2'),
  },
  'controller-h3': {
    'running --recv--> running': WIRED('the datapath port to the datapath, which sends only upcalls'),
    'stopped --recv--> stopped': NO_MISS('H3'),
  },
  'controller-upstream': {
    'running --recv--> running': WIRED('the datapath port to the datapath, which sends only upcalls'),
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
  /** Cases with at least one item of each kind of change (a move counts as a move only), and with at
   *  least one underlay fault of each kind that happened. */
  casesWithEvent: Record<ChangeKind, number>;
  /** Pings the delivery property checks that were sent after a change of the world. */
  pingsCheckedAfterChange: number;
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
  /** Cases with at least one item of each timeline kind beyond pings. */
  withEvent: Record<ChangeKind, number>;
  /** Checked pings sent after some change of the world. */
  checkedAfterChange: number;
}

export const CHANGE_KINDS = [
  'start',
  'stop',
  'move',
  'peer-leave',
  'peer-join',
  'link-down',
  'link-up',
] as const;
/** The timeline's kinds of change, and the underlay's faults (`model/network/faults.ts`), counted where
 *  they happened. */
type ChangeKind = (typeof CHANGE_KINDS)[number] | FaultKind;
const EVENT_KINDS: readonly ChangeKind[] = [...CHANGE_KINDS, ...FAULT_KINDS];

export interface CoverageJob {
  config: string;
  world: World;
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
  const cases = fc.sample(caseArbitrary(config, { world: job.world }), {
    numRuns: job.runs,
    seed: configSeed(job.seed, job.config, job.world),
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
    withEvent: Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>,
    checkedAfterChange: 0,
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
  const network = caseNetwork(c);
  const noted = notingScheduler(c.choices);
  const run = simulate(network, c.traffic, {
    scheduler: noted.scheduler,
    maxSteps: stepBound(c, network),
    ...(c.faults && { faults: c.faults }),
  });
  const changes = changesOf(c.topology, c.traffic);
  const firstChange = c.traffic.find((i) => isContainerItem(i) || isMeshItem(i))?.at;
  for (const kind of CHANGE_KINDS) if (c.traffic.some((i) => i.kind === kind)) into.withEvent[kind]++;
  for (const kind of FAULT_KINDS) if (run.faults.some((f) => f.kind === kind)) into.withEvent[kind]++;
  for (const p of pings(c.traffic)) {
    into.pings++;
    const sender = whereAt(changes, p.from, p.at);
    const owner = ownerAt(changes, p.to, p.at);
    if (sender === undefined || owner === undefined || !inSubnet(p.to, sender.subnet)) continue;
    into.checked++;
    if (firstChange !== undefined && p.at > firstChange) into.checkedAfterChange++;
    if (owner.name === sender.name) into.self++;
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
  const sum = (k: Exclude<keyof ConfigCoverage, 'transitions' | 'withEvent'>) =>
    parts.reduce((a, p) => a + p[k], 0);
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
      casesWithEvent: Object.fromEntries(
        EVENT_KINDS.map((k) => [k, parts.reduce((a, p) => a + p.withEvent[k], 0)]),
      ) as Record<ChangeKind, number>,
      pingsCheckedAfterChange: sum('checkedAfterChange'),
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
  const jobs = options.configs.flatMap((config) =>
    WORLDS.map((world): CoverageJob => ({ config, world, runs: options.runs, seed: options.seed })),
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
