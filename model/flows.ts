/**
 * The Fast Datapath's flow table types and the messages between the kernel datapath and its controller
 * (the Weave Router), as OVS exchanges them over netlink: upcalls, flow installs and packet executes.
 * Filled in with the Fast Datapath model (issue 3).
 */

/** Datapath <-> controller messages. */
export type ControlMessage = never;
