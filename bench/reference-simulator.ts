/**
 * The simulator as it was before the performance work (commit 904e0aa, `model/network/simulator.ts`),
 * kept verbatim apart from imports and the name: the trace-equivalence test runs it beside the current
 * simulator on the same inputs and asserts byte-identical traces, and `npm run bench` measures the speed-up
 * against it. Not used by the product.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ComponentEvent } from '../model/machine/io.ts';
import { fifoScheduler, type Scheduler } from '../model/network/scheduler.ts';
import type { CopyInfo, Endpoint, TraceInput, TraceOutput, TraceStep } from '../model/network/trace.ts';
import { linkKey, type Network } from '../model/network/wiring.ts';
import type { Ping } from '../model/timeline.ts';
import { referenceMakeStepper as makeStepper, type Stepper } from './reference-step.ts';

interface RunOptions {
  scheduler?: Scheduler;
  /** Hard bound on steps; a run that hits it is `truncated` (a loop, or a storm). */
  maxSteps?: number;
  /** Stop the clock here even if timers are pending (ms). */
  until?: number;
}

interface Run {
  trace: TraceStep[];
  copies: CopyInfo[];
  /** Each component's final context. */
  contexts: Record<string, unknown>;
  /** Virtual time of the last step. */
  end: number;
  truncated: boolean;
  /** The scheduler choices consulted: replaying them reproduces the run. */
  choices: number[];
}

interface Pending {
  to: string;
  event: ComponentEvent;
  input: TraceInput;
}

interface Timer {
  at: number;
  seq: number;
  component: string;
  event: { type: 'timer.fire'; key: string } | { type: 'ping'; dst: string; ping: number };
}

const steppers = new WeakMap<object, Stepper>();
function stepperOf(machine: Network['components'][number]['machine']): Stepper {
  let s = steppers.get(machine);
  if (!s) {
    s = makeStepper(machine);
    steppers.set(machine, s);
  }
  return s;
}

const DEFAULT_MAX_STEPS = 200_000;

export function referenceSimulate(network: Network, traffic: Ping[], options: RunOptions = {}): Run {
  const scheduler = options.scheduler ?? fifoScheduler();
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const snapshots = new Map<string, AnyMachineSnapshot>();
  const trace: TraceStep[] = [];
  const copies: CopyInfo[] = [];
  let pending: Pending[] = [];
  let timers: Timer[] = [];
  let timerSeq = 0;
  let now = 0;

  const addTimer = (t: Omit<Timer, 'seq'>) => {
    timers.push({ ...t, seq: timerSeq++ });
  };
  traffic.forEach((p, i) => {
    addTimer({
      at: p.at,
      component: network.containerIds[p.from]!,
      event: { type: 'ping', dst: p.to, ping: i + 1 },
    });
  });

  const route = (component: string, input: TraceInput, outputs: TraceStep['outputs']): TraceOutput[] =>
    outputs.map((o): TraceOutput => {
      switch (o.type) {
        case 'send': {
          const from: Endpoint = { component, port: o.port };
          const to = network.links.get(linkKey(from));
          if (!to) throw new Error(`${component} sent on port ${o.port}, which is not connected`);
          const copy = copies.length;
          const parent = input.type === 'recv' && !o.origin ? input.copy : null;
          copies.push({
            copy,
            parent,
            root: parent === null ? copy : copies[parent]!.root,
            cause: input.type === 'recv' ? input.copy : null,
            step: trace.length,
            from,
            to,
          });
          pending.push({
            to: to.component,
            event: { type: 'recv', port: to.port, packet: o.packet, now },
            input: { type: 'recv', port: to.port, packet: o.packet, copy },
          });
          return { ...o, copy, to };
        }
        case 'timer.set':
          timers = timers.filter(
            (t) => !(t.component === component && t.event.type === 'timer.fire' && t.event.key === o.key),
          );
          addTimer({ at: o.at, component, event: { type: 'timer.fire', key: o.key } });
          return o;
        case 'timer.clear':
          timers = timers.filter(
            (t) => !(t.component === component && t.event.type === 'timer.fire' && t.event.key === o.key),
          );
          return o;
        default:
          return o;
      }
    });

  for (const c of network.components) {
    const { snapshot, outputs } = stepperOf(c.machine).initial(c.input);
    snapshots.set(c.id, snapshot);
    if (outputs.length > 0) {
      const input: TraceInput = { type: 'start' };
      const step: TraceStep = { n: trace.length, at: 0, component: c.id, input, outputs: [] };
      step.outputs = route(c.id, input, outputs);
      trace.push(step);
    }
  }

  let truncated = false;
  for (;;) {
    if (pending.length === 0) {
      if (timers.length === 0) break;
      const next = timers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a));
      if (next.at > until) break;
      now = Math.max(now, next.at);
      const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq);
      timers = timers.filter((t) => t.at > now);
      pending = due.map((t) => ({
        to: t.component,
        event: { ...t.event, now } as ComponentEvent,
        input:
          t.event.type === 'ping'
            ? { type: 'ping', dst: t.event.dst, ping: t.event.ping }
            : { type: 'timer.fire', key: t.event.key },
      }));
      continue;
    }
    if (trace.length >= maxSteps) {
      truncated = true;
      break;
    }
    const [d] = pending.splice(scheduler.pick(pending.length), 1) as [Pending];
    const c = network.byId.get(d.to)!;
    const { snapshot, outputs } = stepperOf(c.machine).step(snapshots.get(d.to)!, d.event);
    snapshots.set(d.to, snapshot);
    const step: TraceStep = { n: trace.length, at: now, component: d.to, input: d.input, outputs: [] };
    step.outputs = route(d.to, d.input, outputs);
    trace.push(step);
  }

  const contexts: Record<string, unknown> = {};
  for (const [id, s] of snapshots) contexts[id] = s.context;
  return { trace, copies, contexts, end: now, truncated, choices: [...scheduler.used] };
}
