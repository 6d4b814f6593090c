/**
 * The two timescales of the differential test (no root needed): runs and pauses, the bounds a case's
 * timing must keep for the kernel and the model to be compared, and the generator's pauses, shortened
 * timers and new containers, which must keep them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configById, type LinuxConfig } from '../model/config.ts';
import { type Timeline, timelineIssues } from '../model/timeline.ts';
import { buildCase, CASE_REACHABLE_MS, caseShape } from './case.ts';
import { harnessIssues } from './given.ts';
import { runModel } from './model-run.ts';
import { PING_GAP, pausesAfter, runsOf, SLACK_MS, settleMs, timingIssues } from './timing.ts';

const ping = (at: number) => ({ at, from: 'c11', to: '198.18.0.21' });
const two = buildCase({ containers: [1, 1], actions: [{ from: 0, to: 0 }] }).topology;
const paths = (timers: object, traffic: Timeline) =>
  timingIssues({ ...two, timers }, traffic).map((i) => i.path);

describe('runs and pauses', () => {
  it('a gap longer than PING_GAP ends a run', () => {
    const t = [ping(1000), ping(3000), ping(20_000), ping(22_000), ping(40_000)];
    expect(runsOf(t)).toEqual([
      { first: 0, last: 1 },
      { first: 2, last: 3 },
      { first: 4, last: 4 },
    ]);
    expect(pausesAfter(t)).toEqual([1, 3]);
    expect(pausesAfter([ping(1000), ping(3000)])).toEqual([]);
  });

  it('a pause must outlast every shortened timer: the ageing, and 1.5 times the reachable time', () => {
    expect(settleMs({ bridgeAgeingMs: 10_000, vxlanAgeingMs: 12_000 })).toBe(12_000);
    expect(settleMs({ bridgeAgeingMs: 10_000, reachableMs: 5000 })).toBe(10_000);
    expect(settleMs({ reachableMs: 5000 })).toBe(7500);
    expect(settleMs({})).toBe(0);
  });
});

describe('the timing a case must keep', () => {
  it('accepts ageing of 10 s with a short run and a long enough pause', () => {
    expect(paths({ bridgeAgeingMs: 10_000, vxlanAgeingMs: 10_000 }, [ping(1000), ping(13_000)])).toEqual([]);
  });

  it('refuses a pause shorter than the settling time, naming the item after it', () => {
    expect(paths({ bridgeAgeingMs: 10_000 }, [ping(1000), ping(11_000)])).toEqual(['traffic[1].at']);
  });

  it('refuses a run the ageing does not outlast (from time 0 for the first run)', () => {
    const long = [ping(1000), ping(3000), ping(5000), ping(7000), ping(9000)];
    expect(paths({ bridgeAgeingMs: 10_000 }, long)).toEqual(['traffic[4].at']);
  });

  it('refuses a run the reachable time does not outlast (from its first item)', () => {
    expect(paths({ reachableMs: 5000 }, [ping(1000), ping(3000)])).toEqual([]);
    expect(paths({ reachableMs: 5000 }, [ping(1000), ping(3000), ping(5000)])).toEqual(['traffic[2].at']);
  });

  it('refuses vxlan ageing below its 10 s cleanup or in parts of a second, and bridge ageing below 10 ms steps', () => {
    expect(paths({ vxlanAgeingMs: 5000 }, [ping(1000)])).toEqual(['topology.timers.vxlanAgeingMs']);
    expect(paths({ vxlanAgeingMs: 10_500 }, [ping(1000)])).toEqual(['topology.timers.vxlanAgeingMs']);
    expect(paths({ bridgeAgeingMs: 10_005 }, [ping(1000)])).toEqual(['topology.timers.bridgeAgeingMs']);
  });

  it('refuses the timers it cannot set or compare, each named', () => {
    expect(
      paths({ delayFirstProbeMs: 1000, retransMs: 500, macCacheMs: 1000, flowIdleMs: 1000 }, [ping(1000)]),
    ).toEqual([
      'topology.timers.macCacheMs',
      'topology.timers.flowIdleMs',
      'topology.timers.delayFirstProbeMs',
      'topology.timers.retransMs',
    ]);
  });

  it('refuses a case longer than the timers it leaves alone (the 300 s FDB ageing)', () => {
    expect(paths({}, [ping(1000), ping(299_000)])).toEqual(['traffic[1].at']);
    expect(paths({}, [ping(1000), ping(200_000)])).toEqual([]);
  });
});

describe('generated cases', () => {
  it('a wait between two actions is a pause that outlasts the shortened timers; at either end it is nothing', () => {
    const c = buildCase({
      containers: [1, 1],
      reachable: true,
      actions: [
        { kind: 'wait' },
        { from: 0, to: 0 },
        { kind: 'wait' },
        { kind: 'wait' },
        { from: 0, to: 0 },
        { kind: 'wait' },
      ],
    });
    expect(c.traffic.map((i) => i.at)).toEqual([1000, 1000 + SLACK_MS + 10_000]);
    expect(c.topology.timers).toEqual({
      bridgeAgeingMs: 10_000,
      vxlanAgeingMs: 10_000,
      reachableMs: CASE_REACHABLE_MS,
    });
    expect(harnessIssues(c.topology, c.traffic)).toEqual([]);
    // Without a pause, nothing is shortened.
    expect(
      buildCase({ containers: [1, 1], actions: [{ from: 0, to: 0 }, { kind: 'wait' }] }).topology.timers,
    ).toBeUndefined();
  });

  it('shortens the reachable time only where every run is two items at most', () => {
    const actions = [
      { from: 0, to: 0 },
      { from: 0, to: 0 },
      { from: 0, to: 0 },
      { kind: 'wait' as const },
      { from: 0, to: 0 },
    ];
    const c = buildCase({ containers: [1, 1], reachable: true, actions });
    expect(c.topology.timers?.reachableMs).toBeUndefined();
    expect(c.topology.timers?.bridgeAgeingMs).toBe(10_000);
  });

  it('a new container takes a stopped container’s IP with a MAC of its own, or a new IP', () => {
    const c = buildCase({
      containers: [1, 1],
      actions: [
        { kind: 'new', host: 1, ip: 0 },
        { kind: 'stop', from: 0 },
        { kind: 'new', host: 0, ip: 0 },
        { from: 0, to: 0 },
      ],
    });
    expect(c.traffic.slice(0, 3)).toMatchObject([
      { kind: 'start', container: 'n1', host: 'h2', ip: '198.18.0.101', mac: '02:c0:00:02:00:01' },
      { kind: 'stop', container: 'c11' },
      { kind: 'start', container: 'n2', host: 'h1', ip: '198.18.0.11', mac: '02:c0:00:02:00:02' },
    ]);
    // c11, stopped, cannot start again while n2 holds its IP: its restart is left out.
    const again = buildCase({
      containers: [1, 1],
      actions: [
        { kind: 'stop', from: 0 },
        { kind: 'new', host: 0, ip: 0 },
        { kind: 'stop', from: 0 },
      ],
    });
    expect(again.traffic.map((i) => i.kind)).toEqual(['stop', 'start']);
    // With `replace` and no IP free, a running container stops first and the new one takes its IP.
    const swap = buildCase({ containers: [1, 1], actions: [{ kind: 'new', host: 1, ip: 1, replace: true }] });
    expect(swap.traffic).toMatchObject([
      { kind: 'stop', at: 1000, container: 'c21' },
      { kind: 'start', at: 3000, container: 'n1', host: 'h2', ip: '198.18.0.21' },
    ]);
  });

  it('every generated case is valid and within what the harness can compare', () => {
    fc.assert(
      fc.property(caseShape, (shape) => {
        const c = buildCase(shape);
        expect(timelineIssues(c.traffic, c.topology)).toEqual([]);
        expect(harnessIssues(c.topology, c.traffic)).toEqual([]);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('the model over a pause', () => {
  it('ages the FDBs, and puts a used entry in DELAY when its shortened reachable time runs out', () => {
    const c = buildCase({
      containers: [1, 1],
      reachable: true,
      actions: [{ from: 0, to: 0 }, { kind: 'wait' }, { from: 0, to: 0 }],
    });
    const { phases } = runModel(c, configById('linux/multicast') as LinuxConfig).outcome;
    expect(phases).toHaveLength(1);
    expect(phases[0]).toMatchObject({
      after: 0,
      paused: true,
      bridge: { h1: [], h2: [] },
      vxlan: { h1: [], h2: [] },
      neigh: {
        c11: { '198.18.0.21': '02:c0:00:00:02:01 DELAY' },
        c21: { '198.18.0.11': '02:c0:00:00:01:01 DELAY' },
      },
    });
    // Without the pause the first ping's entries are still there at the end: the pause emptied them.
    const busy = buildCase({
      containers: [1, 1],
      actions: [
        { from: 0, to: 0 },
        { from: 0, to: 0 },
      ],
    });
    const after = runModel(busy, configById('linux/multicast') as LinuxConfig).outcome;
    expect(after.bridge.h1).toHaveLength(2);
    expect(c.traffic[1]!.at - c.traffic[0]!.at).toBeGreaterThan(PING_GAP);
  });
});
