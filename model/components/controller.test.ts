import { describe, expect, it } from 'vitest';
import { BROADCAST_MAC } from '../addresses.ts';
import { initialDirectory } from '../directory.ts';
import type { ControlMessage, FlowInstall } from '../flows.ts';
import { macGet } from '../mac-table.ts';
import type { Output } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import type { Message } from '../messages.ts';
import { makeStepper } from '../network/step.ts';
import { arpReply, arpRequest, type Frame, type VxlanPacket } from '../packets.ts';
import { type MeshRoutes, meshRoutes, peerGraph } from '../routing.ts';
import {
  type ControllerContext,
  type ControllerInput,
  h1ControllerMachine,
  h2ControllerMachine,
  h3ControllerMachine,
  upstreamControllerMachine,
} from './controller.ts';
import { type DatapathContext, type DatapathInput, datapathMachine } from './datapath.ts';

const CONTROLLERS = {
  h1: makeStepper(h1ControllerMachine),
  h2: makeStepper(h2ControllerMachine),
  h3: makeStepper(h3ControllerMachine),
  upstream: makeStepper(upstreamControllerMachine),
};
/** The controller machine of the input's hypothesis. */
const C = {
  initial: (i: ControllerInput) => CONTROLLERS[i.hypothesis].initial(i),
};
const D = makeStepper(datapathMachine);

const HOSTS = ['host1', 'host2', 'host3'];
const ADDR: Record<string, string> = { host1: '198.18.1.1', host2: '198.18.1.2', host3: '198.18.1.3' };
const FAKE: Record<string, string> = { host1: '02:fa:00:00:00:01', host2: '02:fa:00:00:00:02' };
const mac = {
  A: '02:00:00:00:00:0a',
  B: '02:00:00:00:00:0b',
  C: '02:00:00:00:00:0c',
  D: '02:00:00:00:00:0d',
};
const ip = { A: '198.19.0.1', B: '198.19.0.2', C: '198.19.0.3', D: '198.19.0.4' };
const directory = initialDirectory(
  (['A', 'B', 'C', 'D'] as const).map((n) => ({ ip: ip[n], mac: mac[n], host: n < 'C' ? 'host1' : 'host2' })),
);
const hosts = Object.fromEntries(
  HOSTS.map((h) => [h, FAKE[h] ? { address: ADDR[h]!, fakeMac: FAKE[h]! } : { address: ADDR[h]! }]),
);
const fullMesh: [string, string][] = [
  ['host1', 'host2'],
  ['host1', 'host3'],
  ['host2', 'host3'],
];
const line: [string, string][] = [
  ['host1', 'host2'],
  ['host2', 'host3'],
];

function input(host: string, hypothesis: ControllerInput['hypothesis'], links = fullMesh): ControllerInput {
  return {
    host,
    address: ADDR[host]!,
    hypothesis,
    vni: 42,
    directory,
    hosts,
    routes: meshRoutes(peerGraph(HOSTS, links), host),
  };
}

/** VNI of (src, dst) with short ids host1=1, host2=2, host3=3. */
const vni = (src: number, dst: number) => src | (dst << 12);

function ipv4(src: string, dst: string, srcIp: string, dstIp: string): Frame {
  return {
    kind: 'frame',
    src,
    dst,
    payload: { kind: 'ipv4', src: srcIp, dst: dstIp, icmp: 'echo-request', ping: 1 },
  };
}

interface Logged {
  who: 'controller' | 'datapath';
  out: Output;
}

/** A controller and its datapath joined by the netlink channel; everything else is recorded. */
class Rig {
  c: MachineState;
  d: MachineState;
  readonly ctl: ReturnType<typeof makeStepper>;
  constructor(ci: ControllerInput, di: DatapathInput) {
    this.ctl = CONTROLLERS[ci.hypothesis];
    const d = D.initial(di);
    this.d = d.state;
    const c = this.ctl.initial(ci);
    this.c = c.state;
    this.pump(
      c.outputs.map((out) => ({ who: 'controller', out })),
      0,
    );
  }

  /** Delivers netlink sends across until quiet; returns everything emitted. */
  private pump(start: Logged[], now: number): Logged[] {
    const log: Logged[] = [];
    const queue = [...start];
    for (let n = 0; queue.length > 0; n++) {
      if (n > 1000) throw new Error('rig did not settle');
      const item = queue.shift()!;
      log.push(item);
      const o = item.out;
      if (o.type !== 'send') continue;
      if (item.who === 'controller' && o.port === 'datapath') {
        const r = D.step(this.d, { type: 'recv', port: 'controller', packet: o.packet, now });
        this.d = r.state;
        queue.push(...r.outputs.map((out): Logged => ({ who: 'datapath', out })));
      } else if (item.who === 'datapath' && o.port === 'controller') {
        const r = this.ctl.step(this.c, { type: 'recv', port: 'datapath', packet: o.packet, now });
        this.c = r.state;
        queue.push(...r.outputs.map((out): Logged => ({ who: 'controller', out })));
      }
    }
    return log;
  }

  /** A packet arriving on a datapath port. */
  arrive(port: string, packet: Message, now = 0): Logged[] {
    const r = D.step(this.d, { type: 'recv', port, packet, now });
    this.d = r.state;
    return this.pump(
      r.outputs.map((out): Logged => ({ who: 'datapath', out })),
      now,
    );
  }

  /** The controller's view of the peer graph changes (`model/peering.ts`). */
  mesh(routes: MeshRoutes, reachable: string[], now = 0): Logged[] {
    const r = this.ctl.step(this.c, { type: 'mesh', routes, reachable, now });
    this.c = r.state;
    return this.pump(
      r.outputs.map((out): Logged => ({ who: 'controller', out })),
      now,
    );
  }

  get flows() {
    return (this.d.context as DatapathContext).flows;
  }
  get ctrl() {
    return this.c.context as ControllerContext;
  }
}

/** What left the datapath on its data ports. */
const wire = (log: Logged[]) =>
  log.flatMap((l) =>
    l.who === 'datapath' && l.out.type === 'send' && l.out.port !== 'controller' ? [l.out] : [],
  );
const netlink = <K extends ControlMessage['kind']>(log: Logged[], kind: K) =>
  log.flatMap((l) =>
    l.who === 'controller' && l.out.type === 'send' && l.out.packet.kind === kind
      ? [l.out.packet as Extract<ControlMessage, { kind: K }>]
      : [],
  );
const drops = (log: Logged[]) => log.flatMap((l) => (l.out.type === 'drop' ? [l.out] : []));

const seedDp: DatapathInput = { ports: ['bridge', 'vtep', 'controller'] };
const upDp = (host: string, extra: Partial<DatapathInput> = {}): DatapathInput => ({
  ports: ['bridge', 'vxlan', 'controller'],
  address: ADDR[host]!,
  idleMs: 300_000,
  ...extra,
});

describe('controller, seed H1 (FD-X.2.2 H1, FD-X.3)', () => {
  it('consumes the first request, installs a responder, and the datapath answers the retry with the real MAC', () => {
    const rig = new Rig(input('host1', 'h1'), seedDp);
    expect(rig.flows.map((f) => f.label)).toEqual([
      'H1: ARP requests to the controller',
      'flood bridge to vtep',
      'flood vtep to bridge',
    ]);
    const req = arpRequest(mac.A, ip.A, ip.D);
    const first = rig.arrive('bridge', req);
    expect(wire(first)).toEqual([]);
    expect(drops(first)).toContainEqual({
      type: 'drop',
      reason: 'first request consumed by the controller',
      seed: 'FD-X.3',
    });
    const [inst] = netlink(first, 'flow-install') as FlowInstall[];
    expect(inst?.flow.actions).toEqual([{ type: 'arp-respond', mac: mac.D }]);

    const retry = rig.arrive('bridge', req, 1000);
    const out = wire(retry);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ port: 'bridge', origin: true, seed: 'FD-X.3' });
    expect(out[0]?.packet).toEqual(arpReply(req.payload as never, mac.D));
    expect(netlink(retry, 'flow-install')).toEqual([]);
  });

  it('a request for a local target is consumed and later ones are dropped by a flow (the bridge delivered them)', () => {
    const rig = new Rig(input('host1', 'h1'), seedDp);
    const req = arpRequest(mac.A, ip.A, ip.B);
    const first = rig.arrive('bridge', req);
    expect(wire(first)).toEqual([]);
    expect(drops(first)[0]?.seed).toBe('FD-L.2.2');
    expect(netlink(first, 'flow-install')[0]?.flow.actions).toEqual([]);
    const again = rig.arrive('bridge', req);
    expect(wire(again)).toEqual([]);
    expect(again.some((l) => l.out.type === 'send' && l.out.port === 'controller')).toBe(false);
  });

  it('a request nobody owns is consumed and nothing is installed', () => {
    const rig = new Rig(input('host1', 'h1'), seedDp);
    const n = rig.flows.length;
    const log = rig.arrive('bridge', arpRequest(mac.A, ip.A, '198.19.0.99'));
    expect(wire(log)).toEqual([]);
    expect(rig.flows).toHaveLength(n);
  });

  it('data frames flood between bridge and vtep (FD-X.5, FD-X.7)', () => {
    const rig = new Rig(input('host1', 'h1'), seedDp);
    const f = ipv4(mac.A, mac.D, ip.A, ip.D);
    expect(wire(rig.arrive('bridge', f))).toEqual([
      { type: 'send', port: 'vtep', packet: f, seed: 'FD-X.5' },
    ]);
    expect(wire(rig.arrive('vtep', f))).toEqual([
      { type: 'send', port: 'bridge', packet: f, seed: 'FD-X.7' },
    ]);
  });
});

describe('controller, seed H2 (FD-X.2.2 H2)', () => {
  it('the datapath answers a request for a remote IP with that host’s fake MAC at once', () => {
    const rig = new Rig(input('host1', 'h2'), seedDp);
    const req = arpRequest(mac.A, ip.A, ip.D);
    const out = wire(rig.arrive('bridge', req));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ port: 'bridge', origin: true, seed: 'FD-X.2.2' });
    expect(out[0]?.packet).toEqual(arpReply(req.payload as never, FAKE.host2!));
  });

  it('a unicast probe to the fake MAC is answered again with the fake MAC (the entry never fails)', () => {
    const rig = new Rig(input('host1', 'h2'), seedDp);
    const probe = arpRequest(mac.A, ip.A, ip.D, FAKE.host2!);
    const out = wire(rig.arrive('bridge', probe));
    expect(out).toHaveLength(1);
    expect(out[0]?.packet).toMatchObject({ kind: 'frame', src: FAKE.host2, dst: mac.A });
  });

  it('a request for a local IP floods on towards the vtep and nothing answers (FD-L.2.2)', () => {
    const rig = new Rig(input('host1', 'h2'), seedDp);
    const req = arpRequest(mac.A, ip.A, ip.B);
    expect(wire(rig.arrive('bridge', req))).toEqual([
      { type: 'send', port: 'vtep', packet: req, seed: 'FD-X.5' },
    ]);
  });

  it('the peer rewrites the fake MAC to the real one for its local IPs', () => {
    const rig = new Rig(input('host2', 'h2'), seedDp);
    const f = ipv4(mac.A, FAKE.host2!, ip.A, ip.D);
    const out = wire(rig.arrive('vtep', f));
    expect(out).toEqual([{ type: 'send', port: 'bridge', packet: { ...f, dst: mac.D }, seed: 'FD-X.2.2' }]);
    // Not for one of host2's IPs: no rewrite, plain flood.
    const other = ipv4(mac.C, FAKE.host2!, ip.C, ip.A);
    expect(wire(rig.arrive('vtep', other))).toEqual([
      { type: 'send', port: 'bridge', packet: other, seed: 'FD-X.7' },
    ]);
  });

  it('without fake MACs for a host, there are no responders for its IPs and a note says so', () => {
    const i = input('host1', 'h2');
    const r = C.initial({ ...i, hosts: { ...i.hosts, host2: { address: ADDR.host2! } } });
    expect(r.outputs[0]).toMatchObject({ type: 'note', text: expect.stringContaining('host2') });
    const installs = r.outputs.filter((o) => o.type === 'send');
    expect(installs).toHaveLength(2 + 2); // flood flows + rewrites for A and B
  });
});

describe('controller, seed H3 (FD-X.2.2 H3)', () => {
  it('an ARP request goes out on the vtep unchanged, and from the vtep into the bridge', () => {
    const rig = new Rig(input('host1', 'h3'), seedDp);
    expect(rig.flows).toHaveLength(2);
    const req = arpRequest(mac.A, ip.A, ip.D);
    expect(wire(rig.arrive('bridge', req))).toEqual([
      { type: 'send', port: 'vtep', packet: req, seed: 'FD-X.5' },
    ]);
    const remote = arpRequest(mac.C, ip.C, ip.A);
    expect(wire(rig.arrive('vtep', remote))).toEqual([
      { type: 'send', port: 'bridge', packet: remote, seed: 'FD-X.7' },
    ]);
  });
});

describe('controller, upstream fastdp', () => {
  const vx = (packet: Output): VxlanPacket => (packet as { packet: VxlanPacket }).packet;

  it('flushes at start and installs nothing', () => {
    const r = C.initial(input('host1', 'upstream'));
    expect(r.outputs.filter((o) => o.type === 'send').map((o) => (o as { packet: Message }).packet)).toEqual([
      { kind: 'flow-flush' },
    ]);
  });

  it('a broadcast miss is executed at once to every broadcast-tree hop and a flow is installed', () => {
    const rig = new Rig(input('host1', 'upstream'), upDp('host1'));
    const req = arpRequest(mac.A, ip.A, ip.D);
    const log = rig.arrive('bridge', req);
    const out = wire(log).map(vx);
    expect(out).toEqual([
      { kind: 'vxlan', src: ADDR.host1, dst: ADDR.host2, vni: vni(1, 2), frame: req },
      { kind: 'vxlan', src: ADDR.host1, dst: ADDR.host3, vni: vni(1, 3), frame: req },
    ]);
    expect(netlink(log, 'execute')).toHaveLength(1);
    const [inst] = netlink(log, 'flow-install');
    expect(inst?.flow.match).toEqual({ inPort: 'bridge', ethSrc: mac.A, ethDst: BROADCAST_MAC });
    // The next one is switched by the flow, no upcall.
    const again = rig.arrive('bridge', req, 10);
    expect(wire(again)).toHaveLength(2);
    expect(netlink(again, 'execute')).toEqual([]);
  });

  it('an unknown unicast is flooded along the tree without a flow', () => {
    const rig = new Rig(input('host1', 'upstream'), upDp('host1'));
    const f = ipv4(mac.A, mac.D, ip.A, ip.D);
    const log = rig.arrive('bridge', f);
    expect(wire(log).map((o) => vx(o).dst)).toEqual([ADDR.host2, ADDR.host3]);
    expect(netlink(log, 'flow-install')).toEqual([]);
    expect(rig.flows).toEqual([]);
    expect(netlink(rig.arrive('bridge', f, 10), 'execute')).toHaveLength(1);
  });

  it('a known remote unicast installs a set-tunnel flow to the owner’s host', () => {
    const rig = new Rig(input('host1', 'upstream'), upDp('host1'));
    const req = arpRequest(mac.A, ip.A, ip.D);
    rig.arrive('bridge', req); // A learned local
    // D's reply comes back from host2, for host1.
    const reply = arpReply(req.payload as never, mac.D);
    const back = rig.arrive('vxlan', {
      kind: 'vxlan',
      src: ADDR.host2!,
      dst: ADDR.host1!,
      vni: vni(2, 1),
      frame: reply,
    });
    expect(wire(back)).toEqual([{ type: 'send', port: 'bridge', packet: reply }]);
    expect(netlink(back, 'flow-install')[0]?.flow.match).toEqual({
      inPort: 'vxlan',
      tunnelSrc: ADDR.host2,
      tunnelVni: vni(2, 1),
      ethSrc: mac.D,
      ethDst: mac.A,
    });
    expect(macGet(rig.ctrl.macs, mac.D)?.peer).toBe('host2');
    const f = ipv4(mac.A, mac.D, ip.A, ip.D);
    const log = rig.arrive('bridge', f, 5);
    expect(wire(log).map(vx)).toEqual([
      { kind: 'vxlan', src: ADDR.host1, dst: ADDR.host2, vni: vni(1, 2), frame: f },
    ]);
    const [inst] = netlink(log, 'flow-install');
    expect(inst?.flow).toMatchObject({
      match: { inPort: 'bridge', ethSrc: mac.A, ethDst: mac.D },
      actions: [
        { type: 'set-tunnel', dst: ADDR.host2, vni: vni(1, 2) },
        { type: 'output', port: 'vxlan' },
      ],
    });
  });

  it('a frame to a MAC on the bridge is dropped (the Linux bridge delivered it), no flow', () => {
    const rig = new Rig(input('host1', 'upstream'), upDp('host1'));
    rig.arrive('bridge', arpRequest(mac.B, ip.B, ip.A));
    const log = rig.arrive('bridge', ipv4(mac.A, mac.B, ip.A, ip.B));
    expect(wire(log)).toEqual([]);
    expect(drops(log)[0]?.reason).toMatch(/Linux bridge delivered it/);
    expect(rig.flows).toHaveLength(1); // only the broadcast's
  });

  it('a relay peer injects a broadcast and relays it along the source’s tree with the source’s short id', () => {
    const rig = new Rig(input('host2', 'upstream', line), upDp('host2'));
    const req = arpRequest(mac.A, ip.A, ip.D);
    const log = rig.arrive('vxlan', {
      kind: 'vxlan',
      src: ADDR.host1!,
      dst: ADDR.host2!,
      vni: vni(1, 2),
      frame: req,
    });
    expect(wire(log)).toEqual([
      { type: 'send', port: 'bridge', packet: req },
      {
        type: 'send',
        port: 'vxlan',
        packet: { kind: 'vxlan', src: ADDR.host2, dst: ADDR.host3, vni: vni(1, 3), frame: req },
      },
    ]);
    expect(macGet(rig.ctrl.macs, mac.A)?.peer).toBe('host1');
    expect(netlink(log, 'flow-install')).toHaveLength(1);
  });

  it('a routes update flushes every flow and the new routes are used', () => {
    const rig = new Rig(input('host1', 'upstream'), upDp('host1'));
    const req = arpRequest(mac.A, ip.A, ip.D);
    rig.arrive('bridge', req);
    expect(rig.flows).toHaveLength(1);
    const log = rig.mesh(meshRoutes(peerGraph(HOSTS, line), 'host1'), HOSTS);
    expect(netlink(log, 'flow-flush')).toHaveLength(1);
    expect(rig.flows).toEqual([]);
    expect(wire(rig.arrive('bridge', req, 10)).map((o) => vx(o).dst)).toEqual([ADDR.host2]);
  });

  it('a MAC moving to another peer flushes all flows and installs none for that packet', () => {
    const rig = new Rig(input('host1', 'upstream'), upDp('host1'));
    const fromD = (src: number) => ({
      kind: 'vxlan' as const,
      src: ADDR[`host${src}`]!,
      dst: ADDR.host1!,
      vni: vni(src, 1),
      frame: arpRequest(mac.D, ip.D, ip.A),
    });
    rig.arrive('vxlan', fromD(2));
    expect(rig.flows).toHaveLength(1);
    const log = rig.arrive('vxlan', fromD(3), 10);
    expect(netlink(log, 'flow-flush')).toHaveLength(1);
    expect(netlink(log, 'flow-install')).toEqual([]);
    expect(wire(log)).toHaveLength(1); // still injected
    expect(macGet(rig.ctrl.macs, mac.D)?.peer).toBe('host3');
  });
});
