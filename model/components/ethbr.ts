/**
 * ethbr: the bridge's host-side port, with the host kernel behind it and the next hop out of the host
 * (the Sleeve router's capture, or the Fast Datapath's datapath) tapped onto it (docs/seed-flows.md, topology).
 *
 * From the bridge, every frame is handed to the tap (pcap sees everything the bridge sends there: SL-L.2.2,
 * SL-X.5; FD-L.2.2, FD-X.2.2), and the host kernel looks at it too: it answers ARP only for the host's own
 * IP and drops ARP for any other (SL-L.2.2.1, SL-X.2.2.1), and drops frames whose destination MAC is not
 * its own (SL-X.5.1). From the tap (the router's injections, the datapath's output), frames go into the
 * bridge untouched; the kernel does not see them, and pcap, capturing inbound only, does not either.
 * With `tap: false` (the Linux-native layout, docs/conformance.md) nothing is tapped on: ethbr is the
 * host's own veth on the bridge and only the host kernel sees the frames.
 */
import type { Ip, Mac } from '../addresses.ts';
import { forwarderMachine } from '../machine/forwarder.ts';
import type { Output, RecvEvent } from '../machine/io.ts';
import { arpReply, type Frame } from '../packets.ts';

export interface EthbrInput {
  mac: Mac;
  /** The host's own overlay IP (`weave expose`), if any. */
  ip?: Ip;
  /** Whether something is tapped onto ethbr (default true). False in the Linux-native layout, where
   *  ethbr is just the host's veth on the bridge: frames from the bridge go to the host kernel only. */
  tap?: boolean;
}

export interface EthbrContext {
  mac: Mac;
  ip: Ip | null;
  tap: boolean;
}

/** What the host kernel does with a frame the bridge sends to ethbr. */
export function hostKernel(ctx: EthbrContext, frame: Frame): Output {
  const p = frame.payload;
  if (p.kind === 'arp') {
    if (p.op === 'request' && p.senderIp !== p.targetIp && p.targetIp === ctx.ip)
      return { type: 'send', port: 'bridge', packet: arpReply(p, ctx.mac), origin: true };
    if (p.op === 'request')
      return {
        type: 'drop',
        reason: `host kernel: ARP for ${p.targetIp}, not this host's address (SL-L.2.2.1, SL-X.2.2.1)`,
      };
    if (frame.dst === ctx.mac) return { type: 'note', text: `host kernel: ARP reply from ${p.senderIp}` };
    return { type: 'drop', reason: `host kernel: ARP reply for ${frame.dst}, not ethbr's MAC` };
  }
  if (frame.dst === ctx.mac)
    return p.dst === ctx.ip
      ? { type: 'deliver', packet: frame }
      : { type: 'drop', reason: `host kernel: ${p.dst} is not this host's address (no forwarding)` };
  // The seed describes this drop for Sleeve (SL-X.5.1); the reason cites it, but the step is not labelled
  // with it, because the same kernel sits behind ethbr under FDP too.
  return { type: 'drop', reason: `host kernel: destination MAC ${frame.dst} is not ethbr's (SL-X.5.1)` };
}

/** One frame on either side of ethbr. */
export function ethbrFrame(ctx: EthbrContext, event: RecvEvent, out: Output[]): undefined {
  const frame = event.packet;
  if (frame.kind !== 'frame') out.push({ type: 'drop', reason: `not an Ethernet frame: ${frame.kind}` });
  else if (event.port === 'tap') out.push({ type: 'send', port: 'bridge', packet: frame });
  else {
    if (ctx.tap) out.push({ type: 'send', port: 'tap', packet: frame });
    out.push(hostKernel(ctx, frame));
  }
  return undefined;
}

export const ethbrMachine = forwarderMachine<EthbrContext, EthbrInput>({
  id: 'ethbr',
  description: "the bridge's host-side port: the tap (pcap or the datapath) and the host kernel behind it",
  context: (input) => ({ mac: input.mac, ip: input.ip ?? null, tap: input.tap ?? true }),
  forward: ethbrFrame,
});
