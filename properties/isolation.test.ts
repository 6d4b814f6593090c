import { describe, expect, it } from 'vitest';
import { A, B, seedTopology, T0 } from '../scenarios/seed-topology.ts';
import { runCase } from './case.ts';
import { isolation } from './isolation.ts';

/** A moves to host 2 with another IP, and E takes A's old IP with a new MAC, announcing itself or not;
 *  D had A's MAC cached for that IP. */
const recycled = (announce: boolean) =>
  runCase({
    topology: seedTopology,
    config: 'fdp/h3/unicast',
    traffic: [
      { at: T0, from: 'D', to: A.ip },
      { kind: 'move', at: 2000, container: 'A', host: 'h2', ip: '198.18.0.5' },
      {
        kind: 'start',
        at: 3000,
        container: 'E',
        host: 'h1',
        ip: A.ip,
        mac: '02:00:00:00:00:0e',
        subnet: A.subnet,
        announce,
      },
      { at: 9000, from: 'D', to: A.ip },
      { at: 9000, from: 'B', to: '198.18.0.5' },
    ],
    choices: [],
  });

describe('isolation', () => {
  it('holds when a container moves and another takes its old IP with a new MAC, announced as Weave does', () => {
    expect(isolation.check(recycled(true))).toBeNull();
  });

  it('fails when the new owner is a plain container: D still sends to the old MAC, which A holds elsewhere', () => {
    // Nothing tells D that the IP has a new MAC, and D's entry is still REACHABLE: the echo request goes
    // to A's MAC, across to host 2, where A (now 198.18.0.5) receives it. Linux drops it there.
    expect(isolation.check(recycled(false))?.message).toMatch(
      /^ping 2: echo-request for 198\.18\.0\.1 reached A \(198\.18\.0\.5\) on its own MAC/,
    );
  });

  it("catches a packet handed to the wrong container on that container's own MAC", () => {
    // The mutant proxy on host 2 answers D's request for A with B's MAC: D's echo request crosses to host 1
    // and reaches B, whose stack drops it.
    const r = runCase({
      topology: seedTopology,
      config: 'sleeve/proxy-arp',
      traffic: [{ at: T0, from: 'D', to: A.ip }],
      choices: [],
      mutants: ['proxy-wrong-mac'],
    });
    expect(isolation.check(r)?.message).toMatch(
      new RegExp(
        `^ping 1: echo-request for 198\\.18\\.0\\.1 reached B \\(${B.ip.replaceAll('.', '\\.')}\\) on its own MAC at \\d+ ms$`,
      ),
    );
  });

  it('catches a container that moved with its MAC and a new IP, reached for its old IP through a stale cache', () => {
    // D (host 2) caches A's MAC; A moves to host 2 with a new IP but its MAC: D's next ping for the old IP,
    // sent while its entry is still REACHABLE, reaches A on its own MAC. No network can prevent it: the
    // generators never reuse a MAC with another IP (docs/dynamics.md).
    const r = runCase({
      topology: seedTopology,
      config: 'fdp/h3/unicast',
      traffic: [
        { at: T0, from: 'D', to: A.ip },
        { kind: 'move', at: 1200, container: 'A', host: 'h2', ip: '198.18.0.5' },
        { at: 1300, from: 'D', to: A.ip },
      ],
      choices: [],
    });
    expect(isolation.check(r)?.message).toMatch(
      /^ping 2: echo-request for 198\.18\.0\.1 reached A \(198\.18\.0\.5\) on its own MAC/,
    );
  });
});
