import { afterEach, describe, expect, it, vi } from 'vitest';
import { plural, progress } from './progress.ts';

describe('the progress line', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const capture = (tty: boolean) => {
    const lines: string[] = [];
    return { io: { out: () => {}, err: (s: string) => lines.push(s), tty }, lines };
  };

  it('in a log: a line at the first case, one per finished job, and one every ten seconds while a single job runs long', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const { io, lines } = capture(false);
    const bar = progress(io, 'check', 2, 100);
    bar.onRun(0, 1);
    expect(lines).toEqual(['check: 0/2 jobs, 1/200 cases, 0.0 s\n']);
    bar.onRun(0, 5);
    expect(lines).toHaveLength(1);
    vi.setSystemTime(10_500);
    bar.onRun(0, 6);
    expect(lines.at(-1)).toBe('check: 0/2 jobs, 6/200 cases, 10.5 s\n');
    bar.onRun(0, 7);
    expect(lines).toHaveLength(2);
    bar.onRun(0, 100);
    expect(lines.at(-1)).toBe('check: 1/2 jobs, 100/200 cases, 10.5 s\n');
  });

  it('on a terminal: rewritten in place, at most ten times a second, and ended with a newline', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const { io, lines } = capture(true);
    const bar = progress(io, 'matrix', 1, 10);
    bar.onRun(0, 1);
    vi.setSystemTime(50);
    bar.onRun(0, 2);
    vi.setSystemTime(200);
    bar.onRun(0, 3);
    expect(lines).toEqual(['\rmatrix: 0/1 jobs, 3/10 cases, 0.2 s\x1b[K']);
    bar.end();
    expect(lines.at(-1)).toBe('\rmatrix: 0/1 jobs, 3/10 cases, 0.2 s\x1b[K\n');
  });

  it('counts in words that agree with the number', () => {
    expect(plural(1, 'case')).toBe('1 case');
    expect(plural(2, 'case')).toBe('2 cases');
    expect(plural(1, 'property', 'properties')).toBe('1 property');
    expect(plural(0, 'property', 'properties')).toBe('0 properties');
  });
});
