/** Cases replay bit for bit, and the properties see what they should on the seed topology. */
import { describe, expect, it } from 'vitest';
import { A, D, NOBODY, seedTopology, T0 } from '../scenarios/seed-topology.ts';
import { type Case, checkCase, PROPERTY_NAMES, runCase, traceDigest } from './index.ts';
import { arrivalBound } from './loop-free.ts';

const seedCase = (config: string, extra: Partial<Case> = {}): Case => ({
  topology: seedTopology,
  config,
  traffic: [{ at: T0, from: 'A', to: D.ip }],
  choices: [],
  ...extra,
});

describe('cases', () => {
  it('replay bit for bit: the same case gives the same trace digest', () => {
    const c = seedCase('fdp/upstream', { choices: [3, 1, 4, 1, 5, 9, 2, 6] });
    const a = runCase(c);
    const b = runCase(JSON.parse(JSON.stringify(c)) as Case);
    expect(traceDigest(a.run)).toBe(traceDigest(b.run));
    expect(traceDigest(a.run)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('differ when the schedule differs', () => {
    const c = seedCase('sleeve/upstream', {
      traffic: [
        { at: T0, from: 'A', to: D.ip },
        { at: T0, from: 'D', to: A.ip },
      ],
    });
    expect(traceDigest(runCase(c).run)).not.toBe(traceDigest(runCase({ ...c, choices: [1, 1, 1] }).run));
  });
  it('upstream FDP keeps every property on the seed flow', () => {
    for (const p of PROPERTY_NAMES) expect(checkCase(seedCase('fdp/upstream'), p)).toEqual({ holds: true });
  });
  it("H2's fake MAC breaks arp-strict and names the step", () => {
    const r = checkCase(seedCase('fdp/h2/unicast'), 'arp-strict');
    expect(r.holds).toBe(false);
    if (r.holds) return;
    expect(r.message).toMatch(/A holds 198\.18\.0\.4 at 0e:fa:ce/);
    const step = runCase(seedCase('fdp/h2/unicast')).run.trace[r.steps[0]!]!;
    expect(step.component).toBe('h1/A');
    expect(checkCase(seedCase('fdp/h2/unicast'), 'arp-functional')).toEqual({ holds: true });
  });
  it("H1's first request goes unanswered (FD-X.3), yet the ping arrives", () => {
    expect(checkCase(seedCase('fdp/h1/unicast'), 'arp-answered').holds).toBe(false);
    expect(checkCase(seedCase('fdp/h1/unicast'), 'delivery')).toEqual({ holds: true });
  });
  it('the kernel answering any ARP is spurious, and gives a wrong entry', () => {
    const c = seedCase('sleeve/upstream', {
      traffic: [{ at: T0, from: 'A', to: NOBODY }],
      mutants: ['kernel-answers-any-arp'],
    });
    expect(checkCase(c, 'arp-no-spurious').holds).toBe(false);
    expect(checkCase(c, 'arp-strict').holds).toBe(false);
    expect(checkCase({ ...c, mutants: [] }, 'arp-no-spurious')).toEqual({ holds: true });
  });
  it('a bridge flooding back out of the ingress port loops under FDP (loop-free, quiescent)', () => {
    const c = seedCase('fdp/h3/unicast', { mutants: ['bridge-floods-ingress'] });
    const loop = checkCase(c, 'loop-free');
    expect(loop.holds).toBe(false);
    // The sender gets its own broadcast back: its port is reached twice by one family.
    if (!loop.holds) expect(loop.message).toMatch(/reached h1\/A:eth0 2 times, over the bound 1/);
    expect(checkCase(c, 'quiescent').holds).toBe(false);
  });
  it('bounds the copies of one family at one endpoint by the hosts it can come from', () => {
    const r = runCase(seedCase('sleeve/upstream'));
    expect(arrivalBound(r)).toBe(1);
  });
  it('a loop through answers is no family of its own: loop-free follows the chain of answers', () => {
    const c = seedCase('sleeve/upstream', { mutants: ['container-answers-replies'] });
    const loop = checkCase(c, 'loop-free');
    expect(loop.holds).toBe(false);
    if (!loop.holds) expect(loop.message).toMatch(/chain of 11 answers/);
    expect(checkCase({ ...c, mutants: [] }, 'loop-free')).toEqual({ holds: true });
  });
  it('rejects an unknown property by name', () => {
    expect(() => checkCase(seedCase('fdp/upstream'), 'no-such')).toThrow(/unknown property "no-such"/);
  });
});
