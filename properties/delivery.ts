/**
 * delivery: the end-to-end promise of an overlay network, for pings (SL-L.6, SL-X.9, FD-X.9).
 */

import { inSubnet } from '../model/addresses.ts';
import { componentId } from '../model/network/wiring.ts';
import type { Ipv4 } from '../model/packets.ts';
import { pings } from '../model/timeline.ts';
import type { CaseRun } from './case.ts';
import { endpointOutputs, factsOf } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';
import { RETRY_BUDGET_MS } from './settle.ts';

export { RETRY_BUDGET_MS };

export interface Delivery {
  step: number;
  at: number;
  component: string;
  container: string;
  packet: Ipv4;
}

function deliveries(r: CaseRun): Delivery[] {
  const out: Delivery[] = [];
  for (const { step, container, output: o } of endpointOutputs(r))
    if (o.type === 'deliver' && o.packet.kind === 'frame' && o.packet.payload.kind === 'ipv4')
      out.push({
        step: step.n,
        at: step.at,
        component: step.component,
        container: container.name,
        packet: o.packet.payload,
      });
  return out;
}

/** What became of one ping whose target a container or an exposed host owns, in the sender's subnet,
 *  when it is sent. */
export interface PingOutcome {
  at: number;
  what: string;
  /** The step that sent it (none if the run ended first). */
  steps: number[];
  /** Its echo requests delivered at the owner, and its echo replies delivered back at the sender. */
  requests: Delivery[];
  replies: Delivery[];
  /** Whether a reply is owed: the sender is in the owner's subnet too (overlapping prefixes in a user's
   *  topology can make the route one-way). */
  twoWay: boolean;
  /** The parties a promise about it is about (`settle.ts`). */
  parties: { ips: string[]; containers: string[] };
}

/** Every ping sent by a running container to an IP in its subnet that a container or an exposed host owns
 *  at that moment, with what arrived at the owner and back at the sender, where they run then (isolation
 *  checks that nothing goes elsewhere). */
export function pingOutcomes(r: CaseRun): PingOutcome[] {
  const facts = factsOf(r);
  const all = deliveries(r);
  const pingStep = new Map<number, number>();
  for (const s of r.run.trace) if (s.input.type === 'ping') pingStep.set(s.input.ping, s.n);
  const out: PingOutcome[] = [];
  for (const [i, p] of pings(r.case.traffic).entries()) {
    const ping = i + 1;
    const sender = facts.whereAt(p.from, p.at);
    const owner = facts.ownerAt(p.to, p.at);
    if (!sender || owner === undefined || !inSubnet(p.to, sender.subnet)) continue;
    const start = pingStep.get(ping);
    const at = (component: string, icmp: Ipv4['icmp']) =>
      all.filter((d) => d.packet.ping === ping && d.packet.icmp === icmp && d.component === component);
    out.push({
      at: p.at,
      what: `ping ${ping} from ${p.from} to ${owner.name} (${p.to}) at ${p.at} ms`,
      steps: start === undefined ? [] : [start],
      requests: at(owner.endpoint.component, 'echo-request'),
      replies: at(componentId(sender.host, sender.name), 'echo-reply'),
      twoWay: owner.subnet !== undefined && inSubnet(sender.ip, owner.subnet),
      parties: { ips: [p.to], containers: owner.kind === 'container' ? [p.from, owner.name] : [p.from] },
    });
  }
  return out;
}

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  for (const o of pingOutcomes(r)) {
    if (!facts.settled(o.at, o.parties)) continue;
    const once = (ds: Delivery[], kind: string, by: number): Violation | null => {
      const at = ds.map((d) => d.step);
      if (ds.length === 0)
        return violation(
          `${o.what}: the ${kind} never arrived (it must, within ${RETRY_BUDGET_MS} ms)`,
          o.steps,
        );
      if (ds.length > 1)
        return violation(`${o.what}: the ${kind} arrived ${ds.length} times`, [...o.steps, ...at]);
      const late = ds[0]!.at - by;
      if (late > RETRY_BUDGET_MS)
        return violation(`${o.what}: the ${kind} arrived ${late} ms late (budget ${RETRY_BUDGET_MS} ms)`, [
          ...o.steps,
          ...at,
        ]);
      return null;
    };
    const v =
      once(o.requests, 'echo request', o.at) ??
      (o.twoWay ? once(o.replies, 'echo reply', o.requests[0]!.at) : null);
    if (v) return v;
  }
  return null;
}

export const delivery: Property = {
  name: 'delivery',
  summary: 'every ping to a container or exposed host in the sender subnet arrives exactly once',
  doc:
    "For every ping sent to an IP that a container or an exposed host (`weave expose`) owns in the sender's " +
    'own subnet, the echo request is delivered exactly once, at that owner (a host at its kernel, behind the ' +
    'bridge device), within the retry budget (mcast_solicit × retrans_time = ' +
    `${RETRY_BUDGET_MS} ms after the ping), and its echo reply is delivered exactly once at the sender within ` +
    "the same budget after that (when the sender is in the owner's subnet too); that they arrive nowhere " +
    'else is the isolation property. Pings to IPs nobody owns or to other subnets are ' +
    'not required to arrive, nor, in a world that changes, pings whose sender or target has not settled ' +
    '(`properties/settle.ts`): a ping owed must arrive however long ago the world changed. The violation ' +
    'names the ping step and the deliveries.',
  check,
};
