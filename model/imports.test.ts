/**
 * The layout shows the architecture: the import graph of the sources (tests aside) has no cycle, and
 * imports go one way: model/ imports nothing outside it; inside model/, the machine contract and the
 * entries import no component; bench/ imports no command-line code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = normalize(join(new URL('.', import.meta.url).pathname, '..'));
const DIRS = [
  'model',
  'properties',
  'scenarios',
  'cli',
  'formats',
  'render',
  'conformance',
  'bench',
  'scale',
  'workers',
];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return f.endsWith('.ts') && !f.endsWith('.test.ts') ? [path] : [];
  });
}

const files = DIRS.flatMap(sources);
const imports = new Map(
  files.map((f) => {
    const text = readFileSync(join(ROOT, f), 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from '(\.[^']+)'/gms)].map((m) =>
      relative(ROOT, join(ROOT, dirname(f), m[1]!)),
    );
    return [f, targets];
  }),
);

describe('imports', () => {
  it('form no cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of imports.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('go one way between folders', () => {
    const back = [...imports].flatMap(([f, targets]) =>
      targets
        .filter(
          (t) =>
            (f.startsWith('model/') && !t.startsWith('model/')) ||
            (/^model\/(machine|entries|fdp|kernel)\//.test(f) && t.startsWith('model/components/')) ||
            (f.startsWith('bench/') && t.startsWith('cli/')),
        )
        .map((t) => `${f} -> ${t}`),
    );
    expect(back).toEqual([]);
  });
});
