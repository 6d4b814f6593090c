/**
 * The Linux-native layout in the model alone (no root needed): the wiring, and the kernel behaviours the
 * probe measured (docs/kernel.md §5.1, §5.2) as the model reproduces them.
 */

import { describe, expect, it } from 'vitest';
import { ethbrMachine } from '../model/components/ethbr.ts';
import { configById, DEFAULT_CONFIGS, LINUX_CONFIGS, type LinuxConfig } from '../model/config.ts';
import { makeStepper } from '../model/network/step.ts';
import { linkKey } from '../model/network/wiring.ts';
import { arpRequest, type Frame } from '../model/packets.ts';
import { pings } from '../model/timeline.ts';
import { buildCase, NOBODY } from './case.ts';
import { modelNetwork, runModel } from './model-run.ts';

const linux = (id: string) => configById(id) as LinuxConfig;
// 3 hosts: c11, c12 on h1; c21 on h2; c31 on h3. Pings: c11 -> c21, c11 -> c31, c11 -> nobody.
const three = buildCase({
  containers: [2, 1, 1],
  actions: [
    { from: 0, to: 1 },
    { from: 0, to: 2 },
    { from: 0, to: 3 },
  ],
});

describe('Linux-native configurations', () => {
  it('are eight, all in ALL_CONFIGS and none in the default scope', () => {
    expect(LINUX_CONFIGS.map((c) => c.id)).toEqual([
      'linux/multicast',
      'linux/unicast',
      'linux/zero-mac',
      'linux/remote',
      'linux/multicast/no-learning',
      'linux/unicast/no-learning',
      'linux/zero-mac/no-learning',
      'linux/remote/no-learning',
    ]);
    expect(DEFAULT_CONFIGS.some((c) => c.plane === 'linux')).toBe(false);
  });

  it('wire the vtep as a port of the bridge, with nothing tapped onto ethbr', () => {
    const n = modelNetwork(three, linux('linux/remote'));
    expect(n.links.get(linkKey({ component: 'h1/bridge', port: 'vxlan' }))).toEqual({
      component: 'h1/vtep',
      port: 'dp',
    });
    expect(n.links.get(linkKey({ component: 'h1/vtep', port: 'udp' }))).toEqual({
      component: 'underlay',
      port: 'h1',
    });
    expect(n.links.has(linkKey({ component: 'h1/ethbr', port: 'tap' }))).toBe(false);
    expect(n.components.some((c) => c.kind === 'datapath' || c.kind === 'sleeve-router')).toBe(false);
    // The single remote: a ring h1 -> h2 -> h3 -> h1.
    const remotes = (h: string) => (n.byId.get(`${h}/vtep`)!.input as { remotes: string[] }).remotes;
    expect([remotes('h1'), remotes('h2'), remotes('h3')]).toEqual([
      ['198.19.0.2'],
      ['198.19.0.3'],
      ['198.19.0.1'],
    ]);
  });
});

describe('the model reproduces what the probe measured in the kernel', () => {
  it('full mesh of zero-MAC entries: everything but the unowned address is delivered', () => {
    expect(runModel(three, linux('linux/zero-mac')).outcome.delivered).toEqual([true, true, false]);
  });

  it('single remote, learning: no transitive delivery (h2 never re-floods into vxlan)', () => {
    expect(runModel(three, linux('linux/remote')).outcome.delivered).toEqual([true, false, false]);
  });

  it('single remote, no learning: even the next host fails (its reply goes to its own remote)', () => {
    const { outcome } = runModel(three, linux('linux/remote/no-learning'));
    expect(outcome.delivered).toEqual([false, false, false]);
    // c21's reply went to h3 and was flooded there: h3's bridge learned c21 behind vxlan.
    expect(outcome.bridge.h3).toContain('02:c0:00:00:02:01 vxlan');
  });

  it('no learning: unicast goes to every default destination, so h3 learns c21 from its reply', () => {
    const c = buildCase({ containers: [1, 1, 1], actions: [{ from: 0, to: 0 }] });
    const learning = runModel(c, linux('linux/zero-mac')).outcome;
    const nolearning = runModel(c, linux('linux/zero-mac/no-learning')).outcome;
    expect(learning.vxlan.h1).toContain('02:c0:00:00:02:01 198.19.0.2');
    expect(nolearning.vxlan.h1).toEqual([]);
    // The echo request and reply each went to both peers instead of one.
    expect(nolearning.underlay.h1!.sent - learning.underlay.h1!.sent).toBe(1);
    expect(nolearning.underlay.h2!.sent - learning.underlay.h2!.sent).toBe(2);
  });

  it('multicast: one copy per broadcast, to the group', () => {
    const shape = { containers: [1, 1, 1], actions: [{ from: 0, to: 2 }] };
    const c = buildCase(shape);
    expect(pings(c.traffic)[0]!.to).toBe(NOBODY);
    // Plain containers: h1's one ARP request, once to the group; nothing comes back.
    expect(runModel(c, linux('linux/multicast')).outcome.underlay.h1).toEqual({ sent: 1, received: 0 });
    // Announced: h1's announcement and request go once each; h2's and h3's announcements reach h1.
    const announced = buildCase({ ...shape, announce: [true, true, true] });
    expect(runModel(announced, linux('linux/multicast')).outcome.underlay.h1).toEqual({
      sent: 2,
      received: 2,
    });
  });
});

describe('machine options added for the Linux-native layout', () => {
  const frame: Frame = arpRequest('02:c0:00:00:01:01', '198.18.0.11', '198.18.0.21');

  it('ethbr with tap: false hands frames to the host kernel only', () => {
    const s = makeStepper(ethbrMachine);
    const on = s.step(s.initial({ mac: '02:b0:00:00:00:01' }).state, {
      type: 'recv',
      port: 'bridge',
      packet: frame,
      now: 0,
    });
    const off = s.step(s.initial({ mac: '02:b0:00:00:00:01', tap: false }).state, {
      type: 'recv',
      port: 'bridge',
      packet: frame,
      now: 0,
    });
    expect(on.outputs.some((o) => o.type === 'send' && o.port === 'tap')).toBe(true);
    expect(off.outputs.some((o) => o.type === 'send')).toBe(false);
  });
});
