/** Who a generated ping may come from or go to: a container's peers in its subnet. */
import type { ContainerSpec } from '../model/topology.ts';

type Seat = Pick<ContainerSpec, 'name' | 'host' | 'subnet'>;

/** The other containers in `from`'s subnet; only those on other hosts when `remote` and there are any. */
export function peersOf<C extends Seat>(cs: readonly C[], from: Seat, remote: boolean): C[] {
  const same = cs.filter((c) => c.name !== from.name && c.subnet === from.subnet);
  const away = same.filter((c) => c.host !== from.host);
  return remote && away.length > 0 ? away : same;
}
