/**
 * Every stateful machine, driven through every transition it declares: @xstate/graph explores the machine
 * under xstate from its initial state over a small set of events (shortest paths reach every state), and
 * each edge it finds is then taken again through the machine's plan, which the simulator steps with
 * (`model/machine/plan.ts`). Each edge must give the same state and context both ways, and the edges
 * together must take every declared transition.
 */
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { containerMachine } from '../components/container.ts';
import { onTransition, plan, step } from '../machine/plan.ts';
import type { Frame, Ipv4 } from '../packets.ts';
import { flowEntryMachine } from './flow-entry.ts';
import { h1TargetMachine } from './h1-target.ts';
import { macCacheMachine } from './mac-cache.ts';
import { type NeighHost, neighbourMachine } from './neighbour.ts';
import { vxlanFdbMachine } from './vxlan-fdb.ts';

const T = [0, 1000, 7000];
const packet: Ipv4 = { kind: 'ipv4', src: '198.18.0.1', dst: '198.18.0.2', icmp: 'echo-request', ping: 1 };
const host = (ucastSolicit: number, delayFirstProbeMs = 2000): NeighHost => ({
  port: 'eth0',
  mac: '02:00:00:00:00:01',
  ip: '198.18.0.1',
  params: {
    mcastSolicit: 2,
    ucastSolicit,
    retransMs: 1000,
    baseReachableMs: 5000,
    delayFirstProbeMs,
    queueLen: 2,
    locktimeMs: 1000,
  },
});
const M1 = '02:00:00:00:00:02';
const M2 = '02:00:00:00:00:22';

// Two unicast probe counts; and a delay_first_probe_time longer than the reachable time, under which an
// entry used when it was resolved is delayed, not suspected, when its reachable time runs out.
const neighbourEvents = [host(1), host(2), host(1, 7000)].flatMap((h) =>
  T.flatMap((now) => {
    const common = { now, ip: '198.18.0.2', host: h };
    return [
      { type: 'send', packet, ...common },
      { type: 'timer', ...common },
      ...[M1, M2].flatMap((mac) => [
        { type: 'reply', mac, garp: false, ...common },
        { type: 'reply', mac, garp: true, ...common },
        { type: 'update', mac, create: true, garp: false, ...common },
        { type: 'update', mac, create: false, garp: false, ...common },
        { type: 'update', mac, create: false, garp: true, ...common },
        { type: 'admin', mac, ...common },
      ]),
    ];
  }),
);

const flow = { match: { inPort: 'bridge' }, actions: [], priority: 1 };
const frame: Frame = { kind: 'frame', src: M1, dst: M2, payload: packet };

/** Each machine, the events it is driven with, and (for a child) the context its entries start with. */
/** An event of any machine here. */
type Ev = EventObject & Record<string, unknown>;

const MACHINES: [string, AnyStateMachine, Ev[], unknown?][] = [
  ['neighbour', neighbourMachine, neighbourEvents],
  [
    'flow-entry',
    flowEntryMachine,
    [
      { type: 'install', replaces: false },
      { type: 'install', replaces: true },
      { type: 'expire' },
      { type: 'flush' },
      { type: 'delete' },
      { type: 'replace' },
    ],
    flow,
  ],
  [
    'vxlan-fdb-entry',
    vxlanFdbMachine,
    T.flatMap((now) =>
      ['198.19.0.2', '198.19.0.3'].map((remote) => ({ type: 'snoop', mac: M1, remote, now, ageingMs: 5000 })),
    ),
  ],
  [
    'mac-cache-entry',
    macCacheMachine,
    [0, 1000, 100_000, 700_000].flatMap((now) => [
      { type: 'captured', self: 'h1', now, maxAgeMs: 600_000 },
      ...['h1', 'h2', 'h3'].map((peer) => ({ type: 'forwarded', peer, now, maxAgeMs: 600_000 })),
    ]),
  ],
  [
    'h1-target',
    h1TargetMachine,
    ['upcall', 'directory'].flatMap((type) =>
      [undefined, { mac: M1, host: 'h1' }, { mac: M1, host: 'h2' }].map((owner) => ({
        type,
        ip: '198.18.0.2',
        host: 'h1',
        ...(owner && { owner }),
      })),
    ),
  ],
];

/** Where the walks start: the initial state with the entry's context; a PERMANENT vxlan entry cannot be
 *  learned, so the graph starts a second walk from one. */
function starts(id: string, machine: AnyStateMachine, context?: unknown): AnyMachineSnapshot[] {
  const initial = machine.resolveState({
    value: plan(machine).initial,
    context: (context ?? machine.config.context) as object,
  });
  if (id !== 'vxlan-fdb-entry') return [initial];
  return [initial, machine.resolveState({ value: 'PERMANENT', context: { remote: '198.19.0.2', seen: 0 } })];
}

describe.each(MACHINES)('%s', (id, machine, events, context) => {
  const p = plan(machine);
  const edges = starts(id, machine, context).flatMap((fromState) =>
    adjacencyMapToArray(getAdjacencyMap(machine, { events, fromState, limit: 200_000 })),
  );

  it('reaches every state along shortest paths from the initial state', () => {
    const paths = getShortestPaths(machine, {
      events,
      fromState: starts(id, machine, context)[0],
      limit: 200_000,
    });
    const reached = new Set(paths.map((path) => String(path.state.value)));
    const seeded = id === 'vxlan-fdb-entry' ? ['PERMANENT'] : [];
    expect([...reached, ...seeded].sort()).toEqual([...p.states].sort());
  });

  it('takes every declared transition, the plan agreeing with xstate on each', () => {
    const taken = new Set<number>();
    const stop = onTransition((q, i) => {
      if (q === p) taken.add(i);
    });
    try {
      for (const { state, event, nextState } of edges) {
        const r = step(p, { value: String(state.value), context: state.context }, event);
        expect({ value: r.state.value, context: r.state.context }).toEqual({
          value: String(nextState.value),
          context: nextState.context,
        });
      }
    } finally {
      stop();
    }
    const missed = p.transitions
      .filter((t) => !taken.has(t.index))
      .map((t) => `${t.source} --${t.event}${t.guard ? `[${t.guard}]` : ''}--> ${t.target}`);
    expect(missed).toEqual([]);
  });
});

describe('container', () => {
  it('takes every lifecycle transition: running, stopped, running again', () => {
    const p = plan(containerMachine);
    const input = {
      name: 'A',
      mac: '02:00:00:00:00:01',
      ip: '198.18.0.1',
      subnet: '198.18.0.0/24',
      neigh: { queueLen: 1, mcastSolicit: 1 },
    };
    const events = [
      { type: 'ping', dst: '198.18.0.2', ping: 1, now: 0 },
      { type: 'recv', port: 'eth0', packet: frame, now: 0 },
      { type: 'timer.fire', key: 'neigh/198.18.0.2', now: 1000 },
      { type: 'container.stop', now: 2000 },
      { type: 'recv', port: 'eth0', packet: frame, now: 2000 },
      { type: 'ping', dst: '198.18.0.2', ping: 2, now: 2000 },
      { type: 'arping', mode: 'request', target: '198.18.0.2', now: 0 },
      { type: 'arping', mode: 'answer', target: '198.18.0.1', now: 2000 },
      { type: 'neigh.permanent', ip: '198.18.0.2', mac: M2, now: 0 },
      { type: 'neigh.permanent', ip: '198.18.0.2', mac: M2, now: 2000 },
      {
        type: 'container.start',
        ip: '198.18.0.1',
        mac: '02:00:00:00:00:01',
        subnet: '198.18.0.0/24',
        announce: true,
        now: 3000,
      },
    ] as never[];
    const taken = new Set<number>();
    const stop = onTransition((q, i) => {
      if (q === p) taken.add(i);
    });
    try {
      const paths = getShortestPaths(containerMachine as AnyStateMachine, { events, input, limit: 2000 });
      expect(new Set(paths.map((x) => String(x.state.value)))).toEqual(new Set(['running', 'stopped']));
      const edges = adjacencyMapToArray(
        getAdjacencyMap(containerMachine as AnyStateMachine, { events, input, limit: 2000 }),
      );
      for (const { state, event, nextState } of edges) {
        const r = step(p, { value: String(state.value), context: state.context }, event);
        expect(r.state.value).toBe(String(nextState.value));
        expect(r.state.context).toEqual(nextState.context);
      }
    } finally {
      stop();
    }
    expect(p.transitions.filter((t) => !taken.has(t.index))).toEqual([]);
  });
});
