/**
 * What travels between components: Ethernet frames (carrying ARP or IPv4 with an ICMP echo), the Sleeve
 * UDP datagram that carries a captured frame between routers, and the VXLAN packet between vteps.
 * All plain data, so that traces can be stored, compared and replayed.
 */
import { BROADCAST_MAC, type Ip, type Mac, ZERO_MAC } from './addresses.ts';

export interface Arp {
  kind: 'arp';
  op: 'request' | 'reply';
  senderMac: Mac;
  senderIp: Ip;
  /** All-zero in a request, as Linux sends it. */
  targetMac: Mac;
  targetIp: Ip;
}

/** An IPv4 packet carrying an ICMP echo; `ping` names the traffic item it belongs to. */
export interface Ipv4 {
  kind: 'ipv4';
  src: Ip;
  dst: Ip;
  icmp: 'echo-request' | 'echo-reply';
  ping: number;
}

export interface Frame {
  kind: 'frame';
  src: Mac;
  dst: Mac;
  payload: Arp | Ipv4;
}

/** Weave Sleeve's UDP datagram (port 6783), one frame tagged with its capturing and destination peers. */
export interface SleeveDatagram {
  kind: 'sleeve';
  /** Outer (underlay) source and destination addresses of this hop. */
  src: Ip;
  dst: Ip;
  /** The peer that captured the frame, and the peer it is for (upstream: the next hop for broadcasts). */
  srcPeer: string;
  dstPeer: string;
  frame: Frame;
}

/** A VXLAN packet (UDP 4789): outer addresses, the VNI and the inner frame. */
export interface VxlanPacket {
  kind: 'vxlan';
  src: Ip;
  /** A unicast vtep address or, for V1, the multicast group. */
  dst: Ip;
  vni: number;
  frame: Frame;
}

export type UnderlayPacket = SleeveDatagram | VxlanPacket;
export type Packet = Frame | UnderlayPacket;

export function arpRequest(senderMac: Mac, senderIp: Ip, targetIp: Ip, dst: Mac = BROADCAST_MAC): Frame {
  return {
    kind: 'frame',
    src: senderMac,
    dst,
    payload: { kind: 'arp', op: 'request', senderMac, senderIp, targetMac: ZERO_MAC, targetIp },
  };
}

/** The reply to `request`, saying `ip` is at `mac`, sent back to the requester. */
export function arpReply(request: Arp, mac: Mac): Frame {
  return {
    kind: 'frame',
    src: mac,
    dst: request.senderMac,
    payload: {
      kind: 'arp',
      op: 'reply',
      senderMac: mac,
      senderIp: request.targetIp,
      targetMac: request.senderMac,
      targetIp: request.senderIp,
    },
  };
}

/** A gratuitous ARP: a broadcast request for one's own address (Linux `arping -U`). */
export function gratuitousArp(mac: Mac, ip: Ip): Frame {
  return arpRequest(mac, ip, ip);
}

/** What `arping -c 1 -I eth0 [-U | -A] -s SOURCE TARGET` sends (iputils `arping.c`, `send_pack`): one
 *  broadcast frame; a request (`-U` too) names the broadcast address as target hardware address, `-A`
 *  sends a reply naming our own MAC there. */
export function arpingFrame(
  mode: 'request' | 'unsolicited' | 'answer',
  mac: Mac,
  source: Ip,
  target: Ip,
): Frame {
  const answer = mode === 'answer';
  return {
    kind: 'frame',
    src: mac,
    dst: BROADCAST_MAC,
    payload: {
      kind: 'arp',
      op: answer ? 'reply' : 'request',
      senderMac: mac,
      senderIp: source,
      targetMac: answer ? mac : BROADCAST_MAC,
      targetIp: target,
    },
  };
}

export function isGratuitous(arp: Arp): boolean {
  return arp.senderIp === arp.targetIp;
}

/** One line, tcpdump style, for traces and diagrams. */
export function describe(packet: Packet): string {
  switch (packet.kind) {
    case 'frame': {
      const p = packet.payload;
      const body =
        p.kind === 'arp'
          ? p.op === 'request'
            ? isGratuitous(p)
              ? `ARP announce ${p.senderIp}`
              : `ARP who-has ${p.targetIp} tell ${p.senderIp}`
            : `ARP reply ${p.senderIp} is-at ${p.senderMac}`
          : `ICMP ${p.icmp} ${p.src} > ${p.dst} ping ${p.ping}`;
      return `${packet.src} > ${packet.dst} ${body}`;
    }
    case 'sleeve':
      return `UDP ${packet.src} > ${packet.dst}:6783 sleeve [${packet.srcPeer}>${packet.dstPeer}] { ${describe(packet.frame)} }`;
    case 'vxlan':
      return `UDP ${packet.src} > ${packet.dst}:4789 vxlan vni ${packet.vni} { ${describe(packet.frame)} }`;
  }
}

/** A short label, for sequence-diagram arrows. */
export function label(packet: Packet): string {
  switch (packet.kind) {
    case 'frame': {
      const p = packet.payload;
      if (p.kind === 'arp') {
        if (p.op === 'reply') return `ARP reply ${p.senderIp} is-at ${p.senderMac}`;
        return isGratuitous(p) ? `ARP announce ${p.senderIp}` : `ARP who-has ${p.targetIp}`;
      }
      return `${p.icmp} ${p.src} > ${p.dst}`;
    }
    case 'sleeve':
      return `sleeve UDP to ${packet.dst} { ${label(packet.frame)} }`;
    case 'vxlan':
      return `VXLAN to ${packet.dst} { ${label(packet.frame)} }`;
  }
}

/** The Ethernet frame inside a packet, however deeply tunnelled. */
export function innerFrame(packet: Packet): Frame {
  return packet.kind === 'frame' ? packet : packet.frame;
}
