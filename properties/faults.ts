/**
 * Generated underlay faults (`model/network/faults.ts`) for the dynamic world: up to `GENERATED_FAULTS`
 * datagrams of a run lost, duplicated or delayed, picked anywhere among its first `FAULT_REACH`
 * datagrams, so that they strike during the start-up burst, around the changes and during the sweep
 * alike. fast-check shrinks towards fewer faults and earlier datagrams.
 */
import fc from 'fast-check';
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
