/**
 * A MAC-keyed forwarding table (the bridge FDB, the vxlan FDB) kept as plain JSON and updated without
 * mutation, yet cheap to update when it is large. Entries live in 16 buckets by the MAC's last hex digit,
 * so learning or refreshing one entry copies one bucket and the 16-slot index instead of the whole table:
 * about 50 slots instead of 500 on a 500-entry FDB (docs/performance.md, "Table updates").
 *
 * The buckets are a storage detail: read the table with `macGet`, `macEntries` and `macCount`.
 */
import type { Mac } from './addresses.ts';

type HexDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

/** Bucket (the MAC's last hex digit) -> MAC -> entry. Typed so that indexing it by a MAC does not compile. */
export type MacTable<T> = Partial<Record<HexDigit, Record<Mac, T>>>;

const bucketOf = (mac: Mac): HexDigit => mac.charAt(mac.length - 1).toLowerCase() as HexDigit;

export function emptyMacTable<T>(): MacTable<T> {
  return {};
}

export function macGet<T>(table: MacTable<T>, mac: Mac): T | undefined {
  return table[bucketOf(mac)]?.[mac];
}

/** A new table with `mac` set to `entry`; `table` is left as it was. */
export function macSet<T>(table: MacTable<T>, mac: Mac, entry: T): MacTable<T> {
  const b = bucketOf(mac);
  return { ...table, [b]: { ...table[b], [mac]: entry } };
}

/** Every entry, sorted by MAC (a stable order for traces and comparisons). */
export function macEntries<T>(table: MacTable<T>): [Mac, T][] {
  const out: [Mac, T][] = [];
  for (const bucket of Object.values(table))
    for (const [mac, e] of Object.entries(bucket)) out.push([mac, e]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function macCount(table: MacTable<unknown>): number {
  let n = 0;
  for (const bucket of Object.values(table)) n += Object.keys(bucket).length;
  return n;
}

export function macTableOf<T>(entries: Iterable<[Mac, T]>): MacTable<T> {
  let table = emptyMacTable<T>();
  for (const [mac, e] of entries) table = macSet(table, mac, e);
  return table;
}
