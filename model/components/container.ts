/**
 * A container: a network namespace with one interface `eth0`, one IP in the overlay subnet, and Linux's
 * IPv4 stack (`ip-stack.ts`: the neighbour table, each entry a machine of its own, ARP input, echo
 * replies). It is where the seed's flows start and end: A sends directly to a peer in
 * its subnet (SL-L.1, SL-X.1, FD-X.1), broadcasts an ARP request (SL-L.2, SL-X.2, FD-X.2), learns the
 * MAC from the reply and sends (SL-L.4, SL-X.4, FD-X.4), and the target receives (SL-L.6, SL-X.9, FD-X.9)
 * and answers ARP for its own address (SL-L.2.1). The container alone cannot tell which flow it is in,
 * so its outputs carry no seed IDs.
 *
 * Where the seed is silent this models Linux (`net/core/neighbour.c` `__neigh_event_send`,
 * `neigh_timer_handler`, `__neigh_update`; `net/ipv4/arp.c` `arp_process`, `arp_solicit`) with Weave's
 * neighbour settings (upstream `net/arp.go`: base_reachable_time 5 s, delay_first_probe_time 2 s,
 * ucast_solicit 1), and upstream Weave's gratuitous ARP when the address is added (`net/veth.go`):
 * - INCOMPLETE: packets queue (unres_qlen, oldest dropped when full), broadcast solicits every
 *   retrans_time, FAILED after mcast_solicit of them with the queue dropped (the ICMP host unreachable
 *   is local to the sender, so no frame);
 * - REACHABLE for base_reachable_time after a reply, then STALE; sending on STALE moves to DELAY, then
 *   PROBE with unicast solicits to the cached MAC, then FAILED;
 * - arp_accept=0 (`ip-stack.ts`).
 */
import { type AnyStateMachine, setup } from 'xstate';
import { BROADCAST_MAC, type Cidr, type Ip, inSubnet, type Mac } from '../addresses.ts';
import {
  DEFAULT_NEIGH_PARAMS,
  type NeighEntry,
  type NeighParams,
  type NeighState,
  neighbourMachine,
} from '../entries/neighbour.ts';
import {
  arpInput,
  drop,
  type IpStack,
  ipInput,
  ipOutput,
  type StackWork,
  stackWork,
  stepNeighbour,
  timerNeighbour,
} from '../kernel/ip-stack.ts';
import { effect } from '../machine/effect.ts';
import type { ComponentEvent, Output } from '../machine/io.ts';
import type { Message } from '../messages.ts';
import { arpingFrame, gratuitousArp } from '../packets.ts';
import { DEFAULT_ANNOUNCE } from '../topology.ts';

export { DEFAULT_NEIGH_PARAMS, type NeighEntry, type NeighParams, type NeighState };

/** The container's only port. */
const ETH0 = 'eth0';

export interface ContainerInput {
  name: string;
  mac: Mac;
  ip: Ip;
  subnet: Cidr;
  /** Send a gratuitous ARP when the address comes up (default false, `DEFAULT_ANNOUNCE`; upstream Weave
   *  does for the containers it attaches). */
  announce?: boolean;
  neigh?: Partial<NeighParams>;
}

/** The container's context is the IP stack of its eth0 (`IpStack`), with its name and start-up flag. */
export interface ContainerContext extends IpStack {
  name: string;
  announce: boolean;
}

// ---- what an administrator does in the namespace ----

/** `arping -c 1 -I eth0 [-U | -A] [-s SOURCE] TARGET` (iputils `arping.c`): without `-s`, a request is sent
 *  from the address the route to the target gives, and arping gives up when there is none; `-U` and `-A`
 *  announce the target address itself. arping reads the answers on a socket of its own: the kernel does
 *  nothing with what it sends. */
function arping(w: StackWork, mode: 'request' | 'unsolicited' | 'answer', target: Ip, source?: Ip): void {
  if (source === undefined && mode === 'request' && !inSubnet(target, w.stack.subnet)) {
    drop(w, `arping ${target}: connect: Network is unreachable (not in ${w.stack.subnet}); nothing sent`);
    return;
  }
  const from = source ?? (mode === 'request' ? w.stack.ip : target);
  w.out.push({
    type: 'send',
    port: ETH0,
    packet: arpingFrame(mode, w.stack.mac, from, target),
    origin: true,
  });
}

// ---- eth0 input ----

function ethInput(w: StackWork, port: string, msg: Message): void {
  if (port !== ETH0) drop(w, `no port ${port}`);
  else if (msg.kind !== 'frame') drop(w, `not an Ethernet frame: ${msg.kind}`);
  // Not promiscuous: only frames for our MAC, or broadcast.
  else if (msg.dst !== w.stack.mac && msg.dst !== BROADCAST_MAC)
    drop(w, `not for this interface (dst ${msg.dst})`);
  else if (msg.payload.kind === 'arp') arpInput(w, msg, msg.payload);
  else ipInput(w, msg, msg.payload);
}

/** Runs one event's work on eth0; returns the changed neighbour table, if it changed. */
function work(
  neighbourMachine: AnyStateMachine,
  ctx: ContainerContext,
  now: number,
  out: Output[],
  body: (w: StackWork) => void,
): Partial<ContainerContext> | undefined {
  const neigh = stackWork(neighbourMachine, ctx, 'container', ETH0, now, out, body);
  return neigh === undefined ? undefined : { neigh };
}

function initialContext(input: ContainerInput): ContainerContext {
  if (input.ip !== '' && !inSubnet(input.ip, input.subnet))
    throw new Error(`${input.name}: ${input.ip} is not in ${input.subnet}`);
  return {
    name: input.name,
    mac: input.mac,
    ip: input.ip,
    subnet: input.subnet,
    announce: input.announce ?? DEFAULT_ANNOUNCE,
    params: { ...DEFAULT_NEIGH_PARAMS, ...input.neigh },
    neigh: {},
  };
}

export type ContainerEvent = ComponentEvent;

function stoppedWhat(e: ContainerEvent): string {
  if (e.type === 'ping') return `ping ${e.ping} not sent`;
  if (e.type === 'arping') return `arping ${e.target} not sent`;
  if (e.type === 'neigh.permanent') return `no neighbour table for ${e.ip}`;
  return 'no eth0';
}

type C = ContainerContext;

/** The container, with the neighbour-entry machine its table's entries are. */
export function containerMachineWith(neighbour: AnyStateMachine) {
  return setup({
    types: {
      context: {} as C,
      events: {} as ContainerEvent,
      input: {} as ContainerInput,
      emitted: {} as Output,
    },
    actions: {
      /** Upstream Weave sends a gratuitous ARP when it adds the address (`net/veth.go`); a container that
       *  is told not to announce (a plain one) sends nothing. */
      announce: effect<C, ContainerEvent>((ctx, _, out) => {
        if (ctx.announce)
          out.push({ type: 'send', port: ETH0, packet: gratuitousArp(ctx.mac, ctx.ip), origin: true });
        return undefined;
      }),
      /** The address it starts with (a restart or a move may bring another). */
      takeAddress: effect<C, ContainerEvent>((ctx, e) => {
        if (e.type !== 'container.start') return undefined;
        // A fresh interface: the kernel draws its reachable time anew (or the base, undrawn).
        const { reachableMs: _, ...params } = ctx.params;
        return {
          ip: e.ip,
          mac: e.mac,
          subnet: e.subnet,
          announce: e.announce,
          params: e.reachableMs === undefined ? params : { ...params, reachableMs: e.reachableMs },
        };
      }),
      receive: effect<C, ContainerEvent>((ctx, e, out) =>
        e.type === 'recv'
          ? work(neighbour, ctx, e.now, out, (w) => ethInput(w, e.port, e.packet))
          : undefined,
      ),
      /** A neighbour entry's timer (`neigh_timer_handler`); a leftover for an entry gone is ignored. */
      timer: effect<C, ContainerEvent>((ctx, e, out) => {
        if (e.type !== 'timer.fire') return undefined;
        const ip = timerNeighbour(ctx.neigh, e.key);
        return ip === undefined
          ? undefined
          : work(neighbour, ctx, e.now, out, (w) => stepNeighbour(w, ip, { type: 'timer' }));
      }),
      ping: effect<C, ContainerEvent>((ctx, e, out) =>
        e.type === 'ping'
          ? work(neighbour, ctx, e.now, out, (w) =>
              ipOutput(w, { kind: 'ipv4', src: ctx.ip, dst: e.dst, icmp: 'echo-request', ping: e.ping }),
            )
          : undefined,
      ),
      arping: effect<C, ContainerEvent>((ctx, e, out) =>
        e.type === 'arping'
          ? work(neighbour, ctx, e.now, out, (w) => arping(w, e.mode, e.target, e.source))
          : undefined,
      ),
      /** `ip neigh replace IP lladdr MAC dev eth0 nud permanent`. */
      setPermanent: effect<C, ContainerEvent>((ctx, e, out) =>
        e.type === 'neigh.permanent'
          ? work(neighbour, ctx, e.now, out, (w) => stepNeighbour(w, e.ip, { type: 'admin', mac: e.mac }))
          : undefined,
      ),
      /** A stopped container's namespace is gone, and its neighbour table with it. */
      forget: effect<C, ContainerEvent>(() => ({ neigh: {} })),
      dropStopped: effect<C, ContainerEvent>((_, e, out) => {
        out.push({
          type: 'drop',
          reason: `container stopped: ${stoppedWhat(e)}`,
        });
        return undefined;
      }),
    },
  }).createMachine({
    id: 'container',
    description: "a container: eth0, one IP, and Linux's neighbour table",
    context: ({ input }) => initialContext(input),
    initial: 'running',
    states: {
      running: {
        entry: 'announce',
        on: {
          recv: {
            actions: 'receive',
            description: 'eth0 input: ARP (arp_process) or IPv4 (ip_local_deliver)',
          },
          'timer.fire': { actions: 'timer', description: 'a neighbour entry timer (neigh_timer_handler)' },
          ping: { actions: 'ping', description: 'the traffic sends an ICMP echo request (ip_route_output)' },
          arping: { actions: 'arping', description: 'the timeline runs arping: one ARP packet, raw' },
          'neigh.permanent': {
            actions: 'setPermanent',
            description: 'the timeline sets a static neighbour entry (ip neigh replace ... nud permanent)',
          },
          'container.stop': {
            target: 'stopped',
            actions: 'forget',
            description: 'the container stops: its namespace, and its neighbour table with it, are removed',
          },
        },
      },
      stopped: {
        on: {
          recv: { actions: 'dropStopped', description: 'nothing is plugged into the bridge port' },
          ping: { actions: 'dropStopped', description: 'a stopped container sends nothing' },
          arping: { actions: 'dropStopped', description: 'a stopped container has no eth0 to send on' },
          'neigh.permanent': {
            actions: 'dropStopped',
            description: 'a stopped container has no namespace to set an entry in',
          },
          'container.start': {
            target: 'running',
            actions: 'takeAddress',
            description:
              'the container starts (again): a fresh namespace with its address, announced if asked',
          },
        },
      },
    },
  });
}

export const containerMachine = containerMachineWith(neighbourMachine);
