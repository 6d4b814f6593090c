/**
 * loop-free: no frame goes round in circles, and no frame multiplies beyond what the topology allows
 * (upstream: per-source broadcast trees and split horizon, docs/upstream.md §3).
 */
import type { CaseRun } from './case.ts';
import { factsOf, sameEndpoint } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

/** The bound on copies in one family: E × max(1, H − 1), E the number of linked (component, port)
 *  endpoints, H the number of hosts. */
export function familyBound(r: CaseRun): number {
  return r.network.links.size * Math.max(1, r.case.topology.hosts.length - 1);
}

function check(r: CaseRun): Violation | null {
  const { copies } = r.run;
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
  }
  const bound = familyBound(r);
  for (const [root, family] of factsOf(r).families)
    if (family.length > bound)
      return violation(`the family of copy #${root} has ${family.length} copies, over the bound ${bound}`, [
        copies[root]!.step,
        copies[family[family.length - 1]!]!.step,
      ]);
  return null;
}

export const loopFree: Property = {
  name: 'loop-free',
  summary: 'no copy revisits a (component, port) in its family tree; copies per family bounded',
  doc:
    'No copy of a message arrives at a (component, port) endpoint that one of its ancestors in its family ' +
    'tree already arrived at, and the copies made of one originated message (its whole family, through ' +
    'bridges, routers, datapaths, controllers, vteps and the underlay) number at most E × max(1, H − 1), ' +
    'where E is the number of linked endpoints in the network and H the number of hosts. Reason for the ' +
    'bound: in a loop-free family each endpoint is reached along distinct simple paths, and only underlay ' +
    'fan-out (head-end replication or multicast to the H − 1 other hosts, or a relay to up to H − 1 ' +
    'broadcast-tree children) makes more than one copy arrive at the same endpoint. The violation names the ' +
    'ancestor step and the revisiting step.',
  check,
};
