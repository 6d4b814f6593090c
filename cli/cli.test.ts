/** The real command, run as a user runs it. */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const cli = runCli;

describe('weave-spec', () => {
  it('start prints the scenario table and the verdict matrix, and exits 0', () => {
    const r = cli('start');
    // stderr carries only the matrix's progress lines.
    expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('matrix: '))).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/SL-X\s+sleeve\/proxy-arp\s+.*\bpass\b/);
    expect(r.stdout).toMatch(/fdp\/upstream\s+holds/);
    expect(r.stdout).toMatch(/all \d+ verdicts as expected \(\d+\.\d s\)/);
  }, 120_000);
  it('prints a scenario trace with its seed step labels', () => {
    const r = cli('scenario', 'SL-X', '--config', 'sleeve/proxy-arp');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/h1\/router .*\[SL-X\.2\.2\.2\]/);
  });
  it('prints a Mermaid diagram', () => {
    const r = cli('scenario', 'SL-L', '--config', 'sleeve/upstream', '--format', 'mermaid');
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('sequenceDiagram\n')).toBe(true);
  });
  it('rejects an unknown scenario with exit 2 and lists the valid names', () => {
    const r = cli('scenario', 'SL-Q');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no scenario matches name "SL-Q"; names: SL-L, SL-X/);
    expect(r.stdout).toBe('');
  });
  it('rejects an unknown option with exit 2', () => {
    const r = cli('scenario', '--format', 'svg');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are text, mermaid, json/);
  });
});
