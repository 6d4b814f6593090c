import { describe, expect, it } from 'vitest';
import { costsOf } from './costs-page.ts';

describe('costs on the standard workload', () => {
  it('delivers all six packets under every configuration of the default scope', () => {
    for (const id of [
      'sleeve/proxy-arp',
      'sleeve/upstream',
      'fdp/h1/unicast',
      'fdp/h2/multicast',
      'fdp/h3/zero-mac',
      'fdp/upstream',
    ])
      expect(costsOf(id).delivered, id).toBe(6);
  });

  it('Sleeve: ARP never crosses with proxy ARP; four crossings per cross-host packet', () => {
    const c = costsOf('sleeve/proxy-arp');
    expect(c.underlaySent.arp).toBe(0);
    // A->D twice and E->B: 6 packets, each captured, sent, received and injected; and 4 ARP requests
    // (A for D, D for A, E for B, B for E), each captured and answered by an injected reply.
    expect(c.crossings).toBe(6 * 4 + 4 * 2);
    expect(c.upcalls).toBe(0);
  });

  it('V1 sends one packet to the group per broadcast; V2 and V3 one per other vtep', () => {
    const v1 = costsOf('fdp/h3/multicast');
    const v2 = costsOf('fdp/h3/unicast');
    const v3 = costsOf('fdp/h3/zero-mac');
    // Two ARP resolutions cross (A for D, E for B) and are broadcast; each is also answered by unicast.
    expect(v2.underlaySent.arp - v1.underlaySent.arp).toBe(2);
    expect(v3).toEqual(v2);
    // The group packet reaches both other hosts: deliveries are the same as with two copies.
    expect(v1.underlayReceived).toBe(v2.underlayReceived);
  });

  it('H1 resolves remote neighbours without a single underlay ARP packet', () => {
    expect(costsOf('fdp/h1/unicast').underlaySent.arp).toBe(0);
  });

  it('H2 floods every cross-host frame: the vtep never learns the fake MACs', () => {
    const h2 = costsOf('fdp/h2/unicast');
    const h3 = costsOf('fdp/h3/unicast');
    expect(h2.underlaySent.ipv4).toBeGreaterThan(h3.underlaySent.ipv4);
    // Frames H2 floods (its vtep never learns the fake MACs) reach containers they are not for.
    expect(h2.otherhost).toBe(6);
  });

  it('upstream FDP upcalls on misses only, and keeps no vtep FDB', () => {
    const c = costsOf('fdp/upstream');
    // Eight misses, each upcalled once and each given a flow: nothing misses twice.
    expect(c.upcalls).toBe(8);
    expect(c.flowsInstalled).toBe(8);
    expect(Object.values(c.tables).every((t) => t.vtepFdb === 0)).toBe(true);
    expect(c.crossings).toBeLessThan(costsOf('sleeve/upstream').crossings);
  });
});
