import { describe, expect, it } from 'vitest';
import { BROADCAST_MAC } from '../addresses.ts';
import { macCount, macGet } from '../mac-table.ts';
import type { Output, SendOutput } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import { makeStepper } from '../network/step.ts';
import { arpRequest, type Frame, type VxlanPacket } from '../packets.ts';
import { type VtepContext, type VtepInput, vtepDestinations, vtepMachine } from './vtep.ts';

const stepper = makeStepper(vtepMachine);

const H1 = '198.18.0.1';
const H2 = '198.18.0.2';
const H3 = '198.18.0.3';
const GROUP = '239.1.1.1';
const VNI = 42;
const A = '02:00:00:00:00:0a';
const D = '02:00:00:00:00:0d';

function ping(src: string, dst: string): Frame {
  return {
    kind: 'frame',
    src,
    dst,
    payload: { kind: 'ipv4', src: '10.32.0.1', dst: '10.32.0.2', icmp: 'echo-request', ping: 1 },
  };
}

function vxlan(src: string, dst: string, frame: Frame, vni = VNI): VxlanPacket {
  return { kind: 'vxlan', src, dst, vni, frame };
}

const base: Record<VtepInput['variant'], VtepInput> = {
  multicast: { address: H1, vni: VNI, variant: 'multicast', group: GROUP, learning: true },
  unicast: { address: H1, vni: VNI, variant: 'unicast', remotes: [H2, H3], learning: true },
  'zero-mac': { address: H1, vni: VNI, variant: 'zero-mac', remotes: [H2, H3], learning: true },
  remote: { address: H1, vni: VNI, variant: 'remote', remotes: [H2], learning: true },
};

function start(input: VtepInput): MachineState {
  return stepper.initial(input).state;
}

function recv(s: MachineState, port: string, packet: Frame | VxlanPacket, now: number) {
  return stepper.step(s, { type: 'recv', port, packet, now });
}

const sends = (outs: Output[], port: string) =>
  outs.filter((o): o is SendOutput => o.type === 'send' && o.port === port);
const underlayDsts = (outs: Output[]) => sends(outs, 'udp').map((o) => (o.packet as VxlanPacket).dst);

describe('vtep transmit (FD-X.6)', () => {
  it('V1 multicast: an unknown MAC goes once to the group', () => {
    const { outputs } = recv(start(base.multicast), 'dp', ping(A, D), 0);
    expect(underlayDsts(outputs)).toEqual([GROUP]);
    const [out] = sends(outputs, 'udp');
    expect(out?.packet).toEqual(vxlan(H1, GROUP, ping(A, D)));
    expect(out?.seed).toBe('FD-X.6');
    expect(out?.origin).toBeUndefined();
  });

  it('V2 unicast and V3 zero-mac: an unknown MAC or a broadcast goes once to every remote', () => {
    for (const v of ['unicast', 'zero-mac'] as const) {
      const s = start(base[v]);
      expect(underlayDsts(recv(s, 'dp', ping(A, D), 0).outputs)).toEqual([H2, H3]);
      expect(underlayDsts(recv(s, 'dp', arpRequest(A, '10.32.0.1', '10.32.0.2'), 0).outputs)).toEqual([
        H2,
        H3,
      ]);
    }
  });

  it("'remote': an unknown MAC goes to the single remote", () => {
    expect(underlayDsts(recv(start(base.remote), 'dp', ping(A, D), 0).outputs)).toEqual([H2]);
  });

  it('drops with a reason when there is nowhere to send', () => {
    const { outputs } = recv(start({ ...base['zero-mac'], remotes: [] }), 'dp', ping(A, D), 0);
    expect(sends(outputs, 'udp')).toEqual([]);
    expect(outputs).toContainEqual(expect.objectContaining({ type: 'drop', seed: 'FD-X.6' }));
  });

  it('rejects a multicast vtep without a group', () => {
    expect(() => start({ ...base.multicast, group: undefined })).toThrow(/group/);
  });
});

describe('vtep receive and learning (FD-X.7)', () => {
  it('learns the inner source at the outer source, then sends to that one remote', () => {
    for (const v of ['multicast', 'unicast', 'zero-mac'] as const) {
      const r = recv(
        start(base[v]),
        'udp',
        vxlan(H3, v === 'multicast' ? GROUP : H1, ping(D, BROADCAST_MAC)),
        10,
      );
      expect(sends(r.outputs, 'dp').map((o) => o.packet)).toEqual([ping(D, BROADCAST_MAC)]);
      expect(sends(r.outputs, 'dp')[0]?.seed).toBe('FD-X.7');
      expect(r.outputs).toContainEqual(
        expect.objectContaining({ type: 'note', text: expect.stringContaining(D) }),
      );
      expect(macGet((r.state.context as VtepContext).fdb, D)).toEqual({
        remote: H3,
        seen: 10,
        state: 'REACHABLE',
      });
      expect(underlayDsts(recv(r.state, 'dp', ping(A, D), 20).outputs)).toEqual([H3]);
    }
  });

  it('moves an entry when the MAC shows up behind another vtep', () => {
    let s = recv(start(base.unicast), 'udp', vxlan(H2, H1, ping(D, A)), 0).state;
    const r = recv(s, 'udp', vxlan(H3, H1, ping(D, A)), 5);
    expect(r.outputs).toContainEqual(
      expect.objectContaining({ type: 'note', text: expect.stringContaining('move') }),
    );
    s = r.state;
    expect(underlayDsts(recv(s, 'dp', ping(A, D), 6).outputs)).toEqual([H3]);
  });

  it('never learns a group MAC as source', () => {
    const r = recv(start(base.unicast), 'udp', vxlan(H2, H1, ping('03:00:00:00:00:01', A)), 0);
    expect(macCount((r.state.context as VtepContext).fdb)).toBe(0);
  });

  it('never moves a static entry, and drops a packet contradicting it', () => {
    const s = start({ ...base.unicast, staticFdb: { [D]: H2 } });
    const r = recv(s, 'udp', vxlan(H3, H1, ping(D, A)), 0);
    expect(sends(r.outputs, 'dp')).toEqual([]);
    expect(r.outputs).toContainEqual(expect.objectContaining({ type: 'drop' }));
    expect(underlayDsts(recv(r.state, 'dp', ping(A, D), 1_000_000).outputs)).toEqual([H2]);
  });

  it('with learning off keeps flooding to the defaults', () => {
    const r = recv(start({ ...base.unicast, learning: false }), 'udp', vxlan(H3, H1, ping(D, A)), 0);
    expect(sends(r.outputs, 'dp')).toHaveLength(1);
    expect(macCount((r.state.context as VtepContext).fdb)).toBe(0);
    expect(underlayDsts(recv(r.state, 'dp', ping(A, D), 1).outputs)).toEqual([H2, H3]);
  });

  it('ages a learned entry out after 300 s', () => {
    const s = recv(start(base.multicast), 'udp', vxlan(H3, GROUP, ping(D, A)), 0).state;
    expect(underlayDsts(recv(s, 'dp', ping(A, D), 300_000).outputs)).toEqual([H3]);
    expect(underlayDsts(recv(s, 'dp', ping(A, D), 300_001).outputs)).toEqual([GROUP]);
    // Re-learning an aged entry is a fresh learn.
    const r = recv(s, 'udp', vxlan(H3, GROUP, ping(D, A)), 400_000);
    expect(r.outputs).toContainEqual(
      expect.objectContaining({ type: 'note', text: expect.stringContaining('learn') }),
    );
  });

  it('refreshes an entry on every received packet', () => {
    let s = recv(start(base.unicast), 'udp', vxlan(H3, H1, ping(D, A)), 0).state;
    s = recv(s, 'udp', vxlan(H3, H1, ping(D, A)), 200_000).state;
    expect(underlayDsts(recv(s, 'dp', ping(A, D), 450_000).outputs)).toEqual([H3]);
  });

  it('drops a packet with another VNI, without learning', () => {
    const r = recv(start(base.unicast), 'udp', vxlan(H3, H1, ping(D, A), VNI + 1), 0);
    expect(sends(r.outputs, 'dp')).toEqual([]);
    expect(r.outputs).toContainEqual(
      expect.objectContaining({ type: 'drop', reason: expect.stringContaining('VNI') }),
    );
    expect(macCount((r.state.context as VtepContext).fdb)).toBe(0);
  });

  it('drops its own multicast looped back', () => {
    const r = recv(start(base.multicast), 'udp', vxlan(H1, GROUP, ping(A, BROADCAST_MAC)), 0);
    expect(sends(r.outputs, 'dp')).toEqual([]);
    expect(macCount((r.state.context as VtepContext).fdb)).toBe(0);
  });
});

describe('vtep split horizon', () => {
  it('never sends a frame that came from the underlay back into it', () => {
    for (const v of ['multicast', 'unicast', 'zero-mac', 'remote'] as const) {
      for (const learning of [true, false]) {
        const dst = v === 'multicast' ? GROUP : H1;
        const r = recv(start({ ...base[v], learning }), 'udp', vxlan(H2, dst, ping(D, BROADCAST_MAC)), 0);
        expect(sends(r.outputs, 'udp')).toEqual([]);
        expect(sends(r.outputs, 'dp')).toHaveLength(1);
      }
    }
  });
});

describe('vtepDestinations', () => {
  it('a known MAC goes to its remote; a group MAC to the defaults', () => {
    const ctx = start({ ...base.unicast, staticFdb: { [D]: H3 } }).context as VtepContext;
    expect(vtepDestinations(ctx, ping(A, D), 0)).toEqual([H3]);
    expect(vtepDestinations(ctx, ping(A, BROADCAST_MAC), 0)).toEqual([H2, H3]);
  });
});
