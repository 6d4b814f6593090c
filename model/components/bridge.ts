/**
 * The Linux bridge the seed calls the weave switch: learns a frame's source MAC on its ingress port,
 * forwards known unicast to the learned port, floods broadcast, multicast and unknown unicast to every
 * port but the ingress one, and ages entries (Linux `ageing_time`, 300 s by default; an expired entry is
 * treated as unknown on lookup, as `br_fdb_find` does).
 */
import { enqueueActions, setup } from 'xstate';
import { isGroupMac, type Mac } from '../addresses.ts';
import { emptyMacTable, type MacTable, macGet, macSet } from '../mac-table.ts';
import type { Frame } from '../packets.ts';
import type { Output, RecvEvent } from './io.ts';

export interface FdbEntry {
  port: string;
  seen: number;
}

export interface BridgeInput {
  ports: string[];
  /** Linux default 300 s. */
  ageingMs?: number;
  /** Mutant (tests only): flood back out of the ingress port too. */
  floodToIngress?: boolean;
  /** Mutant (tests only): never learn (every unicast is flooded as unknown). */
  noLearning?: boolean;
}

export interface BridgeContext {
  ports: string[];
  ageingMs: number;
  floodToIngress: boolean;
  noLearning: boolean;
  fdb: MacTable<FdbEntry>;
}

export function bridgeLookup(ctx: BridgeContext, mac: Mac, now: number): string | undefined {
  const e = macGet(ctx.fdb, mac);
  return e !== undefined && now - e.seen <= ctx.ageingMs ? e.port : undefined;
}

/** What the bridge does with a frame arriving on `inPort`: the ports it goes out of. */
export function bridgeForward(ctx: BridgeContext, frame: Frame, inPort: string, now: number): string[] {
  const flood = ctx.ports.filter((p) => p !== inPort || ctx.floodToIngress);
  if (isGroupMac(frame.dst)) return flood;
  const port = bridgeLookup(ctx, frame.dst, now);
  if (port === undefined) return flood;
  return port === inPort ? [] : [port];
}

export const bridgeMachine = setup({
  types: {
    context: {} as BridgeContext,
    events: {} as RecvEvent,
    input: {} as BridgeInput,
    emitted: {} as Output,
  },
}).createMachine({
  id: 'bridge',
  context: ({ input }) => ({
    ports: input.ports,
    ageingMs: input.ageingMs ?? 300_000,
    floodToIngress: input.floodToIngress ?? false,
    noLearning: input.noLearning ?? false,
    fdb: emptyMacTable(),
  }),
  on: {
    recv: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const frame = event.packet;
        if (frame.kind !== 'frame') {
          enqueue.emit({ type: 'drop', reason: `not an Ethernet frame: ${frame.kind}` });
          return;
        }
        const old = macGet(context.fdb, frame.src);
        if (!isGroupMac(frame.src) && !context.noLearning) {
          // Copy the table only when the entry changes: frames at the same instant leave it as it is.
          if (old?.port !== event.port || old.seen !== event.now)
            enqueue.assign({ fdb: macSet(context.fdb, frame.src, { port: event.port, seen: event.now }) });
          if (old?.port !== event.port || event.now - old.seen > context.ageingMs)
            enqueue.emit({ type: 'note', text: `learn ${frame.src} on ${event.port}` });
        }
        const out = bridgeForward(context, frame, event.port, event.now);
        if (out.length === 0)
          enqueue.emit({ type: 'drop', reason: `${frame.dst} is on the ingress port ${event.port}` });
        for (const port of out) enqueue.emit({ type: 'send', port, packet: frame });
      }),
    },
  },
});
