/**
 * What a property is: a pure predicate over one finished run (the case, its network and its trace) that
 * either holds or names a violation and the trace steps involved (docs/design.md, Properties).
 */
import type { CaseRun } from './case.ts';

/** What a property does over a cell's cases: holds on every one, or fails on one. */
export type Verdict = 'holds' | 'fails';

export interface Violation {
  message: string;
  /** Trace step numbers (`TraceStep.n`) that show the violation, in trace order. */
  steps: number[];
}

export interface Property {
  /** Stable name used by the CLI, the expectations and the docs. */
  name: string;
  /** One line. */
  summary: string;
  /** One paragraph: exactly what is checked, and where it comes from. */
  doc: string;
  check(run: CaseRun): Violation | null;
}

export function violation(message: string, steps: readonly number[]): Violation {
  return { message, steps: [...new Set(steps)].sort((a, b) => a - b) };
}
