/**
 * arp-strict: every neighbour entry a container or host kernel ever holds is right (SL-X.4, FD-X.4: "A learns D's MAC").
 */
import type { CaseRun } from './case.ts';
import { endpointOutputs, factsOf } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

/** The container's note when an entry changes (`model/components/container.ts` `put`). */
const NEIGH_NOTE = /^neigh (\S+) (\S+) -> (\S+)(?: (\S+))?$/;

export interface NeighChange {
  step: number;
  at: number;
  container: string;
  ip: string;
  from: string;
  to: string;
  mac?: string;
}

/** Every neighbour-table change of every container and host kernel, in trace order. */
export function neighChanges(r: CaseRun): NeighChange[] {
  const out: NeighChange[] = [];
  for (const { step, container, output: o } of endpointOutputs(r)) {
    const m = o.type === 'note' ? NEIGH_NOTE.exec(o.text) : null;
    if (m)
      out.push({
        step: step.n,
        at: step.at,
        container: container.name,
        ip: m[1]!,
        from: m[2]!,
        to: m[3]!,
        ...(m[4] !== undefined && { mac: m[4] }),
      });
  }
  return out;
}

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  for (const ch of neighChanges(r)) {
    if (ch.mac === undefined) continue;
    if (!facts.settled(ch.at, { ips: [ch.ip], containers: [ch.container] })) continue;
    const owner = facts.ownerAt(ch.ip, ch.at);
    // A neighbour entry outlives its IP's owner: nothing on the network can take it back (Linux finds
    // out through DELAY and PROBE). Only an entry for an IP nobody ever held is made up.
    if (owner === undefined && facts.everOwned(ch.ip, ch.at)) continue;
    if (owner === undefined)
      return violation(`${ch.container} holds ${ch.ip} at ${ch.mac} (${ch.to}), but nobody owns ${ch.ip}`, [
        ch.step,
      ]);
    if (owner.mac !== ch.mac)
      return violation(
        `${ch.container} holds ${ch.ip} at ${ch.mac} (${ch.to}); its owner ${owner.name} is at ${owner.mac}`,
        [ch.step],
      );
  }
  return null;
}

export const arpStrict: Property = {
  name: 'arp-strict',
  summary: "every neighbour entry maps an IP to its owner's real MAC",
  doc:
    'Every neighbour (ARP cache) entry that any container or host kernel (an exposed host) holds at any ' +
    'point of the run, in any state that ' +
    "carries a MAC (REACHABLE, STALE, DELAY, PROBE), maps the IP to the real MAC of the IP's owner: the " +
    "container with that IP, or the host kernel's MAC (the bridge device's) for an exposed host IP. An entry for an IP that " +
    'nobody ever owned is a violation too. In a world that changes, an entry is judged when it is made or ' +
    'changes state, once its IP and its container have settled (`properties/settle.ts`): an entry still ' +
    'wrong then is stale, unless nobody holds its IP any more (no network can take an entry back). Read ' +
    "from the containers' and host kernels' neighbour-change notes; the violation names " +
    'the step where the wrong entry was made.',
  check,
};
