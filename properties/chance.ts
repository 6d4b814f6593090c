/**
 * What chance decides in the dynamic world, generated as the scheduler's choices.
 *
 * Underlay faults (`model/network/faults.ts`): up to `GENERATED_FAULTS`
 * datagrams of a run lost, duplicated or delayed, picked anywhere among its first `FAULT_REACH`
 * datagrams, so that they strike during the start-up burst, around the changes and during the sweep
 * alike. fast-check shrinks towards fewer faults and earlier datagrams.
 *
 * The kernel's reachable-time draws (`model/network/draws.ts`): the first `GENERATED_DRAWS` container
 * starts of a case draw their reachable time from the whole of [base/2, 3·base/2); they shrink towards
 * fewer draws (the base) and the shortest time.
 */
import fc from 'fast-check';
import { DRAW_SCALE } from '../model/network/draws.ts';
import { MAX_DELAY_MS, type UnderlayFault } from '../model/network/faults.ts';

/** The most faults a generated case holds. */
export const GENERATED_FAULTS = 3;
/** Generated faults name one of the first this many datagrams; a dynamic case sends a few hundred. */
export const FAULT_REACH = 300;

const fault: fc.Arbitrary<UnderlayFault> = fc.oneof(
  fc.record({ datagram: fc.nat(FAULT_REACH - 1), kind: fc.constant('loss' as const) }),
  fc.record({ datagram: fc.nat(FAULT_REACH - 1), kind: fc.constant('duplicate' as const) }),
  fc.record({
    datagram: fc.nat(FAULT_REACH - 1),
    kind: fc.constant('delay' as const),
    ms: fc.integer({ min: 1, max: MAX_DELAY_MS }),
  }),
);

export const faultsArbitrary: fc.Arbitrary<UnderlayFault[]> = fc
  .uniqueArray(fault, { maxLength: GENERATED_FAULTS, selector: (f) => f.datagram })
  .map((fs) => [...fs].sort((a, b) => a.datagram - b.datagram));

/** The most container starts of a generated case that draw their reachable time. */
export const GENERATED_DRAWS = 12;

export const reachableArbitrary: fc.Arbitrary<number[]> = fc.array(fc.nat(DRAW_SCALE - 1), {
  maxLength: GENERATED_DRAWS,
});
