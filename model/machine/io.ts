/**
 * The contract every component machine keeps (docs/design.md, Components). A machine knows only its own ports
 * by name; it receives events and emits its outputs as data with xstate's `emit`, and the simulator
 * routes them along the links. Time comes in on every event as `now` (virtual milliseconds); a machine
 * never reads a clock.
 */

import type { Directory } from '../directory.ts';
import type { Message } from '../messages.ts';
import type { Packet } from '../packets.ts';
import type { MeshRoutes } from '../routing.ts';

/** A packet arriving on one of the machine's ports. */
export interface RecvEvent {
  type: 'recv';
  port: string;
  packet: Message;
  now: number;
}

/** A timer the machine set earlier with `timer.set` has come due. */
export interface TimerFireEvent {
  type: 'timer.fire';
  key: string;
  now: number;
}

/** The traffic driver asks a container to ping `dst`; `ping` numbers the traffic item. */
export interface PingEvent {
  type: 'ping';
  dst: string;
  ping: number;
  now: number;
}

/** The timeline has a container send one ARP packet as `arping -c 1` does (`model/timeline.ts`, `ArpItem`):
 *  `source` is the sender address written into it, or absent for arping's default. */
export interface ArpingEvent {
  type: 'arping';
  mode: 'request' | 'unsolicited' | 'answer';
  target: string;
  source?: string;
  now: number;
}

/** The timeline sets a static neighbour entry in a container (`ip neigh replace IP lladdr MAC nud
 *  permanent`). */
export interface NeighPermanentEvent {
  type: 'neigh.permanent';
  ip: string;
  mac: string;
  now: number;
}

/** The timeline starts a container: its veth and its address come up (`model/timeline.ts`). */
export interface ContainerStartEvent {
  type: 'container.start';
  ip: string;
  mac: string;
  subnet: string;
  /** Send a gratuitous ARP as the address comes up. */
  announce: boolean;
  /** The kernel's drawn reachable time for the new interface (`model/network/draws.ts`), if drawn. */
  reachableMs?: number;
  now: number;
}

/** The timeline stops a container: its namespace and veth are removed. */
export interface ContainerStopEvent {
  type: 'container.stop';
  now: number;
}

/** A bridge port comes up or goes down: a container's veth is added to the bridge or deleted. */
export interface PortEvent {
  type: 'port.up' | 'port.down';
  port: string;
  now: number;
}

/** The control plane tells a router or controller that a container took an IP or released it
 *  (`model/directory.ts`). */
export interface DirectoryEvent {
  type: 'directory';
  ip: string;
  mac: string;
  host: string;
  holds: boolean;
  version: number;
  now: number;
}

/** The mesh: this peer's view of the peer graph changed (`model/peering.ts`); its routes now, and the peers
 *  it reaches (itself included). */
export interface MeshEvent {
  type: 'mesh';
  routes: MeshRoutes;
  reachable: string[];
  now: number;
}

/** This host's Weave router stops: its peer leaves the mesh. */
export interface PeerLeaveEvent {
  type: 'peer.leave';
  now: number;
}

/** A fresh Weave router starts on this host: its peer joins the mesh, knowing nothing but what its peers
 *  tell it at once (the peer graph, and the directory where the configuration has one). */
export interface PeerJoinEvent {
  type: 'peer.join';
  routes: MeshRoutes;
  reachable: string[];
  directory: Directory;
  now: number;
}

/** The underlay between two hosts goes down (everything between them is lost) or comes back. */
export interface LinkEvent {
  type: 'link.down' | 'link.up';
  a: string;
  b: string;
  now: number;
}

export type ComponentEvent =
  | RecvEvent
  | TimerFireEvent
  | PingEvent
  | ArpingEvent
  | NeighPermanentEvent
  | ContainerStartEvent
  | ContainerStopEvent
  | PortEvent
  | DirectoryEvent
  | MeshEvent
  | PeerLeaveEvent
  | PeerJoinEvent
  | LinkEvent;

/** A packet leaving through `port`. `origin` marks a packet the machine made itself (a reply, a queued
 *  packet released): it starts a new family; any other packet sent continues the received one's. */
export interface SendOutput {
  type: 'send';
  port: string;
  packet: Message;
  origin?: true;
  /** The seed step this models, where the machine alone can tell (docs/seed-flows.md). */
  seed?: string;
}

/** The container's IP stack accepted an IPv4 packet addressed to it. */
export interface DeliverOutput {
  type: 'deliver';
  packet: Packet;
}

/** The machine consumed a packet without passing it on. */
export interface DropOutput {
  type: 'drop';
  reason: string;
  seed?: string;
}

export interface TimerSetOutput {
  type: 'timer.set';
  key: string;
  at: number;
}

export interface TimerClearOutput {
  type: 'timer.clear';
  key: string;
}

/** A state change worth a line in the trace (a neighbour entry moving state, an FDB entry learned). */
export interface NoteOutput {
  type: 'note';
  text: string;
  seed?: string;
}

export type Output = SendOutput | DeliverOutput | DropOutput | TimerSetOutput | TimerClearOutput | NoteOutput;
export type OutputType = Output['type'];
