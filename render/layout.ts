/**
 * Participant order for sequence diagrams, laid out as the network is: the first host from its containers
 * out to the underlay, the underlay in the middle, then every other host from the underlay in to its
 * containers.
 */
import type { ComponentKind, Network } from '../model/network/wiring.ts';

const INSIDE_OUT: readonly ComponentKind[] = [
  'container',
  'bridge',
  'ethbr',
  'sleeve-router',
  'controller',
  'datapath',
  'vtep',
];

export function participantOrder(network: Network): string[] {
  const rank = (kind: ComponentKind) => INSIDE_OUT.indexOf(kind);
  const hosts = network.topology.hosts.map((h) => h.name);
  const on = (host: string) =>
    network.components.filter((c) => c.host === host).sort((a, b) => rank(a.kind) - rank(b.kind));
  const [first, ...rest] = hosts;
  return [
    ...on(first!).map((c) => c.id),
    ...network.components.filter((c) => c.host === null).map((c) => c.id),
    ...rest.flatMap((h) =>
      on(h)
        .reverse()
        .map((c) => c.id),
    ),
  ];
}
