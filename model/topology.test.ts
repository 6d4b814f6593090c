import { describe, expect, it } from 'vitest';
import { seedTopology } from '../scenarios/seed-topology.ts';
import { peerLinks, type Topology, TopologyError, topologyIssues, validateTopology } from './topology.ts';

const clone = (): Topology => structuredClone(seedTopology);

describe('topology validation', () => {
  it('accepts the seed topology', () => {
    expect(topologyIssues(seedTopology)).toEqual([]);
  });

  it('names a duplicate MAC and where it was first seen', () => {
    const t = clone();
    t.containers[3]!.mac = t.containers[1]!.mac;
    expect(topologyIssues(t)).toEqual([
      { path: 'containers[3].mac', message: 'duplicate MAC 02:00:00:00:00:0b, first at containers[1].mac' },
    ]);
  });

  it('names a duplicate IP, also against a host IP', () => {
    const t = clone();
    t.hosts[0]!.ip = '198.18.0.4';
    expect(topologyIssues(t)).toEqual([
      { path: 'containers[3].ip', message: 'duplicate IP 198.18.0.4, first at hosts[0].ip' },
    ]);
  });

  it('names a container on an unknown host', () => {
    const t = clone();
    t.containers[2]!.host = 'h9';
    expect(topologyIssues(t)).toEqual([{ path: 'containers[2].host', message: 'unknown host "h9"' }]);
  });

  it('names an IP outside its subnet', () => {
    const t = clone();
    t.containers[0]!.ip = '198.18.1.1';
    expect(topologyIssues(t)).toEqual([
      { path: 'containers[0].ip', message: '198.18.1.1 is outside its subnet 198.18.0.0/24' },
    ]);
  });

  it('rejects malformed addresses, group MACs, addresses outside the test range and bad peers', () => {
    const t = clone();
    t.containers[0]!.mac = '02:00:00:00:00';
    t.containers[1]!.mac = '01:00:5e:00:00:01';
    t.hosts[1]!.address = '10.0.0.1';
    t.peers = [['h1', 'h3']];
    expect(topologyIssues(t).map((i) => i.path)).toEqual([
      'hosts[1].address',
      'containers[0].mac',
      'containers[1].mac',
      'peers[0][1]',
    ]);
    expect(() => validateTopology(t)).toThrow(TopologyError);
    expect(() => validateTopology(t)).toThrow(
      /hosts\[1\]\.address: 10\.0\.0\.1 is outside 198\.18\.0\.0\/15/,
    );
  });

  it('makes a full mesh when no peers are given, and normalises given ones', () => {
    const t = clone();
    t.hosts.push({ name: 'h3', address: '198.19.0.3', mac: '02:00:00:00:01:03' });
    expect(peerLinks(t)).toEqual([
      ['h1', 'h2'],
      ['h1', 'h3'],
      ['h2', 'h3'],
    ]);
    t.peers = [
      ['h3', 'h1'],
      ['h1', 'h3'],
    ];
    expect(peerLinks(t)).toEqual([['h1', 'h3']]);
  });
});

describe('names and reserved addresses', () => {
  it('rejects a container named after a host component, a host named underlay, and a slash in a name', () => {
    const t = clone();
    t.containers[0]!.name = 'bridge';
    t.containers[1]!.name = 'a/b';
    t.hosts[1]!.name = 'underlay';
    for (const c of t.containers) if (c.host === 'h2') c.host = 'underlay';
    expect(topologyIssues(t)).toEqual([
      { path: 'hosts[1].name', message: '"underlay" is the underlay\'s own name' },
      { path: 'containers[0].name', message: '"bridge" names a host\'s own component or bridge port' },
      { path: 'containers[1].name', message: "\"a/b\": a name is letters, digits, '.', '_' and '-'" },
    ]);
  });
  it("rejects a MAC in H2's reserved fake-MAC prefix", () => {
    const t = clone();
    t.containers[2]!.mac = '0e:fa:ce:00:00:01';
    expect(topologyIssues(t)).toEqual([
      {
        path: 'containers[2].mac',
        message: "0e:fa:ce:00:00:01: the prefix 0e:fa:ce: is reserved for H2's fake MACs",
      },
    ]);
  });
});
