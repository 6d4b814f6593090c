import { describe, expect, it } from 'vitest';
import type { ContainerContext } from '../model/components/container.ts';
import { SCENARIOS } from './index.ts';
import { runScenario } from './scenario.ts';
import { NOBODY } from './seed-topology.ts';

describe.each(SCENARIOS.filter((s) => s.name === 'SL-X-nobody').map((s) => [s.config, s] as const))(
  'a ping to an address nobody owns, under %s',
  (_, scenario) => {
    const r = runScenario(scenario);
    it("leaves A's neighbour entry FAILED", () => {
      const a = r.run.contexts['h1/A'] as ContainerContext;
      expect(a.neigh[NOBODY]?.state).toBe('FAILED');
    });
    it('delivers nothing anywhere and answers no ARP request for it', () => {
      const after = r.run.trace.filter((s) => s.at >= scenario.traffic[0]!.at);
      expect(after.flatMap((s) => s.outputs).filter((o) => o.type === 'deliver')).toEqual([]);
      const replies = after.flatMap((s) =>
        s.outputs.filter(
          (o) =>
            o.type === 'send' &&
            o.packet.kind === 'frame' &&
            o.packet.payload.kind === 'arp' &&
            o.packet.payload.op === 'reply',
        ),
      );
      expect(replies).toEqual([]);
    });
  },
);
