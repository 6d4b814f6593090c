/**
 * The deterministic simulator (docs/design.md, Simulator). It holds one snapshot per component and a queue of
 * pending deliveries; a step takes the delivery the scheduler picks, runs the target machine through
 * `step`, and routes the outputs: a `send` along its link (instantly: links have no latency, so
 * everything in flight settles before the virtual clock moves), a `timer.set` onto the clock, the rest
 * into the trace. When nothing is in flight, the clock jumps to the next timer or traffic item.
 *
 * Costs (docs/performance.md): taking the next delivery is O(1) under FIFO (a queue with a moving head;
 * another pick splices, O(pending)); timers live in a binary heap ordered by (time, sequence number), and a
 * replaced or cleared timer is marked dead in place (O(1) to find by its key, O(log n) to schedule), so
 * the clock never scans every timer. The order of steps is exactly the one of the plain "sort the
 * timers, splice the picked delivery" formulation (`bench/reference-simulator.ts`); a test pins it.
 */
import type { ComponentEvent } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import type { Timeline } from '../timeline.ts';
import { type AppliedFault, faultIndex, type UnderlayFault } from './faults.ts';
import { scheduledInputs } from './schedule.ts';
import { fifoScheduler, type Scheduler } from './scheduler.ts';
import { type Engine, makeStepper, type Stepper } from './step.ts';
import type { CopyInfo, Endpoint, ScheduledInput, TraceInput, TraceOutput, TraceStep } from './trace.ts';
import type { ComponentDef, Network } from './wiring.ts';

export interface RunOptions {
  scheduler?: Scheduler;
  /** Hard bound on steps; a run that hits it is `truncated` (a loop, or a storm). */
  maxSteps?: number;
  /** Stop the clock here even if timers are pending (ms). */
  until?: number;
  /** Keep the steps in `run.trace` and the copies in `run.copies` (default). Off, both stay empty and only
   *  `onStep` sees the steps (copy ids are numbered as usual): how `weave-spec scale` runs networks whose
   *  trace would not fit in memory. */
  record?: boolean;
  /** Told every step as it is taken. */
  onStep?: (step: TraceStep) => void;
  /** How machines are stepped: their plan (default), or xstate's own `transition` (tests compare both). */
  engine?: Engine;
  /** What the underlay does to some of its datagrams (`faults.ts`); none by default. */
  faults?: readonly UnderlayFault[];
}

export interface Run {
  trace: TraceStep[];
  copies: CopyInfo[];
  /** Each component's final context. */
  contexts: Record<string, unknown>;
  /** Each component's final state ('' for a machine without states). */
  values: Record<string, string>;
  /** Virtual time of the last step. */
  end: number;
  truncated: boolean;
  /** The scheduler choices consulted: replaying them reproduces the run. */
  choices: number[];
  /** The underlay faults that happened, in order (those naming datagrams the run never sent did not). */
  faults: AppliedFault[];
  /** How many datagrams the underlay sent. */
  datagrams: number;
}

/** A component in a run: its definition, its stepper, its current snapshot, and its ports' far ends. */
interface Slot {
  def: ComponentDef;
  stepper: Stepper;
  state: MachineState;
  links: Map<string, Link>;
}

/** A port's link: the component at its far end, and both endpoints. */
interface Link {
  slot: Slot;
  from: Endpoint;
  to: Endpoint;
}

type SendOutput = Extract<TraceStep['outputs'][number], { type: 'send' }>;

/** The port a delivery came in on (the underlay's port is the sending host). */
const inputPort = (input: TraceInput): string => (input.type === 'recv' ? input.port : '');

/** A delivery in flight: its target and what it carries. The component's event is made from the input
 *  when it is taken (one object less per delivery: a storm keeps millions in flight). */
interface Pending {
  slot: Slot;
  input: TraceInput;
}

/** The event a component receives for `input`, at virtual time `now`. */
function eventOf(input: TraceInput, now: number): ComponentEvent {
  switch (input.type) {
    case 'recv':
      return { type: 'recv', port: input.port, packet: input.packet, now };
    case 'start':
      throw new Error('a start is not delivered');
    default:
      return { ...input, now } as ComponentEvent;
  }
}

interface Timer {
  at: number;
  seq: number;
  slot: Slot;
  /** The component's timer key, or null for an input the timeline scheduled. */
  key: string | null;
  /** What the timeline scheduled (a ping, a start, ...); null for a component's timer. */
  input: ScheduledInput | null;
  /** A delayed datagram (`faults.ts`), due into the queue of deliveries at `at`. */
  delivery?: Pending;
  /** Replaced by a later `timer.set` of the same key, or cleared. */
  dead: boolean;
}

const steppers: Record<Engine, WeakMap<object, Stepper>> = { plan: new WeakMap(), xstate: new WeakMap() };
function stepperOf(machine: Network['components'][number]['machine'], engine: Engine): Stepper {
  let s = steppers[engine].get(machine);
  if (!s) {
    s = makeStepper(machine, engine);
    steppers[engine].set(machine, s);
  }
  return s;
}

export const DEFAULT_MAX_STEPS = 200_000;

/** A binary min-heap of timers by (at, seq): the order in which the clock takes them. */
class TimerHeap {
  private readonly items: Timer[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Timer | undefined {
    return this.items[0];
  }
  private static before(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  push(t: Timer): void {
    const items = this.items;
    let i = items.length;
    items.push(t);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!TimerHeap.before(t, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = t;
  }
  pop(): Timer | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && TimerHeap.before(items[r]!, items[l]!) ? r : l;
      if (!TimerHeap.before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export function simulate(network: Network, timeline: Timeline, options: RunOptions = {}): Run {
  const scheduler = options.scheduler ?? fifoScheduler();
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const trace: TraceStep[] = [];
  const record = options.record ?? true;
  const onStep = options.onStep;
  let steps = 0;
  const took = (step: TraceStep) => {
    if (record) trace.push(step);
    onStep?.(step);
    steps++;
  };
  const copies: CopyInfo[] = [];
  let copyCount = 0;
  // The deliveries in flight are pending[head..]; FIFO takes pending[head].
  let pending: Pending[] = [];
  let head = 0;
  const heap = new TimerHeap();
  /** The live keyed timer of each component, by key. */
  const keyed = new Map<Slot, Map<string, Timer>>();
  let liveTimers = 0;
  let timerSeq = 0;
  let now = 0;
  const faults = faultIndex(options.faults ?? []);
  const applied: AppliedFault[] = [];
  let datagrams = 0;

  const slots = new Map<string, Slot>();
  for (const def of network.components) {
    slots.set(def.id, {
      def,
      stepper: stepperOf(def.machine, options.engine ?? 'plan'),
      state: undefined as unknown as MachineState,
      links: new Map(),
    });
  }
  for (const [, slot] of slots) {
    for (const port of portsOf(network, slot.def.id)) {
      const to = network.links.get(`${slot.def.id}\u0000${port}`)!;
      slot.links.set(port, { slot: slots.get(to.component)!, from: { component: slot.def.id, port }, to });
    }
  }

  const schedule = (t: Timer) => {
    heap.push(t);
    liveTimers++;
  };
  const cancel = (slot: Slot, key: string) => {
    const t = keyed.get(slot)?.get(key);
    if (t && !t.dead) {
      t.dead = true;
      liveTimers--;
    }
  };
  for (const s of scheduledInputs(network, timeline)) {
    const slot = slots.get(s.component);
    if (!slot)
      throw new Error(
        `the timeline runs ${s.component}, which the network has no component for: build the network with the timeline (buildNetwork's \`timeline\` option)`,
      );
    schedule({
      at: s.at,
      seq: timerSeq++,
      slot,
      key: null,
      input: s.input,
      dead: false,
    });
  }

  /** A fault happened to the datagram the underlay sends on `port`, making `copy` (none for a loss). */
  const happened = (f: UnderlayFault, input: TraceInput, port: string, copy: number | null) =>
    applied.push({ ...f, at: now, from: inputPort(input), to: port, copy });
  /** A send along its link: a new copy, in flight. */
  const send = (input: TraceInput, link: Link, o: SendOutput): number => {
    const copy = copyCount++;
    if (record) {
      const parent = input.type === 'recv' && !o.origin ? input.copy : null;
      copies.push({
        copy,
        parent,
        root: parent === null ? copy : copies[parent]!.root,
        cause: input.type === 'recv' ? input.copy : null,
        step: steps,
        from: link.from,
        to: link.to,
      });
    }
    pending.push({ slot: link.slot, input: { type: 'recv', port: link.to.port, packet: o.packet, copy } });
    return copy;
  };
  const route = (slot: Slot, input: TraceInput, outputs: TraceStep['outputs']): TraceOutput[] => {
    const component = slot.def.id;
    const routed: TraceOutput[] = [];
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      switch (o.type) {
        case 'send': {
          const link = slot.links.get(o.port);
          if (!link) throw new Error(`${component} sent on port ${o.port}, which is not connected`);
          const fault = slot.def.kind === 'underlay' && faults.size > 0 ? faults.get(datagrams) : undefined;
          if (slot.def.kind === 'underlay') datagrams++;
          if (fault?.kind === 'loss') {
            happened(fault, input, o.port, null);
            routed.push({
              type: 'drop',
              reason: `lost on the underlay from ${inputPort(input)} to ${o.port}`,
            });
            break;
          }
          const copy = send(input, link, o);
          if (fault?.kind === 'delay') {
            // Out of the queue of deliveries and onto the clock: later traffic may overtake it.
            const delivery = pending.pop()!;
            schedule({
              at: now + fault.ms!,
              seq: timerSeq++,
              slot: link.slot,
              key: null,
              input: null,
              delivery,
              dead: false,
            });
            happened(fault, input, o.port, copy);
            routed.push({ ...o, copy, to: link.to, fault: 'delay' });
            break;
          }
          routed.push({ ...o, copy, to: link.to });
          if (fault?.kind === 'duplicate') {
            const twin = send(input, link, o);
            happened(fault, input, o.port, twin);
            routed.push({ ...o, copy: twin, to: link.to, fault: 'duplicate' });
          }
          break;
        }
        case 'timer.set': {
          cancel(slot, o.key);
          const t: Timer = { at: o.at, seq: timerSeq++, slot, key: o.key, input: null, dead: false };
          let mine = keyed.get(slot);
          if (!mine) {
            mine = new Map();
            keyed.set(slot, mine);
          }
          mine.set(o.key, t);
          schedule(t);
          routed.push(o);
          break;
        }
        case 'timer.clear':
          cancel(slot, o.key);
          routed.push(o);
          break;
        default:
          routed.push(o);
      }
    }
    return routed;
  };

  for (const [id, slot] of slots) {
    const { state, outputs } = slot.stepper.initial(slot.def.input);
    slot.state = state;
    if (outputs.length > 0) {
      const input: TraceInput = { type: 'start' };
      const step: TraceStep = { n: steps, at: 0, component: id, input, outputs: [] };
      step.outputs = route(slot, input, outputs);
      took(step);
    }
  }

  let truncated = false;
  const stepOne = (d: Pending) => {
    const slot = d.slot;
    const { state, outputs } = slot.stepper.step(slot.state, eventOf(d.input, now));
    slot.state = state;
    const step: TraceStep = { n: steps, at: now, component: slot.def.id, input: d.input, outputs: [] };
    step.outputs = route(slot, d.input, outputs);
    took(step);
  };
  for (;;) {
    if (truncated) break;
    if (head === pending.length) {
      pending = [];
      head = 0;
      while (heap.size > 0 && heap.peek()!.dead) heap.pop();
      if (liveTimers === 0) break;
      const next = heap.peek()!;
      if (next.at > until) break;
      now = Math.max(now, next.at);
      while (heap.size > 0 && heap.peek()!.at <= now) {
        const t = heap.pop()!;
        if (t.dead) continue;
        liveTimers--;
        // A change of the world (a container starting or stopping, its bridge port, the directory's news)
        // happens at once and in order: its parts are one event, not deliveries to interleave.
        if (t.delivery) pending.push(t.delivery);
        else if (t.key === null && t.input!.type !== 'ping') {
          if (steps >= maxSteps) {
            truncated = true;
            break;
          }
          stepOne({ slot: t.slot, input: t.input! });
        } else if (t.key === null) pending.push({ slot: t.slot, input: t.input! });
        else {
          keyed.get(t.slot)!.delete(t.key);
          pending.push({ slot: t.slot, input: { type: 'timer.fire', key: t.key } });
        }
      }
      continue;
    }
    if (steps >= maxSteps) {
      truncated = true;
      break;
    }
    const choice = scheduler.pick(pending.length - head);
    let d: Pending;
    if (choice === 0) {
      d = pending[head]!;
      pending[head++] = undefined as unknown as Pending;
    } else d = pending.splice(head + choice, 1)[0]!;
    if (head > 4096 && head * 2 > pending.length) {
      pending = pending.slice(head);
      head = 0;
    }
    stepOne(d);
  }

  const contexts: Record<string, unknown> = {};
  const values: Record<string, string> = {};
  for (const [id, slot] of slots) {
    contexts[id] = slot.state.context;
    values[id] = slot.state.value;
  }
  return {
    trace,
    copies,
    contexts,
    values,
    end: now,
    truncated,
    choices: [...scheduler.used],
    faults: applied,
    datagrams,
  };
}

/** The ports of a component that are linked, from the network's link table (built once per network). */
const portIndex = new WeakMap<Network, Map<string, string[]>>();
function portsOf(network: Network, component: string): string[] {
  let index = portIndex.get(network);
  if (!index) {
    index = new Map();
    for (const key of network.links.keys()) {
      const cut = key.indexOf('\u0000');
      const id = key.slice(0, cut);
      let ports = index.get(id);
      if (!ports) {
        ports = [];
        index.set(id, ports);
      }
      ports.push(key.slice(cut + 1));
    }
    portIndex.set(network, index);
  }
  return index.get(component) ?? [];
}
