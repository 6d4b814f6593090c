/**
 * Underlay faults: what the IP network between hosts may do to a datagram besides delivering it. Like
 * the order of deliveries, they are the scheduler's choices, not the machines' (docs/dynamics.md): a case
 * lists them, each naming the n-th datagram the underlay sends in the run (counted from 0, one per
 * receiving host, so each copy of a multicast counts), and what befalls it:
 * - `loss`: it never arrives;
 * - `duplicate`: it arrives twice, the second copy right behind the first;
 * - `delay`: it arrives `ms` later than it would, so later traffic may overtake it.
 * Faults are few per run (`MAX_FAULTS`) and a delay is bounded (`MAX_DELAY_MS`); fast-check shrinks a
 * list towards fewer faults and earlier datagrams. A datagram the run never sends takes no fault.
 */

export type FaultKind = 'loss' | 'duplicate' | 'delay';
export const FAULT_KINDS: readonly FaultKind[] = ['loss', 'duplicate', 'delay'];

/** The most faults one case may hold. */
export const MAX_FAULTS = 8;
/** The longest a datagram may be delayed: well inside one neighbour retransmit time (1 s), so that a
 *  delay reorders traffic without standing in for a loss. */
export const MAX_DELAY_MS = 500;
/** The highest datagram number a fault may name: far past any run's last datagram. */
export const MAX_DATAGRAM = 1_000_000;

/** What befalls one datagram. */
export interface UnderlayFault {
  /**
   * The datagram, by its number among those the underlay sends in the run (from 0).
   * @TJS-type integer
   * @minimum 0
   * @maximum 1000000
   */
  datagram: number;
  kind: FaultKind;
  /**
   * For a `delay`: how much later it arrives (ms).
   * @TJS-type integer
   * @minimum 1
   * @maximum 500
   */
  ms?: number;
}

/** A fault as it happened: when, on which link (the sending host and the receiving host), and the copy
 *  it made (a duplicate's second copy, a delayed copy; none for a loss). */
export interface AppliedFault extends UnderlayFault {
  at: number;
  from: string;
  to: string;
  copy: number | null;
}

/** What is wrong with a list of faults, by its index and field; empty when it is fine. */
export function faultIssues(faults: readonly UnderlayFault[]): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (faults.length > MAX_FAULTS)
    issues.push({ path: '', message: `${faults.length} faults, over the bound of ${MAX_FAULTS} per case` });
  faults.forEach((f, i) => {
    const at = `[${i}]`;
    if (!Number.isInteger(f.datagram) || f.datagram < 0 || f.datagram > MAX_DATAGRAM)
      issues.push({ path: `${at}.datagram`, message: `must be a whole number from 0 to ${MAX_DATAGRAM}` });
    else if (i > 0 && f.datagram <= faults[i - 1]!.datagram)
      issues.push({
        path: `${at}.datagram`,
        message: `faults are in datagram order, one per datagram: ${f.datagram} comes after ${faults[i - 1]!.datagram}`,
      });
    if (!FAULT_KINDS.includes(f.kind))
      issues.push({ path: `${at}.kind`, message: `must be one of ${FAULT_KINDS.join(', ')}` });
    if (f.kind === 'delay' && (!Number.isInteger(f.ms) || f.ms! < 1 || f.ms! > MAX_DELAY_MS))
      issues.push({
        path: `${at}.ms`,
        message: `a delay must be a whole number of ms from 1 to ${MAX_DELAY_MS}`,
      });
    if (f.kind !== 'delay' && f.ms !== undefined)
      issues.push({ path: `${at}.ms`, message: `only a delay has a length (this is a ${f.kind})` });
  });
  return issues;
}

/** The faults of a list by datagram number. */
export function faultIndex(faults: readonly UnderlayFault[]): Map<number, UnderlayFault> {
  return new Map(faults.map((f) => [f.datagram, f]));
}
