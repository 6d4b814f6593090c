/**
 * The Linux bridge the seed calls the weave switch: learns a frame's source MAC on its ingress port,
 * forwards known unicast to the learned port, floods broadcast, multicast and unknown unicast to every
 * port but the ingress one, and ages entries (Linux `ageing_time`, 300 s by default; an expired entry is
 * treated as unknown on lookup, as `br_fdb_find` does).
 *
 * The bridge device itself, where the host kernel sits (upstream's `weave` device, which `weave expose`
 * gives an IP), is a port of its own when it is given (`local`): its MAC is a permanent local entry, so a
 * frame to it goes up to the host and nowhere else, and is never learned elsewhere; it gets broadcast and
 * multicast with the other ports (`br_handle_frame_finish`, `local_rcv`), but not flooded unknown unicast
 * (only a promiscuous bridge device does); what the host sends is forwarded or flooded like any frame,
 * without learning (`br_dev_xmit`).
 */
import { isGroupMac, type Mac } from '../addresses.ts';
import { emptyMacTable, type MacTable, macDelete, macEntries, macGet, macSet } from '../mac-table.ts';
import { forwarderMachine } from '../machine/forwarder.ts';
import type { Output, RecvEvent } from '../machine/io.ts';
import type { Frame } from '../packets.ts';

export interface FdbEntry {
  port: string;
  seen: number;
}

/** The bridge device as a port: its name among the ports, and its MAC. */
export interface LocalPort {
  port: string;
  mac: Mac;
}

export interface BridgeInput {
  /** Every port, the local one too. */
  ports: string[];
  local?: LocalPort;
  /** Linux default 300 s. */
  ageingMs?: number;
}

export interface BridgeContext {
  ports: string[];
  local: LocalPort | null;
  ageingMs: number;
  fdb: MacTable<FdbEntry>;
}

export function bridgeLookup(ctx: BridgeContext, mac: Mac, now: number): string | undefined {
  if (mac === ctx.local?.mac) return ctx.local.port;
  const e = macGet(ctx.fdb, mac);
  return e !== undefined && now - e.seen <= ctx.ageingMs ? e.port : undefined;
}

/** What the bridge does with a frame arriving on `inPort`: the ports it goes out of. */
export function bridgeForward(ctx: BridgeContext, frame: Frame, inPort: string, now: number): string[] {
  const flood = ctx.ports.filter((p) => p !== inPort);
  if (isGroupMac(frame.dst)) return flood;
  const port = bridgeLookup(ctx, frame.dst, now);
  if (port === undefined) return flood.filter((p) => p !== ctx.local?.port);
  return port === inPort ? [] : [port];
}

/** `br_fdb_update`: the source MAC learned on the ingress port (group MACs never, nor what the bridge
 *  device sends, nor its own MAC, a permanent local entry). */
export function bridgeLearn(
  ctx: BridgeContext,
  frame: Frame,
  port: string,
  now: number,
  out: Output[],
): BridgeContext['fdb'] {
  if (isGroupMac(frame.src) || port === ctx.local?.port || frame.src === ctx.local?.mac) return ctx.fdb;
  const old = macGet(ctx.fdb, frame.src);
  if (old?.port !== port || now - old.seen > ctx.ageingMs)
    out.push({ type: 'note', text: `learn ${frame.src} on ${port}` });
  // Copy the table only when the entry changes: frames at the same instant leave it as it is.
  return old?.port !== port || old.seen !== now ? macSet(ctx.fdb, frame.src, { port, seen: now }) : ctx.fdb;
}

/** One frame: learn its source, then forward it (`br_handle_frame_finish`). */
export function bridgeFrame(
  ctx: BridgeContext,
  event: RecvEvent,
  out: Output[],
): Partial<BridgeContext> | undefined {
  const frame = event.packet;
  if (frame.kind !== 'frame') {
    out.push({ type: 'drop', reason: `not an Ethernet frame: ${frame.kind}` });
    return undefined;
  }
  const fdb = bridgeLearn(ctx, frame, event.port, event.now, out);
  const ports = bridgeForward(ctx, frame, event.port, event.now);
  if (ports.length === 0)
    out.push({ type: 'drop', reason: `${frame.dst} is on the ingress port ${event.port}` });
  for (const port of ports) out.push({ type: 'send', port, packet: frame });
  return fdb === ctx.fdb ? undefined : { fdb };
}

/** `br_add_if`: a port joins the bridge (a container's veth). */
function portUp(ctx: BridgeContext, e: { port: string }): Partial<BridgeContext> | undefined {
  return ctx.ports.includes(e.port) ? undefined : { ports: [...ctx.ports, e.port] };
}

/** `br_del_if`: a port leaves the bridge, and the entries learned on it go (`br_fdb_delete_by_port`). */
function portDown(
  ctx: BridgeContext,
  e: { port: string },
  out: Output[],
): Partial<BridgeContext> | undefined {
  const gone = macEntries(ctx.fdb).filter(([, f]) => f.port === e.port);
  if (gone.length > 0)
    out.push({ type: 'note', text: `port ${e.port} removed: flush ${gone.map(([m]) => m).join(', ')}` });
  let fdb = ctx.fdb;
  for (const [mac] of gone) fdb = macDelete(fdb, mac);
  return { ports: ctx.ports.filter((p) => p !== e.port), ...(fdb !== ctx.fdb && { fdb }) };
}

export const bridgeMachine = forwarderMachine<BridgeContext, BridgeInput>({
  id: 'bridge',
  description: 'a Linux bridge: learn the source MAC, forward known unicast, flood the rest',
  context: (input) => ({
    ports: input.ports,
    local: input.local ?? null,
    ageingMs: input.ageingMs ?? 300_000,
    fdb: emptyMacTable(),
  }),
  forward: bridgeFrame,
  also: {
    'port.up': { effect: portUp, description: "br_add_if: a container's veth joins the bridge" },
    'port.down': {
      effect: portDown,
      description:
        "br_del_if: a container's veth leaves; its learned entries are deleted (br_fdb_delete_by_port)",
    },
  },
});
