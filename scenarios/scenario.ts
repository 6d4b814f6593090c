/**
 * A scenario: a hand-written case (topology, configuration, traffic) with the steps its trace must show,
 * in order, each labelled with the seed step IDs it models (docs/seed-flows.md). Where a configuration departs
 * from the seed on purpose (upstream Weave), the expectation says how.
 */
import { configById } from '../model/config.ts';
import type { Message } from '../model/messages.ts';
import { type Run, simulate } from '../model/network/simulator.ts';
import type { TraceStep } from '../model/network/trace.ts';
import { buildNetwork, type Network } from '../model/network/wiring.ts';
import type { Frame } from '../model/packets.ts';
import type { Timeline } from '../model/timeline.ts';
import type { Topology } from '../model/topology.ts';

export interface Expectation {
  /** Seed step IDs this step models; empty for a step the seed does not describe. */
  seed: string[];
  component: string;
  /** What the step shows, in a sentence. */
  says: string;
  /** Where the configuration departs from the seed here, and how. */
  departs?: string;
  match: (step: TraceStep) => boolean;
}

export interface Scenario {
  name: string;
  title: string;
  config: string;
  topology: Topology;
  traffic: Timeline;
  /** What the scenario shows, for its page. */
  summary: string;
  expect: Expectation[];
}

export interface ScenarioResult {
  scenario: Scenario;
  network: Network;
  run: Run;
  /** The trace step each expectation matched, or -1 from the first one not found on. */
  matched: number[];
  /** The first expectation not found, if any. */
  missing: Expectation | null;
  labels: Map<number, string[]>;
}

export function runScenario(scenario: Scenario): ScenarioResult {
  const network = buildNetwork(scenario.topology, configById(scenario.config), {
    timeline: scenario.traffic,
  });
  const run = simulate(network, scenario.traffic);
  const matched: number[] = [];
  const labels = new Map<number, string[]>();
  let from = 0;
  let missing: Expectation | null = null;
  for (const e of scenario.expect) {
    const i = missing
      ? -1
      : run.trace.findIndex((s, n) => n >= from && s.component === e.component && e.match(s));
    matched.push(i);
    if (i < 0) {
      missing ??= e;
      continue;
    }
    labels.set(i, [...(labels.get(i) ?? []), ...e.seed.filter((id) => !labels.get(i)?.includes(id))]);
    from = i + 1;
  }
  return { scenario, network, run, matched, missing, labels };
}

// Matchers over one step, composed with `all`.

export type FramePredicate = (f: Frame) => boolean;

export const whoHas =
  (ip: string): FramePredicate =>
  (f) =>
    f.payload.kind === 'arp' &&
    f.payload.op === 'request' &&
    f.payload.targetIp === ip &&
    f.payload.senderIp !== ip;
export const arpReply =
  (ip: string, mac?: string): FramePredicate =>
  (f) =>
    f.payload.kind === 'arp' &&
    f.payload.op === 'reply' &&
    f.payload.senderIp === ip &&
    (mac === undefined || f.payload.senderMac === mac);
export const echo =
  (icmp: 'echo-request' | 'echo-reply', ping = 1): FramePredicate =>
  (f) =>
    f.payload.kind === 'ipv4' && f.payload.icmp === icmp && f.payload.ping === ping;

function frameOf(m: Message): Frame | null {
  if (m.kind === 'frame') return m;
  if (m.kind === 'sleeve' || m.kind === 'vxlan') return m.frame;
  return 'frame' in m ? (m.frame as Frame) : null;
}

export type StepPredicate = (s: TraceStep) => boolean;

export const all =
  (...ps: StepPredicate[]): StepPredicate =>
  (s) =>
    ps.every((p) => p(s));

export const not =
  (p: StepPredicate): StepPredicate =>
  (s) =>
    !p(s);

/** The step's input is a message carrying a frame that satisfies `p` (tunnelled or not). */
export const receives =
  (p: FramePredicate, kind?: Message['kind']): StepPredicate =>
  (s) => {
    if (s.input.type !== 'recv' || (kind && s.input.packet.kind !== kind)) return false;
    const f = frameOf(s.input.packet);
    return f !== null && p(f);
  };
export const pinged: StepPredicate = (s) => s.input.type === 'ping';
export const timerFired: StepPredicate = (s) => s.input.type === 'timer.fire';

/** The step sends a message out of `port` carrying a frame that satisfies `p`. */
export const sends =
  (port: string, p: FramePredicate, kind?: Message['kind']): StepPredicate =>
  (s) =>
    s.outputs.some((o) => {
      if (o.type !== 'send' || o.port !== port || (kind && o.packet.kind !== kind)) return false;
      const f = frameOf(o.packet);
      return f !== null && p(f);
    });
/** The step sends a message of this kind (a control message, say) out of `port`. */
export const sendsKind =
  (port: string, kind: Message['kind']): StepPredicate =>
  (s) =>
    s.outputs.some((o) => o.type === 'send' && o.port === port && o.packet.kind === kind);
/** The step sends nothing at all. */
export const sendsNothing: StepPredicate = (s) => !s.outputs.some((o) => o.type === 'send');
export const drops =
  (text: string): StepPredicate =>
  (s) =>
    s.outputs.some((o) => o.type === 'drop' && (o.seed === text || o.reason.includes(text)));
export const delivers =
  (p: FramePredicate): StepPredicate =>
  (s) =>
    s.outputs.some((o) => {
      if (o.type !== 'deliver') return false;
      const f = frameOf(o.packet);
      return f !== null ? p(f) : false;
    });
export const notes =
  (text: string): StepPredicate =>
  (s) =>
    s.outputs.some((o) => o.type === 'note' && o.text.includes(text));
