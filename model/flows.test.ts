import { describe, expect, it } from 'vitest';
import {
  type ControlMessage,
  describeControl,
  describeFlow,
  type Flow,
  type FlowMatch,
  matches,
  sameFlow,
} from './flows.ts';
import { arpRequest, type Frame } from './packets.ts';

const A = '02:00:00:00:00:0a';
const D = '02:00:00:00:00:0d';
const who = arpRequest(A, '198.19.0.1', '198.19.0.4');
const ping: Frame = {
  kind: 'frame',
  src: A,
  dst: D,
  payload: { kind: 'ipv4', src: '198.19.0.1', dst: '198.19.0.4', icmp: 'echo-request', ping: 1 },
};

describe('matches', () => {
  it('an empty match is a wildcard', () => {
    expect(matches({}, who, 'bridge')).toBe(true);
    expect(matches({}, ping, 'vtep')).toBe(true);
  });

  it('checks every field it has', () => {
    const m: FlowMatch = { inPort: 'bridge', ethType: 'arp', arpOp: 'request', arpTpa: '198.19.0.4' };
    expect(matches(m, who, 'bridge')).toBe(true);
    expect(matches(m, who, 'vtep')).toBe(false);
    expect(matches({ ...m, arpTpa: '198.19.0.3' }, who, 'bridge')).toBe(false);
    expect(matches({ ...m, arpOp: 'reply' }, who, 'bridge')).toBe(false);
    expect(matches(m, ping, 'bridge')).toBe(false);
    expect(matches({ ethDst: D, ipDst: '198.19.0.4' }, ping, 'x')).toBe(true);
    expect(matches({ ethDst: A }, ping, 'x')).toBe(false);
    expect(matches({ ipDst: '198.19.0.4' }, who, 'x')).toBe(false);
    expect(matches({ ethSrc: A, ethType: 'ipv4' }, ping, 'x')).toBe(true);
  });

  it('tunnel fields need tunnel metadata', () => {
    const m: FlowMatch = { inPort: 'vxlan', tunnelSrc: '198.18.1.2', tunnelVni: 0x2001 };
    expect(matches(m, ping, 'vxlan')).toBe(false);
    expect(matches(m, ping, 'vxlan', { src: '198.18.1.2', vni: 0x2001 })).toBe(true);
    expect(matches(m, ping, 'vxlan', { src: '198.18.1.3', vni: 0x2001 })).toBe(false);
    expect(matches(m, ping, 'vxlan', { src: '198.18.1.2', vni: 0x1002 })).toBe(false);
  });
});

describe('flow identity and text', () => {
  const f: Flow = { match: { inPort: 'bridge', ethDst: D }, actions: [], priority: 5 };
  it('same match and priority is the same entry, whatever the key order or actions', () => {
    const g: Flow = { match: { ethDst: D, inPort: 'bridge' }, actions: [{ type: 'flood' }], priority: 5 };
    expect(sameFlow(f, g)).toBe(true);
    expect(sameFlow(f, { ...g, priority: 6 })).toBe(false);
    expect(sameFlow(f, { ...g, match: { inPort: 'bridge' } })).toBe(false);
  });

  it('reads like ovs-ofctl', () => {
    expect(describeFlow(f)).toBe(`priority=5,in_port=bridge,dl_dst=${D} actions=drop`);
    const t: Flow = {
      match: {},
      priority: 1,
      actions: [
        { type: 'set-tunnel', dst: '198.18.1.2', vni: 8193 },
        { type: 'output', port: 'vxlan' },
      ],
    };
    expect(describeFlow(t)).toBe('priority=1,* actions=set_tunnel(dst=198.18.1.2,vni=8193),output:vxlan');
  });

  it('describes every control message kind on one line', () => {
    const msgs: ControlMessage[] = [
      { kind: 'upcall', inPort: 'vxlan', frame: ping, tunnel: { src: '198.18.1.2', vni: 7 } },
      { kind: 'flow-install', flow: f },
      { kind: 'flow-flush' },
      { kind: 'execute', inPort: 'bridge', frame: who, actions: [{ type: 'flood' }] },
    ];
    const lines = msgs.map(describeControl);
    expect(lines[0]).toMatch(/^upcall in_port=vxlan tun\(src=198.18.1.2,vni=7\) \{ .*ICMP/);
    expect(lines[1]).toBe(`flow-install ${describeFlow(f)}`);
    expect(lines[2]).toBe('flow-flush');
    expect(lines[3]).toMatch(/^execute in_port=bridge actions=flood \{ .*who-has 198.19.0.4/);
    for (const l of lines) expect(l).not.toContain('\n');
  });
});
