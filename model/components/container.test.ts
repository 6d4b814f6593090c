import { describe, expect, it } from 'vitest';
import { BROADCAST_MAC } from '../addresses.ts';
import type { ComponentEvent, Output, SendOutput } from '../machine/io.ts';
import type { MachineState } from '../machine/plan.ts';
import { makeStepper } from '../network/step.ts';
import { type Arp, arpReply, arpRequest, type Frame, gratuitousArp, type Ipv4 } from '../packets.ts';
import {
  type ContainerContext,
  type ContainerInput,
  containerMachine,
  type NeighEntry,
} from './container.ts';

const stepper = makeStepper(containerMachine);

const A: ContainerInput = { name: 'A', mac: '02:00:00:00:00:01', ip: '198.18.0.1', subnet: '198.18.0.0/24' };
const B_MAC = '02:00:00:00:00:02';
const B_IP = '198.18.0.2';
const KEY = `neigh/${B_IP}`;

/** Feeds events one by one, keeping the snapshot; returns each event's outputs. */
function run(input: ContainerInput = A) {
  let snap: MachineState = stepper.initial(input).state;
  return {
    step(event: ComponentEvent): Output[] {
      const r = stepper.step(snap, event);
      snap = r.state;
      return r.outputs;
    },
    ping: (dst: string, ping: number, now: number) => ({ type: 'ping', dst, ping, now }) as const,
    recv: (packet: Frame, now: number) => ({ type: 'recv', port: 'eth0', packet, now }) as const,
    fire: (now: number, key = KEY) => ({ type: 'timer.fire', key, now }) as const,
    entry: (ip = B_IP): NeighEntry | undefined => (snap.context as ContainerContext).neigh[ip],
  };
}

const sends = (out: Output[]): SendOutput[] => out.filter((o): o is SendOutput => o.type === 'send');
const ofType = <T extends Output['type']>(out: Output[], t: T) => out.filter((o) => o.type === t);
const ipFrame = (src: string, dst: string, payload: Ipv4): Frame => ({ kind: 'frame', src, dst, payload });
const echo = (src: string, dst: string, icmp: Ipv4['icmp'], ping: number): Ipv4 => ({
  kind: 'ipv4',
  src,
  dst,
  icmp,
  ping,
});
function arpOf(f: Frame): Arp {
  if (f.payload.kind !== 'arp') throw new Error('not ARP');
  return f.payload;
}
const bRequest = arpRequest(A.mac, A.ip, B_IP);
const bReply = arpReply(arpOf(bRequest), B_MAC);

/** A with B REACHABLE since t=500 (ping 1 sent at 0, reply at 500). */
function resolved() {
  const c = run();
  c.step(c.ping(B_IP, 1, 0));
  c.step(c.recv(bReply, 500));
  return c;
}

describe('container', () => {
  it('announces its address with a gratuitous ARP when it starts, when asked to (as Weave attaches it)', () => {
    const { outputs } = stepper.initial({ ...A, announce: true });
    expect(outputs).toEqual([
      { type: 'send', port: 'eth0', packet: gratuitousArp(A.mac, A.ip), origin: true },
    ]);
  });

  it('sends nothing when it starts as a plain container (the default, as Linux adding an address)', () => {
    expect(stepper.initial(A).outputs).toEqual([]);
    expect(stepper.initial({ ...A, announce: false }).outputs).toEqual([]);
  });

  it('broadcasts three ARP requests at 0, 1 and 2 s, then FAILS at 3 s and drops the queued ping', () => {
    const c = run();
    const requestTimes: number[] = [];
    const first = c.step(c.ping(B_IP, 7, 0));
    requestTimes.push(...sends(first).map(() => 0));
    expect(sends(first)).toEqual([{ type: 'send', port: 'eth0', packet: bRequest, origin: true }]);
    expect(first).toContainEqual({ type: 'timer.set', key: KEY, at: 1000 });
    expect(c.entry()?.state).toBe('INCOMPLETE');
    for (const t of [1000, 2000]) {
      const out = c.step(c.fire(t));
      expect(sends(out).map((s) => s.packet)).toEqual([bRequest]);
      expect(out).toContainEqual({ type: 'timer.set', key: KEY, at: t + 1000 });
      requestTimes.push(...sends(out).map(() => t));
    }
    expect(requestTimes).toEqual([0, 1000, 2000]);
    const last = c.step(c.fire(3000));
    expect(sends(last)).toEqual([]);
    expect(ofType(last, 'timer.set')).toEqual([]);
    expect(ofType(last, 'drop')).toEqual([
      {
        type: 'drop',
        reason: expect.stringContaining(`neighbour ${B_IP} FAILED: no ARP reply after 3 requests`),
      },
    ]);
    expect(last).toContainEqual({ type: 'note', text: `neigh ${B_IP} INCOMPLETE -> FAILED` });
    expect(c.entry()).toMatchObject({ state: 'FAILED', queue: [] });
    expect(c.entry()?.mac).toBeUndefined();
  });

  it('queues while INCOMPLETE and flushes the queue in order when the reply comes', () => {
    const c = run();
    c.step(c.ping(B_IP, 1, 0));
    const second = c.step(c.ping(B_IP, 2, 100));
    expect(sends(second)).toEqual([]); // no second request: one is outstanding
    expect(c.entry()?.queue.map((p) => p.ping)).toEqual([1, 2]);
    const out = c.step(c.recv(bReply, 500));
    expect(sends(out)).toEqual([
      {
        type: 'send',
        port: 'eth0',
        packet: ipFrame(A.mac, B_MAC, echo(A.ip, B_IP, 'echo-request', 1)),
        origin: true,
      },
      {
        type: 'send',
        port: 'eth0',
        packet: ipFrame(A.mac, B_MAC, echo(A.ip, B_IP, 'echo-request', 2)),
        origin: true,
      },
    ]);
    expect(out).toContainEqual({ type: 'note', text: `neigh ${B_IP} INCOMPLETE -> REACHABLE ${B_MAC}` });
    expect(out).toContainEqual({ type: 'timer.set', key: KEY, at: 5500 });
    expect(c.entry()).toMatchObject({ state: 'REACHABLE', mac: B_MAC, queue: [], confirmed: 500 });
    // Now resolved: the next ping goes straight out, no ARP.
    const third = c.step(c.ping(B_IP, 3, 600));
    expect(sends(third).map((s) => s.packet)).toEqual([
      ipFrame(A.mac, B_MAC, echo(A.ip, B_IP, 'echo-request', 3)),
    ]);
  });

  it('drops the oldest queued packet when the unresolved queue is full', () => {
    const c = run({ ...A, neigh: { queueLen: 2 } });
    c.step(c.ping(B_IP, 1, 0));
    c.step(c.ping(B_IP, 2, 10));
    const out = c.step(c.ping(B_IP, 3, 20));
    expect(ofType(out, 'drop')).toEqual([
      { type: 'drop', reason: expect.stringContaining('dropped oldest ping 1') },
    ]);
    expect(c.entry()?.queue.map((p) => p.ping)).toEqual([2, 3]);
  });

  it('moves REACHABLE to STALE after base_reachable_time (5 s), not before', () => {
    const c = resolved();
    const early = c.step(c.fire(3000));
    expect(early).toEqual([{ type: 'timer.set', key: KEY, at: 5500 }]);
    expect(c.entry()?.state).toBe('REACHABLE');
    const out = c.step(c.fire(5500));
    expect(out).toEqual([{ type: 'note', text: `neigh ${B_IP} REACHABLE -> STALE ${B_MAC}` }]);
    expect(c.entry()?.state).toBe('STALE');
  });

  it('moves REACHABLE to DELAY instead when it was used within delay_first_probe_time (neigh_timer_handler)', () => {
    // Resolved by ping 1 at 0 (used then), reachable 1 s, delay_first_probe_time 3 s: at 1.5 s the entry was
    // used 1.5 s ago, so it is delayed and probed 3 s later; with 1 s it would have been suspected (STALE).
    const c = run({ ...A, neigh: { baseReachableMs: 1000, delayFirstProbeMs: 3000 } });
    c.step(c.ping(B_IP, 1, 0));
    c.step(c.recv(bReply, 500));
    const out = c.step(c.fire(1500));
    expect(out).toEqual([
      { type: 'note', text: `neigh ${B_IP} REACHABLE -> DELAY ${B_MAC}` },
      { type: 'timer.set', key: KEY, at: 4500 },
    ]);
    const probe = c.step(c.fire(4500));
    expect(sends(probe).map((s) => (s.packet as Frame).dst)).toEqual([B_MAC]);
    expect(c.entry()?.state).toBe('PROBE');
    const quick = run({ ...A, neigh: { baseReachableMs: 1000, delayFirstProbeMs: 1000 } });
    quick.step(quick.ping(B_IP, 1, 0));
    quick.step(quick.recv(bReply, 500));
    quick.step(quick.fire(1500));
    expect(quick.entry()?.state).toBe('STALE');
  });

  it('STALE send -> DELAY -> PROBE (unicast request to the cached MAC) -> FAILED, then resolves afresh', () => {
    const c = resolved();
    c.step(c.fire(5500));
    const send = c.step(c.ping(B_IP, 2, 6000));
    expect(sends(send).map((s) => s.packet)).toEqual([
      ipFrame(A.mac, B_MAC, echo(A.ip, B_IP, 'echo-request', 2)),
    ]);
    expect(send).toContainEqual({ type: 'timer.set', key: KEY, at: 8000 });
    expect(c.entry()?.state).toBe('DELAY');
    const probe = c.step(c.fire(8000));
    expect(sends(probe)).toEqual([
      { type: 'send', port: 'eth0', packet: arpRequest(A.mac, A.ip, B_IP, B_MAC), origin: true },
    ]);
    expect(probe).toContainEqual({ type: 'timer.set', key: KEY, at: 9000 });
    expect(c.entry()?.state).toBe('PROBE');
    const fail = c.step(c.fire(9000));
    expect(sends(fail)).toEqual([]);
    expect(c.entry()?.state).toBe('FAILED');
    expect(c.entry()?.mac).toBeUndefined();
    // The old MAC is out of use: the next ping starts a broadcast resolution.
    const again = c.step(c.ping(B_IP, 3, 9500));
    expect(sends(again).map((s) => s.packet)).toEqual([bRequest]);
    expect(c.entry()?.state).toBe('INCOMPLETE');
  });

  it('DELAY -> REACHABLE when a reply comes during DELAY', () => {
    const c = resolved();
    c.step(c.fire(5500));
    c.step(c.ping(B_IP, 2, 6000));
    const out = c.step(c.recv(arpReply(arpOf(arpRequest(A.mac, A.ip, B_IP, B_MAC)), B_MAC), 7000));
    expect(out).toContainEqual({ type: 'note', text: `neigh ${B_IP} DELAY -> REACHABLE ${B_MAC}` });
    expect(out).toContainEqual({ type: 'timer.set', key: KEY, at: 12000 });
    expect(c.entry()).toMatchObject({ state: 'REACHABLE', confirmed: 7000 });
    // The timer (re-set to the reachable check) finds it still reachable and does not probe.
    const fire = c.step(c.fire(8000));
    expect(sends(fire)).toEqual([]);
    expect(c.entry()?.state).toBe('REACHABLE');
  });

  it('answers an ARP request for its own IP, straight to the requester, and records it STALE', () => {
    const c = run();
    const req = arpRequest(B_MAC, B_IP, A.ip);
    const out = c.step(c.recv(req, 0));
    expect(sends(out)).toEqual([
      { type: 'send', port: 'eth0', packet: arpReply(arpOf(req), A.mac), origin: true },
    ]);
    expect(sends(out).map((s) => (s.packet as Frame).dst)).toEqual([B_MAC]);
    expect(c.entry()).toMatchObject({ state: 'STALE', mac: B_MAC });
    // Sending to B now uses the MAC at once (and starts the DELAY clock): no ARP request.
    const ping = c.step(c.ping(B_IP, 1, 100));
    expect(sends(ping).map((s) => s.packet)).toEqual([
      ipFrame(A.mac, B_MAC, echo(A.ip, B_IP, 'echo-request', 1)),
    ]);
    expect(c.entry()?.state).toBe('DELAY');
  });

  it('keeps the state when a request repeats the same MAC, and goes STALE on a new one', () => {
    const c = resolved();
    c.step(c.recv(arpRequest(B_MAC, B_IP, A.ip), 600));
    expect(c.entry()?.state).toBe('REACHABLE');
    c.step(c.recv(arpRequest('02:00:00:00:00:22', B_IP, A.ip), 700));
    expect(c.entry()).toMatchObject({ state: 'STALE', mac: '02:00:00:00:00:22' });
  });

  it('a request from the neighbour it is resolving makes the entry STALE and releases the queue', () => {
    const c = run();
    c.step(c.ping(B_IP, 1, 0));
    const out = c.step(c.recv(arpRequest(B_MAC, B_IP, A.ip), 200));
    expect(sends(out).map((s) => (s.packet as Frame).dst)).toEqual([B_MAC, B_MAC]); // ARP reply and ping 1
    expect(sends(out).some((s) => ((s.packet as Frame).payload as Ipv4).ping === 1)).toBe(true);
    expect(c.entry()).toMatchObject({ state: 'DELAY', mac: B_MAC, queue: [] });
  });

  it('does not create an entry from a request for another IP, nor from a gratuitous ARP', () => {
    const c = run();
    const out = c.step(c.recv(arpRequest(B_MAC, B_IP, '198.18.0.3'), 0));
    expect(sends(out)).toEqual([]);
    expect(ofType(out, 'drop')).toEqual([{ type: 'drop', reason: 'ARP who-has 198.18.0.3: not my address' }]);
    expect(c.entry()).toBeUndefined();
    const garp = c.step(c.recv(gratuitousArp(B_MAC, B_IP), 10));
    expect(sends(garp)).toEqual([]);
    expect(ofType(garp, 'drop')).toHaveLength(1);
    expect(c.entry()).toBeUndefined();
  });

  it('a gratuitous ARP with a new MAC updates an existing entry to STALE at once, even within locktime', () => {
    const c = resolved();
    // Resolved at 500; arp_is_garp overrides locktime.
    c.step(c.recv(gratuitousArp('02:00:00:00:00:22', B_IP), 600));
    expect(c.entry()).toMatchObject({ state: 'STALE', mac: '02:00:00:00:00:22' });
  });

  it('another request naming the neighbour with a new MAC is ignored up to locktime (1 s) after a change', () => {
    const c = resolved();
    // B's address, a new MAC, asking for a third address: not gratuitous, not for A.
    const other = arpRequest('02:00:00:00:00:22', B_IP, '198.18.0.9');
    const out = c.step(c.recv(other, 1500));
    expect(c.entry()).toMatchObject({ state: 'REACHABLE', mac: B_MAC });
    expect(ofType(out, 'drop')[0]).toMatchObject({ reason: expect.stringMatching(/locktime/) });
    // time_after is strict: at exactly updated + locktime the entry is still locked; a moment later it is not.
    c.step(c.recv(other, 1501));
    expect(c.entry()).toMatchObject({ state: 'STALE', mac: '02:00:00:00:00:22' });
  });

  it('arping -A from a new MAC (a broadcast reply naming its own MAC) overrides within locktime: STALE', () => {
    const c = resolved();
    const mac = '02:00:00:00:00:22';
    const answer: Frame = {
      kind: 'frame',
      src: mac,
      dst: BROADCAST_MAC,
      payload: { kind: 'arp', op: 'reply', senderMac: mac, senderIp: B_IP, targetMac: mac, targetIp: B_IP },
    };
    c.step(c.recv(answer, 600));
    expect(c.entry()).toMatchObject({ state: 'STALE', mac });
  });

  it('a unicast reply from another MAC within locktime is ignored, but still confirms the neighbour', () => {
    const c = resolved();
    const late = arpReply(arpOf(bRequest), '02:00:00:00:00:22');
    c.step(c.recv(late, 900));
    expect(c.entry()).toMatchObject({ state: 'REACHABLE', mac: B_MAC, confirmed: 900 });
  });

  it('a request for its own address overrides within locktime (neigh_event_ns)', () => {
    const c = resolved();
    c.step(c.recv(arpRequest('02:00:00:00:00:22', B_IP, A.ip), 600));
    expect(c.entry()).toMatchObject({ state: 'STALE', mac: '02:00:00:00:00:22' });
  });

  it('ignores an unsolicited ARP reply (arp_accept=0)', () => {
    const c = run();
    const out = c.step(c.recv(bReply, 0));
    expect(sends(out)).toEqual([]);
    expect(ofType(out, 'drop')).toHaveLength(1);
    expect(c.entry()).toBeUndefined();
  });

  it('drops frames for other MACs, and IPv4 for other addresses', () => {
    const c = run();
    const other = ipFrame(B_MAC, '02:00:00:00:00:99', echo(B_IP, A.ip, 'echo-request', 1));
    const out = c.step(c.recv(other, 0));
    expect(out).toEqual([{ type: 'drop', reason: 'not for this interface (dst 02:00:00:00:00:99)' }]);
    const notMine = c.step(c.recv(ipFrame(B_MAC, A.mac, echo(B_IP, '198.18.0.9', 'echo-request', 1)), 0));
    expect(notMine).toEqual([{ type: 'drop', reason: '198.18.0.9: not my address (ip_forward off)' }]);
    const bcastArp = c.step(c.recv(arpRequest(B_MAC, B_IP, A.ip, BROADCAST_MAC), 0));
    expect(sends(bcastArp)).toHaveLength(1);
  });

  it('delivers an echo request and answers with an echo reply', () => {
    const c = run();
    c.step(c.recv(arpRequest(B_MAC, B_IP, A.ip), 0)); // B resolved A first, as it would
    const req = ipFrame(B_MAC, A.mac, echo(B_IP, A.ip, 'echo-request', 4));
    const out = c.step(c.recv(req, 10));
    expect(ofType(out, 'deliver')).toEqual([{ type: 'deliver', packet: req }]);
    expect(sends(out)).toEqual([
      {
        type: 'send',
        port: 'eth0',
        packet: ipFrame(A.mac, B_MAC, echo(A.ip, B_IP, 'echo-reply', 4)),
        origin: true,
      },
    ]);
    // An echo reply is delivered and not answered.
    const reply = c.step(c.recv(ipFrame(B_MAC, A.mac, echo(B_IP, A.ip, 'echo-reply', 5)), 20));
    expect(ofType(reply, 'deliver')).toHaveLength(1);
    expect(sends(reply)).toEqual([]);
  });

  it('resolves the requester before replying when it has no entry for it', () => {
    const c = run();
    const out = c.step(c.recv(ipFrame(B_MAC, A.mac, echo(B_IP, A.ip, 'echo-request', 4)), 10));
    expect(ofType(out, 'deliver')).toHaveLength(1);
    expect(sends(out).map((s) => s.packet)).toEqual([bRequest]);
    expect(c.entry()?.queue).toEqual([echo(A.ip, B_IP, 'echo-reply', 4)]);
  });

  it('drops a ping to an address outside its subnet', () => {
    const c = run();
    const out = c.step(c.ping('198.19.0.5', 1, 0));
    expect(out).toEqual([
      { type: 'drop', reason: 'no route to 198.19.0.5 (not in 198.18.0.0/24; the model has no gateway)' },
    ]);
  });

  it('pings itself over loopback: request and reply delivered, nothing sent', () => {
    const c = run();
    const out = c.step(c.ping(A.ip, 1, 0));
    expect(sends(out)).toEqual([]);
    expect(ofType(out, 'deliver').map((d) => ((d as { packet: Frame }).packet.payload as Ipv4).icmp)).toEqual(
      ['echo-request', 'echo-reply'],
    );
  });

  it('stopped: its neighbour table is gone, it sends and takes nothing; started again: announced, table empty', () => {
    const c = resolved();
    expect(c.entry()?.state).toBe('REACHABLE');
    let st = c.step({ type: 'container.stop', now: 1000 });
    expect(st).toEqual([]);
    expect(c.entry()).toBeUndefined();
    st = c.step(c.ping(B_IP, 2, 1100));
    expect(st).toEqual([{ type: 'drop', reason: 'container stopped: ping 2 not sent' }]);
    st = c.step(c.recv(bReply, 1200));
    expect(st).toEqual([{ type: 'drop', reason: 'container stopped: no eth0' }]);
    st = c.step({
      type: 'container.start',
      ip: A.ip,
      mac: A.mac,
      subnet: A.subnet,
      announce: true,
      now: 2000,
    });
    expect(st).toEqual([{ type: 'send', port: 'eth0', packet: gratuitousArp(A.mac, A.ip), origin: true }]);
    expect(sends(c.step(c.ping(B_IP, 3, 2100))).map((s) => s.packet)).toEqual([bRequest]);
  });
});

describe('arping (raw ARP from the timeline)', () => {
  const arping = (mode: 'request' | 'unsolicited' | 'answer', target: string, now: number, source?: string) =>
    ({ type: 'arping', mode, target, now, ...(source && { source }) }) as const;

  it('sends one broadcast request from its own address, keeping nothing of it', () => {
    const c = run();
    const [s] = sends(c.step(arping('request', B_IP, 0)));
    expect(s!.packet).toMatchObject({ dst: BROADCAST_MAC, src: A.mac });
    expect(arpOf(s!.packet as Frame)).toMatchObject({ op: 'request', senderIp: A.ip, targetIp: B_IP });
    expect(c.entry()).toBeUndefined();
  });

  it('sends nothing for a request outside its subnet without -s (no route to connect to)', () => {
    const c = run();
    const out = c.step(arping('request', '198.19.0.1', 0));
    expect(sends(out)).toEqual([]);
    expect(ofType(out, 'drop')[0]).toMatchObject({ reason: expect.stringMatching(/Network is unreachable/) });
  });

  it('-U announces the target in a request, -A in a broadcast reply naming its own MAC; -s sets the sender', () => {
    const c = run();
    expect(arpOf(sends(c.step(arping('unsolicited', B_IP, 0)))[0]!.packet as Frame)).toMatchObject({
      op: 'request',
      senderIp: B_IP,
      targetIp: B_IP,
      senderMac: A.mac,
    });
    const answer = sends(c.step(arping('answer', A.ip, 0)))[0]!.packet as Frame;
    expect(answer.dst).toBe(BROADCAST_MAC);
    expect(arpOf(answer)).toMatchObject({ op: 'reply', senderIp: A.ip, targetIp: A.ip, targetMac: A.mac });
    const spoofed = sends(c.step(arping('request', B_IP, 0, '198.18.0.9')))[0]!.packet as Frame;
    expect(arpOf(spoofed)).toMatchObject({ senderIp: '198.18.0.9', senderMac: A.mac });
  });

  it('a stopped container sends nothing', () => {
    const c = run();
    c.step({ type: 'container.stop', now: 0 });
    expect(sends(c.step(arping('request', B_IP, 1)))).toEqual([]);
  });
});

describe('a broadcast ARP reply (arping -A)', () => {
  const answer = (mac: string): Frame => ({
    kind: 'frame',
    src: mac,
    dst: BROADCAST_MAC,
    payload: { kind: 'arp', op: 'reply', senderMac: mac, senderIp: B_IP, targetMac: mac, targetIp: B_IP },
  });

  it('creates no entry (arp_accept=0)', () => {
    const c = run();
    c.step(c.recv(answer(B_MAC), 0));
    expect(c.entry()).toBeUndefined();
  });

  it('moves an entry to the announced MAC as STALE, not REACHABLE: it asserts no reachability', () => {
    const c = resolved();
    c.step(c.recv(answer('02:00:00:00:00:99'), 2000));
    expect(c.entry()).toMatchObject({ state: 'STALE', mac: '02:00:00:00:00:99' });
  });
});

describe('a static neighbour entry (ip neigh replace ... nud permanent)', () => {
  const permanent = (mac: string, now: number) => ({ type: 'neigh.permanent', ip: B_IP, mac, now }) as const;
  const WRONG = '02:00:00:00:00:77';

  it('pings go straight to its MAC, with no ARP, whoever owns it', () => {
    const c = run();
    c.step(permanent(WRONG, 0));
    const [s] = sends(c.step(c.ping(B_IP, 1, 10)));
    expect(s!.packet).toMatchObject({ dst: WRONG, payload: { kind: 'ipv4', dst: B_IP } });
    expect(c.entry()).toMatchObject({ state: 'PERMANENT', mac: WRONG });
  });

  it('ARP never changes it: neither a reply nor a request from the owner', () => {
    const c = run();
    c.step(permanent(WRONG, 0));
    c.step(c.recv(bReply, 10));
    c.step(c.recv(arpRequest(B_MAC, B_IP, A.ip), 20));
    expect(c.entry()).toMatchObject({ state: 'PERMANENT', mac: WRONG });
  });

  it('set while resolving, releases the queued packets to its MAC and stops the resolution timer', () => {
    const c = run();
    c.step(c.ping(B_IP, 1, 0));
    const out = c.step(permanent(B_MAC, 100));
    expect(sends(out).map((s) => s.packet)).toMatchObject([{ dst: B_MAC, payload: { ping: 1 } }]);
    expect(ofType(out, 'timer.clear')).toEqual([{ type: 'timer.clear', key: KEY }]);
  });

  it('is gone with the namespace: a restarted container resolves again', () => {
    const c = run();
    c.step(permanent(WRONG, 0));
    c.step({ type: 'container.stop', now: 10 });
    c.step({ type: 'container.start', ip: A.ip, mac: A.mac, subnet: A.subnet, announce: false, now: 20 });
    expect(c.entry()).toBeUndefined();
  });
});
