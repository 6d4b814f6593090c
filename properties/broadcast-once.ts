/**
 * broadcast-once: a Weave network is one Ethernet segment; a broadcast reaches every other container
 * once (upstream: per-source broadcast trees; SL-L.2 and FD-X.2: "the bridge floods it").
 */
import { BROADCAST_MAC } from '../model/addresses.ts';
import type { CaseRun } from './case.ts';
import { factsOf } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  const { containers, packets, families } = facts;
  const { copies } = r.run;
  for (const [root, family] of families) {
    const first = packets[root];
    const sender = copies[root]!.from.component;
    if (first?.kind !== 'frame' || first.dst !== BROADCAST_MAC || !containers.has(sender)) continue;
    const sentAt = r.run.trace[copies[root]!.step]!.at;
    // Start-up announcements race the controllers' standing flows in the first instant: only duplicates count.
    const atStartUp = r.run.trace[copies[root]!.step]!.input.type === 'start';
    const arrivals = new Map<string, number[]>();
    for (const c of family) {
      const to = copies[c]!.to;
      if (to.port === 'eth0' && containers.has(to.component))
        arrivals.set(to.component, [...(arrivals.get(to.component) ?? []), copies[c]!.step]);
    }
    const name = (id: string) => containers.get(id)!.name;
    const what = `broadcast #${root} from ${name(sender)}`;
    for (const id of containers.keys()) {
      const got = arrivals.get(id) ?? [];
      if (id === sender && got.length > 0)
        return violation(`${what} came back to its sender`, [copies[root]!.step, ...got]);
      if (id !== sender && got.length > 1)
        return violation(`${what} reached ${name(id)} ${got.length} times`, [copies[root]!.step, ...got]);
      // Owed to every container running then that has settled (`settle.ts`), as has the sender.
      const owed = (): boolean => {
        const p = facts.placementAt(id, sentAt);
        return p !== undefined && facts.settled(sentAt, { containers: [p.name, name(sender)] });
      };
      if (id !== sender && got.length === 0 && !atStartUp && owed())
        return violation(`${what} never reached ${name(id)}`, [
          copies[root]!.step,
          ...family.map((c) => copies[c]!.step),
        ]);
    }
  }
  return null;
}

export const broadcastOnce: Property = {
  name: 'broadcast-once',
  summary: 'a broadcast reaches every other container exactly once, and never its sender',
  doc:
    'Every broadcast frame a container sends (ARP requests and announcements) reaches every other container ' +
    'of the network exactly once, whatever its host or subnet (a Weave network is one Ethernet segment), ' +
    'and never comes back to its sender. Generated networks are connected, so "at most once" ' +
    'and "at least once" are both required (a second copy the underlay itself made, a duplicate fault, is ' +
    "not counted), except that the containers' start-up announcements (sent at " +
    "time 0, before the controllers' standing flows may be in place) are only checked for duplicates. In a " +
    'world that changes, a broadcast is owed to the containers running when it is sent, once they and the ' +
    'sender have settled (`properties/settle.ts`). ' +
    'The violation names the broadcast and the arrivals (or, when one is missing, every step it took).',
  check,
};
