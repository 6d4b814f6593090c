/**
 * no-black-hole: whatever a change breaks, a quiet network mends. Once nothing has changed for `HEAL_MS`
 * (every ageing timer of every data plane has run out, `settle.ts`), every running container reaches
 * every other one in its subnet. delivery asks for more (every settled ping, within the retry budget);
 * a configuration that fails delivery in a world that changes but holds this one loses packets for a
 * while and then recovers, one that fails this one never does.
 */
import type { CaseRun } from './case.ts';
import { pingOutcomes } from './delivery.ts';
import { factsOf } from './facts.ts';
import { type Property, type Violation, violation } from './property.ts';
import { HEAL_MS } from './settle.ts';

function check(r: CaseRun): Violation | null {
  const facts = factsOf(r);
  for (const o of pingOutcomes(r)) {
    if (!facts.healed(o.at, o.parties)) continue;
    if (o.requests.length === 0) return violation(`${o.what}: the echo request never arrived`, o.steps);
    if (o.twoWay && o.replies.length === 0)
      return violation(`${o.what}: the echo reply never arrived`, [...o.steps, o.requests[0]!.step]);
  }
  return null;
}

export const noBlackHole: Property = {
  name: 'no-black-hole',
  summary: `a world quiet for ${HEAL_MS / 1000} s lets every container reach every other in its subnet`,
  doc:
    'For every ping sent once nothing has started, stopped or moved for HEAL_MS ' +
    `(${HEAL_MS / 1000} s: upstream's MAC cache ages in 10 min and is swept every minute, no other table ` +
    'of the model lives longer, then the settle time), by a running container to an IP a container ' +
    'in its subnet owns, the echo request reaches that container and its echo reply comes back, however ' +
    'late. In a static world nothing ever changed, so every such ping counts. A configuration that fails ' +
    'delivery but holds this one heals; one that fails this one has a black hole no timer mends. The ' +
    'generator sweeps, after a pause past HEAL_MS, every changed container with one container of its ' +
    'subnet on every host and with the peers that cached its IP, both ways (`properties/changes.ts`). The ' +
    'violation names the ping step.',
  check,
};
