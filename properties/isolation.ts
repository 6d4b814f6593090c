/**
 * isolation: an overlay network hands a container only what is addressed to it, at that moment, moves
 * and address reuse included (SL-L.6, SL-X.9, FD-X.9: "C receives the ICMP packet").
 */
import { type Ip, type Mac, ZERO_MAC } from '../model/addresses.ts';
import type { TraceStep } from '../model/network/trace.ts';
import type { CaseRun } from './case.ts';
import { type Facts, factsOf } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';

/** What the step's stack holds at its time: a running container's address, or an exposed host's (for a
 *  step of its kernel, not of the capture port beside it). */
function heldAt(facts: Facts, s: TraceStep): { name: string; ip: Ip; mac: Mac } | undefined {
  const kernel = facts.kernels.get(s.component);
  if (kernel === undefined) return facts.placementAt(s.component, s.at);
  if (kernel.ip === undefined || (s.input.type === 'recv' && s.input.port !== kernel.port)) return undefined;
  return { name: kernel.name, ip: kernel.ip, mac: kernel.mac };
}

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  for (const s of r.run.trace) {
    const held = heldAt(facts, s);
    if (!held) continue;
    // What reaches the container's eth0 on its own MAC: its stack takes it in (ip_forward is off, so a
    // packet for another IP is dropped there, unseen by any delivery check).
    const m = s.input.type === 'recv' ? s.input.packet : null;
    if (m?.kind === 'frame' && m.payload.kind === 'ipv4' && m.dst === held.mac && m.payload.dst !== held.ip)
      return violation(
        `ping ${m.payload.ping}: ${m.payload.icmp} for ${m.payload.dst} reached ${held.name} (${held.ip}) on its own MAC at ${s.at} ms`,
        [s.n],
      );
    // What its stack delivered.
    for (const o of s.outputs) {
      if (o.type !== 'deliver' || o.packet.kind !== 'frame' || o.packet.payload.kind !== 'ipv4') continue;
      const p = o.packet.payload;
      // Over loopback (a container pinging itself) the frame carries lo's all-zero MAC.
      const mac = o.packet.src === ZERO_MAC && o.packet.dst === ZERO_MAC ? held.mac : o.packet.dst;
      if (p.dst !== held.ip || mac !== held.mac)
        return violation(
          `ping ${p.ping}: ${p.icmp} for ${p.dst} (${o.packet.dst}) delivered to ${held.name}, which holds ${held.ip} (${held.mac}) at ${s.at} ms`,
          [s.n],
        );
    }
  }
  return null;
}

export const isolation: Property = {
  name: 'isolation',
  summary: 'a container or exposed host is handed only IPv4 for its own IP and MAC, at that moment',
  doc:
    'No IPv4 packet is ever delivered to a container (or to an exposed host kernel) unless it holds both ' +
    'its destination IP ' +
    'and its destination MAC at that moment, and none reaches a container on its own MAC for another IP ' +
    "(the container's stack would drop it unseen: ip_forward is off). Holds or fails regardless of " +
    'subnets and of how recently the world changed: a container that moved, restarted, or took an IP ' +
    'another container held a moment ago gets only what is its own now. Frames flooded to every port ' +
    '(unknown unicast, broadcasts) are not a breach: every Ethernet segment does that. The violation ' +
    'names the step.',
  check,
};
