/**
 * `npm install` on Node 20 prints no engine warning: every package in the lock file accepts the running
 * Node version (npm warns EBADENGINE otherwise). A small reader of the range forms the lock file uses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.ts';

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v
    .replace(/^v/, '')
    .split('.')
    .map((x) => (x === '*' || x === 'x' ? 0 : Number(x)));
  return [a, b, c];
};
const cmp = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** One comparator: `>=1.2.3`, `^1.2.3`, `1`, `1.x`, `6.*`, `<2`. */
function satisfiesOne(v: Version, c: string): boolean {
  const m = /^(>=|<=|>|<|\^|~)?\s*v?([\d.x*]+)$/.exec(c.trim());
  if (!m) throw new Error(`engine range not understood: ${c}`);
  const [, op = '', text = ''] = m;
  const r = parse(text);
  const parts = text.split('.').filter((p) => p !== 'x' && p !== '*').length;
  switch (op) {
    case '>=':
      return cmp(v, r) >= 0;
    case '>':
      return cmp(v, r) > 0;
    case '<=':
      return cmp(v, r) <= 0;
    case '<':
      return cmp(v, r) < 0;
    case '^':
      return cmp(v, r) >= 0 && v[0] === r[0];
    case '~':
      return cmp(v, r) >= 0 && v[0] === r[0] && v[1] === r[1];
    default:
      return parts === 1 ? v[0] === r[0] : parts === 2 ? v[0] === r[0] && v[1] === r[1] : cmp(v, r) === 0;
  }
}

function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/(>=|<=|>|<|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .every((c) => satisfiesOne(v, c)),
  );
}

describe('install', () => {
  it('reads the range forms npm uses', () => {
    expect(satisfies('20.20.2', '>=22')).toBe(false);
    expect(satisfies('20.20.2', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.18.0', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.20.2', '>=16 || 14 >=14.17')).toBe(true);
    expect(satisfies('20.20.2', '6.* || 8.* || >= 10.*')).toBe(true);
    expect(satisfies('20.20.2', '18 || 20 || >=22')).toBe(true);
  });
  it('every package in the lock file accepts this Node version (no EBADENGINE warning)', () => {
    const lock = JSON.parse(readFileSync(`${ROOT}/package-lock.json`, 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } }>;
    };
    const refused = Object.entries(lock.packages)
      .filter(([, p]) => p.engines?.node && !satisfies(process.version, p.engines.node))
      .map(([name, p]) => `${name} needs node ${p.engines!.node}`);
    expect(refused).toEqual([]);
  });
});
