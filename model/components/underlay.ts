/**
 * The underlay: the IP network between hosts. It delivers UDP datagrams (Sleeve, VXLAN) by outer
 * destination address, one port per host; a datagram to a multicast group (V1) is delivered once to
 * every member but the sender. It does not lose, duplicate or reorder on its own: faults are the
 * scheduler's choices. A link going down (`link-down` on the timeline) cuts the path between two hosts:
 * everything between them is lost, whatever the mesh routes over it, until the link comes up.
 */
import type { Ip } from '../addresses.ts';
import { forwarderMachine } from '../machine/forwarder.ts';
import type { LinkEvent, Output, RecvEvent } from '../machine/io.ts';
import { pairKey } from '../timeline.ts';

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
  /** The host pairs (`pairKey`) whose path is down. */
  cut: string[];
}

/** One datagram: to the host that has its destination address, or to every member of its group, unless the
 *  path to it is down. */
export function underlayPacket(ctx: UnderlayContext, event: RecvEvent, out: Output[]): undefined {
  const packet = event.packet;
  if (packet.kind !== 'sleeve' && packet.kind !== 'vxlan') {
    out.push({ type: 'drop', reason: `not an underlay packet: ${packet.kind}` });
    return undefined;
  }
  const members = ctx.groups[packet.dst];
  const ports = members ? members.filter((h) => h !== event.port) : [ctx.ports[packet.dst]];
  if (ports[0] === undefined && !members)
    out.push({ type: 'drop', reason: `no host has underlay address ${packet.dst}` });
  else
    for (const port of ports) {
      if (port === undefined) continue;
      if (ctx.cut.length > 0 && ctx.cut.includes(pairKey(event.port, port)))
        out.push({ type: 'drop', reason: `the link between ${event.port} and ${port} is down` });
      else out.push({ type: 'send', port, packet });
    }
  return undefined;
}

/** A link goes down or comes up. */
function link(ctx: UnderlayContext, e: LinkEvent): Partial<UnderlayContext> {
  const key = pairKey(e.a, e.b);
  const cut = ctx.cut.filter((k) => k !== key);
  return { cut: e.type === 'link.down' ? [...cut, key].sort() : cut };
}

export const underlayMachine = forwarderMachine<UnderlayContext, UnderlayInput>({
  id: 'underlay',
  description: 'the IP network between hosts: unicast by outer destination, multicast to the group',
  context: (input) => ({
    ports: Object.fromEntries(Object.entries(input.hosts).map(([host, ip]) => [ip, host])),
    groups: input.groups ?? {},
    cut: [],
  }),
  forward: underlayPacket,
  also: {
    'link.down': { effect: link, description: 'a link goes down: the path between its hosts is cut' },
    'link.up': { effect: link, description: 'a link comes up: the path between its hosts is restored' },
  },
});
