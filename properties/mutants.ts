/**
 * Named mutants: deliberately broken variants of the model's machines, each showing that some property
 * can fail (the vacuity check, `weave-spec mutants`). A mutant is made here, never in model/: the model's
 * machine with one guard or effect swapped by `machine.provide()`, or, for a child machine, its owner made
 * with the mutated child (`containerMachineWith`, ...). The wiring puts the mutant in the place of the
 * machine with the same id (`WiringOptions.machines`).
 */
import type { AnyStateMachine } from 'xstate';
import { ipToInt, type Mac } from '../model/addresses.ts';
import { bridgeForward, bridgeFrame, bridgeMachine } from '../model/components/bridge.ts';
import { containerMachine, containerMachineWith } from '../model/components/container.ts';
import { h1ControllerMachineWith } from '../model/components/controller.ts';
import { datapathMachine } from '../model/components/datapath.ts';
import { ethbrFrame, ethbrMachine, kernelPort } from '../model/components/ethbr.ts';
import {
  proxyArp,
  type SleeveRouterContext,
  sleeveProxyArpMachine,
  sleeveUpstreamMachine,
} from '../model/components/sleeve-router.ts';
import { vtepMachine, vtepPacket, vtepTransmit } from '../model/components/vtep.ts';
import {
  type H1TargetData,
  type H1TargetEvent,
  h1TargetMachine,
  responderFlow,
} from '../model/entries/h1-target.ts';
import { type NeighData, type NeighEvent, neighbourMachine } from '../model/entries/neighbour.ts';
import { vxlanFdbMachine } from '../model/entries/vxlan-fdb.ts';
import { install } from '../model/fdp/seed.ts';
import { describeFlow } from '../model/flows.ts';
import { type EffectFn, effect, effectOf, on } from '../model/machine/effect.ts';
import type { ComponentEvent, RecvEvent } from '../model/machine/io.ts';
import { arpReply } from '../model/packets.ts';

/** The effect behind a machine's action, to wrap in a mutant. */
function original(machine: AnyStateMachine, action: string): EffectFn<object, RecvEvent> {
  const fn = effectOf(machine.implementations.actions[action]);
  if (!fn) throw new Error(`${machine.id} has no effect "${action}"`);
  return fn;
}

const forwardOf = (machine: AnyStateMachine) => original(machine, 'forward');

/** The mutated machines of each mutant, by the id of the machine they replace. */
function mutate(): Record<MutantName, Record<string, AnyStateMachine>> {
  const datapathForward = forwardOf(datapathMachine);
  const neighbour = (impl: Parameters<typeof neighbourMachine.provide>[0]) => ({
    container: containerMachineWith(neighbourMachine.provide(impl)),
  });
  return {
    'bridge-floods-ingress': {
      bridge: bridgeMachine.provide({
        actions: {
          forward: effect((ctx, e, out) => {
            const patch = bridgeFrame(ctx, e, out);
            // A flooded frame goes back out of its ingress port too.
            if (e.packet.kind === 'frame' && bridgeForward(ctx, e.packet, e.port, e.now).length > 1)
              out.push({ type: 'send', port: e.port, packet: e.packet });
            return patch;
          }),
        },
      }),
    },
    'vtep-refloods': {
      vtep: vtepMachine.provide({
        actions: {
          forward: effect((ctx, e, out) => {
            const patch = vtepPacket(vxlanFdbMachine, ctx, e, out);
            // No split horizon: what came from the underlay and went up is sent back into it.
            const up = out.find((o) => o.type === 'send' && o.port === 'dp');
            if (e.port === 'udp' && up?.type === 'send' && up.packet.kind === 'frame')
              vtepTransmit({ ...ctx, ...patch }, up.packet, e.now, out);
            return patch;
          }),
        },
      }),
    },
    'container-answers-replies': {
      container: containerMachine.provide({
        actions: {
          receive: effect((ctx, e, out) => {
            const patch = original(containerMachine, 'receive')(ctx, e as RecvEvent, out);
            // An ARP reply for it is answered with a reply of its own: two such containers answer each
            // other for ever, each answer a new frame.
            const f = (e as RecvEvent).packet;
            const me = ctx as { ip: string; mac: Mac };
            if (
              f.kind === 'frame' &&
              f.payload.kind === 'arp' &&
              f.payload.op === 'reply' &&
              f.dst === me.mac
            )
              out.push({
                type: 'send',
                port: 'eth0',
                origin: true,
                packet: arpReply({ ...f.payload, targetIp: me.ip }, me.mac),
              });
            return patch;
          }),
        },
      }),
    },
    'kernel-answers-any-arp': {
      ethbr: ethbrMachine.provide({
        actions: {
          forward: effect((ctx, e, out) => {
            const p = e.packet.kind === 'frame' ? e.packet.payload : undefined;
            // The host kernel takes any requested address for its own.
            const claims = e.port === kernelPort(ctx) && p?.kind === 'arp' && p.op === 'request';
            const mine = claims ? { ...ctx, ip: p.targetIp, subnet: ctx.subnet ?? `${p.targetIp}/32` } : ctx;
            return ethbrFrame(mine, e, out);
          }),
        },
      }),
    },
    'host-kernel-ignores-pings': {
      ethbr: ethbrMachine.provide({
        actions: {
          forward: effect((ctx, e, out) => {
            const p = e.packet.kind === 'frame' ? e.packet.payload : undefined;
            // An exposed host takes no ping: the echo request is dropped where the kernel would take it in.
            if (e.port === kernelPort(ctx) && p?.kind === 'ipv4' && p.icmp === 'echo-request') {
              out.push({ type: 'drop', reason: `host kernel: ping ${p.ping} ignored` });
              return undefined;
            }
            return ethbrFrame(ctx, e, out);
          }),
        },
      }),
    },
    'proxy-wrong-mac': {
      'sleeve-proxy-arp': sleeveProxyArpMachine.provide({
        actions: {
          answerArp: effect<SleeveRouterContext, ComponentEvent>(
            on('recv', (ctx, e, out) => {
              const arp =
                e.packet.kind === 'frame' && e.packet.payload.kind === 'arp' ? e.packet.payload : undefined;
              if (arp) out.push(...proxyArp(ctx, arp, (owner) => otherMac(ctx, arp.targetIp) ?? owner.mac));
              return undefined;
            }),
          ),
        },
      }),
    },
    'container-never-retries': neighbour({
      actions: {
        // The retransmit slot passes without a solicit.
        resolicit: effect<NeighData, NeighEvent>((d) => ({ probes: d.probes + 1 })),
      },
    }),
    'datapath-drops-upcalled': {
      datapath: datapathMachine.provide({
        actions: {
          forward: effect((ctx, e, out) => {
            if (e.port === 'controller' && e.packet.kind === 'execute') {
              out.push({ type: 'drop', reason: 'Mutant: the upcalled packet is dropped, not executed' });
              return undefined;
            }
            return datapathForward(ctx, e, out);
          }),
        },
      }),
    },
    'neigh-reply-drops-queue': neighbour({
      actions: {
        // What waited for the MAC is thrown away instead of sent.
        sendQueued: effect<NeighData, NeighEvent>((d) => (d.queue.length > 0 ? { queue: [] } : undefined)),
      },
    }),
    'neigh-never-stale': neighbour({
      // A confirmed entry stays REACHABLE: no timer, and the lazy check on use never finds it expired.
      guards: { reachableExpired: () => false },
      actions: { armReachable: effect<NeighData, NeighEvent>(() => undefined) },
    }),
    'neigh-gives-up-after-one-request': neighbour({
      // The broadcast solicit budget is one request, not mcast_solicit.
      guards: { broadcastProbesLeft: () => false },
    }),
    'h1-responder-wrong-mac': {
      'controller-h1': h1ControllerMachineWith(
        h1TargetMachine.provide({
          actions: {
            installResponder: effect<H1TargetData, H1TargetEvent>((_, e, out) => {
              const owner = e.owner!;
              const flow = responderFlow(e.ip, `${owner.mac.slice(0, 15)}ff` as Mac);
              out.push(
                { type: 'note', text: `upcall who-has ${e.ip}: install ${describeFlow(flow)}` },
                install(flow),
              );
              out.push({ type: 'drop', reason: 'first request consumed by the controller' });
              return { owner };
            }),
          },
        }),
      ),
    },
    'mac-cache-never-ages': {
      'sleeve-upstream': sleeveUpstreamMachine.provide({
        actions: Object.fromEntries(
          ['handleCaptured', 'handleForwarded'].map((action) => {
            const fn = original(sleeveUpstreamMachine, action);
            // Every entry lives forever: the router decides as if macMaxAge were endless.
            return [
              action,
              effect<SleeveRouterContext, RecvEvent>((ctx, e, out) =>
                fn({ ...ctx, macAgeMs: Number.MAX_SAFE_INTEGER }, e, out),
              ),
            ];
          }),
        ),
      }),
    },
    'bridge-never-learns': {
      bridge: bridgeMachine.provide({
        actions: {
          forward: effect((ctx, e, out) => {
            bridgeFrame(ctx, e, out);
            // Every unicast is flooded as unknown: nothing is ever kept.
            const notes = out.filter((o) => o.type === 'note' && o.text.startsWith('learn '));
            for (const n of notes) out.splice(out.indexOf(n), 1);
            return undefined;
          }),
        },
      }),
    },
  };
}

/** The MAC of the first other container in the directory (by IP), if any. */
function otherMac(ctx: SleeveRouterContext, target: string): Mac | undefined {
  const other = Object.keys(ctx.directory.ips)
    .filter((ip) => ip !== target)
    .sort((a, b) => ipToInt(a) - ipToInt(b))[0];
  return other === undefined ? undefined : ctx.directory.ips[other]!.mac;
}

export const MUTANTS = {
  'bridge-floods-ingress': 'the bridge floods a frame back out of the port it came in on',
  'vtep-refloods': 'the vtep sends frames that came from the underlay back into it',
  'container-answers-replies':
    'a container answers an ARP reply with a reply of its own (a loop through answers)',
  'kernel-answers-any-arp': 'the host kernel answers ARP for any IP with its own MAC',
  'host-kernel-ignores-pings': 'an exposed host kernel drops the pings for its IP instead of answering',
  'proxy-wrong-mac': "the proxy-ARP router answers with another container's MAC",
  'container-never-retries': 'a container sends one ARP request per resolution and never retries',
  'datapath-drops-upcalled': 'the upstream datapath drops the packet it upcalled instead of executing it',
  'neigh-reply-drops-queue': 'an ARP reply resolves the neighbour entry but the queued packets are dropped',
  'neigh-gives-up-after-one-request': 'an unresolved neighbour fails after one request, not mcast_solicit',
  'neigh-never-stale': 'a confirmed neighbour entry stays REACHABLE for ever (a world that changes)',
  'h1-responder-wrong-mac': "H1's controller installs responder flows with a MAC nobody has",
  'bridge-never-learns': 'the bridge never learns a MAC: every unicast is flooded (kernel conformance)',
  'mac-cache-never-ages': "upstream Sleeve's MAC cache never forgets a MAC (a world that changes)",
} as const;

export type MutantName = keyof typeof MUTANTS;
export const MUTANT_NAMES = Object.keys(MUTANTS) as MutantName[];

/** The mutants the property matrix runs. Two break nothing the static world shows: `bridge-never-learns`
 *  is the kernel conformance test's, where the FDBs are compared; `mac-cache-never-ages` matters only once
 *  a MAC has moved, and `properties/no-black-hole.test.ts` catches it there. */
export const MATRIX_MUTANTS: readonly MutantName[] = MUTANT_NAMES.filter(
  (m) => m !== 'bridge-never-learns' && m !== 'mac-cache-never-ages',
);

export function isMutant(name: string): name is MutantName {
  return name in MUTANTS;
}

let cache: Record<MutantName, Record<string, AnyStateMachine>> | undefined;

/** The machines to wire in place of the model's for these mutants. */
export function mutantMachines(mutants: readonly MutantName[]): Record<string, AnyStateMachine> {
  cache ??= mutate();
  return Object.assign({}, ...mutants.map((m) => cache![m]));
}
