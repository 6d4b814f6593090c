/** The Linux bridge alone: learning, forwarding, flooding and ageing (`br_fdb_update`, `br_handle_frame_finish`,
 *  `br_fdb_find`'s ageing check). */
import { describe, expect, it } from 'vitest';
import { macEntries } from '../mac-table.ts';
import type { Output } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import { makeStepper } from '../network/step.ts';
import { arpRequest, type Frame } from '../packets.ts';
import { type BridgeContext, bridgeMachine } from './bridge.ts';

const stepper = makeStepper(bridgeMachine);
const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const GROUP = '01:00:5e:00:00:01';
const frame = (src: string, dst: string): Frame => ({
  kind: 'frame',
  src,
  dst,
  payload: { kind: 'ipv4', src: '198.18.0.1', dst: '198.18.0.2', icmp: 'echo-request', ping: 1 },
});

/** The bridge device's MAC, when the bridge has it as a port of its own (`local`). */
const DEV = '02:00:00:00:01:01';

function bridge(ageingMs?: number, local = false) {
  let state: MachineState = stepper.initial({
    ports: ['p1', 'p2', 'p3', ...(local ? ['local'] : [])],
    ...(ageingMs && { ageingMs }),
    ...(local && { local: { port: 'local', mac: DEV } }),
  }).state;
  return {
    recv(port: string, f: Frame | { kind: 'vxlan' }, now: number): Output[] {
      const r = stepper.step(state, { type: 'recv', port, packet: f as Frame, now });
      state = r.state;
      return r.outputs;
    },
    port(type: 'port.up' | 'port.down', port: string, now: number): Output[] {
      const r = stepper.step(state, { type, port, now });
      state = r.state;
      return r.outputs;
    },
    get ctx() {
      return state.context as BridgeContext;
    },
  };
}
const sentOn = (out: Output[]) => out.flatMap((o) => (o.type === 'send' ? [o.port] : []));
const notes = (out: Output[]) => out.flatMap((o) => (o.type === 'note' ? [o.text] : []));

describe('the bridge device as a port of its own (local)', () => {
  it('hands it frames for its MAC and nothing else, whatever was learned', () => {
    const b = bridge(undefined, true);
    expect(sentOn(b.recv('p1', frame(A, DEV), 0))).toEqual(['local']);
    // Its own MAC arriving on a port is not learned there (br_fdb_update refuses a local entry).
    b.recv('p2', frame(DEV, A), 1);
    expect(macEntries(b.ctx.fdb).map(([m]) => m)).toEqual([A]);
    expect(sentOn(b.recv('p3', frame(B, DEV), 2))).toEqual(['local']);
  });
  it('floods it broadcast and multicast, but not unknown unicast (the device is not promiscuous)', () => {
    const b = bridge(undefined, true);
    expect(sentOn(b.recv('p1', arpRequest(A, '198.18.0.1', '198.18.0.2'), 0))).toEqual(['p2', 'p3', 'local']);
    expect(sentOn(b.recv('p1', frame(A, GROUP), 0))).toEqual(['p2', 'p3', 'local']);
    expect(sentOn(b.recv('p1', frame(A, B), 0))).toEqual(['p2', 'p3']);
  });
  it('forwards what it sends like any frame, without learning its MAC', () => {
    const b = bridge(undefined, true);
    b.recv('p2', frame(B, A), 0);
    expect(sentOn(b.recv('local', frame(DEV, B), 1))).toEqual(['p2']);
    expect(sentOn(b.recv('local', frame(DEV, A), 1))).toEqual(['p1', 'p2', 'p3']);
    expect(macEntries(b.ctx.fdb).map(([m]) => m)).toEqual([B]);
  });
});

describe('bridge', () => {
  it('floods an unknown unicast to every port but the ingress one, and learns its source there', () => {
    const b = bridge();
    const out = b.recv('p1', frame(A, B), 0);
    expect(sentOn(out)).toEqual(['p2', 'p3']);
    expect(notes(out)).toEqual([`learn ${A} on p1`]);
    expect(macEntries(b.ctx.fdb)).toEqual([[A, { port: 'p1', seen: 0 }]]);
  });

  it('forwards a known unicast to its port only, and drops one whose destination is on the ingress port', () => {
    const b = bridge();
    b.recv('p1', frame(A, B), 0);
    expect(sentOn(b.recv('p2', frame(B, A), 10))).toEqual(['p1']);
    const back = b.recv('p1', frame(B, A), 20);
    expect(sentOn(back)).toEqual([]);
    expect(back).toContainEqual({ type: 'drop', reason: `${A} is on the ingress port p1` });
  });

  it('floods broadcast and multicast even to a learned port, and never learns a group source', () => {
    const b = bridge();
    b.recv('p2', frame(B, A), 0);
    expect(sentOn(b.recv('p1', arpRequest(A, '198.18.0.1', '198.18.0.2'), 5))).toEqual(['p2', 'p3']);
    expect(sentOn(b.recv('p1', frame(A, GROUP), 6))).toEqual(['p2', 'p3']);
    expect(notes(b.recv('p3', frame(GROUP, A), 7))).toEqual([]);
    expect(macEntries(b.ctx.fdb).map(([m]) => m)).toEqual([A, B]);
  });

  it('moves a MAC seen on another port, noting it; refreshing on the same port notes nothing', () => {
    const b = bridge();
    b.recv('p1', frame(A, B), 0);
    expect(notes(b.recv('p1', frame(A, B), 100))).toEqual([]);
    expect(notes(b.recv('p3', frame(A, B), 200))).toEqual([`learn ${A} on p3`]);
    expect(macEntries(b.ctx.fdb)).toEqual([[A, { port: 'p3', seen: 200 }]]);
  });

  it('keeps the same table for a frame at the same instant from the same port', () => {
    const b = bridge();
    b.recv('p1', frame(A, B), 0);
    const before = b.ctx.fdb;
    b.recv('p1', frame(A, B), 0);
    expect(b.ctx.fdb).toBe(before);
    b.recv('p1', frame(A, B), 1);
    expect(b.ctx.fdb).not.toBe(before);
  });

  it('ages an entry after ageing_time: used up to the boundary, flooded after it, learned afresh', () => {
    const b = bridge(1000);
    b.recv('p1', frame(A, B), 0);
    expect(sentOn(b.recv('p2', frame(B, A), 1000))).toEqual(['p1']);
    expect(sentOn(b.recv('p2', frame(B, A), 1001))).toEqual(['p1', 'p3']);
    // An aged entry seen again on its own port is learned afresh: noted as new.
    expect(notes(b.recv('p1', frame(A, B), 5000))).toEqual([`learn ${A} on p1`]);
  });

  it('uses 300 s, Linux ageing_time, when none is given', () => {
    const b = bridge();
    b.recv('p1', frame(A, B), 0);
    expect(sentOn(b.recv('p2', frame(B, A), 300_000))).toEqual(['p1']);
    expect(sentOn(b.recv('p2', frame(B, A), 300_001))).toEqual(['p1', 'p3']);
  });

  it('drops what is not an Ethernet frame', () => {
    expect(bridge().recv('p1', { kind: 'vxlan' }, 0)).toEqual([
      { type: 'drop', reason: 'not an Ethernet frame: vxlan' },
    ]);
  });

  it('forgets the MACs learned on a port that goes down (br_fdb_delete_by_port), and floods to a port that comes up', () => {
    const b = bridge();
    b.recv('p1', frame(A, B), 0);
    b.recv('p2', frame(B, A), 0);
    expect(notes(b.port('port.down', 'p1', 10))).toEqual([`port p1 removed: flush ${A}`]);
    expect(macEntries(b.ctx.fdb)).toEqual([[B, { port: 'p2', seen: 0 }]]);
    expect(b.ctx.ports).toEqual(['p2', 'p3']);
    // A is unknown now: flooded, and not to the port that is gone.
    expect(sentOn(b.recv('p2', frame(B, A), 20))).toEqual(['p3']);
    expect(b.port('port.down', 'p1', 30)).toEqual([]);
    b.port('port.up', 'p4', 40);
    expect(sentOn(b.recv('p2', frame(B, A), 50))).toEqual(['p3', 'p4']);
    b.port('port.up', 'p4', 60);
    expect(b.ctx.ports).toEqual(['p2', 'p3', 'p4']);
  });
});
