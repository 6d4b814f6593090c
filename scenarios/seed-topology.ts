/**
 * The topology the seed assumes (docs/seed-flows.md): host 1 runs containers A and B, host 2 runs C and D, all
 * four in one overlay subnet. MACs end in the container's letter, so traces read at a glance.
 */
import type { Topology } from '../model/topology.ts';

export const SUBNET = '198.18.0.0/24';

export const A = {
  name: 'A',
  host: 'h1',
  mac: '02:00:00:00:00:0a',
  ip: '198.18.0.1',
  subnet: SUBNET,
  announce: true,
};
export const B = {
  name: 'B',
  host: 'h1',
  mac: '02:00:00:00:00:0b',
  ip: '198.18.0.2',
  subnet: SUBNET,
  announce: true,
};
export const C = {
  name: 'C',
  host: 'h2',
  mac: '02:00:00:00:00:0c',
  ip: '198.18.0.3',
  subnet: SUBNET,
  announce: true,
};
export const D = {
  name: 'D',
  host: 'h2',
  mac: '02:00:00:00:00:0d',
  ip: '198.18.0.4',
  subnet: SUBNET,
  announce: true,
};
/** An address in the subnet that no container owns. */
export const NOBODY = '198.18.0.99';

export const seedTopology: Topology = {
  hosts: [
    { name: 'h1', address: '198.19.0.1', mac: '02:00:00:00:01:01' },
    { name: 'h2', address: '198.19.0.2', mac: '02:00:00:00:01:02' },
  ],
  containers: [A, B, C, D],
};

/** Traffic starts once the containers' gratuitous ARPs at start-up have settled. */
export const T0 = 1000;
