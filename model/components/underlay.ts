/**
 * The underlay: the IP network between hosts. It delivers UDP datagrams (Sleeve, VXLAN) by outer
 * destination address, one port per host; a datagram to a multicast group (V1) is delivered once to
 * every member but the sender. It does not lose, duplicate or reorder on its own: faults are the
 * scheduler's choices.
 */
import { enqueueActions, setup } from 'xstate';
import type { Ip } from '../addresses.ts';
import type { Output, RecvEvent } from './io.ts';

export interface UnderlayInput {
  /** Host name (the port) to its underlay address. */
  hosts: Record<string, Ip>;
  /** Multicast group address to the hosts that joined it. */
  groups?: Record<Ip, string[]>;
}

export interface UnderlayContext {
  /** Underlay address to the port (host) it is reached on. */
  ports: Record<Ip, string>;
  groups: Record<Ip, string[]>;
}

export const underlayMachine = setup({
  types: {
    context: {} as UnderlayContext,
    events: {} as RecvEvent,
    input: {} as UnderlayInput,
    emitted: {} as Output,
  },
}).createMachine({
  id: 'underlay',
  context: ({ input }) => ({
    ports: Object.fromEntries(Object.entries(input.hosts).map(([host, ip]) => [ip, host])),
    groups: input.groups ?? {},
  }),
  on: {
    recv: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const packet = event.packet;
        if (packet.kind !== 'sleeve' && packet.kind !== 'vxlan') {
          enqueue.emit({ type: 'drop', reason: `not an underlay packet: ${packet.kind}` });
          return;
        }
        const members = context.groups[packet.dst];
        const ports = members ? members.filter((h) => h !== event.port) : [context.ports[packet.dst]];
        if (ports[0] === undefined && !members) {
          enqueue.emit({ type: 'drop', reason: `no host has underlay address ${packet.dst}` });
          return;
        }
        for (const port of ports) if (port !== undefined) enqueue.emit({ type: 'send', port, packet });
      }),
    },
  },
});
