import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configById } from '../model/config.ts';
import { measureScale } from '../scale/measure.ts';
import { CHARTS, renderCsv } from '../scale/render.ts';
import { UsageError } from './errors.ts';
import { selectConfigs } from './options.ts';
import { ROOT } from './run-cli.ts';
import { parseHosts, runScaleCommand } from './scale.ts';

describe('weave-spec scale', () => {
  it('validates --hosts and --config with a usage error', () => {
    expect(parseHosts('8,2,4,4')).toEqual([2, 4, 8]);
    for (const bad of ['1', '2,,4', 'x', '2.5', '-4', '99999'])
      expect(() => parseHosts(bad)).toThrow(UsageError);
    expect(selectConfigs('fdp/upstream,sleeve/upstream,fdp/upstream').map((c) => c.id)).toEqual([
      'fdp/upstream',
      'sleeve/upstream',
    ]);
    expect(() => selectConfigs('fdp/nope')).toThrow(/unknown configuration id "fdp\/nope"/);
  });

  it('counts every ping delivered, and Sleeve’s crossings and copies per packet', () => {
    const row = measureScale(configById('sleeve/proxy-arp'), 4, 2);
    // 8 containers, each pings once cold and once warm: 16 requests and 16 replies.
    expect(row.delivered).toBe(32);
    expect(row.truncated).toBe(false);
    // Every packet crosses kernel/user four times on Sleeve (capture, UDP send, UDP receive, inject).
    expect(row.crossings).toBeGreaterThanOrEqual(4 * row.delivered);
    expect(row.upcalls).toBe(0);
  });

  it('shows learning vteps flooding more underlay packets per delivered packet as hosts grow; upstream FDP installs flows', () => {
    const small = measureScale(configById('fdp/h3/unicast'), 2, 2);
    const large = measureScale(configById('fdp/h3/unicast'), 8, 2);
    expect(large.underlayReceived / large.delivered).toBeGreaterThan(
      small.underlayReceived / small.delivered,
    );
    const upstream = measureScale(configById('fdp/upstream'), 4, 2);
    expect(upstream.flowsInstalled).toBe(32);
    expect(upstream.vtepFdbMax).toBe(0);
  });

  it('writes the CSV, the charts and the page, the same bytes on every run and with any number of threads', async () => {
    const run = async (workers: string) => {
      const dir = join(mkdtempSync(join(tmpdir(), 'scale-')), 'scale');
      const said: string[] = [];
      const code = await runScaleCommand(
        { hosts: '2,4', config: 'sleeve/proxy-arp,fdp/h3/unicast', out: dir, quiet: true, workers },
        (s) => said.push(s),
      );
      expect(code).toBe(0);
      expect(said.join('')).toMatch(/wrote .*scale\.csv/);
      const files = readdirSync(dir).sort();
      return {
        files,
        text: files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'),
        page: readFileSync(`${dir}.md`, 'utf8'),
      };
    };
    const a = await run('1');
    const b = await run('2');
    expect(a.files).toEqual(['scale.csv', ...CHARTS.map((c) => `${c.file}.svg`)].sort());
    expect(a.text).toBe(b.text);
    expect(a.page).toBe(b.page);
    expect(a.text).toContain('<svg');
    // Every chart is named by a title element and carries no ARIA roles (the linter's a11y rules).
    expect(a.text.match(/<svg[^>]*><title>/g)).toHaveLength(CHARTS.length);
    expect(a.text).not.toMatch(/ role="/);
    expect(a.page).toMatch(/\*\*C-SL-2\*\* \(pcap copies make Sleeve slow\): \*\*holds\*\*/);
    expect(a.page).toMatch(/\*\*C-SL-3/);
    expect(a.page).toMatch(/\*\*C-FD-2/);
    expect(a.page).toContain('![');
  }, 60_000);

  it('renders one CSV line per run, with the header first', () => {
    const csv = renderCsv([measureScale(configById('sleeve/upstream'), 2, 1)])
      .trim()
      .split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[0]!.split(',')[0]).toBe('config');
    expect(csv[1]!.startsWith('sleeve/upstream,2,2,')).toBe(true);
  });
  it('writes to the scratch folder out/scale by default, never into docs/', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scale-cwd-'));
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/weave-spec.js'), 'scale', '--hosts', '2', '--config', 'sleeve/proxy-arp'],
      { cwd, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wrote out\/scale\/scale\.csv, \d+ charts and out\/scale\.md/);
    expect(readdirSync(cwd)).toEqual(['out']);
    expect(readdirSync(join(cwd, 'out')).sort()).toEqual(['scale', 'scale.md']);
  }, 120_000);
});
