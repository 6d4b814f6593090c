/** The real command, run as a user runs it. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CONFIGS } from '../model/config.ts';
import { PROPERTY_NAMES } from '../properties/index.ts';
import { MUTANT_NAMES } from '../properties/mutants.ts';
import { ROOT, runCli, runMain } from './run-cli.ts';

const cli = runCli;

describe('weave-spec', () => {
  it('start prints the scenario table and the verdict matrix, and exits 0', () => {
    const r = cli('start');
    // stderr carries only the matrix's progress lines.
    expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('matrix: '))).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/SL-X\s+sleeve\/proxy-arp\s+.*\bpass\b/);
    expect(r.stdout).toMatch(/^fdp\/upstream\s+static\s+holds\s+holds/m);
    // Isolation holds in every world; upstream's loops through views that differ fail loop-free.
    expect(r.stdout).toMatch(/^fdp\/upstream\s+dynamic\s+FAILS\s+FAILS\s+holds\s+FAILS/m);
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
  it('--version prints the package version', async () => {
    const version = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version;
    const r = await runMain('--version');
    expect(r).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });
  it('list names every configuration with what it models, and the properties, scenarios and mutants', async () => {
    const r = await runMain('list');
    expect(r.status).toBe(0);
    for (const c of ALL_CONFIGS) expect(r.stdout).toMatch(new RegExp(`^${c.id}( \\*)? +\\S`, 'm'));
    expect(r.stdout).toMatch(/^fdp\/h2\/unicast \* +Fast Datapath, H2 \(fake-MAC ARP answers/m);
    expect(r.stdout).toMatch(/^linux\/remote +Linux bridge and vxlan alone/m);
    const json = JSON.parse((await runMain('list', '--json')).stdout);
    expect(json.configurations.map((c: { id: string }) => c.id)).toEqual(ALL_CONFIGS.map((c) => c.id));
    expect(json.configurations.filter((c: { defaultScope: boolean }) => c.defaultScope)).toHaveLength(12);
    expect(json.properties.map((p: { name: string }) => p.name)).toEqual(PROPERTY_NAMES);
    expect(json.mutants.map((m: { name: string }) => m.name)).toEqual(MUTANT_NAMES);
    expect(json.scenarios.find((s: { name: string }) => s.name === 'FD-X-relay').configs).toEqual([
      'fdp/upstream',
    ]);
  });
  it('no help text says "1 runs" or "1 cases"', async () => {
    for (const cmd of ['check', 'matrix', 'mutants', 'replay', 'scale', 'list']) {
      const r = await runMain(cmd, '--help');
      expect(r.stdout).not.toMatch(/\b1 (runs|cases)\b/);
      expect(r.stdout).toMatch(/^Usage: weave-spec /);
    }
  });
});

describe('weave-spec coverage', () => {
  it('--json prints only the machines and the exercise', async () => {
    const r = await runMain(
      'coverage',
      '--config',
      'fdp/h1/unicast',
      '--runs',
      '5',
      '--workers',
      '1',
      '--json',
    );
    const report = JSON.parse(r.stdout) as {
      machines: {
        id: string;
        states: string[];
        transitions: string[];
        reachedTransitions: string[];
        unreachable: unknown[];
      }[];
      exercise: Record<string, number | null>;
    };
    expect(Object.keys(report)).toEqual(['machines', 'exercise']);
    const h1 = report.machines.find((m) => m.id === 'h1-target')!;
    expect(h1.states).toEqual(['unknown', 'answering', 'local', 'unowned']);
    expect(h1.reachedTransitions).toContain('unknown --upcall[ownerRemote]--> answering');
    // Five cases in each world.
    expect(report.exercise.cases).toBe(10);
    expect(Object.keys(report.exercise)).toEqual([
      'cases',
      'pings',
      'pingsChecked',
      'crossHostOfChecked',
      'selfOfChecked',
      'casesWithArpMiss',
      'casesWithDatapathMiss',
      'choicesAfterFirstPing',
      'casesWithEvent',
      'pingsCheckedAfterChange',
    ]);
  });
});
