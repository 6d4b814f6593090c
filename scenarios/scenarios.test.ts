import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './index.ts';
import { runScenario } from './scenario.ts';

describe.each(SCENARIOS.map((s) => [`${s.name} under ${s.config}`, s] as const))('%s', (_, scenario) => {
  it('shows every expected step, in order', () => {
    const r = runScenario(scenario);
    expect(r.missing?.says ?? null).toBeNull();
    expect(r.run.truncated).toBe(false);
  });

  it('gives the identical trace when run twice', () => {
    const a = runScenario(scenario).run;
    const b = runScenario(scenario).run;
    expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
    expect(JSON.stringify(b.contexts)).toBe(JSON.stringify(a.contexts));
  });
});

describe('scenario matching', () => {
  it('reports the first expectation a trace does not show', () => {
    const base = SCENARIOS.find((s) => s.name === 'SL-X' && s.config === 'sleeve/proxy-arp')!;
    // Under upstream Weave nobody proxies the ARP reply: the seed's SL-X.2.2.2 step cannot be found.
    const r = runScenario({ ...base, config: 'sleeve/upstream' });
    expect(r.missing?.seed).toContain('SL-X.2.2.2');
  });
});
