/**
 * delivery: the end-to-end promise of an overlay network, for pings (SL-L.6, SL-X.9, FD-X.9).
 */
import { inSubnet } from '../model/addresses.ts';
import { DEFAULT_NEIGH_PARAMS } from '../model/components/container.ts';
import type { Ipv4 } from '../model/packets.ts';
import type { CaseRun } from './case.ts';
import { containerOutputs, factsOf } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

/** How long a packet may take: a neighbour resolution's whole retry budget, mcast_solicit broadcast
 *  solicits retrans_time apart (3 × 1 s with Linux's defaults). Links have no latency. */
export const RETRY_BUDGET_MS = DEFAULT_NEIGH_PARAMS.mcastSolicit * DEFAULT_NEIGH_PARAMS.retransMs;

interface Delivery {
  step: number;
  at: number;
  container: string;
  packet: Ipv4;
}

function deliveries(r: CaseRun): Delivery[] {
  const out: Delivery[] = [];
  for (const { step, container, output: o } of containerOutputs(r))
    if (o.type === 'deliver' && o.packet.kind === 'frame' && o.packet.payload.kind === 'ipv4')
      out.push({ step: step.n, at: step.at, container: container.name, packet: o.packet.payload });
  return out;
}

function check(r: CaseRun): Violation | null {
  const { owners, containers } = factsOf(r);
  const { topology, traffic } = r.case;
  const all = deliveries(r);
  const ipOf = new Map(topology.containers.map((c) => [c.name, c.ip]));
  for (const d of all)
    if (ipOf.get(d.container) !== d.packet.dst)
      return violation(
        `ping ${d.packet.ping}: ${d.packet.icmp} for ${d.packet.dst} delivered to ${d.container}, which owns ${ipOf.get(d.container)}`,
        [d.step],
      );
  // The network must not hand a container an IPv4 packet for someone else's IP on the container's own
  // MAC: its stack drops it (ip_forward off), so the `deliver` check above could never see it.
  for (const s of r.run.trace) {
    const c = containers.get(s.component);
    const m = s.input.type === 'recv' ? s.input.packet : null;
    if (!c || m?.kind !== 'frame' || m.payload.kind !== 'ipv4') continue;
    if (m.dst === c.mac && m.payload.dst !== c.ip)
      return violation(
        `ping ${m.payload.ping}: ${m.payload.icmp} for ${m.payload.dst} reached ${c.name} (${c.ip}) on its own MAC`,
        [s.n],
      );
  }
  const pingStep = new Map<number, number>();
  for (const s of r.run.trace) if (s.input.type === 'ping') pingStep.set(s.input.ping, s.n);
  for (const [i, p] of traffic.entries()) {
    const ping = i + 1;
    const sender = topology.containers.find((c) => c.name === p.from)!;
    const owner = owners.get(p.to);
    if (owner?.kind !== 'container' || !inSubnet(p.to, sender.subnet)) continue;
    const start = pingStep.get(ping);
    const steps = start === undefined ? [] : [start];
    const requests = all.filter((d) => d.packet.ping === ping && d.packet.icmp === 'echo-request');
    const replies = all.filter((d) => d.packet.ping === ping && d.packet.icmp === 'echo-reply');
    const what = `ping ${ping} from ${p.from} to ${owner.name} (${p.to}) at ${p.at} ms`;
    const once = (ds: Delivery[], kind: string, by: number): Violation | null => {
      const at = ds.map((d) => d.step);
      if (ds.length === 0)
        return violation(`${what}: the ${kind} never arrived (it must, within ${RETRY_BUDGET_MS} ms)`, steps);
      if (ds.length > 1)
        return violation(`${what}: the ${kind} arrived ${ds.length} times`, [...steps, ...at]);
      const late = ds[0]!.at - by;
      if (late > RETRY_BUDGET_MS)
        return violation(`${what}: the ${kind} arrived ${late} ms late (budget ${RETRY_BUDGET_MS} ms)`, [
          ...steps,
          ...at,
        ]);
      return null;
    };
    // The reply is owed only if the sender is in the owner's subnet too (overlapping prefixes in a
    // user's topology can make the route one-way).
    const twoWay =
      owner.kind === 'container' &&
      inSubnet(sender.ip, topology.containers.find((c) => c.name === owner.name)!.subnet);
    const v =
      once(requests, 'echo request', p.at) ?? (twoWay ? once(replies, 'echo reply', requests[0]!.at) : null);
    if (v) return v;
  }
  return null;
}

export const delivery: Property = {
  name: 'delivery',
  summary: 'every ping to a container in the sender subnet arrives exactly once, and only at its owner',
  doc:
    "For every ping sent to an IP that a container owns in the sender's own subnet, the echo request is " +
    'delivered exactly once, at that container, within the retry budget (mcast_solicit × retrans_time = ' +
    `${RETRY_BUDGET_MS} ms after the ping), and its echo reply is delivered exactly once at the sender within ` +
    "the same budget after that (when the sender is in the owner's subnet too). Independently of subnets, no " +
    'IPv4 packet is ever delivered to a container that does not own its destination IP, nor handed to one on ' +
    'its own MAC. Pings to IPs nobody owns, to other subnets or to host kernels are ' +
    'not required to arrive. The violation names the ping step and the deliveries.',
  check,
};
