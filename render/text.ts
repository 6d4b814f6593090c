/**
 * A trace as a text table: one line for each step's input, one indented line for each output, with the
 * seed step IDs the step is labelled with (by a scenario) or that the machine itself cited.
 */

import { describeControl } from '../model/flows.ts';
import type { Message } from '../model/messages.ts';
import type { TraceInput, TraceOutput, TraceStep } from '../model/network/trace.ts';
import { describe } from '../model/packets.ts';

/** Seed step IDs attached to step numbers, e.g. by a scenario's expectations. */
export type StepLabels = ReadonlyMap<number, readonly string[]>;

export function describeMessage(m: Message): string {
  return m.kind === 'frame' || m.kind === 'sleeve' || m.kind === 'vxlan' ? describe(m) : describeControl(m);
}

export function describeInput(i: TraceInput): string {
  switch (i.type) {
    case 'start':
      return 'start';
    case 'recv':
      return `recv ${i.port} #${i.copy}: ${describeMessage(i.packet)}`;
    case 'timer.fire':
      return `timer ${i.key}`;
    case 'ping':
      return `ping ${i.dst} (ping ${i.ping})`;
    case 'arping':
      return `arping ${i.mode} ${i.target}${i.source ? ` from ${i.source}` : ''}`;
    case 'neigh.permanent':
      return `ip neigh replace ${i.ip} lladdr ${i.mac} nud permanent`;
    case 'container.start':
      return `container start ${i.ip} ${i.mac}${i.announce ? ', announced' : ''}`;
    case 'container.stop':
      return 'container stop';
    case 'port.up':
    case 'port.down':
      return `${i.type} ${i.port}`;
    case 'directory':
      return `directory: ${i.ip} ${i.holds ? 'taken' : 'released'} by ${i.mac} on ${i.host} (change ${i.version})`;
    case 'mesh':
      return `mesh: the peer graph changed; reaches ${i.reachable.join(', ') || 'nobody'}`;
    case 'peer.leave':
      return 'peer leaves: the router stops';
    case 'peer.join':
      return `peer joins: a fresh router; reaches ${i.reachable.join(', ')}`;
    case 'link.down':
    case 'link.up':
      return `${i.type === 'link.down' ? 'link down' : 'link up'}: ${i.a} - ${i.b}`;
  }
}

export function describeOutput(o: TraceOutput): string {
  switch (o.type) {
    case 'send':
      return `send ${o.port} #${o.copy}${o.origin ? ' (new)' : ''}: ${describeMessage(o.packet)}`;
    case 'deliver':
      return `deliver: ${describeMessage(o.packet)}`;
    case 'drop':
      return `drop: ${o.reason}`;
    case 'timer.set':
      return `timer ${o.key} at ${o.at}`;
    case 'timer.clear':
      return `timer ${o.key} cleared`;
    case 'note':
      return o.text;
  }
}

/** Seed IDs of a step: the labels given, then those its outputs cite, without repeats. */
export function seedIds(step: TraceStep, labels?: StepLabels): string[] {
  const ids = [...(labels?.get(step.n) ?? [])];
  for (const o of step.outputs) if ('seed' in o && o.seed && !ids.includes(o.seed)) ids.push(o.seed);
  return ids;
}

export function renderText(trace: readonly TraceStep[], labels?: StepLabels): string {
  const width = Math.max(9, ...trace.map((s) => s.component.length));
  const lines = [`${'step'.padStart(5)}  ${'time ms'.padStart(7)}  ${'component'.padEnd(width)}  event`];
  for (const s of trace) {
    const seed = seedIds(s, labels);
    const tag = seed.length > 0 ? `  [${seed.join(', ')}]` : '';
    lines.push(
      `${String(s.n).padStart(5)}  ${String(s.at).padStart(7)}  ${s.component.padEnd(width)}  ${describeInput(s.input)}${tag}`,
    );
    for (const o of s.outputs) lines.push(`${' '.repeat(16 + width)}  -> ${describeOutput(o)}`);
  }
  return `${lines.join('\n')}\n`;
}
