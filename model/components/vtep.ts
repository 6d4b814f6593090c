/**
 * A Linux vxlan device as the seed's Fast Datapath uses it (docs/seed-flows.md FD-X.6, FD-X.7; variants V1–V3),
 * modelled on Linux `drivers/net/vxlan/vxlan_core.c`.
 *
 * Ports: `dp` carries Ethernet frames to and from the datapath (or bridge) the device is attached to;
 * `udp` carries VXLAN packets to and from the underlay.
 *
 * Transmit (`vxlan_xmit`): a frame from `dp` is looked up by destination MAC in the FDB; a live entry sends
 * one packet to its remote, otherwise the frame goes to the default destinations (Linux: the remotes of the
 * all-zero-MAC FDB entry). How each variant finds the remote vteps:
 * - V1 `multicast`: the device is created with `group`; Linux makes that the all-zero-MAC entry, so an
 *   unknown or group destination goes once to the group and the underlay copies it to every member.
 * - V2 `unicast`: the seed's "list of the other vteps given at creation". Linux cannot take a list at
 *   creation (`ip link add ... remote` takes one address); the only way to hold a list is one all-zero-MAC
 *   entry per vtep (`bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst X`), so V2 is the same mechanism
 *   as V3 and floods one copy per remote (head-end replication).
 * - V3 `zero-mac`: no list at creation; all-zero-MAC FDB entries added after, one per other vtep. Same
 *   effect as V2 (the seed says so); kept as its own variant so traces name the seed's guess.
 * - `remote`: one unicast peer (`ip link add ... remote X`), i.e. a single all-zero-MAC entry.
 * All four are held the same way here: `defaults`, the list of remotes of the all-zero-MAC entry.
 * Learned and static unicast entries live in `fdb`, one remote each (a learned entry has only one).
 *
 * Receive (`vxlan_rcv`): a packet with another VNI, not addressed to us, or sent by ourselves (our own
 * multicast looped back) is dropped. With learning on, `vxlan_snoop` learns the inner source MAC at the
 * outer source address (create, or move, and refresh `seen`; group MACs never; a static entry is never
 * moved and, as Linux does, a packet contradicting one is dropped). The inner frame then goes out of `dp`.
 * A frame from the underlay never goes back into it (the device hands it up, it does not re-transmit).
 *
 * Ageing (Linux `ageing`, 300 s): lazy, a learned entry not refreshed by a received packet for longer than
 * `ageingMs` counts as absent, as `vxlan_cleanup` would have deleted it. Only receiving refreshes an entry
 * (`f->updated`); transmit lookups do not. Static entries never age.
 */

import type { AnyStateMachine } from 'xstate';
import { type Ip, isGroupMac, type Mac } from '../addresses.ts';
import {
  type VtepFdbEntry,
  type VxlanFdbData,
  type VxlanFdbState,
  type VxlanSnoop,
  vxlanFdbMachine,
} from '../entries/vxlan-fdb.ts';
import { type MacTable, macGet, macSet, macTableOf } from '../mac-table.ts';
import { stepChild } from '../machine/child.ts';
import { forwarderMachine } from '../machine/forwarder.ts';
import type { Output, RecvEvent } from '../machine/io.ts';
import type { Message } from '../messages.ts';
import type { Frame, VxlanPacket } from '../packets.ts';

export type VtepVariant = 'multicast' | 'unicast' | 'zero-mac' | 'remote';

export type { VtepFdbEntry };

export interface VtepInput {
  /** This host's underlay address: the outer source of every packet sent. */
  address: Ip;
  vni: number;
  variant: VtepVariant;
  /** V1: the multicast group. */
  group?: Ip;
  /** V2: the other vteps given at creation; V3: one all-zero-MAC entry per address; `remote`: exactly one. */
  remotes?: Ip[];
  learning: boolean;
  /** Linux vxlan `ageing`, 300 s by default. */
  ageingMs?: number;
  /** Static unicast FDB entries (`bridge fdb add MAC dev vxlan0 dst IP`); none in the seed. */
  staticFdb?: Record<Mac, Ip>;
}

export interface VtepContext {
  address: Ip;
  vni: number;
  variant: VtepVariant;
  group?: Ip;
  remotes: Ip[];
  learning: boolean;
  ageingMs: number;
  /** Unicast entries, learned or static, one remote each. Never holds the all-zero MAC. */
  fdb: MacTable<VtepFdbEntry>;
  /** The remotes of the all-zero-MAC entry (`fdb 00:00:00:00:00:00`): where unknown and group MACs go. */
  defaults: Ip[];
}

function defaultsFor(input: VtepInput): Ip[] {
  const remotes = input.remotes ?? [];
  switch (input.variant) {
    case 'multicast':
      if (input.group === undefined) throw new Error('vtep: multicast variant needs a group');
      return [input.group];
    case 'remote':
      if (remotes.length !== 1)
        throw new Error(`vtep: remote variant needs exactly one remote, got ${remotes.length}`);
      return [...remotes];
    case 'unicast':
    case 'zero-mac':
      return [...new Set(remotes)];
  }
}

/** The live FDB entry for `mac`, if any (an aged learned entry counts as absent). */
export function vtepLookup(ctx: VtepContext, mac: Mac, now: number): VtepFdbEntry | undefined {
  const e = macGet(ctx.fdb, mac);
  return e !== undefined && (e.state === 'PERMANENT' || now - e.seen <= ctx.ageingMs) ? e : undefined;
}

/** The underlay addresses a frame from `dp` is sent to: its FDB entry's remote, else the defaults. */
export function vtepDestinations(ctx: VtepContext, frame: Frame, now: number): Ip[] {
  // Group MACs are never learned, so in Linux they always miss the FDB and take the all-zero entry.
  const e = isGroupMac(frame.dst) ? undefined : vtepLookup(ctx, frame.dst, now);
  return e !== undefined ? [e.remote] : ctx.defaults;
}

/** FD-X.6, `vxlan_xmit`: encapsulate `frame` once per destination (its FDB entry's remote, else the
 *  defaults). */
export function vtepTransmit(ctx: VtepContext, frame: Frame, now: number, out: Output[]): void {
  const dsts = vtepDestinations(ctx, frame, now);
  if (dsts.length === 0) {
    out.push({
      type: 'drop',
      reason: `vxlan: no FDB entry for ${frame.dst} and no default destination`,
      seed: 'FD-X.6',
    });
    return;
  }
  for (const dst of dsts) {
    const packet: VxlanPacket = { kind: 'vxlan', src: ctx.address, dst, vni: ctx.vni, frame };
    out.push({ type: 'send', port: 'udp', packet, seed: 'FD-X.6' });
  }
}

/** Why a packet from the underlay is not taken (`vxlan_rcv`), or undefined when it is. */
function refused(ctx: VtepContext, packet: Message): string | undefined {
  if (packet.kind !== 'vxlan') return `vxlan: not a VXLAN packet on udp: ${packet.kind}`;
  if (packet.vni !== ctx.vni) return `vxlan: VNI ${packet.vni} is not ours (${ctx.vni})`;
  if (packet.dst !== ctx.address && packet.dst !== ctx.group)
    return `vxlan: outer destination ${packet.dst} is not this vtep`;
  if (packet.src === ctx.address) return 'vxlan: our own packet looped back';
  return undefined;
}

/** `vxlan_snoop`, through the entry's machine (`model/entries/vxlan-fdb.ts`): learn or move the inner
 *  source MAC at the outer source; undefined when a configured entry contradicts it (the packet is
 *  dropped). */
function snoop(
  vxlanFdb: AnyStateMachine,
  ctx: VtepContext,
  packet: VxlanPacket,
  now: number,
  out: Output[],
): VtepContext['fdb'] | undefined {
  const mac = packet.frame.src;
  if (!ctx.learning || isGroupMac(mac)) return ctx.fdb;
  const old = macGet(ctx.fdb, mac);
  const event: VxlanSnoop = { type: 'snoop', mac, remote: packet.src, now, ageingMs: ctx.ageingMs };
  const before = out.length;
  const next = stepChild<VxlanFdbState, VxlanFdbData>(
    vxlanFdb,
    old,
    { remote: packet.src, seen: now },
    event,
    out,
  );
  if (out.slice(before).some((o) => o.type === 'drop')) return undefined;
  // Copy the table only when the entry changes: packets at the same instant leave it as it is.
  return next === old ? ctx.fdb : macSet(ctx.fdb, mac, next as VtepFdbEntry);
}

/** One packet: a frame from `dp` is encapsulated; a VXLAN packet from `udp` is checked, snooped and its
 *  inner frame handed to `dp` (FD-X.7). A frame from the underlay never goes back into it: Linux hands it
 *  up and never re-transmits it into the tunnel (split horizon). */
export function vtepPacket(
  vxlanFdb: AnyStateMachine,
  ctx: VtepContext,
  event: RecvEvent,
  out: Output[],
): Partial<VtepContext> | undefined {
  const packet = event.packet;
  if (event.port === 'dp') {
    if (packet.kind !== 'frame')
      out.push({ type: 'drop', reason: `vxlan: not an Ethernet frame on dp: ${packet.kind}` });
    else vtepTransmit(ctx, packet, event.now, out);
    return undefined;
  }
  if (event.port !== 'udp') {
    out.push({ type: 'drop', reason: `vxlan: no port ${event.port}` });
    return undefined;
  }
  const why = refused(ctx, packet);
  if (why !== undefined || packet.kind !== 'vxlan') {
    out.push({ type: 'drop', reason: why ?? 'vxlan: not a VXLAN packet' });
    return undefined;
  }
  const fdb = snoop(vxlanFdb, ctx, packet, event.now, out);
  if (fdb === undefined) return undefined;
  out.push({ type: 'send', port: 'dp', packet: packet.frame, seed: 'FD-X.7' });
  return fdb === ctx.fdb ? undefined : { fdb };
}

/** The vtep, with the machine its FDB's unicast entries are. */
export function vtepMachineWith(vxlanFdb: AnyStateMachine) {
  return forwarderMachine<VtepContext, VtepInput>({
    id: 'vtep',
    description: 'a Linux vxlan device: FDB lookup or the default destinations out, snooping in',
    context: (input) => ({
      address: input.address,
      vni: input.vni,
      variant: input.variant,
      ...(input.group !== undefined ? { group: input.group } : {}),
      remotes: [...(input.remotes ?? [])],
      learning: input.learning,
      ageingMs: input.ageingMs ?? 300_000,
      fdb: macTableOf<VtepFdbEntry>(
        Object.entries(input.staticFdb ?? {}).map(([mac, remote]) => [
          mac,
          { remote, seen: 0, state: 'PERMANENT' },
        ]),
      ),
      defaults: defaultsFor(input),
    }),
    forward: (ctx, event, out) => vtepPacket(vxlanFdb, ctx, event, out),
  });
}

export const vtepMachine = vtepMachineWith(vxlanFdbMachine);
