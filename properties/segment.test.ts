/**
 * A second layer-2 path (`Topology.segments`): an Ethernet segment outside Weave joining two hosts'
 * bridges, beside the overlay. Weave's bridge runs no spanning tree, so a broadcast can go round; what
 * each configuration does then is loop-free's to judge.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CONFIGS } from '../model/config.ts';
import { validateTopology } from '../model/topology.ts';
import { C, seedTopology, T0 } from '../scenarios/seed-topology.ts';
import { runCase } from './case.ts';
import { checkRun, propertyByName } from './index.ts';

const topology = { ...seedTopology, segments: [['h1', 'h2']] as [string, string][] };
const run = (config: string) =>
  runCase({ topology, config, traffic: [{ at: T0, from: 'A', to: C.ip }], choices: [] });
const holds = (config: string, property: string) => checkRun(run(config), propertyByName(property)).holds;

describe('a second layer-2 path between two hosts', () => {
  it('storms wherever the overlay floods broadcasts and nothing learns them back: H2, H3, Linux vxlan', () => {
    for (const c of ALL_CONFIGS.filter((c) => /^(fdp\/h[23]|linux)\//.test(c.id))) {
      const r = run(c.id);
      expect(r.run.truncated, c.id).toBe(true);
      expect(checkRun(r, propertyByName('loop-free')).holds, c.id).toBe(false);
    }
  });

  it('upstream delivers a broadcast twice and then stops it: a MAC seen at another peer is dropped', () => {
    for (const c of ['sleeve/upstream', 'fdp/upstream']) {
      expect(run(c).run.truncated, c).toBe(false);
      expect(holds(c, 'loop-free'), c).toBe(false);
      expect(holds(c, 'quiescent'), c).toBe(true);
    }
  });

  it("has nothing to loop under the seed's Sleeve and H1: no broadcast crosses hosts", () => {
    for (const c of ['sleeve/proxy-arp', 'fdp/h1/unicast']) {
      expect(holds(c, 'loop-free'), c).toBe(true);
      expect(holds(c, 'delivery'), c).toBe(true);
    }
  });

  it('refuses a segment to an unknown host or from a host to itself', () => {
    expect(() => validateTopology({ ...seedTopology, segments: [['h1', 'h9']] })).toThrow(
      /unknown host "h9"/,
    );
    expect(() => validateTopology({ ...seedTopology, segments: [['h1', 'h1']] })).toThrow(
      /not a host to itself/,
    );
  });
});
