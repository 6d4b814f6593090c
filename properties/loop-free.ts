/**
 * loop-free: no frame goes round in circles, and no frame multiplies beyond what the topology allows
 * (upstream: per-source broadcast trees and split horizon, docs/upstream.md §3); nor does a chain of
 * answers (a frame answered by a frame that is answered in turn) run on.
 */
import type { CaseRun } from './case.ts';
import { factsOf, sameEndpoint } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

/** The most copies of one family any one endpoint may receive: one from each other host (underlay
 *  fan-out: head-end replication, multicast, broadcast-tree relays converge there from H − 1 hosts). */
export function arrivalBound(r: CaseRun): number {
  return Math.max(1, r.case.topology.hosts.length - 1);
}

/** The longest chain of answers: a frame, the frame it made a component originate, and so on, each made
 *  in the instant the one before arrived (a timer, a ping or a change of the world starts a chain anew).
 *  A ping is four (ARP request, reply, the echo request released, the echo reply); H1's punt adds the
 *  controller's messages; no run of the model's own machines goes past five. */
export const ANSWER_CHAIN_BOUND = 10;

function check(r: CaseRun): Violation | null {
  const { copies } = r.run;
  const { byFault } = factsOf(r);
  const bound = arrivalBound(r);
  const arrivals = new Map<string, number[]>();
  /** Each copy's place in its chain of answers. */
  const depth: number[] = [];
  for (const c of copies) {
    let cur = c.parent;
    while (cur !== null) {
      const a = copies[cur]!;
      if (sameEndpoint(a.to, c.to))
        return violation(
          `copy #${c.copy} revisits ${c.to.component}:${c.to.port}, which its ancestor #${a.copy} reached`,
          [a.step, c.step],
        );
      cur = a.parent;
    }
    const key = `${c.root}\u0000${c.to.component}\u0000${c.to.port}`;
    const seen = arrivals.get(key) ?? [];
    // A duplicate the underlay made arrives where its twin did: the underlay's doing, not a loop.
    if (!byFault.has(c.copy)) seen.push(c.step);
    arrivals.set(key, seen);
    if (seen.length > bound)
      return violation(
        `the family of copy #${c.root} reached ${c.to.component}:${c.to.port} ${seen.length} times, over the bound ${bound}`,
        [copies[c.root]!.step, ...seen],
      );
    depth[c.copy] = c.parent !== null ? depth[c.parent]! : c.cause !== null ? depth[c.cause]! + 1 : 0;
    if (depth[c.copy]! > ANSWER_CHAIN_BOUND) {
      const chain: number[] = [];
      for (
        let k: number | null = c.copy;
        k !== null && chain.length <= ANSWER_CHAIN_BOUND + 1;
        k = copies[k]!.cause
      )
        chain.push(copies[k]!.step);
      return violation(
        `copy #${c.copy} ends a chain of ${depth[c.copy]} answers, each made as the one before arrived (bound ${ANSWER_CHAIN_BOUND})`,
        chain.reverse(),
      );
    }
  }
  return null;
}

export const loopFree: Property = {
  name: 'loop-free',
  summary: 'no copy revisits an endpoint of its family tree; per endpoint and per chain of answers, bounded',
  doc:
    'No copy of a message arrives at a (component, port) endpoint that one of its ancestors in its family ' +
    'tree already arrived at; no endpoint receives more than max(1, H − 1) copies of one family, H the ' +
    'number of hosts (in a loop-free family an endpoint is reached along one path from each host the ' +
    'underlay fans out from: head-end replication, multicast, broadcast-tree relays); and no chain of ' +
    'answers (a frame answered by a frame a component makes as it arrives, answered in turn) is longer ' +
    `than ${ANSWER_CHAIN_BOUND}: a family ends at an answer, so a loop through answers (two components ` +
    'answering each other) would otherwise go unseen. The violation names the ancestor and the revisiting ' +
    'step, the arrivals over the bound, or the chain.',
  check,
};
