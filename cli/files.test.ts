import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  it('leaves the old file whole when the new one cannot be written, and no temporary file behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weave-spec-'));
    const target = join(dir, 'out.json');
    writeFileSync(target, 'old and whole\n');
    // A temporary file that cannot be created (its name is taken by a directory) makes the write fail.
    mkdirSync(`${target}.${process.pid}.tmp`);
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readFileSync(target, 'utf8')).toBe('old and whole\n');
  });
  it('removes its temporary file when the rename fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weave-spec-'));
    const target = join(dir, 'busy');
    mkdirSync(join(target, 'inside'), { recursive: true });
    // Renaming a file over a non-empty directory fails: no half-written file may remain.
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['busy']);
  });
});
