/**
 * A trace as a Mermaid sequence diagram: one participant per component (in wiring order), an arrow per
 * message sent, a note for each drop and delivery. Arrows carry the seed step IDs of their step.
 */

import type { Message } from '../model/messages.ts';
import type { TraceStep } from '../model/network/trace.ts';
import { label } from '../model/packets.ts';
import { describeMessage, type StepLabels, seedIds } from './text.ts';

function alias(component: string): string {
  return component.replace(/[^A-Za-z0-9]/g, '_');
}

/** Mermaid treats `;` and `#` specially in message text. */
function clean(text: string): string {
  return text.replace(/[;#]/g, ' ');
}

function shortLabel(m: Message): string {
  return m.kind === 'frame' || m.kind === 'sleeve' || m.kind === 'vxlan' ? label(m) : describeMessage(m);
}

export interface MermaidOptions {
  labels?: StepLabels;
  /** Only steps that a label or a seed citation marks, plus drops and deliveries (for long traces). */
  participants?: readonly string[];
}

export function renderMermaid(trace: readonly TraceStep[], options: MermaidOptions = {}): string {
  const used = new Set<string>();
  for (const s of trace)
    for (const o of s.outputs) {
      if (o.type === 'send' && o.to) {
        used.add(s.component);
        used.add(o.to.component);
      } else if (o.type === 'drop' || o.type === 'deliver') used.add(s.component);
    }
  const order = options.participants ?? [...used];
  const lines = ['sequenceDiagram'];
  for (const p of order) if (used.has(p)) lines.push(`  participant ${alias(p)} as ${p}`);
  for (const s of trace) {
    const seed = seedIds(s, options.labels);
    const tag = seed.length > 0 ? `[${seed.join(', ')}] ` : '';
    for (const o of s.outputs) {
      const at = `t=${s.at}`;
      if (o.type === 'send' && o.to)
        lines.push(
          `  ${alias(s.component)}->>${alias(o.to.component)}: ${clean(`${tag}${shortLabel(o.packet)}`)}`,
        );
      else if (o.type === 'drop')
        lines.push(`  Note over ${alias(s.component)}: ${clean(`${tag}drop (${at}): ${o.reason}`)}`);
      else if (o.type === 'deliver')
        lines.push(
          `  Note over ${alias(s.component)}: ${clean(`${tag}delivered (${at}): ${shortLabel(o.packet)}`)}`,
        );
    }
  }
  return `${lines.join('\n')}\n`;
}
