/** The property registry: every property, by name, in the order tables print them. */

import { arpAnswered } from './arp-answered.ts';
import { arpFunctional } from './arp-functional.ts';
import { arpNoSpurious } from './arp-no-spurious.ts';
import { arpStrict } from './arp-strict.ts';
import { broadcastOnce } from './broadcast-once.ts';
import { type Case, type CaseRun, runCase } from './case.ts';
import { delivery } from './delivery.ts';
import { isolation } from './isolation.ts';
import { loopFree } from './loop-free.ts';
import { noBlackHole } from './no-black-hole.ts';
import type { Property } from './property.ts';
import { quiescent } from './quiescent.ts';
import { staleness } from './staleness.ts';

export const PROPERTIES: readonly Property[] = [
  delivery,
  noBlackHole,
  isolation,
  arpStrict,
  arpFunctional,
  arpNoSpurious,
  arpAnswered,
  loopFree,
  broadcastOnce,
  quiescent,
  staleness,
];

export const PROPERTY_NAMES: readonly string[] = PROPERTIES.map((p) => p.name);

export class UnknownPropertyError extends Error {
  constructor(readonly property: string) {
    super(`unknown property "${property}"; valid names: ${PROPERTY_NAMES.join(', ')}`);
  }
}

export function propertyByName(name: string): Property {
  const p = PROPERTIES.find((q) => q.name === name);
  if (!p) throw new UnknownPropertyError(name);
  return p;
}

export type CheckResult =
  | { holds: true }
  | { holds: false; property: string; message: string; steps: number[] };

/** Evaluate one property over an already simulated run. */
export function checkRun(run: CaseRun, property: Property): CheckResult {
  const v = property.check(run);
  return v === null
    ? { holds: true }
    : { holds: false, property: property.name, message: v.message, steps: v.steps };
}

/** Run a case and check one property over it (the stable entry point for `check`/`replay`). */
export function checkCase(c: Case, propertyName: string): CheckResult {
  return checkRun(runCase(c), propertyByName(propertyName));
}

export { type Case, type CaseRun, runCase, traceDigest } from './case.ts';
export type { Property, Violation } from './property.ts';
