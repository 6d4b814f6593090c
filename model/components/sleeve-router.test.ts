import { describe, expect, it } from 'vitest';
import { initialDirectory } from '../directory.ts';
import { macCount, macGet } from '../mac-table.ts';
import type { Output } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import { makeStepper } from '../network/step.ts';
import {
  type Arp,
  arpReply,
  arpRequest,
  type Frame,
  gratuitousArp,
  type SleeveDatagram,
} from '../packets.ts';
import { meshRoutes, peerGraph } from '../routing.ts';
import {
  type SleeveRouterContext,
  type SleeveRouterInput,
  sleeveProxyArpMachine,
  sleeveUpstreamMachine,
} from './sleeve-router.ts';

const STEPPERS = {
  'proxy-arp': makeStepper(sleeveProxyArpMachine),
  upstream: makeStepper(sleeveUpstreamMachine),
};

// Host h1 runs A and B, h2 runs C and D (the seed's topology), h3 runs E.
const A = { ip: '198.18.0.1', mac: '02:00:00:00:00:0a', host: 'h1' };
const B = { ip: '198.18.0.2', mac: '02:00:00:00:00:0b', host: 'h1' };
const C = { ip: '198.18.0.3', mac: '02:00:00:00:00:0c', host: 'h2' };
const D = { ip: '198.18.0.4', mac: '02:00:00:00:00:0d', host: 'h2' };
const E = { ip: '198.18.0.5', mac: '02:00:00:00:00:0e', host: 'h3' };
const ADDR: Record<string, string> = { h1: '198.19.0.1', h2: '198.19.0.2', h3: '198.19.0.3' };
const directory = initialDirectory([A, B, C, D, E]);
const line = peerGraph(
  ['h1', 'h2', 'h3'],
  [
    ['h1', 'h2'],
    ['h2', 'h3'],
  ],
);

function input(host: string, mode: SleeveRouterInput['mode'], extra: Partial<SleeveRouterInput> = {}) {
  const peers = Object.fromEntries(Object.entries(ADDR).filter(([h]) => h !== host));
  return { host, address: ADDR[host]!, mode, peers, directory, routes: meshRoutes(line, host), ...extra };
}

class Router {
  snap: MachineState;
  readonly stepper: ReturnType<typeof makeStepper>;
  constructor(i: SleeveRouterInput) {
    this.stepper = STEPPERS[i.mode];
    this.snap = this.stepper.initial(i).state;
  }
  get ctx(): SleeveRouterContext {
    return this.snap.context as SleeveRouterContext;
  }
  private recv(port: string, packet: Frame | SleeveDatagram, now: number): Output[] {
    const r = this.stepper.step(this.snap, { type: 'recv', port, packet, now });
    this.snap = r.state;
    return r.outputs;
  }
  capture(frame: Frame, now = 0): Output[] {
    return this.recv('pcap', frame, now);
  }
  datagram(dg: SleeveDatagram, now = 0): Output[] {
    return this.recv('udp', dg, now);
  }
}

const sends = (out: Output[], port: string) =>
  out.filter((o): o is Extract<Output, { type: 'send' }> => o.type === 'send' && o.port === port);
const drops = (out: Output[]) => out.filter((o): o is Extract<Output, { type: 'drop' }> => o.type === 'drop');
const datagrams = (out: Output[]) => sends(out, 'udp').map((o) => o.packet as SleeveDatagram);

function arpOf(frame: Frame): Arp {
  if (frame.payload.kind !== 'arp') throw new Error('not ARP');
  return frame.payload;
}

/** A frame h1 captured, as h3 receives it relayed by h2 along the line h1–h2–h3. */
const relayedFromH1 = (frame: Frame): SleeveDatagram => ({
  kind: 'sleeve',
  src: ADDR.h2!,
  dst: ADDR.h3!,
  srcPeer: 'h1',
  dstPeer: 'h3',
  frame,
});
const whoHasD = arpRequest(A.mac, A.ip, D.ip);
const aToD: Frame = {
  kind: 'frame',
  src: A.mac,
  dst: D.mac,
  payload: { kind: 'ipv4', src: A.ip, dst: D.ip, icmp: 'echo-request', ping: 1 },
};

describe('sleeve router, proxy-arp (the seed)', () => {
  it('SL-X.2.2.2: answers ARP for a remote container with its MAC, as a new frame into the bridge', () => {
    const out = new Router(input('h1', 'proxy-arp')).capture(whoHasD);
    expect(out).toEqual([
      {
        type: 'send',
        port: 'pcap',
        packet: arpReply(arpOf(whoHasD), D.mac),
        origin: true,
        seed: 'SL-X.2.2.2',
      },
    ]);
  });

  it('answers a unicast ARP request (a neighbour probe) too', () => {
    const probe = arpRequest(A.mac, A.ip, D.ip, D.mac);
    const [o] = sends(new Router(input('h1', 'proxy-arp')).capture(probe), 'pcap');
    expect(o?.packet).toMatchObject({
      dst: A.mac,
      payload: { op: 'reply', senderIp: D.ip, senderMac: D.mac },
    });
  });

  it('SL-L.2.2.2: does not answer for a container on this host', () => {
    const out = new Router(input('h1', 'proxy-arp')).capture(arpRequest(A.mac, A.ip, B.ip));
    expect(out).toEqual([
      {
        type: 'drop',
        reason: 'target 198.18.0.2 is on this host: the router does not answer',
        seed: 'SL-L.2.2.2',
      },
    ]);
  });

  it('does not answer for an IP that nobody owns', () => {
    const out = new Router(input('h1', 'proxy-arp')).capture(arpRequest(A.mac, A.ip, '198.18.0.99'));
    expect(sends(out, 'pcap')).toEqual([]);
    expect(drops(out)[0]?.reason).toMatch(/nobody owns 198\.18\.0\.99/);
  });

  it('drops a gratuitous ARP without answering', () => {
    const out = new Router(input('h1', 'proxy-arp')).capture(gratuitousArp(D.mac, D.ip));
    expect(out.map((o) => o.type)).toEqual(['drop']);
  });

  it("SL-X.5.2: tunnels known remote unicast to the owner host's address", () => {
    const out = new Router(input('h1', 'proxy-arp')).capture(aToD);
    expect(out).toEqual([
      {
        type: 'send',
        port: 'udp',
        packet: { kind: 'sleeve', src: ADDR.h1, dst: ADDR.h2, srcPeer: 'h1', dstPeer: 'h2', frame: aToD },
        seed: 'SL-X.5.2',
      },
    ]);
  });

  it('tunnels an ARP reply to a remote requester', () => {
    const r = arpReply(arpOf(arpRequest(D.mac, D.ip, A.ip)), A.mac);
    expect(datagrams(new Router(input('h1', 'proxy-arp')).capture(r))[0]?.dst).toBe(ADDR.h2);
  });

  it('drops local unicast and broadcasts other than ARP requests', () => {
    const rt = new Router(input('h1', 'proxy-arp'));
    expect(drops(rt.capture({ ...aToD, dst: B.mac }))[0]?.reason).toMatch(/the bridge delivers it/);
    expect(drops(rt.capture({ ...aToD, dst: 'ff:ff:ff:ff:ff:ff' }))).toHaveLength(1);
    expect(drops(rt.capture({ ...aToD, dst: '02:00:00:00:00:99' }))).toHaveLength(1);
  });

  it('SL-X.7: injects a received datagram into the bridge', () => {
    const dg: SleeveDatagram = {
      kind: 'sleeve',
      src: ADDR.h1!,
      dst: ADDR.h2!,
      srcPeer: 'h1',
      dstPeer: 'h2',
      frame: aToD,
    };
    const rt = new Router(input('h2', 'proxy-arp'));
    expect(rt.datagram(dg)).toEqual([{ type: 'send', port: 'pcap', packet: aToD, seed: 'SL-X.7' }]);
    expect(rt.datagram({ ...dg, dstPeer: 'h3' }).map((o) => o.type)).toEqual(['drop']);
  });
});

describe('sleeve router, upstream', () => {
  it("floods a captured ARP request along its own broadcast tree; h2 relays h1's to h3, h3 nowhere", () => {
    const h1 = new Router(input('h1', 'upstream'));
    const out1 = h1.capture(whoHasD);
    expect(sends(out1, 'pcap')).toEqual([]);
    expect(datagrams(out1)).toEqual([
      { kind: 'sleeve', src: ADDR.h1, dst: ADDR.h2, srcPeer: 'h1', dstPeer: 'h2', frame: whoHasD },
    ]);
    expect(out1.find((o) => o.type === 'send')).not.toHaveProperty('origin');

    const h2 = new Router(input('h2', 'upstream'));
    const out2 = h2.datagram(datagrams(out1)[0]!);
    expect(sends(out2, 'pcap').map((o) => o.packet)).toEqual([whoHasD]);
    expect(datagrams(out2)).toEqual([
      { kind: 'sleeve', src: ADDR.h2, dst: ADDR.h3, srcPeer: 'h1', dstPeer: 'h3', frame: whoHasD },
    ]);

    const h3 = new Router(input('h3', 'upstream'));
    const out3 = h3.datagram(datagrams(out2)[0]!);
    expect(sends(out3, 'pcap').map((o) => o.packet)).toEqual([whoHasD]);
    expect(datagrams(out3)).toEqual([]);
  });

  it('broadcasts from the middle of the line go to every neighbour', () => {
    const out = new Router(input('h2', 'upstream')).capture(arpRequest(C.mac, C.ip, A.ip));
    expect(datagrams(out).map((d) => [d.dst, d.dstPeer])).toEqual([
      [ADDR.h1, 'h1'],
      [ADDR.h3, 'h3'],
    ]);
  });

  it('never answers ARP itself, even for a remote container in the directory', () => {
    const out = new Router(input('h1', 'upstream')).capture(whoHasD);
    expect(sends(out, 'pcap')).toEqual([]);
  });

  it('learns a captured source as local and a received source at the capturing peer', () => {
    const h3 = new Router(input('h3', 'upstream'));
    const learned = h3.datagram(relayedFromH1(whoHasD));
    expect(learned).toContainEqual({ type: 'note', text: `learn ${A.mac} at h1` });
    expect(macGet(h3.ctx.macs, A.mac)?.peer).toBe('h1');
    const out = h3.capture({ ...aToD, src: E.mac, dst: 'ff:ff:ff:ff:ff:ff' }, 10);
    expect(out).toContainEqual({ type: 'note', text: `learn ${E.mac} local` });
    expect(macGet(h3.ctx.macs, E.mac)).toEqual({ peer: 'h3', seen: 10, state: 'local' });
  });

  it('drops a captured frame whose source MAC is cached at another peer', () => {
    const h3 = new Router(input('h3', 'upstream'));
    h3.datagram(relayedFromH1(whoHasD));
    const out = h3.capture(whoHasD, 5);
    expect(out.filter((o) => o.type === 'send')).toEqual([]);
    expect(drops(out)[0]?.reason).toMatch(/probably our own injection/);
    expect(macGet(h3.ctx.macs, A.mac)?.peer).toBe('h1');
  });

  it("relays the owner's unicast reply towards the learned peer, hop by hop", () => {
    const who = arpRequest(A.mac, A.ip, E.ip);
    const h3 = new Router(input('h3', 'upstream'));
    h3.datagram(relayedFromH1(who));
    const reply = arpReply(arpOf(who), E.mac);
    const out3 = h3.capture(reply, 1);
    expect(datagrams(out3)).toEqual([
      { kind: 'sleeve', src: ADDR.h3, dst: ADDR.h2, srcPeer: 'h3', dstPeer: 'h1', frame: reply },
    ]);
    const h2 = new Router(input('h2', 'upstream'));
    const out2 = h2.datagram(datagrams(out3)[0]!, 2);
    expect(sends(out2, 'pcap')).toEqual([]);
    expect(datagrams(out2)).toEqual([
      { kind: 'sleeve', src: ADDR.h2, dst: ADDR.h1, srcPeer: 'h3', dstPeer: 'h1', frame: reply },
    ]);
    expect(macCount(h2.ctx.macs)).toBe(0);
  });

  it('honours macAgeMs', () => {
    const h3 = new Router(input('h3', 'upstream', { macAgeMs: 1000 }));
    h3.datagram(relayedFromH1(whoHasD));
    expect(datagrams(h3.capture({ ...aToD, src: E.mac, dst: A.mac }, 1001))[0]?.dstPeer).toBe('h2');
  });
});
