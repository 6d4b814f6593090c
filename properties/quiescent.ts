/**
 * quiescent: the network falls silent. A run that reaches its step bound is a storm (TigerBeetle style:
 * an explicit bound on every loop).
 */
import { STEPS_PER_COMPONENT, STEPS_PER_PING } from './case.ts';
import { type Property, violation } from './property.ts';

export const quiescent: Property = {
  name: 'quiescent',
  summary: 'the run settles within its step bound (no packet storm)',
  doc:
    'The run ends because nothing is left to do (every queue empty, every timer spent), within ' +
    `2000 + ${STEPS_PER_COMPONENT} × components + ${STEPS_PER_PING} × pings steps: far more than any ` +
    'loop-free run of that size takes, so a run that hits it is a storm (a forwarding loop or a broadcast ' +
    'that keeps multiplying). The violation names the last steps before the bound.',
  check: (r) =>
    r.run.truncated
      ? violation(
          `the run hit its step bound (${r.run.trace.length} steps) at ${r.run.end} ms`,
          r.run.trace.slice(-5).map((s) => s.n),
        )
      : null,
};
