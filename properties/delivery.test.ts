import { describe, expect, it } from 'vitest';
import { A, D, seedTopology, T0 } from '../scenarios/seed-topology.ts';
import { runCase } from './case.ts';
import { delivery } from './delivery.ts';

describe('delivery', () => {
  it('holds for a cross-host ping on the seed topology', () => {
    const r = runCase({
      topology: seedTopology,
      config: 'sleeve/proxy-arp',
      traffic: [{ at: T0, from: 'B', to: D.ip }],
      choices: [],
    });
    expect(delivery.check(r)).toBeNull();
  });

  it('catches a ping that never arrives', () => {
    // The mutant proxy answers D's request for A with B's MAC: the echo request goes to B, never to A.
    const r = runCase({
      topology: seedTopology,
      config: 'sleeve/proxy-arp',
      traffic: [{ at: T0, from: 'D', to: A.ip }],
      choices: [],
      mutants: ['proxy-wrong-mac'],
    });
    expect(delivery.check(r)?.message).toMatch(
      /^ping 1 from D to A \(198\.18\.0\.1\) at \d+ ms: the echo request never arrived/,
    );
  });

  it('owes no reply when the sender is outside the owner’s subnet (overlapping prefixes)', () => {
    const topology = structuredClone(seedTopology);
    // B sees D's /24 from its /16; D's /24 does not contain B, so D has no route back.
    topology.containers = topology.containers.map((c) =>
      c.name === 'B' ? { ...c, ip: '198.18.5.2', subnet: '198.18.0.0/16' } : c,
    );
    const r = runCase({
      topology,
      config: 'sleeve/upstream',
      traffic: [{ at: T0, from: 'B', to: D.ip }],
      choices: [],
    });
    expect(delivery.check(r)).toBeNull();
  });
});
