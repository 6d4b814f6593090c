/**
 * A Linux vxlan device as the seed's Fast Datapath uses it (SEED-FLOWS.md FD-X.6, FD-X.7; variants V1–V3),
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
import { enqueueActions, setup } from 'xstate';
import { type Ip, isGroupMac, type Mac } from '../addresses.ts';
import { type MacTable, macGet, macSet, macTableOf } from '../mac-table.ts';
import type { Frame, VxlanPacket } from '../packets.ts';
import type { Output, RecvEvent } from './io.ts';

export type VtepVariant = 'multicast' | 'unicast' | 'zero-mac' | 'remote';

export interface VtepFdbEntry {
  remote: Ip;
  /** Virtual ms the entry was last learned or refreshed. */
  seen: number;
  /** Added by configuration (`bridge fdb add ... permanent`): never ages, never moves by learning. */
  static: boolean;
}

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
  /** Mutant (tests only): also re-send frames that came from the underlay back into it. */
  reflood?: boolean;
}

export interface VtepContext {
  address: Ip;
  vni: number;
  variant: VtepVariant;
  group?: Ip;
  remotes: Ip[];
  learning: boolean;
  ageingMs: number;
  reflood: boolean;
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
  return e !== undefined && (e.static || now - e.seen <= ctx.ageingMs) ? e : undefined;
}

/** The underlay addresses a frame from `dp` is sent to: its FDB entry's remote, else the defaults. */
export function vtepDestinations(ctx: VtepContext, frame: Frame, now: number): Ip[] {
  // Group MACs are never learned, so in Linux they always miss the FDB and take the all-zero entry.
  const e = isGroupMac(frame.dst) ? undefined : vtepLookup(ctx, frame.dst, now);
  return e !== undefined ? [e.remote] : ctx.defaults;
}

export const vtepMachine = setup({
  types: {
    context: {} as VtepContext,
    events: {} as RecvEvent,
    input: {} as VtepInput,
    emitted: {} as Output,
  },
}).createMachine({
  id: 'vtep',
  context: ({ input }) => ({
    address: input.address,
    vni: input.vni,
    variant: input.variant,
    ...(input.group !== undefined ? { group: input.group } : {}),
    remotes: [...(input.remotes ?? [])],
    learning: input.learning,
    ageingMs: input.ageingMs ?? 300_000,
    reflood: input.reflood ?? false,
    fdb: macTableOf<VtepFdbEntry>(
      Object.entries(input.staticFdb ?? {}).map(([mac, remote]) => [mac, { remote, seen: 0, static: true }]),
    ),
    defaults: defaultsFor(input),
  }),
  on: {
    recv: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const packet = event.packet;

        /** FD-X.6: encapsulate `frame` once per destination. */
        const transmit = (frame: Frame, fdb: MacTable<VtepFdbEntry>) => {
          const dsts = vtepDestinations({ ...context, fdb }, frame, event.now);
          if (dsts.length === 0) {
            enqueue.emit({
              type: 'drop',
              reason: `vxlan: no FDB entry for ${frame.dst} and no default destination`,
              seed: 'FD-X.6',
            });
            return;
          }
          for (const dst of dsts) {
            const out: VxlanPacket = { kind: 'vxlan', src: context.address, dst, vni: context.vni, frame };
            enqueue.emit({ type: 'send', port: 'udp', packet: out, seed: 'FD-X.6' });
          }
        };

        if (event.port === 'dp') {
          if (packet.kind !== 'frame') {
            enqueue.emit({ type: 'drop', reason: `vxlan: not an Ethernet frame on dp: ${packet.kind}` });
            return;
          }
          transmit(packet, context.fdb);
          return;
        }

        if (event.port !== 'udp') {
          enqueue.emit({ type: 'drop', reason: `vxlan: no port ${event.port}` });
          return;
        }
        if (packet.kind !== 'vxlan') {
          enqueue.emit({ type: 'drop', reason: `vxlan: not a VXLAN packet on udp: ${packet.kind}` });
          return;
        }
        if (packet.vni !== context.vni) {
          enqueue.emit({ type: 'drop', reason: `vxlan: VNI ${packet.vni} is not ours (${context.vni})` });
          return;
        }
        if (packet.dst !== context.address && packet.dst !== context.group) {
          enqueue.emit({ type: 'drop', reason: `vxlan: outer destination ${packet.dst} is not this vtep` });
          return;
        }
        if (packet.src === context.address) {
          enqueue.emit({ type: 'drop', reason: 'vxlan: our own packet looped back' });
          return;
        }

        const frame = packet.frame;
        let fdb = context.fdb;
        if (context.learning && !isGroupMac(frame.src)) {
          // vxlan_snoop
          const old = macGet(context.fdb, frame.src);
          if (old?.static === true) {
            if (old.remote !== packet.src) {
              enqueue.emit({
                type: 'drop',
                reason: `vxlan: ${frame.src} from ${packet.src} contradicts its static entry to ${old.remote}`,
              });
              return;
            }
          } else {
            // Copy the table only when the entry changes: packets at the same instant leave it as it is.
            if (old?.remote !== packet.src || old.seen !== event.now) {
              fdb = macSet(context.fdb, frame.src, { remote: packet.src, seen: event.now, static: false });
              enqueue.assign({ fdb });
            }
            const live = vtepLookup(context, frame.src, event.now);
            if (live === undefined)
              enqueue.emit({
                type: 'note',
                text: `vxlan learn ${frame.src} at ${packet.src}`,
                seed: 'FD-X.7',
              });
            else if (live.remote !== packet.src)
              enqueue.emit({
                type: 'note',
                text: `vxlan move ${frame.src} from ${live.remote} to ${packet.src}`,
                seed: 'FD-X.7',
              });
          }
        }
        enqueue.emit({ type: 'send', port: 'dp', packet: frame, seed: 'FD-X.7' });
        // Split horizon: Linux hands the frame up and never re-transmits it into the tunnel.
        if (context.reflood) transmit(frame, fdb);
      }),
    },
  },
});
