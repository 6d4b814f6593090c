/**
 * arp-no-spurious: nobody makes up ARP answers (SL-L.2.2.1, SL-X.2.2.1: the host kernel drops ARP that is
 * not for its own IP; upstream: Weave never answers ARP itself, the owner does).
 */

import { arpAnswers } from './arp-replies.ts';
import type { CaseRun } from './case.ts';
import { factsOf } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  const { kernels } = facts;
  const byRequest = new Map<number, number[]>();
  for (const a of arpAnswers(r)) {
    const ip = a.reply.senderIp;
    if (facts.ownerAt(ip, a.at) === undefined && facts.settled(a.at, { ips: [ip] }))
      return violation(
        `${a.component} answered ARP for ${ip}, which nobody owns (is-at ${a.reply.senderMac})`,
        [a.step],
      );
    if (kernels.has(a.component) && kernels.get(a.component)!.ip !== ip)
      return violation(`the host kernel ${a.component} answered ARP for ${ip}, not its own IP`, [a.step]);
    if (a.request === null) continue;
    const steps = [...(byRequest.get(a.request) ?? []), a.step];
    byRequest.set(a.request, steps);
    if (steps.length > 1) {
      const first = r.run.copies[a.request]!.step;
      return violation(`one ARP request (who-has ${ip}) got ${steps.length} answers`, [first, ...steps]);
    }
  }
  return null;
}

export const arpNoSpurious: Property = {
  name: 'arp-no-spurious',
  summary: 'no ARP answer for unowned IPs, the kernel only for its own IP, at most one answer a request',
  doc:
    'Every ARP reply anything originates names an IP that some container or exposed host owns; a host ' +
    "kernel (ethbr) answers only for its host's own IP (SL-L.2.2.1, SL-X.2.2.1); and each ARP request (one " +
    'family of copies) gets at most one answer, wherever the answers come from (the owner, a proxy, a ' +
    'responder flow). The violation names the request and the answering steps.',
  check,
};
