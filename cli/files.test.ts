import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './files.ts';

describe('writeFileAtomic', () => {
  it('writes the whole text and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weave-spec-'));
    const file = join(dir, 'sub', 'out.json');
    writeFileAtomic(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['out.json']);
  });
  it('leaves the old file whole when the new one cannot be put in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weave-spec-'));
    const target = join(dir, 'busy');
    mkdirSync(target);
    // Renaming a file over a directory fails: the target is untouched, and no half-written file remains.
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(existsSync(join(target))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
