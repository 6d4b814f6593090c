/**
 * The generators really generate the interesting cases (fast-check's default size keeps arrays short
 * unless told otherwise): large topologies, long traffic, long schedules, every kind of target, pauses
 * past the ageing times, and partial meshes for the upstream configurations. Measured with fc.statistics.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configById } from '../model/config.ts';
import { pings } from '../model/timeline.ts';
import { caseArbitrary, GAPS_MS, MAX_HOSTS, OFF_SUBNET } from './arbitraries.ts';

/** The percentage of generated cases in each class. */
function stats(
  config: string,
  classify: (c: ReturnType<typeof sample>[number]) => string,
): Record<string, number> {
  const seen: Record<string, number> = {};
  fc.statistics(caseArbitrary(configById(config)), (c) => classify(c), {
    numRuns: 1000,
    seed: 7,
    logger: (line) => {
      const m = /^(.*?)\.*\s*(\d+(?:\.\d+)?)%$/.exec(line.trim());
      if (m) seen[m[1]!.trim()] = Number(m[2]);
    },
  });
  return seen;
}
const sample = (config: string) => fc.sample(caseArbitrary(configById(config)), { numRuns: 1, seed: 1 });

describe('generated cases', () => {
  it('have large topologies: many with 4+ hosts, some with the maximum', () => {
    const s = stats('fdp/h3/unicast', (c) => (c.topology.hosts.length >= 4 ? 'large' : 'small'));
    expect(s.large).toBeGreaterThan(30);
    const max = stats('fdp/h3/unicast', (c) => (c.topology.hosts.length === MAX_HOSTS ? 'max' : 'other'));
    expect(max.max).toBeGreaterThan(5);
  });
  it('have many containers and several subnets', () => {
    const s = stats('sleeve/upstream', (c) => (c.topology.containers.length >= 10 ? 'many' : 'few'));
    expect(s.many).toBeGreaterThan(20);
    const subnets = stats(
      'sleeve/upstream',
      (c) => `${new Set(c.topology.containers.map((x) => x.subnet)).size}`,
    );
    expect(subnets['3']).toBeGreaterThan(20);
  });
  it('have long traffic and long schedules', () => {
    expect(stats('fdp/upstream', (c) => (c.traffic.length >= 10 ? 'long' : 'short')).long).toBeGreaterThan(
      30,
    );
    expect(stats('fdp/upstream', (c) => (c.choices.length >= 15 ? 'long' : 'short')).long).toBeGreaterThan(
      30,
    );
  });
  it('have pauses past every ageing time, and concurrent pings', () => {
    const longest = GAPS_MS[GAPS_MS.length - 1]!;
    const gaps = (c: { traffic: { at: number }[] }) =>
      c.traffic.slice(1).map((p, i) => p.at - c.traffic[i]!.at);
    expect(stats('fdp/h1/unicast', (c) => (gaps(c).includes(longest) ? 'ages' : 'no')).ages).toBeGreaterThan(
      30,
    );
    expect(
      stats('fdp/h1/unicast', (c) => (gaps(c).includes(0) ? 'concurrent' : 'no')).concurrent,
    ).toBeGreaterThan(30);
  });
  it('ping every kind of target: other containers, nobody, off-subnet', () => {
    const kinds = (c: ReturnType<typeof sample>[number]) => {
      const ips = new Set(c.topology.containers.map((x) => x.ip));
      return pings(c.traffic).map((p) =>
        ips.has(p.to) ? 'container' : p.to === OFF_SUBNET ? 'off' : p.to.endsWith('.99') ? 'nobody' : 'host',
      );
    };
    expect(
      stats('sleeve/proxy-arp', (c) => (kinds(c).includes('nobody') ? 'yes' : 'no')).yes,
    ).toBeGreaterThan(30);
    expect(stats('sleeve/proxy-arp', (c) => (kinds(c).includes('off') ? 'yes' : 'no')).yes).toBeGreaterThan(
      30,
    );
    expect(stats('sleeve/proxy-arp', (c) => (kinds(c).includes('host') ? 'yes' : 'no')).yes).toBeGreaterThan(
      10,
    );
  });
  it('use partial meshes for upstream configurations only', () => {
    expect(stats('sleeve/upstream', (c) => (c.topology.peers ? 'partial' : 'full')).partial).toBeGreaterThan(
      20,
    );
    expect(stats('fdp/h2/unicast', (c) => (c.topology.peers ? 'partial' : 'full')).partial ?? 0).toBe(0);
  });
});
