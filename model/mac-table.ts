/**
 * A MAC-keyed table (bridge FDB, vxlan FDB, the Weave router's MAC cache, fastdp's `sendToMAC`) kept as
 * plain JSON and updated without mutation, yet cheap to update when it is large. Entries live in 256
 * buckets by the MAC's last octet, in two levels of 16 (its low hex digit, then its high one), so learning
 * or refreshing one entry copies two 16-slot indexes and one bucket instead of the whole table: about 40
 * slots instead of 2,000 on a 2,000-entry FDB (docs/performance.md, "At scale").
 *
 * The buckets are a storage detail: read the table with `macGet`, `macEntries` and `macCount`.
 */
import type { Mac } from './addresses.ts';

type HexDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'a' | 'b' | 'c' | 'd' | 'e' | 'f';
type Index<V> = Partial<Record<HexDigit, V>>;

/** Low hex digit -> high hex digit of the last octet -> MAC -> entry. Typed so that indexing it by a MAC
 *  does not compile. */
export type MacTable<T> = Index<Index<Record<Mac, T>>>;

/** A hex digit of the MAC's last octet, counted from the end (MACs are lowercase: `isMac`, addresses.ts). */
const digit = (mac: Mac, fromEnd: number): HexDigit => mac.charAt(mac.length - fromEnd) as HexDigit;

export function emptyMacTable<T>(): MacTable<T> {
  return {};
}

export function macGet<T>(table: MacTable<T>, mac: Mac): T | undefined {
  return table[digit(mac, 1)]?.[digit(mac, 2)]?.[mac];
}

/** A new table with `mac` set to `entry`; `table` is left as it was. */
export function macSet<T>(table: MacTable<T>, mac: Mac, entry: T): MacTable<T> {
  const lo = digit(mac, 1);
  const hi = digit(mac, 2);
  const inner = table[lo];
  return { ...table, [lo]: { ...inner, [hi]: { ...inner?.[hi], [mac]: entry } } };
}

/** A new table without `mac`; `table` is left as it was (and returned as it is when `mac` is absent). */
export function macDelete<T>(table: MacTable<T>, mac: Mac): MacTable<T> {
  const lo = digit(mac, 1);
  const hi = digit(mac, 2);
  const bucket = table[lo]?.[hi];
  if (bucket === undefined || !(mac in bucket)) return table;
  const { [mac]: _, ...rest } = bucket;
  return { ...table, [lo]: { ...table[lo], [hi]: rest } };
}

/** The buckets of a table. */
function buckets<T>(table: MacTable<T>): Record<Mac, T>[] {
  return Object.values(table).flatMap((inner): Record<Mac, T>[] => Object.values(inner ?? {}));
}

/** Every entry, sorted by MAC (a stable order for traces and comparisons). */
export function macEntries<T>(table: MacTable<T>): [Mac, T][] {
  const out: [Mac, T][] = [];
  for (const bucket of buckets(table)) for (const [mac, e] of Object.entries(bucket)) out.push([mac, e]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function macCount(table: MacTable<unknown>): number {
  let n = 0;
  for (const bucket of buckets(table)) n += Object.keys(bucket).length;
  return n;
}

export function macTableOf<T>(entries: Iterable<[Mac, T]>): MacTable<T> {
  let table = emptyMacTable<T>();
  for (const [mac, e] of entries) table = macSet(table, mac, e);
  return table;
}
