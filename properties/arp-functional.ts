/**
 * arp-functional: whatever MAC a container (or an exposed host) cached, a frame sent to it reaches the IP's
 * owner. Weaker than
 * arp-strict: H2's fake MAC (FD-X.2.2) satisfies it as long as the peer rewrites.
 */
import type { CaseRun } from './case.ts';
import { endpointOutputs, factsOf, sameEndpoint } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  const { packets, families } = facts;
  for (const { step: s, container, output: o } of endpointOutputs(r)) {
    if (o.type !== 'send' || o.copy === undefined || o.packet.kind !== 'frame') continue;
    const p = o.packet.payload;
    if (p.kind !== 'ipv4') continue;
    const owner = facts.ownerAt(p.dst, s.at);
    if (!facts.settled(s.at, { ips: [p.dst], containers: [container.name] })) continue;
    const what = `${p.icmp} ping ${p.ping} from ${container.name} to ${p.dst} via ${o.packet.dst}`;
    // A stale entry for an IP whose owner has gone is the container's own (see arp-strict).
    if (owner === undefined && facts.everOwned(p.dst, s.at)) continue;
    if (owner === undefined) return violation(`${what}: nobody owns ${p.dst}, yet a MAC was cached`, [s.n]);
    const reached = (families.get(o.copy) ?? [o.copy]).find((c) => {
      const info = r.run.copies[c]!;
      const pkt = packets[c];
      return sameEndpoint(info.to, owner.endpoint) && pkt?.kind === 'frame' && pkt.dst === owner.mac;
    });
    if (reached === undefined) {
      const family = (families.get(o.copy) ?? []).map((c) => r.run.copies[c]!.step);
      return violation(`${what}: no copy of the frame reached ${owner.name} (${owner.mac})`, [
        s.n,
        ...family,
      ]);
    }
  }
  return null;
}

export const arpFunctional: Property = {
  name: 'arp-functional',
  summary: "a frame sent to a cached MAC reaches the IP's owner",
  doc:
    'Every IPv4 frame a container or an exposed host kernel sends (to the MAC its neighbour table gave for ' +
    'the destination IP) has a copy in its family tree that arrives at the owner of the destination IP (its ' +
    "eth0, or the host kernel's port for an exposed host IP) addressed to the owner's real MAC. This is what a container needs from ARP, and it " +
    "is weaker than arp-strict: a fake MAC that the network rewrites on the way (the seed's H2, FD-X.2.2) " +
    'passes. A frame sent for an IP nobody ever owned fails it (some answer gave a MAC for it). In a world that ' +
    'changes, only frames sent once the sender and the IP have settled count (`properties/settle.ts`). ' +
    'The violation names ' +
    'the send and every step its copies took.',
  check,
};
