/**
 * The ARP replies a run contains, each tied to the request it answers: a reply is a new packet (`origin`)
 * sent in the step that received a copy of the request, so the request is that copy's family root.
 */
import type { Arp } from '../model/packets.ts';
import type { CaseRun } from './case.ts';
import { containerOutputs, factsOf } from './facts.ts';

export interface ArpAnswer {
  step: number;
  at: number;
  component: string;
  /** The copy the reply was sent as. */
  copy: number;
  reply: Arp;
  /** The family root (the original request copy) of the request answered, if the step received one. */
  request: number | null;
}

export function arpAnswers(r: CaseRun): ArpAnswer[] {
  const { byFault } = factsOf(r);
  const out: ArpAnswer[] = [];
  for (const s of r.run.trace)
    for (const o of s.outputs) {
      if (o.type === 'send' && o.copy !== undefined && byFault.has(o.copy)) continue;
      if (o.type !== 'send' || !o.origin || o.copy === undefined || o.packet.kind !== 'frame') continue;
      const p = o.packet.payload;
      if (p.kind !== 'arp' || p.op !== 'reply') continue;
      const request = s.input.type === 'recv' ? r.run.copies[s.input.copy]!.root : null;
      out.push({ step: s.n, at: s.at, component: s.component, copy: o.copy, reply: p, request });
    }
  return out;
}

/** The ARP requests containers made (not announcements), by family root: sender, target, step. */
export interface ArpRequest {
  copy: number;
  step: number;
  at: number;
  /** The container's component and name. */
  component: string;
  container: string;
  target: string;
  broadcast: boolean;
}

export function arpRequests(r: CaseRun): ArpRequest[] {
  const out: ArpRequest[] = [];
  for (const { step, container, output: o } of containerOutputs(r)) {
    if (o.type !== 'send' || o.copy === undefined || o.packet.kind !== 'frame') continue;
    const p = o.packet.payload;
    if (p.kind !== 'arp' || p.op !== 'request' || p.senderIp === p.targetIp) continue;
    out.push({
      copy: o.copy,
      step: step.n,
      at: step.at,
      component: step.component,
      container: container.name,
      target: p.targetIp,
      broadcast: o.packet.dst === 'ff:ff:ff:ff:ff:ff',
    });
  }
  return out;
}
