/** `weave-spec converge`: what it measures, what it prints, and that docs/convergence is current. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAP_MS, measureConvergence } from '../converge/measure.ts';
import { parseCsv } from '../converge/render.ts';
import { configById } from '../model/config.ts';
import { MAC_MAX_AGE_MS } from '../model/weave-router.ts';
import { locationBoundMs, neighbourBoundMs } from '../properties/staleness.ts';
import { ROOT, runMain } from './run-cli.ts';

describe('weave-spec converge', () => {
  it("measures upstream's moved-MAC black hole: no answer until its MAC cache has aged", () => {
    const up = measureConvergence({ config: 'sleeve/upstream', event: 'move', hosts: 4 });
    expect(up.convergeMs).toBeGreaterThanOrEqual(MAC_MAX_AGE_MS);
    expect(up.lost).toBeGreaterThan(up.probes / 2);
    // H3's vteps learn the moved MAC from its announcement: at most the first probes are lost.
    const h3 = measureConvergence({ config: 'fdp/h3/unicast', event: 'move', hosts: 4 });
    expect(h3.convergeMs).toBeLessThanOrEqual(1_000);
  });

  it("shortens upstream's black hole with its MAC cache: the topology's timers are the run's", () => {
    const job = { config: 'sleeve/upstream', event: 'move' as const, hosts: 4 };
    const short = measureConvergence({ ...job, timers: { macCacheMs: 30_000 } });
    // The stale entry was last seen at the warm-up, 9 s before the move: it is gone 21 s after it.
    expect(short.convergeMs).toBeGreaterThan(16_000);
    expect(short.convergeMs).toBeLessThanOrEqual(24_000);
    expect(measureConvergence(job).convergeMs).toBeGreaterThanOrEqual(MAC_MAX_AGE_MS);
    // H1's stale vtep entry goes with the vxlan ageing.
    const h1 = measureConvergence({
      config: 'fdp/h1/unicast',
      event: 'move',
      hosts: 4,
      timers: { vxlanAgeingMs: 20_000 },
    });
    expect(h1.convergeMs).toBeLessThanOrEqual(32_000);
  });

  it('measures a link flap: upstream relays at once, the seed waits for the link', () => {
    const up = measureConvergence({ config: 'sleeve/upstream', event: 'link-flap', hosts: 4 });
    expect(up).toMatchObject({ convergeMs: 0, lost: 0 });
    const seed = measureConvergence({ config: 'sleeve/proxy-arp', event: 'link-flap', hosts: 4 });
    expect(seed.convergeMs).toBeGreaterThanOrEqual(FLAP_MS);
    expect(seed.lost).toBeGreaterThan(0);
    // Two hosts have no third to relay through: upstream waits too.
    const two = measureConvergence({ config: 'sleeve/upstream', event: 'link-flap', hosts: 2 });
    expect(two.convergeMs).toBeGreaterThanOrEqual(FLAP_MS);
  });

  it('counts flood copies: the vxlan head-end replicates what it does not know, multicast is one per host', () => {
    const uni = measureConvergence({ config: 'fdp/h3/unicast', event: 'ip-reuse', hosts: 8 });
    const multi = measureConvergence({ config: 'fdp/h3/multicast', event: 'ip-reuse', hosts: 8 });
    expect(uni.floodCopies).toBeGreaterThan(0);
    // The underlay delivers a multicast copy to every member as unicast replication would: the same count.
    expect(multi.floodCopies).toBe(uni.floodCopies);
  });

  it('measures how long senders keep trying the old owner, in both layers of staleness', () => {
    // H1: the vteps' learned entry keeps the moved MAC at its old host until it ages (300 s).
    const h1 = measureConvergence({ config: 'fdp/h1/unicast', event: 'move', hosts: 4 });
    expect(h1.staleMs).toBeGreaterThanOrEqual(128_000);
    expect(h1.staleMs).toBeLessThan(locationBoundMs(configById('fdp/h1/unicast')));
    // Upstream reaches the moved container within seconds; what it black-holes for ten minutes is the way
    // back (its MAC cache still places the container's source MAC at the old peer).
    const up = measureConvergence({ config: 'sleeve/upstream', event: 'move', hosts: 4 });
    expect(up.staleMs).toBeLessThanOrEqual(4_000);
    expect(up.convergeMs).toBeGreaterThanOrEqual(MAC_MAX_AGE_MS);
    // An IP reused with a new MAC: the old MAC is tried until the neighbour entry gives it up.
    const seed = measureConvergence({ config: 'sleeve/proxy-arp', event: 'ip-reuse', hosts: 4 });
    expect(seed.staleMs).toBeGreaterThan(0);
    expect(seed.staleMs).toBeLessThanOrEqual(neighbourBoundMs());
    // H2: only the probe sent at the move itself goes to the old host's fake MAC, and that one is left
    // out (nobody can know of the move yet); the moved container's gratuitous ARP updates every host.
    expect(measureConvergence({ config: 'fdp/h2/unicast', event: 'move', hosts: 4 }).staleMs).toBe(0);
    // No owner moves when a peer leaves.
    expect(measureConvergence({ config: 'fdp/h1/unicast', event: 'peer-leave', hosts: 4 }).staleMs).toBe(
      null,
    );
  });

  it('prints { "rows": [...] } and nothing else with --json', async () => {
    const r = await runMain(
      'converge',
      '--config',
      'fdp/upstream',
      '--hosts',
      '2',
      '--json',
      '--workers',
      '1',
    );
    expect(r.status).toBe(0);
    const { rows } = JSON.parse(r.stdout) as { rows: Record<string, unknown>[] };
    expect(rows.map((x) => x.event)).toEqual(['move', 'ip-reuse', 'peer-leave', 'peer-join', 'link-flap']);
    for (const row of rows)
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining(['config', 'event', 'hosts', 'convergeMs', 'lost', 'floodCopies', 'staleMs']),
      );
  });

  it('docs/convergence is current: its rows for the small networks are what the model measures now', () => {
    const csv = join(ROOT, 'docs/convergence/convergence.csv');
    expect(existsSync(csv), 'run npm run docs:converge').toBe(true);
    const committed = parseCsv(readFileSync(csv, 'utf8')).filter((r) => r.hosts <= 4);
    expect(committed.length).toBeGreaterThan(0);
    for (const row of committed)
      expect(
        measureConvergence({ config: row.config, event: row.event, hosts: row.hosts }),
        `${row.config} ${row.event} ${row.hosts}`,
      ).toEqual(row);
  });
});
