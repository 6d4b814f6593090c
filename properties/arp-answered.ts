/**
 * arp-answered: an ARP request for a container or an exposed host in the requester's subnet is answered,
 * the first time (SL-X.3, FD-X.4; the seed's own H1 says otherwise, FD-X.3).
 */
import { inSubnet } from '../model/addresses.ts';
import { arpAnswers, arpRequests } from './arp-replies.ts';
import type { CaseRun } from './case.ts';
import { factsOf, sameEndpoint } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  const { families } = facts;
  const answers = arpAnswers(r);
  for (const q of arpRequests(r)) {
    const owner = facts.ownerAt(q.target, q.at);
    const requester = facts.placementAt(q.component, q.at)!;
    if (owner === undefined || !inSubnet(q.target, requester.subnet)) continue;
    const containers = owner.kind === 'container' ? [q.container, owner.name] : [q.container];
    if (!facts.settled(q.at, { ips: [q.target], containers })) continue;
    const endpoint = { component: q.component, port: 'eth0' };
    const answered = answers.some(
      (a) =>
        a.request === q.copy &&
        (families.get(a.copy) ?? []).some((c) => sameEndpoint(r.run.copies[c]!.to, endpoint)),
    );
    if (!answered)
      return violation(
        `${q.container}'s ${q.broadcast ? 'broadcast' : 'unicast'} ARP who-has ${q.target} (${owner.name}) got no answer back`,
        [q.step, ...(families.get(q.copy) ?? []).map((c) => r.run.copies[c]!.step)],
      );
  }
  return null;
}

export const arpAnswered: Property = {
  name: 'arp-answered',
  summary: "every ARP request for a container or exposed host in the requester's subnet is answered",
  doc:
    'Every ARP request a container sends (broadcast while INCOMPLETE, unicast while PROBE) for an IP that a ' +
    "container or an exposed host owns in the requester's subnet is answered: some reply originated in a " +
    'step that received a ' +
    'copy of that very request reaches the requester. So resolution succeeds on the first request and no ' +
    "packet waits for a retry; the seed's H1 (FD-X.3: the first request gets no reply) breaks it by design. " +
    'In a world that changes, a request is owed an answer once its requester and target have settled ' +
    '(`properties/settle.ts`). ' +
    'The violation names the request and where its copies went.',
  check,
};
