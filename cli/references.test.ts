/**
 * The repository stands alone: every document a source file or a page cites (`docs/kernel.md`,
 * `spec.md`, `../README.md`) is one the repository holds, and nothing points outside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.ts';

const files = execFileSync('git', ['ls-files', '*.ts', '*.md'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && existsSync(join(ROOT, f)));

/** File names that are data in a test and in the table of refused inputs, not references. */
const DATA = new Set(['page.md']);

describe('references to documents', () => {
  it('name only documents the repository holds', () => {
    const dangling: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/(?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.md\b/g)) {
        const ref = m[0];
        if (/^https?:/.test(text.slice(Math.max(0, m.index! - 40), m.index))) continue;
        const candidates = [join(ROOT, dirname(f), ref), join(ROOT, ref), join(ROOT, 'docs', ref)];
        // Upstream Weave's own documents, cited by path in its repository (docs/upstream.md).
        if (DATA.has(ref) || ref.startsWith('weave/')) continue;
        if (ref.includes('shared/') || !candidates.some((c) => existsSync(c))) dangling.push(`${f}: ${ref}`);
      }
    }
    expect(dangling).toEqual([]);
  });
});
