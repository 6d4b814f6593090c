/**
 * One unicast entry of a Linux vxlan device's FDB (`drivers/net/vxlan/vxlan_core.c`), with the kernel's
 * own states for it: REACHABLE for an entry `vxlan_snoop` learned from a received packet, PERMANENT for
 * one added by configuration (`bridge fdb add ... permanent`; none in the seed). `vxlan_snoop`:
 * - a packet from an unknown inner source MAC creates a REACHABLE entry at its outer source address;
 * - one from another address moves a learned entry there (and refreshes it);
 * - a PERMANENT entry is never moved: a packet that contradicts it is dropped.
 * A learned entry not refreshed for `ageing` (300 s) is deleted by `vxlan_cleanup`; the model ages it
 * lazily: an expired entry counts as absent and the next packet learns it afresh.
 */
import { setup } from 'xstate';
import type { Ip, Mac } from '../addresses.ts';
import { effect } from '../machine/effect.ts';
import type { Output } from '../machine/io.ts';

export type VxlanFdbState = 'absent' | 'REACHABLE' | 'PERMANENT';

export interface VxlanFdbData {
  remote: Ip;
  /** Virtual ms the entry was last learned or refreshed. */
  seen: number;
}

export type VtepFdbEntry = VxlanFdbData & { state: Exclude<VxlanFdbState, 'absent'> };

/** A packet from the underlay names its inner source `mac` at outer source `remote`. */
export interface VxlanSnoop {
  type: 'snoop';
  mac: Mac;
  remote: Ip;
  now: number;
  ageingMs: number;
}

type D = VxlanFdbData;

export const vxlanFdbMachine = setup({
  types: { context: {} as VxlanFdbData, events: {} as VxlanSnoop, emitted: {} as Output },
  guards: {
    expired: ({ context, event }) => event.now - context.seen > event.ageingMs,
    sameRemote: ({ context, event }) => context.remote === event.remote,
  },
  actions: {
    learn: effect<D, VxlanSnoop>((_, e, out) => {
      out.push({ type: 'note', text: `vxlan learn ${e.mac} at ${e.remote}`, seed: 'FD-X.7' });
      return { remote: e.remote, seen: e.now };
    }),
    move: effect<D, VxlanSnoop>((d, e, out) => {
      out.push({ type: 'note', text: `vxlan move ${e.mac} from ${d.remote} to ${e.remote}`, seed: 'FD-X.7' });
      return { remote: e.remote, seen: e.now };
    }),
    refresh: effect<D, VxlanSnoop>((d, e) => (d.seen === e.now ? undefined : { seen: e.now })),
    keep: effect<D, VxlanSnoop>(() => undefined),
    refuse: effect<D, VxlanSnoop>((d, e, out) => {
      out.push({
        type: 'drop',
        reason: `vxlan: ${e.mac} from ${e.remote} contradicts its static entry to ${d.remote}`,
      });
      return undefined;
    }),
  },
}).createMachine({
  id: 'vxlan-fdb-entry',
  description: "a vxlan device's unicast FDB entry: learned (REACHABLE) or configured (PERMANENT)",
  context: { remote: '', seen: 0 },
  initial: 'absent',
  states: {
    absent: {
      on: { snoop: { target: 'REACHABLE', actions: 'learn', description: 'vxlan_snoop: a new source MAC' } },
    },
    REACHABLE: {
      on: {
        snoop: [
          { guard: 'expired', actions: 'learn', description: 'aged out (vxlan_cleanup): learned afresh' },
          { guard: 'sameRemote', actions: 'refresh', description: 'vxlan_snoop: seen again, refreshed' },
          { actions: 'move', description: 'vxlan_snoop: the MAC moved to another remote' },
        ],
      },
    },
    PERMANENT: {
      on: {
        snoop: [
          { guard: 'sameRemote', actions: 'keep', description: 'a configured entry is never refreshed' },
          {
            actions: 'refuse',
            description: 'vxlan_snoop: a packet contradicting a configured entry is dropped',
          },
        ],
      },
    },
  },
});
