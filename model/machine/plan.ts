/**
 * How a model machine is stepped: through its transitions, pre-resolved once from its xstate definition.
 *
 * Every machine of the model is flat: a root whose states (if any) are atomic, transitions on `on` only
 * (no `after`, `always`, `invoke`, history or parallel states), named guards, and actions that are all
 * `effect()`s. For such a machine, one step is: take the current state's transitions for the event type
 * (then the root's), the first whose guard passes wins; run the exit effects of the state left, the
 * transition's effects and the entry effects of the state entered, in that order (xstate's), each seeing
 * the context as the previous left it. `plan(machine)` turns the definition into that table once, with
 * every guard and effect looked up in the machine's implementations (so a machine made with `provide()`
 * gets a plan of its own); `step` is then a table lookup and a few function calls, where xstate's own
 * `transition` resolves the state tree, builds action objects and copies the snapshot on every event
 * (docs/architecture.md, "Stepping"). A test runs the model both ways on generated cases and demands
 * identical traces, so the table cannot drift from what xstate would do.
 *
 * A state is plain data, `{ value, context }`. A machine without states has the value `''`.
 * `plan.transitions` lists every declared transition (for coverage and the state diagrams); `onTransition`
 * lets `weave-spec coverage` observe the ones taken, and changes nothing in a run.
 */
import type { AnyStateMachine, EventObject, StateNode } from 'xstate';
import { type EffectFn, effectOf } from './effect.ts';
import type { Output } from './io.ts';

export interface MachineState<C = unknown> {
  value: string;
  context: C;
}

/** A declared transition, as the diagrams and coverage name it. */
export interface TransitionInfo {
  /** Index in `plan.transitions`. */
  index: number;
  /** The state it leaves; `*` for a transition declared on the root (taken in any state). */
  source: string;
  event: string;
  guard?: string;
  /** The state it enters; the source itself for a transition that stays. */
  target: string;
  actions: string[];
  /** The transition's `description` in the machine: the seed step or kernel function it models. */
  description?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: plans are built for machines of any context and event type
type Fn = EffectFn<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
type GuardFn = (context: any, event: any) => boolean;

interface Candidate {
  transition: number;
  guard: GuardFn | null;
  target: string;
  effects: Fn[];
}

export interface Plan {
  machine: AnyStateMachine;
  id: string;
  /** The atomic states, in definition order; empty for a machine without states. */
  states: string[];
  initial: string;
  transitions: TransitionInfo[];
  /** state -> event type -> candidates, in priority order. */
  table: Map<string, Map<string, Candidate[]>>;
}

export interface StepResult<C = unknown> {
  state: MachineState<C>;
  outputs: Output[];
}

const NONE: Output[] = [];

type Observer = (plan: Plan, transition: number) => void;
let observer: Observer | null = null;

/** Observe every transition taken until the returned function is called (`weave-spec coverage`). */
export function onTransition(observe: Observer): () => void {
  const before = observer;
  observer = observe;
  return () => {
    observer = before;
  };
}

function nameOf(ref: unknown): string {
  if (typeof ref === 'string') return ref;
  if (ref !== null && typeof ref === 'object' && 'type' in ref)
    return String((ref as { type: unknown }).type);
  if (typeof ref === 'function') return ref.name || '(inline)';
  return String(ref);
}

function resolveEffect(machine: AnyStateMachine, ref: unknown): Fn {
  const named = typeof ref === 'function' ? ref : machine.implementations.actions[nameOf(ref)];
  const fn = effectOf(named);
  if (!fn)
    throw new Error(`${machine.id}: action "${nameOf(ref)}" is not an effect() (model/machine/effect.ts)`);
  return fn;
}

function resolveGuard(machine: AnyStateMachine, ref: unknown): GuardFn | null {
  if (ref === undefined) return null;
  const impl = typeof ref === 'function' ? ref : machine.implementations.guards[nameOf(ref)];
  if (typeof impl !== 'function' || 'check' in impl)
    throw new Error(`${machine.id}: guard "${nameOf(ref)}" must be a named guard function`);
  const params = typeof ref === 'object' && ref !== null ? (ref as { params?: unknown }).params : undefined;
  const g = impl as (args: { context: unknown; event: unknown }, params: unknown) => boolean;
  return (context, event) => g({ context, event }, params);
}

function checkFlat(machine: AnyStateMachine, node: StateNode, depth: number): void {
  const where = `${machine.id}${node.path.length ? `.${node.path.join('.')}` : ''}`;
  if (node.type === 'parallel' || node.type === 'history')
    throw new Error(`${where}: ${node.type} states are not supported`);
  if ((node.always?.length ?? 0) > 0 || node.after.length > 0 || node.invoke.length > 0)
    throw new Error(`${where}: always, after and invoke are not supported (timers are outputs)`);
  if (depth > 0 && Object.keys(node.states).length > 0)
    throw new Error(`${where}: nested states are not supported`);
}

const planCache = new WeakMap<AnyStateMachine, Plan>();

/** The plan of a flat machine (cached per machine object). */
export function plan(machine: AnyStateMachine): Plan {
  const cached = planCache.get(machine);
  if (cached) return cached;
  const root = machine.root as StateNode;
  checkFlat(machine, root, 0);
  const children = Object.values(root.states) as StateNode[];
  for (const c of children) checkFlat(machine, c, 1);
  const states = children.map((c) => c.key);
  const effectsOf = (refs: readonly unknown[]) => refs.map((r) => resolveEffect(machine, r));
  const transitions: TransitionInfo[] = [];
  const resolved = new Map<
    object,
    { index: number; guard: GuardFn | null; effects: Fn[]; target?: string }
  >();
  const declare = (source: string, event: string, defs: readonly unknown[]) => {
    for (const t of defs as {
      guard?: unknown;
      target?: readonly StateNode[];
      actions: readonly unknown[];
      description?: string;
    }[]) {
      const target = t.target?.[0]?.key;
      if (t.target && (t.target.length !== 1 || t.target[0]!.parent !== root))
        throw new Error(`${machine.id}: a transition must target one state of the root`);
      const index = transitions.length;
      transitions.push({
        index,
        source,
        event,
        ...(t.guard !== undefined && { guard: nameOf(t.guard) }),
        target: target ?? source,
        actions: t.actions.map(nameOf),
        ...(t.description !== undefined && { description: t.description }),
      });
      resolved.set(t, {
        index,
        guard: resolveGuard(machine, t.guard),
        effects: effectsOf(t.actions),
        target,
      });
    }
  };
  for (const c of children) for (const [event, defs] of c.transitions) declare(c.key, event, defs);
  for (const [event, defs] of root.transitions) declare('*', event, defs);

  const table = new Map<string, Map<string, Candidate[]>>();
  for (const value of states.length > 0 ? states : ['']) {
    const node = states.length > 0 ? (root.states[value] as StateNode) : root;
    const events = new Map<string, Candidate[]>();
    const own = states.length > 0 ? [...node.transitions] : [];
    for (const [event, defs] of [...own, ...root.transitions]) {
      const list = events.get(event) ?? [];
      for (const t of defs) {
        const r = resolved.get(t)!;
        const leaves = r.target !== undefined && (r.target !== value || (t as { reenter?: boolean }).reenter);
        const effects = leaves
          ? [...effectsOf(node.exit), ...r.effects, ...effectsOf((root.states[r.target!] as StateNode).entry)]
          : r.effects;
        list.push({ transition: r.index, guard: r.guard, target: r.target ?? value, effects });
      }
      events.set(event, list);
    }
    table.set(value, events);
  }
  const initial = states.length > 0 ? (root.initial.target[0]?.key ?? states[0]!) : '';
  const p: Plan = { machine, id: machine.id, states, initial, transitions, table };
  planCache.set(machine, p);
  return p;
}

/** One event: the state after it and the outputs; the same state object when nothing changed. */
export function step<C>(p: Plan, state: MachineState<C>, event: EventObject): StepResult<C> {
  const candidates = p.table.get(state.value)?.get(event.type);
  if (candidates === undefined) return { state, outputs: NONE };
  for (const c of candidates) {
    if (c.guard !== null && !c.guard(state.context, event)) continue;
    observer?.(p, c.transition);
    const out: Output[] = [];
    let context = state.context;
    for (const fx of c.effects) {
      const patch = fx(context, event, out);
      if (patch !== undefined) context = { ...context, ...patch };
    }
    const same = context === state.context && c.target === state.value;
    return { state: same ? state : { value: c.target, context }, outputs: out };
  }
  return { state, outputs: NONE };
}
