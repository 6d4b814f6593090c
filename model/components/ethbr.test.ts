/** ethbr: the capture port passes frames through untouched; the host kernel behind the bridge device
 *  answers ARP and pings for the host's overlay IP only (`arp_process`, `icmp_echo`). */
import { describe, expect, it } from 'vitest';
import type { Output } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import { makeStepper } from '../network/step.ts';
import { arpRequest, type Frame } from '../packets.ts';
import { type EthbrContext, ethbrMachine } from './ethbr.ts';

const stepper = makeStepper(ethbrMachine);
const HOST = '02:00:00:00:01:02';
const HOST_IP = '198.18.0.200';
const A = '02:00:00:00:00:0a';
const A_IP = '198.18.0.1';
const echo = (dst: string, to: string): Frame => ({
  kind: 'frame',
  src: A,
  dst,
  payload: { kind: 'ipv4', src: A_IP, dst: to, icmp: 'echo-request', ping: 1 },
});

function ethbr(input: Record<string, unknown>) {
  let state: MachineState = stepper.initial({ mac: HOST, ...input }).state;
  return {
    recv(port: string, f: Frame, now = 0): Output[] {
      const r = stepper.step(state, { type: 'recv', port, packet: f, now });
      state = r.state;
      return r.outputs;
    },
    get ctx() {
      return state.context as EthbrContext;
    },
  };
}
const sends = (out: Output[]) =>
  out.flatMap((o) => (o.type === 'send' && o.packet.kind === 'frame' ? [[o.port, o.packet] as const] : []));

describe('ethbr', () => {
  it('passes frames between the bridge and the tap untouched, and the kernel sees none of them', () => {
    const e = ethbr({ ip: HOST_IP, subnet: '198.18.0.0/24' });
    const req = arpRequest(A, A_IP, HOST_IP);
    expect(sends(e.recv('bridge', req))).toEqual([['tap', req]]);
    expect(sends(e.recv('tap', req))).toEqual([['bridge', req]]);
    expect(e.ctx.neigh).toEqual({});
  });

  it("answers ARP for the host's overlay IP from behind the bridge device, keeping the requester STALE", () => {
    const e = ethbr({ ip: HOST_IP, subnet: '198.18.0.0/24' });
    const [[port, reply]] = sends(e.recv('local', arpRequest(A, A_IP, HOST_IP))) as [[string, Frame]];
    expect(port).toBe('local');
    expect(reply).toMatchObject({
      src: HOST,
      dst: A,
      payload: { op: 'reply', senderIp: HOST_IP, senderMac: HOST },
    });
    expect(e.ctx.neigh[A_IP]).toMatchObject({ state: 'STALE', mac: A });
    // The echo request is taken in and answered, to the MAC the request gave.
    const out = e.recv('local', echo(HOST, HOST_IP), 10);
    expect(out.some((o) => o.type === 'deliver')).toBe(true);
    expect(sends(out)).toEqual([
      [
        'local',
        expect.objectContaining({ dst: A, payload: expect.objectContaining({ icmp: 'echo-reply' }) }),
      ],
    ]);
  });

  it('without an overlay IP answers nothing, and drops ARP for any address', () => {
    const e = ethbr({});
    const out = e.recv('local', arpRequest(A, A_IP, HOST_IP));
    expect(sends(out)).toEqual([]);
    expect(out).toContainEqual(
      expect.objectContaining({ type: 'drop', reason: expect.stringMatching(/not this host's address/) }),
    );
    expect(sends(e.recv('local', echo(HOST, HOST_IP)))).toEqual([]);
  });

  it('in the Linux-native layout (no tap) the kernel sits behind ethbr itself', () => {
    const e = ethbr({ ip: HOST_IP, subnet: '198.18.0.0/24', tap: false });
    expect(sends(e.recv('bridge', arpRequest(A, A_IP, HOST_IP))).map(([p]) => p)).toEqual(['bridge']);
    // A frame for another MAC reaches this veth only when flooded: the kernel drops it.
    const other = e.recv('bridge', echo('02:00:00:00:00:0b', '198.18.0.2'));
    expect(sends(other)).toEqual([]);
    expect(other).toContainEqual(
      expect.objectContaining({ type: 'drop', reason: expect.stringMatching(/not ethbr's/) }),
    );
  });
});
