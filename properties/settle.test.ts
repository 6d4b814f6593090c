import { describe, expect, it } from 'vitest';
import type { Change } from '../model/timeline.ts';
import { A } from '../scenarios/seed-topology.ts';
import { HEAL_MS, healed, RETRY_BUDGET_MS, SETTLE_MS, settled } from './settle.ts';

const AT = 100_000;
const stopAt = (at: number): Change[] => [{ kind: 'stop', at, placement: { ...A, announce: true } }];

describe('when a promise is owed', () => {
  it('a change exactly SETTLE_MS before excuses nothing; one a millisecond later does', () => {
    expect(settled(stopAt(AT - SETTLE_MS), AT, { ips: [A.ip] })).toBe(true);
    expect(settled(stopAt(AT - SETTLE_MS + 1), AT, { ips: [A.ip] })).toBe(false);
  });

  it('a change while the exchange is owed excuses it, one after does not', () => {
    expect(settled(stopAt(AT + 2 * RETRY_BUDGET_MS), AT, { containers: [A.name] })).toBe(false);
    expect(settled(stopAt(AT + 2 * RETRY_BUDGET_MS + 1), AT, { containers: [A.name] })).toBe(true);
  });

  it('only the parties of the promise count', () => {
    expect(settled(stopAt(AT), AT, { ips: ['198.18.0.9'], containers: ['Z'] })).toBe(true);
  });

  it('the world has healed exactly HEAL_MS after its last change, whoever changed', () => {
    expect(healed(stopAt(AT - HEAL_MS), AT)).toBe(true);
    expect(healed(stopAt(AT - HEAL_MS + 1), AT)).toBe(false);
    expect(healed(stopAt(AT + 2 * RETRY_BUDGET_MS), AT)).toBe(false);
    expect(healed([], AT)).toBe(true);
  });
});
