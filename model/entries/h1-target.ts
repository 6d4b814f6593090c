/**
 * What the seed's H1 controller knows of one target IP (FD-X.2.2 H1, FD-X.3; the reading chosen in
 * `model/fdp/seed.ts`): nothing yet, until a punted ARP request for it arrives; then, by the directory, a
 * container on another host (the controller installs an ARP responder flow with the owner's MAC: the
 * retry is answered by the datapath), one on this host (a flow that drops the requests: the bridge already
 * delivered them to the owner, FD-L.2.2), or nobody (nothing installed). Each punted request is consumed:
 * the first one is never answered. A request punted again (flows lost, or a second requester before the
 * flow landed) is handled the same way again.
 */
import { setup } from 'xstate';
import type { Ip, Mac } from '../addresses.ts';
import { install, PRIO_PER_IP, uninstall } from '../fdp/seed.ts';
import { describeFlow, type Flow } from '../flows.ts';
import { effect } from '../machine/effect.ts';
import type { Output } from '../machine/io.ts';

export type H1TargetState = 'unknown' | 'answering' | 'local' | 'unowned';

export interface H1TargetData {
  /** The IP's owner as the directory has it; absent when nobody owns the IP. */
  owner?: { mac: Mac; host: string };
}

export type H1TargetEvent = {
  /** A punted request for the IP; or the directory's news that its owner changed. */
  type: 'upcall' | 'directory';
  /** The target IP of the punted request. */
  ip: Ip;
  /** This controller's host. */
  host: string;
  owner?: { mac: Mac; host: string };
};

type D = H1TargetData;
type E = H1TargetEvent;

const base = (ip: Ip) => ({ inPort: 'bridge', ethType: 'arp', arpOp: 'request', arpTpa: ip }) as const;

/** The flow that drops requests for a local `ip` (the bridge delivered them to the owner). */
export function localDropFlow(ip: Ip): Flow {
  return {
    match: base(ip),
    actions: [],
    priority: PRIO_PER_IP,
    label: `H1: ${ip} is local`,
    seed: 'FD-L.2.2',
  };
}

/** The flow that answers who-has `ip` with `mac` in the datapath. */
export function responderFlow(ip: Ip, mac: Mac): Flow {
  return {
    match: base(ip),
    actions: [{ type: 'arp-respond', mac }],
    priority: PRIO_PER_IP,
    label: `H1: answer who-has ${ip} with ${mac}`,
    seed: 'FD-X.3',
  };
}

/** Every punted request is handled by the directory's answer at that moment, whatever came before. */
function byOwner(when: string) {
  return [
    {
      guard: 'ownerRemote' as const,
      target: 'answering' as const,
      actions: 'installResponder' as const,
      description: `FD-X.3, ${when}: consumed; a responder flow installed for the retry`,
    },
    {
      guard: 'ownerLocal' as const,
      target: 'local' as const,
      actions: 'installLocalDrop' as const,
      description: `FD-L.2.2, ${when}: the owner is here and answers; requests for it are dropped`,
    },
    {
      target: 'unowned' as const,
      actions: 'consumeUnowned' as const,
      description: `FD-X.3, ${when}: nobody owns it`,
    },
  ];
}

export const h1TargetMachine = setup({
  types: { context: {} as H1TargetData, events: {} as H1TargetEvent, emitted: {} as Output },
  guards: {
    ownerRemote: ({ event }) => event.owner !== undefined && event.owner.host !== event.host,
    ownerLocal: ({ event }) => event.owner !== undefined && event.owner.host === event.host,
  },
  actions: {
    installResponder: effect<D, E>((_, e, out) => {
      const owner = e.owner!;
      const flow = responderFlow(e.ip, owner.mac);
      out.push({
        type: 'note',
        text: `upcall who-has ${e.ip}: on ${owner.host}, install ${describeFlow(flow)}`,
      });
      out.push(install(flow));
      out.push({ type: 'drop', reason: 'first request consumed by the controller', seed: 'FD-X.3' });
      return { owner };
    }),
    installLocalDrop: effect<D, E>((_, e, out) => {
      const flow = localDropFlow(e.ip);
      out.push({ type: 'note', text: `upcall who-has ${e.ip}: local, install ${describeFlow(flow)}` });
      out.push(install(flow));
      out.push({
        type: 'drop',
        reason: `request for local ${e.ip} consumed by the controller; the bridge delivered it to the owner`,
        seed: 'FD-L.2.2',
      });
      return e.owner ? { owner: e.owner } : undefined;
    }),
    /** The directory moved the IP to another remote host, or changed its MAC: answer with the new one. */
    reinstallResponder: effect<D, E>((_, e, out) => {
      const flow = responderFlow(e.ip, e.owner!.mac);
      out.push({
        type: 'note',
        text: `directory: ${e.ip} on ${e.owner!.host}, install ${describeFlow(flow)}`,
      });
      out.push(install(flow));
      return { owner: e.owner };
    }),
    /** The directory moved the IP to this host: its owner answers; requests for it are dropped. */
    reinstallLocalDrop: effect<D, E>((_, e, out) => {
      const flow = localDropFlow(e.ip);
      out.push({ type: 'note', text: `directory: ${e.ip} is local now, install ${describeFlow(flow)}` });
      out.push(install(flow));
      return { owner: e.owner };
    }),
    /** Nobody holds the IP any more: its flow goes. */
    withdraw: effect<D, E>((_, e, out) => {
      out.push({ type: 'note', text: `directory: nobody holds ${e.ip}, delete its flow` });
      out.push(uninstall(localDropFlow(e.ip)));
      return { owner: undefined };
    }),
    keep: effect<D, E>(() => undefined),
    consumeUnowned: effect<D, E>((_, e, out) => {
      out.push({
        type: 'drop',
        reason: `first request consumed by the controller; nobody owns ${e.ip}, nothing installed`,
        seed: 'FD-X.3',
      });
      return undefined;
    }),
  },
}).createMachine({
  id: 'h1-target',
  description: "the seed's H1 controller's state for one target IP",
  context: {},
  initial: 'unknown',
  states: {
    unknown: { on: { upcall: byOwner('the first request for the IP') } },
    answering: {
      on: {
        upcall: byOwner('the IP punted again (flows lost, or a second requester first)'),
        directory: [
          {
            guard: 'ownerRemote',
            actions: 'reinstallResponder',
            description: 'the owner is elsewhere now: answer with its MAC',
          },
          {
            guard: 'ownerLocal',
            target: 'local',
            actions: 'reinstallLocalDrop',
            description: 'the owner moved here',
          },
          {
            target: 'unowned',
            actions: 'withdraw',
            description: 'nobody holds the IP: its responder flow is deleted',
          },
        ],
      },
    },
    local: {
      on: {
        upcall: byOwner('the IP punted again (flows lost, or a second requester first)'),
        directory: [
          {
            guard: 'ownerRemote',
            target: 'answering',
            actions: 'reinstallResponder',
            description: 'the owner moved away',
          },
          {
            guard: 'ownerLocal',
            actions: 'keep',
            description: 'still here (another MAC needs no flow change)',
          },
          {
            target: 'unowned',
            actions: 'withdraw',
            description: 'nobody holds the IP: its drop flow is deleted',
          },
        ],
      },
    },
    unowned: { on: { upcall: byOwner('the IP punted again') } },
  },
});
