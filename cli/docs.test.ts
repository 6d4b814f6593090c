import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUNTEREXAMPLES_DIR } from '../properties/verdicts-page.ts';
import { generatedPages } from './docs.ts';

const root = join(new URL('.', import.meta.url).pathname, '..');

const pages = await generatedPages();

describe('generated docs', () => {
  it.each(Object.keys(pages))('%s is current (run `npm run docs` if not)', (path) => {
    const file = join(root, path);
    expect(existsSync(file), `${path} is missing`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(pages[path]);
  });
  it.each(['docs/scenarios', 'docs/machines', COUNTEREXAMPLES_DIR])(
    '%s holds no page that is no longer generated',
    (dir) => {
      const extra = readdirSync(join(root, dir)).filter((f) => !(`${dir}/${f}` in pages));
      expect(extra).toEqual([]);
    },
  );
  it("`weave-spec docs` run from another folder writes the package's own pages, nothing there", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'weave-spec-docs-'));
    writeFileSync(join(elsewhere, 'README.md'), '# my own project\n');
    const r = spawnSync(process.execPath, [join(root, 'bin/weave-spec.js'), 'docs'], {
      cwd: elsewhere,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status).toBe(0);
    expect(readdirSync(elsewhere)).toEqual(['README.md']);
    expect(readFileSync(join(elsewhere, 'README.md'), 'utf8')).toBe('# my own project\n');
  }, 240_000);
});
