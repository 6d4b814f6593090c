import { describe, expect, it } from 'vitest';
import type { ControlMessage, Flow, Upcall } from '../flows.ts';
import type { Output } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import type { Message } from '../messages.ts';
import { makeStepper } from '../network/step.ts';
import { arpRequest, type Frame, type VxlanPacket } from '../packets.ts';
import { type DatapathContext, type DatapathInput, datapathMachine } from './datapath.ts';

const dp = makeStepper(datapathMachine);
const A = '02:00:00:00:00:0a';
const D = '02:00:00:00:00:0d';
const who = arpRequest(A, '198.19.0.1', '198.19.0.4');
const ping: Frame = {
  kind: 'frame',
  src: A,
  dst: D,
  payload: { kind: 'ipv4', src: '198.19.0.1', dst: '198.19.0.4', icmp: 'echo-request', ping: 1 },
};

class Dp {
  snap: MachineState;
  constructor(input: DatapathInput) {
    this.snap = dp.initial(input).state;
  }
  recv(port: string, packet: Message, now = 0): Output[] {
    const r = dp.step(this.snap, { type: 'recv', port, packet, now });
    this.snap = r.state;
    return r.outputs;
  }
  control(msg: ControlMessage, now = 0): Output[] {
    return this.recv('controller', msg, now);
  }
  install(flow: Flow, now = 0): Output[] {
    return this.control({ kind: 'flow-install', flow }, now);
  }
  get ctx(): DatapathContext {
    return this.snap.context as DatapathContext;
  }
}

const sends = (outs: Output[]) => outs.filter((o) => o.type === 'send');
const seed3 = { ports: ['bridge', 'vtep', 'controller'] };

describe('datapath', () => {
  it('a miss is upcalled to the controller with the frame', () => {
    const d = new Dp(seed3);
    const out = d.recv('bridge', who);
    expect(sends(out)).toEqual([
      { type: 'send', port: 'controller', packet: { kind: 'upcall', inPort: 'bridge', frame: who } },
    ]);
  });

  it('the highest-priority matching flow wins, whatever the install order', () => {
    const d = new Dp(seed3);
    d.install({ match: { inPort: 'bridge', ethType: 'arp' }, actions: [], priority: 10, label: 'arp drop' });
    d.install({ match: { inPort: 'bridge' }, actions: [{ type: 'output', port: 'vtep' }], priority: 1 });
    expect(d.ctx.flows.map((f) => f.priority)).toEqual([10, 1]);
    const arp = d.recv('bridge', who);
    expect(sends(arp)).toEqual([]);
    expect(arp).toContainEqual({ type: 'drop', reason: 'dropped by flow arp drop' });
    expect(sends(d.recv('bridge', ping))).toEqual([{ type: 'send', port: 'vtep', packet: ping }]);
  });

  it('an install with the same match and priority replaces the flow; equal priorities keep install order', () => {
    const d = new Dp(seed3);
    d.install({
      match: { inPort: 'bridge' },
      actions: [{ type: 'output', port: 'vtep' }],
      priority: 1,
      label: 'a',
    });
    d.install({ match: { ethDst: D }, actions: [], priority: 1, label: 'b' });
    const out = d.install({ match: { inPort: 'bridge' }, actions: [], priority: 1, label: 'a2' });
    expect(d.ctx.flows.map((f) => f.label)).toEqual(['a2', 'b']);
    expect(out[0]).toMatchObject({ type: 'note', text: expect.stringMatching(/^flow replaced/) });
  });

  it('flood goes out of every port but the ingress one and the controller', () => {
    const d = new Dp({ ports: ['bridge', 'vtep', 'extra', 'controller'] });
    d.install({ match: {}, actions: [{ type: 'flood' }], priority: 1 });
    expect(sends(d.recv('vtep', who)).map((o) => o.port)).toEqual(['bridge', 'extra']);
    expect(sends(d.recv('bridge', who)).map((o) => o.port)).toEqual(['vtep', 'extra']);
  });

  it('an idle flow expires and is pruned; use refreshes it', () => {
    const d = new Dp({ ...seed3, idleMs: 1000 });
    d.install({ match: { inPort: 'bridge' }, actions: [{ type: 'output', port: 'vtep' }], priority: 1 }, 0);
    expect(sends(d.recv('bridge', ping, 900))[0]?.port).toBe('vtep');
    expect(sends(d.recv('bridge', ping, 1800))[0]?.port).toBe('vtep'); // 900 ms idle since last use
    const out = d.recv('bridge', ping, 2801);
    expect(sends(out)[0]?.port).toBe('controller');
    expect(out).toContainEqual({ type: 'note', text: expect.stringMatching(/^flow expired/) });
    expect(d.ctx.flows).toEqual([]);
  });

  it('flows without idle expiry stay', () => {
    const d = new Dp(seed3);
    d.install({ match: { inPort: 'bridge' }, actions: [{ type: 'output', port: 'vtep' }], priority: 1 }, 0);
    expect(sends(d.recv('bridge', ping, 10 ** 9))[0]?.port).toBe('vtep');
  });

  it('a flow with a shorter idle time installed later still expires on time', () => {
    const d = new Dp({ ...seed3, idleMs: 10_000 });
    d.install({ match: { inPort: 'vtep' }, actions: [{ type: 'output', port: 'bridge' }], priority: 1 }, 0);
    d.install(
      { match: { inPort: 'bridge' }, actions: [{ type: 'output', port: 'vtep' }], priority: 1, idleMs: 100 },
      50,
    );
    expect(d.ctx.expiresAt).toBe(150);
    const out = d.recv('bridge', ping, 151);
    expect(sends(out)[0]?.port).toBe('controller');
    expect(d.ctx.flows.map((f) => f.match.inPort)).toEqual(['vtep']);
    // The sweep leaves the bound at the remaining flow's expiry.
    expect(d.ctx.expiresAt).toBe(10_000);
    expect(sends(d.recv('vtep', ping, 9_000))[0]?.port).toBe('bridge');
    expect(d.ctx.expiresAt).toBe(10_000); // a lower bound: use does not move it
    expect(sends(d.recv('vtep', ping, 18_000))[0]?.port).toBe('bridge'); // 9 s idle: still live
    expect(d.ctx.expiresAt).toBe(19_000);
    // Used at 18 s, so live until 28 s although the bound said 19 s: the sweep finds it refreshed.
    expect(sends(d.recv('vtep', ping, 27_000))[0]?.port).toBe('bridge');
    expect(sends(d.recv('vtep', ping, 37_001))[0]?.port).toBe('controller');
  });

  it('flush clears the table', () => {
    const d = new Dp(seed3);
    d.install({ match: {}, actions: [{ type: 'flood' }], priority: 1 });
    const out = d.control({ kind: 'flow-flush' });
    expect(out).toEqual([{ type: 'note', text: 'flows flushed (1)' }]);
    expect(sends(d.recv('bridge', ping))[0]?.port).toBe('controller');
  });

  it('execute runs the actions on the given frame, ignoring the flow table', () => {
    const d = new Dp(seed3);
    d.install({ match: {}, actions: [], priority: 1 });
    const out = d.control({
      kind: 'execute',
      inPort: 'vtep',
      frame: ping,
      actions: [
        { type: 'set-eth-dst', mac: '02:00:00:00:00:0b' },
        { type: 'output', port: 'bridge' },
      ],
    });
    expect(sends(out)).toEqual([
      { type: 'send', port: 'bridge', packet: { ...ping, dst: '02:00:00:00:00:0b' } },
    ]);
    expect(sends(out)[0]).not.toHaveProperty('origin');
  });

  it('set-tunnel + output:vxlan sends a VXLAN packet from its own address; vxlan ingress carries tunnel metadata', () => {
    const d = new Dp({ ports: ['bridge', 'vxlan', 'controller'], address: '198.18.1.1' });
    d.install({
      match: { inPort: 'bridge' },
      priority: 1,
      actions: [
        { type: 'set-tunnel', dst: '198.18.1.2', vni: 0x2001 },
        { type: 'output', port: 'vxlan' },
        { type: 'set-tunnel', dst: '198.18.1.3', vni: 0x3001 },
        { type: 'output', port: 'vxlan' },
      ],
    });
    const out = sends(d.recv('bridge', who));
    expect(out.map((o) => o.packet)).toEqual([
      { kind: 'vxlan', src: '198.18.1.1', dst: '198.18.1.2', vni: 0x2001, frame: who },
      { kind: 'vxlan', src: '198.18.1.1', dst: '198.18.1.3', vni: 0x3001, frame: who },
    ]);
    const pkt: VxlanPacket = {
      kind: 'vxlan',
      src: '198.18.1.2',
      dst: '198.18.1.1',
      vni: 0x1002,
      frame: ping,
    };
    const up = sends(d.recv('vxlan', pkt))[0]?.packet as Upcall;
    expect(up).toEqual({
      kind: 'upcall',
      inPort: 'vxlan',
      frame: ping,
      tunnel: { src: '198.18.1.2', vni: 0x1002 },
    });
    d.install({
      match: { inPort: 'vxlan', tunnelSrc: '198.18.1.2', tunnelVni: 0x1002 },
      actions: [{ type: 'output', port: 'bridge' }],
      priority: 1,
    });
    expect(sends(d.recv('vxlan', pkt))).toEqual([{ type: 'send', port: 'bridge', packet: ping }]);
    expect(sends(d.recv('vxlan', { ...pkt, vni: 0x1003 }))[0]?.port).toBe('controller');
  });

  it('output to vxlan without set-tunnel is a drop', () => {
    const d = new Dp({ ports: ['bridge', 'vxlan', 'controller'], address: '198.18.1.1' });
    d.install({ match: {}, actions: [{ type: 'output', port: 'vxlan' }], priority: 1 });
    const out = d.recv('bridge', ping);
    expect(sends(out)).toEqual([]);
    expect(out).toContainEqual({ type: 'drop', reason: 'output to the vxlan vport without set-tunnel' });
  });

  it('arp-respond answers out of the ingress port with a new frame and consumes the request', () => {
    const d = new Dp(seed3);
    const fake = '02:fa:00:00:00:02';
    d.install({
      match: { inPort: 'bridge', ethType: 'arp', arpOp: 'request', arpTpa: '198.19.0.4' },
      actions: [{ type: 'arp-respond', mac: fake }],
      priority: 20,
      seed: 'FD-X.2.2',
    });
    const out = d.recv('bridge', who);
    expect(sends(out)).toEqual([
      {
        type: 'send',
        port: 'bridge',
        origin: true,
        seed: 'FD-X.2.2',
        packet: {
          kind: 'frame',
          src: fake,
          dst: A,
          payload: {
            kind: 'arp',
            op: 'reply',
            senderMac: fake,
            senderIp: '198.19.0.4',
            targetMac: A,
            targetIp: '198.19.0.1',
          },
        },
      },
    ]);
    expect(out.filter((o) => o.type === 'drop')).toHaveLength(1);
  });

  it('an upcall action sends the frame up and continues its family (no origin)', () => {
    const d = new Dp(seed3);
    d.install({ match: { ethType: 'arp' }, actions: [{ type: 'upcall' }], priority: 10 });
    const [s] = sends(d.recv('bridge', who));
    expect(s).toEqual({
      type: 'send',
      port: 'controller',
      packet: { kind: 'upcall', inPort: 'bridge', frame: who },
    });
  });

  it('rejects packets of the wrong kind for a port', () => {
    const d = new Dp({ ports: ['bridge', 'vxlan', 'controller'], address: '198.18.1.1' });
    expect(d.recv('vxlan', ping)[0]?.type).toBe('drop');
    expect(d.recv('controller', ping)[0]?.type).toBe('drop');
    expect(d.recv('nowhere', ping)[0]?.type).toBe('drop');
  });
});
