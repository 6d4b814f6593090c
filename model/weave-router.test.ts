import { describe, expect, it } from 'vitest';
import { emptyMacTable, macGet, macTableOf } from './mac-table.ts';
import { type Arp, arpReply, arpRequest, type Frame } from './packets.ts';
import { meshRoutes, peerGraph } from './routing.ts';
import {
  handleCapturedPacket,
  handleForwardedPacket,
  MAC_MAX_AGE_MS,
  type MacCache,
  macPeer,
  type RouterView,
} from './weave-router.ts';

const A = '02:00:00:00:00:0a'; // on h1
const D = '02:00:00:00:00:0d'; // on h3
const line = peerGraph(
  ['h1', 'h2', 'h3'],
  [
    ['h1', 'h2'],
    ['h2', 'h3'],
  ],
);
const triangle = peerGraph(
  ['h1', 'h2', 'h3'],
  [
    ['h1', 'h2'],
    ['h2', 'h3'],
    ['h1', 'h3'],
  ],
);

function at(self: string, macs: MacCache = emptyMacTable(), now = 0, g = line): RouterView {
  return { self, routes: meshRoutes(g, self), macs, now };
}

const who: Frame = arpRequest(A, '198.18.0.1', '198.18.0.4');
const reply: Frame = arpReply(who.payload as Arp, D);

describe('handleCapturedPacket', () => {
  it('learns the source as local and floods a broadcast along our own tree', () => {
    const d = handleCapturedPacket(at('h1'), who);
    expect(d.learned).toEqual({ mac: A, peer: 'h1' });
    expect(macPeer(d.macs, A, 0)).toBe('h1');
    expect(d.inject).toBe(false);
    expect(d.relay).toEqual([{ hop: 'h2', srcPeer: 'h1', dstPeer: 'h2' }]);
  });

  it('floods unknown unicast like a broadcast', () => {
    const frame: Frame = { ...who, dst: D };
    expect(handleCapturedPacket(at('h2'), frame).relay.map((r) => r.hop)).toEqual(['h1', 'h3']);
  });

  it('sends one copy per neighbour that the tree from the source has not reached (triangle)', () => {
    expect(handleCapturedPacket(at('h1', {}, 0, triangle), who).relay.map((r) => r.hop)).toEqual([
      'h2',
      'h3',
    ]);
    const d = handleForwardedPacket(at('h2', {}, 0, triangle), { srcPeer: 'h1', dstPeer: 'h2', frame: who });
    expect(d.inject).toBe(true);
    expect(d.relay).toEqual([]);
  });

  it('drops a frame whose source MAC the cache places at another peer (our own injection)', () => {
    const macs = macTableOf([[A, { peer: 'h3', seen: 0, state: 'remote' as const }]]);
    const d = handleCapturedPacket(at('h1', macs, 1000), who);
    expect(d.drop).toMatch(/at peer h3: probably our own injection/);
    expect(d.relay).toEqual([]);
    expect(d.macs).toBe(macs);
  });

  it('a non-forced add overwrites an entry that has aged out', () => {
    const macs = macTableOf([[A, { peer: 'h3', seen: 0, state: 'remote' as const }]]);
    const d = handleCapturedPacket(at('h1', macs, MAC_MAX_AGE_MS + 1), who);
    expect(d.drop).toBeUndefined();
    expect(d.learned).toEqual({ mac: A, peer: 'h1' });
  });

  it('drops a frame for a local MAC: the bridge delivered it', () => {
    const macs = macTableOf([[D, { peer: 'h1', seen: 0, state: 'local' as const }]]);
    const d = handleCapturedPacket(at('h1', macs), { ...who, dst: D });
    expect(d.drop).toMatch(/local: the bridge delivered it/);
    expect(d.relay).toEqual([]);
  });

  it('unicasts to a MAC learned at a peer via the unicast next hop', () => {
    const macs = macTableOf([[A, { peer: 'h1', seen: 0, state: 'remote' as const }]]);
    const d = handleCapturedPacket(at('h3', macs), reply);
    expect(d.learned).toEqual({ mac: D, peer: 'h3' });
    expect(d.relay).toEqual([{ hop: 'h2', srcPeer: 'h3', dstPeer: 'h1' }]);
  });

  it('drops spanning-tree BPDUs', () => {
    expect(handleCapturedPacket(at('h1'), { ...who, dst: '01:80:c2:00:00:00' }).drop).toBe('STP frame');
  });

  it('with no peers, a broadcast is dropped', () => {
    const solo = peerGraph(['h1'], []);
    const d = handleCapturedPacket(at('h1', {}, 0, solo), who);
    expect(d.relay).toEqual([]);
    expect(d.drop).toMatch(/no peers/);
  });
});

describe('handleForwardedPacket', () => {
  it('relays a frame for another peer unchanged, without learning', () => {
    const fwd = { srcPeer: 'h3', dstPeer: 'h1', frame: reply };
    const d = handleForwardedPacket(at('h2'), fwd);
    expect(d).toEqual({
      macs: emptyMacTable(),
      inject: false,
      relay: [{ hop: 'h1', srcPeer: 'h3', dstPeer: 'h1' }],
    });
  });

  it('force-learns the source at the capturing peer, overwriting a local entry', () => {
    const macs = macTableOf([[D, { peer: 'h1', seen: 0, state: 'local' as const }]]);
    const d = handleForwardedPacket(at('h1', macs, 5), { srcPeer: 'h3', dstPeer: 'h1', frame: reply });
    expect(d.learned).toEqual({ mac: D, peer: 'h3', was: 'h1' });
    expect(macPeer(d.macs, D, 5)).toBe('h3');
  });

  it('does not relay further when the destination is known local', () => {
    const macs = macTableOf([[A, { peer: 'h1', seen: 0, state: 'local' as const }]]);
    const d = handleForwardedPacket(at('h1', macs), { srcPeer: 'h3', dstPeer: 'h1', frame: reply });
    expect(d.inject).toBe(true);
    expect(d.relay).toEqual([]);
  });

  it("floods a unicast for us whose destination is not local along the source's tree", () => {
    const frame: Frame = { ...reply, dst: '02:00:00:00:00:99' };
    const d = handleForwardedPacket(at('h2'), { srcPeer: 'h3', dstPeer: 'h2', frame });
    expect(d.inject).toBe(true);
    expect(d.relay).toEqual([{ hop: 'h1', srcPeer: 'h3', dstPeer: 'h1' }]);
  });
});

describe('MAC cache ageing', () => {
  it('an entry expires lazily after 10 minutes', () => {
    const d = handleCapturedPacket(at('h1', {}, 1000), who);
    expect(macPeer(d.macs, A, 1000 + MAC_MAX_AGE_MS)).toBe('h1');
    expect(macPeer(d.macs, A, 1001 + MAC_MAX_AGE_MS)).toBeUndefined();
  });

  it('an expired destination is flooded again instead of unicast', () => {
    const macs = macTableOf([[A, { peer: 'h1', seen: 0, state: 'remote' as const }]]);
    const fresh = handleCapturedPacket(at('h3', macs, MAC_MAX_AGE_MS), reply);
    expect(fresh.relay).toEqual([{ hop: 'h2', srcPeer: 'h3', dstPeer: 'h1' }]);
    const stale = handleCapturedPacket(at('h3', macs, MAC_MAX_AGE_MS + 1), reply);
    expect(stale.relay).toEqual([{ hop: 'h2', srcPeer: 'h3', dstPeer: 'h2' }]);
  });

  it('refreshes lastSeen at most once per maxAge/10', () => {
    const v0 = handleCapturedPacket(at('h1'), who);
    const v1 = handleCapturedPacket(at('h1', v0.macs, 30_000), who);
    expect(v1.macs).toBe(v0.macs);
    expect(v1.learned).toBeUndefined();
    const v2 = handleCapturedPacket(at('h1', v1.macs, 60_000), who);
    expect(macGet(v2.macs, A)).toEqual({ peer: 'h1', seen: 60_000, state: 'local' });
    expect(v2.learned).toBeUndefined();
  });
});
