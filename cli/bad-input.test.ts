/**
 * Every class of bad input the command line refuses: exit 2, one message that names the field or the
 * option, nothing on stdout, and nothing written. docs/files.md lists the same classes with the same
 * messages; the last test keeps that table true.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { counterexampleFile } from '../formats/counterexample.ts';
import { runCase } from '../properties/case.ts';
import { checkRun, propertyByName } from '../properties/index.ts';
import { A, D, seedTopology } from '../scenarios/seed-topology.ts';
import { ROOT, runMain } from './run-cli.ts';

/** A fresh folder per case: the files a case writes go here, and it must hold nothing else afterwards. */
let dir = '';
const file = (name: string, content: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
};
const topo = (edit: (t: typeof seedTopology) => void = () => {}) => {
  const t = structuredClone(seedTopology);
  edit(t);
  return file('topology.json', t);
};
const traffic = (items: unknown) => file('traffic.json', items);

/** A counterexample file of fdp/h2/unicast × arp-strict, written as `check` writes it, then edited. */
function counterexample(edit: (cx: Record<string, unknown>) => void = () => {}) {
  const run = runCase({
    topology: seedTopology,
    config: 'fdp/h2/unicast',
    traffic: [{ at: 1000, from: 'A', to: D.ip }],
    choices: [],
  });
  const verdict = checkRun(run, propertyByName('arp-strict'));
  if (verdict.holds) throw new Error('fixture: arp-strict must fail under fdp/h2/unicast');
  const cx = counterexampleFile(run, 'arp-strict', verdict) as unknown as Record<string, unknown>;
  edit(cx);
  return file('cx.json', cx);
}

const out = () => join(dir, 'out');
/** `check` with its output in the case's folder, and one case unless a traffic file is the case. */
const check = (...args: string[]) => [
  'check',
  '--config',
  'sleeve/upstream',
  '--out',
  out(),
  ...(args.includes('--traffic') ? [] : ['--runs', '1']),
  ...args,
];

/** [class of bad input, the command line, the first line of the message (after the folder), ...]. */
const CASES: [string, () => string[], string][] = [
  // Options
  [
    'an unknown configuration id',
    () => ['matrix', '--config', 'fdp/h4/unicast'],
    '--config: unknown configuration id "fdp/h4/unicast"; valid ids: sleeve/proxy-arp, …',
  ],
  [
    'an unknown property',
    () => check('--property', 'liveness'),
    'unknown property "liveness"; valid: delivery, …',
  ],
  [
    '--runs out of range',
    () => ['matrix', '--runs', '100000000000000000000'],
    '--runs must be a whole number from 1 to 1000000, not "100000000000000000000"',
  ],
  [
    '--runs not a number',
    () => check('--runs', 'ten'),
    '--runs must be a whole number from 1 to 1000000, not "ten"',
  ],
  [
    '--seed outside 32 bits',
    () => check('--seed', '4294967296'),
    '--seed must be an integer from -2147483648 to 2147483647, not "4294967296"',
  ],
  [
    '--workers out of range',
    () => ['matrix', '--workers', '0'],
    '--workers must be a whole number from 1 to 256, not "0"',
  ],
  [
    'an option value not among its choices',
    () => ['scenario', '--format', 'svg'],
    "error: option '--format <format>' argument 'svg' is invalid. Allowed choices are text, mermaid, json.",
  ],
  ['an unknown option', () => ['matrix', '--rnus', '5'], "error: unknown option '--rnus'"],
  [
    'an unknown scenario',
    () => ['scenario', 'SL-Q'],
    'no scenario matches name "SL-Q"; names: SL-L, SL-X, …',
  ],
  [
    'an unknown file format',
    () => ['schema', 'packet'],
    'unknown file format "packet"; valid: topology, traffic, counterexample',
  ],
  [
    '--traffic without --topology',
    () => check('--traffic', traffic([])),
    '--traffic needs --topology: traffic names the containers of a topology',
  ],
  [
    '--hosts of scale out of range',
    () => ['scale', '--hosts', '1,4', '--out', out()],
    '--hosts: "1" is not a whole number of hosts from 2 to 4096',
  ],
  [
    '--hosts of converge out of range',
    () => ['converge', '--hosts', '2,65', '--out', out()],
    '--hosts: "65" is not a whole number of hosts from 2 to 64',
  ],
  [
    'an unknown Linux configuration for conform',
    () => ['conform', '--config', 'linux/nope'],
    '--config: unknown Linux configuration "linux/nope"; valid: linux/multicast, …',
  ],
  [
    '--cases of variants out of range',
    () => ['variants', '--cases', '0'],
    '--cases must be a whole number from 1 to 10000, not "0"',
  ],
  [
    '--out of variants not a page',
    () => ['variants', '--out', join(dir, 'variants.txt')],
    '--out "variants.txt": name the page to write, a file ending in .md',
  ],
  [
    '--out of variants is a folder',
    () => {
      mkdirSync(join(dir, 'page.md'));
      return ['variants', '--out', join(dir, 'page.md')];
    },
    '--out: page.md is a folder, not a file',
  ],
  [
    '--out of variants under a file',
    () => ['variants', '--out', join(file('afile', 'x'), 'variants.md')],
    '--out afile: exists and is not a folder',
  ],
  // Output folders
  [
    '--out is a file',
    () => ['check', '--runs', '1', '--out', file('afile', 'x')],
    '--out afile: exists and is not a folder',
  ],
  [
    '--out under a file',
    () => ['check', '--runs', '1', '--out', join(file('afile', 'x'), 'sub')],
    '--out afile/sub: afile is a file, not a folder',
  ],
  [
    '--out that cannot be created',
    () => ['check', '--runs', '1', '--out', '/proc/weave-spec/x'],
    '--out /proc/weave-spec/x: cannot create it: …',
  ],
  [
    '--out of scale is a file',
    () => ['scale', '--hosts', '2', '--out', file('afile', 'x')],
    '--out afile: exists and is not a folder',
  ],
  // Topology files
  [
    'a file that cannot be read',
    () => check('--topology', join(dir, 'missing.json')),
    'missing.json: cannot read: ENOENT: no such file or directory',
  ],
  [
    'malformed JSON',
    () => check('--topology', file('topology.json', '{"hosts": [')),
    'topology.json: malformed JSON: …',
  ],
  [
    'a missing field',
    () =>
      check(
        '--topology',
        topo((t) => {
          delete (t.hosts[0] as { mac?: string }).mac;
        }),
      ),
    'topology.json: hosts[0]: missing field "mac"',
  ],
  [
    'a misspelt field',
    () =>
      check(
        '--topology',
        topo((t) => Object.assign(t.containers[0]!, { subnett: 'x' })),
      ),
    'topology.json: containers[0]: unknown field "subnett"',
  ],
  [
    'a duplicate MAC',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[3]!.mac = t.containers[1]!.mac;
        }),
      ),
    'topology.json: containers[3].mac: duplicate MAC 02:00:00:00:00:0b, first at containers[1].mac',
  ],
  [
    'a duplicate IP',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[2]!.ip = t.containers[0]!.ip;
        }),
      ),
    'topology.json: containers[2].ip: duplicate IP 198.18.0.1, first at containers[0].ip',
  ],
  [
    'a container on an unknown host',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.host = 'h7';
        }),
      ),
    'topology.json: containers[0].host: unknown host "h7"',
  ],
  [
    'an IP outside its subnet',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.ip = '198.18.1.1';
        }),
      ),
    'topology.json: containers[0].ip: 198.18.1.1 is outside its subnet 198.18.0.0/24',
  ],
  [
    "an IP equal to its subnet's network address",
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.ip = '198.18.0.0';
        }),
      ),
    'topology.json: containers[0].ip: 198.18.0.0 is the network address of 198.18.0.0/24',
  ],
  [
    "an IP equal to its subnet's broadcast address",
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.ip = '198.18.0.255';
        }),
      ),
    'topology.json: containers[0].ip: 198.18.0.255 is the broadcast address of 198.18.0.0/24',
  ],
  [
    'an address outside 198.18.0.0/15',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.hosts[0]!.address = '10.0.0.1';
        }),
      ),
    'topology.json: hosts[0].address: 10.0.0.1 is outside 198.18.0.0/15',
  ],
  [
    'a group MAC',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.mac = '03:00:00:00:00:0a';
        }),
      ),
    'topology.json: containers[0].mac: 03:00:00:00:00:0a is a group (multicast) MAC',
  ],
  [
    "a MAC with H2's reserved prefix",
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.mac = '0e:fa:ce:00:00:01';
        }),
      ),
    "topology.json: containers[0].mac: 0e:fa:ce:00:00:01: the prefix 0e:fa:ce: is reserved for H2's fake MACs",
  ],
  [
    "a container named like a host's component",
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.name = 'bridge';
        }),
      ),
    'topology.json: containers[0].name: "bridge" names a host\'s own component or bridge port',
  ],
  [
    'a peer link to an unknown host',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.peers = [['h1', 'h9']];
        }),
      ),
    'topology.json: peers[0][1]: unknown host "h9"',
  ],
  [
    'a host peering with itself',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.peers = [['h1', 'h1']];
        }),
      ),
    'topology.json: peers[0]: a host cannot peer with itself',
  ],
  [
    'a segment to an unknown host',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.segments = [['h1', 'h9']];
        }),
      ),
    'topology.json: segments[0][1]: unknown host "h9"',
  ],
  [
    'a segment from a host to itself',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.segments = [['h1', 'h1']];
        }),
      ),
    'topology.json: segments[0]: a segment joins two hosts, not a host to itself',
  ],
  [
    'a timer lengthened past its default',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.timers = { macCacheMs: 3_600_000 };
        }),
      ),
    'topology.json: timers.macCacheMs: 3600000 does not shorten the default: a whole number of milliseconds from 1 to 600000',
  ],
  [
    'a peer graph that is not connected',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.hosts.push({ name: 'h3', address: '198.19.0.3', mac: '02:00:00:00:01:03' });
          t.peers = [['h1', 'h2']];
        }),
      ),
    'topology.json: peers: the peer graph is not connected: no peer link joins {h1, h2} and {h3}',
  ],
  [
    'a topology above the interactive size',
    () =>
      check(
        '--topology',
        topo((t) => {
          for (let i = 3; i <= 70; i++)
            t.hosts.push({
              name: `h${i}`,
              address: `198.19.1.${i}`,
              mac: `02:00:00:00:02:${i.toString(16).padStart(2, '0')}`,
            });
          delete t.peers;
        }),
      ),
    'topology.json: 70 hosts and 4 containers is above 64 hosts or 512 containers, where one case can take minutes; pass --large to run it anyway',
  ],
  // Traffic files
  [
    'traffic naming an unknown container',
    () => check('--topology', topo(), '--traffic', traffic([{ at: 1000, from: 'Z', to: A.ip }])),
    'traffic.json: [0].from: unknown container "Z"',
  ],
  [
    'a negative time',
    () => check('--topology', topo(), '--traffic', traffic([{ at: -1, from: 'A', to: D.ip }])),
    'traffic.json: [0].at: must be >= 0',
  ],
  [
    'a time past one week',
    () => check('--topology', topo(), '--traffic', traffic([{ at: 1e308, from: 'A', to: D.ip }])),
    'traffic.json: [0].at: must be <= 604800000',
  ],
  [
    'a target that is not an IPv4 address',
    () => check('--topology', topo(), '--traffic', traffic([{ at: 0, from: 'A', to: 'D' }])),
    'traffic.json: [0].to: not of the expected form (^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$)',
  ],
  // Timelines: containers that start, stop and move
  [
    'an item of an unknown kind',
    () => check('--topology', topo(), '--traffic', traffic([{ kind: 'restart', at: 0, container: 'A' }])),
    'traffic.json: [0].kind: unknown item kind "restart"; valid: ping, arp, neigh, start, stop, move, peer-leave, peer-join, link-down, link-up (an item without kind is a ping)',
  ],
  [
    'a start without its MAC',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'start', at: 0, container: 'E', host: 'h1', ip: '198.18.0.5', subnet: A.subnet }]),
      ),
    'traffic.json: [0]: missing field "mac"',
  ],
  [
    'items out of time order',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([
          { at: 2000, from: 'A', to: D.ip },
          { kind: 'stop', at: 1000, container: 'D' },
        ]),
      ),
    'traffic.json: [1].at: 1000 is before the item above it (2000): items must be in time order',
  ],
  [
    'stopping a stopped container',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([
          { kind: 'stop', at: 1000, container: 'D' },
          { kind: 'stop', at: 2000, container: 'D' },
        ]),
      ),
    'traffic.json: [1].container: D is not running: it cannot stop',
  ],
  [
    'moving a container to the host it is on',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'move', at: 1000, container: 'A', host: 'h1' }]),
      ),
    'traffic.json: [0].host: A is already on h1: a move goes to another host',
  ],
  [
    'an arping in a mode arping has not',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'arp', at: 1000, from: 'A', to: D.ip, mode: 'probe' }]),
      ),
    'traffic.json: [0].mode: not one of "answer", "request", "unsolicited"',
  ],
  [
    "an arping from 0.0.0.0 (arping -D's probe)",
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'arp', at: 1000, from: 'A', to: D.ip, source: '0.0.0.0' }]),
      ),
    'traffic.json: [0].source: not a unicast IPv4 address (arping -D\'s 0.0.0.0 is not modelled): "0.0.0.0"',
  ],
  [
    'an arping to a multicast address',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'arp', at: 1000, from: 'A', to: '224.0.0.1' }]),
      ),
    'traffic.json: [0].to: not a unicast IPv4 address: "224.0.0.1"',
  ],
  [
    'a static neighbour entry with a group MAC',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'neigh', at: 1000, container: 'A', ip: D.ip, mac: '01:00:5e:00:00:01' }]),
      ),
    'traffic.json: [0].mac: not a unicast MAC address: "01:00:5e:00:00:01"',
  ],
  [
    'a static neighbour entry in an unknown container',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'neigh', at: 1000, container: 'Z', ip: D.ip, mac: '02:00:00:00:00:77' }]),
      ),
    'traffic.json: [0].container: unknown container "Z"',
  ],
  [
    'conform: --traffic without --topology',
    () => ['conform', '--traffic', traffic([])],
    '--traffic needs --topology: traffic names the containers of a topology',
  ],
  [
    'conform: --runs with a given case',
    () => ['conform', '--topology', topo(), '--traffic', traffic([]), '--runs', '5'],
    '--runs: a given case (--topology) runs once, as written; leave it out',
  ],
  [
    'conform: a given case whose hosts the harness cannot put in one underlay /24',
    () => [
      'conform',
      '--topology',
      topo((t) => {
        t.hosts[1]!.address = '198.19.1.2';
      }),
      '--traffic',
      traffic([]),
    ],
    "topology.json: hosts[1].address: 198.19.1.2: the harness puts every host's underlay in one /24 (198.19.0.0/24)",
  ],
  [
    'conform: a given case with items closer than the harness runs them',
    () => [
      'conform',
      '--topology',
      topo(),
      '--traffic',
      traffic([
        { at: 1000, from: 'A', to: D.ip },
        { at: 1500, from: 'A', to: D.ip },
      ]),
    ],
    'traffic.json: [1].at: 500 ms after the item above: the harness runs the items one after another, and the model gives each 2000 ms',
  ],
  [
    'conform: a given case with an item the harness cannot perform',
    () => [
      'conform',
      '--topology',
      topo(),
      '--traffic',
      traffic([{ kind: 'link-down', at: 1000, peers: ['h1', 'h2'] }]),
    ],
    'traffic.json: [0].kind: the Linux-native layout has no Weave peers or connections: no link-down (pings, arp, neigh, start, stop and move only)',
  ],
  [
    'conform: a given case shortening a timer the harness cannot set',
    () => [
      'conform',
      '--topology',
      topo((t) => {
        Object.assign(t, { timers: { retransMs: 500 } });
      }),
      '--traffic',
      traffic([]),
    ],
    "topology.json: timers.retransMs: the harness cannot shorten retransMs: the harness keeps its 500 ms retrans_time: a failed resolution must end inside its item's 2 s",
  ],
  [
    'conform: a given case whose pause its shortened ageing outlasts',
    () => [
      'conform',
      '--topology',
      topo((t) => {
        Object.assign(t, { timers: { bridgeAgeingMs: 10_000 } });
      }),
      '--traffic',
      traffic([
        { at: 1000, from: 'A', to: D.ip },
        { at: 5000, from: 'A', to: D.ip },
      ]),
    ],
    'traffic.json: [1].at: a pause of 4000 ms after item 1: a pause must outlast every shortened timer by 2000 ms (one and a half times the reachable time, the ageing times), so at least 12000 ms',
  ],
  [
    'a peer event naming an unknown host',
    () => check('--topology', topo(), '--traffic', traffic([{ kind: 'peer-leave', at: 1000, host: 'h9' }])),
    'traffic.json: [0].host: unknown host "h9"',
  ],
  [
    'a peer leaving twice',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([
          { kind: 'peer-leave', at: 1000, host: 'h1' },
          { kind: 'peer-leave', at: 2000, host: 'h1' },
        ]),
      ),
    'traffic.json: [1].host: h1 has already left (at [0])',
  ],
  [
    'a peer joining that never left',
    () => check('--topology', topo(), '--traffic', traffic([{ kind: 'peer-join', at: 1000, host: 'h2' }])),
    'traffic.json: [0].host: h2 is in the mesh: only a peer that left can join',
  ],
  [
    'a link event between hosts that are not peers',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.hosts.push({ name: 'h3', address: '198.19.0.3', mac: '02:00:00:00:01:03' });
          t.peers = [
            ['h1', 'h2'],
            ['h2', 'h3'],
          ];
        }),
        '--traffic',
        traffic([{ kind: 'link-down', at: 1000, peers: ['h1', 'h3'] }]),
      ),
    'traffic.json: [0].peers: h1 and h3 are not peers in the topology (its peers list)',
  ],
  [
    'a link between a host and itself',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'link-down', at: 1000, peers: ['h1', 'h1'] }]),
      ),
    'traffic.json: [0].peers: a host has no connection to itself',
  ],
  [
    'a link going down twice',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([
          { kind: 'link-down', at: 1000, peers: ['h1', 'h2'] },
          { kind: 'link-down', at: 2000, peers: ['h2', 'h1'] },
        ]),
      ),
    'traffic.json: [1].peers: the link between h2 and h1 is already down (at [0])',
  ],
  [
    'a link coming up that is not down',
    () =>
      check('--topology', topo(), '--traffic', traffic([{ kind: 'link-up', at: 1000, peers: ['h1', 'h2'] }])),
    'traffic.json: [0].peers: the link between h1 and h2 is up: only a link that is down can come up',
  ],
  [
    'an event naming an unknown container and host',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ kind: 'move', at: 1000, container: 'Z', host: 'h9' }]),
      ),
    'traffic.json: [0].container: unknown container "Z"',
  ],
  [
    "a start with a running container's IP",
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([
          {
            kind: 'start',
            at: 1000,
            container: 'E',
            host: 'h1',
            ip: D.ip,
            mac: '02:00:00:00:00:0e',
            subnet: A.subnet,
          },
        ]),
      ),
    'traffic.json: [0].ip: 198.18.0.4 is held by the running container D (started at the topology)',
  ],
  [
    "a start with a running container's MAC",
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([
          {
            kind: 'start',
            at: 1000,
            container: 'E',
            host: 'h1',
            ip: '198.18.0.5',
            mac: D.mac,
            subnet: A.subnet,
          },
        ]),
      ),
    'traffic.json: [0].mac: 02:00:00:00:00:0d is held by the running container D (started at the topology)',
  ],
  [
    "a start with a host's MAC",
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([
          {
            kind: 'start',
            at: 1000,
            container: 'E',
            host: 'h1',
            ip: '198.18.0.5',
            mac: '02:00:00:00:01:02',
            subnet: A.subnet,
          },
        ]),
      ),
    "traffic.json: [0].mac: 02:00:00:00:01:02 is host h2's",
  ],
  [
    '--world with a traffic file',
    () =>
      check(
        '--topology',
        topo(),
        '--traffic',
        traffic([{ at: 1000, from: 'A', to: D.ip }]),
        '--world',
        'dynamic',
      ),
    '--world does not apply with --traffic: the traffic file is its own world',
  ],
  [
    'an unknown world',
    () => ['matrix', '--world', 'frozen'],
    '--world must be static, dynamic or both, not "frozen"',
  ],
  // Counterexample files
  [
    'a file that is not a counterexample',
    () => ['replay', topo()],
    'topology.json: missing field "format": not a counterexample file (weave-spec/counterexample/3)',
  ],
  [
    'a counterexample of another format version',
    () => [
      'replay',
      counterexample((cx) => {
        cx.format = 'weave-spec/counterexample/2';
      }),
    ],
    'cx.json: format: weave-spec/counterexample/2 is another version of the format: this weave-spec reads weave-spec/counterexample/3 (run check again to write one)',
  ],
  [
    'a counterexample with an unknown configuration',
    () => [
      'replay',
      counterexample((cx) => {
        cx.config = 'fdp/h9';
      }),
    ],
    'cx.json: config: unknown configuration id "fdp/h9"; valid ids: …',
  ],
  [
    'a negative scheduler choice',
    () => [
      'replay',
      counterexample((cx) => {
        cx.choices = [1, -1];
      }),
    ],
    'cx.json: choices[1]: must be >= 0',
  ],
  [
    'scheduler choices the run never consumes',
    () => [
      'replay',
      counterexample((cx) => {
        cx.choices = new Array(100).fill(0);
      }),
    ],
    'cx.json: choices[74]: the run consumes only 74 of the 100 choices; the rest would never be used (check writes only the choices its run consumes)',
  ],
  [
    'an underlay delay out of range',
    () => [
      'replay',
      counterexample((cx) => {
        cx.faults = [{ datagram: 0, kind: 'delay', ms: 900 }];
      }),
    ],
    'cx.json: faults[0].ms: must be <= 500',
  ],
  [
    'underlay faults out of datagram order',
    () => [
      'replay',
      counterexample((cx) => {
        cx.faults = [
          { datagram: 5, kind: 'loss' },
          { datagram: 2, kind: 'duplicate' },
        ];
      }),
    ],
    'cx.json: faults[1].datagram: faults are in datagram order, one per datagram: 2 comes after 5',
  ],
  [
    'an underlay fault on a datagram the run never sends',
    () => [
      'replay',
      counterexample((cx) => {
        cx.faults = [{ datagram: 9999, kind: 'loss' }];
      }),
    ],
    'cx.json: faults[0].datagram: the run sends only 6 datagrams (0 to 5): this fault would never happen (check writes only the faults that happened)',
  ],
  [
    'a reachable-time draw out of range',
    () => [
      'replay',
      counterexample((cx) => {
        cx.reachable = [1000];
      }),
    ],
    'cx.json: reachable[0]: must be a whole number from 0 to 999',
  ],
  [
    'more reachable-time draws than container starts',
    () => [
      'replay',
      counterexample((cx) => {
        cx.reachable = [1, 2, 3, 4, 5];
      }),
    ],
    'cx.json: reachable[4]: the run starts only 4 containers, one reachable-time draw each: the rest would never be used',
  ],
  [
    'a --step past the end of the run',
    () => ['replay', counterexample(), '--step', '100000'],
    '--step 100000: the run has steps 0 to …',
  ],
  [
    'a --step that is not a step number',
    () => ['replay', counterexample(), '--step', '1e3'],
    '--step must be a whole number >= 0 (a step of the trace), not "1e3"',
  ],
  [
    '--step with the Mermaid format',
    () => ['replay', counterexample(), '--step', '1', '--format', 'mermaid'],
    '--step prints tables (or --format json): --format mermaid does not apply',
  ],
  [
    'a format marker that is not a string',
    () => [
      'replay',
      counterexample((cx) => {
        cx.format = 2;
      }),
    ],
    'cx.json: format: 2 is not a format marker: expected weave-spec/counterexample/3',
  ],
  [
    '--runs with a traffic file',
    () =>
      check('--topology', topo(), '--traffic', traffic([{ at: 1000, from: 'A', to: D.ip }]), '--runs', '5'),
    '--runs does not apply with --traffic: the traffic file is the one case to run',
  ],
  [
    '--containers of scale out of range',
    () => ['scale', '--hosts', '2', '--containers', '65', '--out', out()],
    '--containers: "65" is not a whole number of containers per host from 1 to 64',
  ],
  [
    'a scale run larger than its overlay subnet',
    () => ['scale', '--hosts', '4096', '--containers', '64', '--out', out()],
    "--hosts 4096 × --containers 64 is 262144 containers: the workload's overlay subnet holds 65534",
  ],
  [
    'an unknown configuration for scale',
    () => ['scale', '--hosts', '2', '--config', 'fdp/nope', '--out', out()],
    '--config: unknown configuration id "fdp/nope"; valid ids: …',
  ],
  [
    'a scale --out that is not a folder of its own',
    () => ['scale', '--hosts', '2', '--out', '.'],
    '--out ".": name a folder of its own (its page is written beside it as <folder>.md)',
  ],
  [
    'a scale page whose name is a folder',
    () => {
      mkdirSync(join(dir, 'page.md'));
      return ['scale', '--hosts', '2', '--out', join(dir, 'page')];
    },
    '--out: page.md is a folder, not a file',
  ],
  [
    'a traffic file that is not a list',
    () => check('--topology', topo(), '--traffic', traffic({ at: 0 })),
    'traffic.json: must be array',
  ],
  [
    'a time that is not whole milliseconds',
    () => check('--topology', topo(), '--traffic', traffic([{ at: 1.5, from: 'A', to: D.ip }])),
    'traffic.json: [0].at: must be integer',
  ],
  [
    'a topology without hosts',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.hosts = [];
          t.containers = [];
        }),
      ),
    'topology.json: hosts: needs at least one host',
  ],
  [
    'a topology without containers',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers = [];
        }),
      ),
    'topology.json: containers: needs at least one container: nothing would send or receive',
  ],
  [
    'a subnet written with host bits',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.subnet = '198.18.0.5/24';
        }),
      ),
    'topology.json: containers[0].subnet: 198.18.0.5/24 is not a prefix: its network address is 198.18.0.0/24',
  ],
  [
    'a subnet outside 198.18.0.0/15',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.containers[0]!.subnet = '0.0.0.0/0';
        }),
      ),
    'topology.json: containers[0].subnet: 0.0.0.0/0 is not inside 198.18.0.0/15',
  ],
  [
    'a host subnet without an overlay IP',
    () =>
      check(
        '--topology',
        topo((t) => {
          Object.assign(t.hosts[1]!, { subnet: '198.18.0.0/24' });
        }),
      ),
    'topology.json: hosts[1].subnet: a subnet needs the overlay IP (ip) it belongs to',
  ],
  [
    "an exposed host's IP outside its subnet",
    () =>
      check(
        '--topology',
        topo((t) => {
          Object.assign(t.hosts[1]!, { ip: '198.18.1.200', subnet: '198.18.0.0/24' });
        }),
      ),
    'topology.json: hosts[1].ip: 198.18.1.200 is outside its subnet 198.18.0.0/24',
  ],
  [
    'a shard index out of range',
    () => ['matrix', '--shard', '4/3'],
    '--shard: 4/3: the slice counts from 1 to 3',
  ],
  [
    'merging slices of different runs',
    () => {
      const slice = (name: string, seed: number, index: number) =>
        file(name, {
          run: {
            command: 'matrix',
            seed,
            runs: 10,
            configs: ['sleeve/proxy-arp'],
            worlds: ['static'],
            shard: { index, count: 2 },
          },
          cells: [],
        });
      return ['merge', slice('a.json', 1, 1), slice('b.json', 2, 2)];
    },
    'b.json: run.seed: 2, but a.json has 1: slices of different runs',
  ],
  [
    'a duplicate peer link',
    () =>
      check(
        '--topology',
        topo((t) => {
          t.peers = [
            ['h1', 'h2'],
            ['h2', 'h1'],
          ];
        }),
      ),
    'topology.json: peers[1]: duplicate peer link h1 - h2, first at peers[0]',
  ],
];

/** A message as docs/files.md shows it: the test's folder left out; a trailing `…` matches any rest. */
function agrees(documented: string, actual: string): boolean {
  return documented.endsWith('…') ? actual.startsWith(documented.slice(0, -1)) : actual === documented;
}

describe('bad input: exit 2, the field named, nothing written', () => {
  it.each(CASES)('%s', async (_what, args, message) => {
    dir = mkdtempSync(join(tmpdir(), 'weave-spec-bad-'));
    const argv = args();
    const before = readdirSync(dir).sort();
    const r = await runMain(...argv);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const first = r.stderr
      .split('\n')[0]!
      .replace(/^weave-spec: /, '')
      .replaceAll(`${dir}/`, '');
    expect(agrees(message, first), `message: ${first}`).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('docs/files.md lists every class with its message', () => {
    const page = readFileSync(join(ROOT, 'docs/files.md'), 'utf8');
    const rows = new Map(
      [...page.matchAll(/^\| (.+?) \| `(.+)` \|$/gm)].map((m) => [m[1]!, m[2]!.replace(/\\\|/g, '|')]),
    );
    for (const [what, , message] of CASES) expect(rows.get(what), what).toBe(message);
    // And no row the tests do not run: every documented refusal is one a test makes.
    expect([...rows.keys()].sort()).toEqual(CASES.map(([what]) => what).sort());
  });
});

describe('input that is accepted', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weave-spec-ok-'));
  });
  it('a JSON file with a UTF-8 byte-order mark', async () => {
    const t = file('topology.json', `\uFEFF${JSON.stringify(seedTopology)}`);
    const p = file('traffic.json', `\uFEFF${JSON.stringify([{ at: 1000, from: 'A', to: D.ip }])}`);
    const r = await runMain(...check('--topology', t, '--traffic', p, '--property', 'delivery'));
    expect(r.stderr).not.toMatch(/weave-spec:/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^holds {6}sleeve\/upstream delivery \(1 case\)$/m);
  });
  it('a topology above the interactive size with --large', async () => {
    mkdirSync(join(dir, 'big'));
    const t = structuredClone(seedTopology);
    for (let i = 3; i <= 70; i++)
      t.hosts.push({
        name: `h${i}`,
        address: `198.19.1.${i}`,
        mac: `02:00:00:00:02:${i.toString(16).padStart(2, '0')}`,
      });
    const f = file('big/topology.json', t);
    const p = file('big/traffic.json', [{ at: 1000, from: 'A', to: D.ip }]);
    const r = await runMain(...check('--topology', f, '--traffic', p, '--property', 'delivery', '--large'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/holds {6}sleeve\/upstream delivery/);
  });
});
