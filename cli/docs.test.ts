import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedPages } from './docs.ts';

const root = join(new URL('.', import.meta.url).pathname, '..');

describe('generated docs', () => {
  const pages = generatedPages();
  it.each(Object.keys(pages))('%s is current (run `npm run docs` if not)', (path) => {
    const file = join(root, path);
    expect(existsSync(file), `${path} is missing`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(pages[path]);
  });
  it('docs/scenarios holds no page that is no longer generated', () => {
    const extra = readdirSync(join(root, 'docs/scenarios')).filter((f) => !(`docs/scenarios/${f}` in pages));
    expect(extra).toEqual([]);
  });
});
