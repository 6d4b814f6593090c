/**
 * A component's context as a person reads it: its MAC tables (bridge FDB, vxlan FDB, the Weave router's MAC
 * cache, fastdp's `sendToMAC`; `model/mac-table.ts`) listed as MAC -> entry in MAC order, the way
 * `bridge fdb show` lists them, instead of as their storage buckets.
 */
import { type MacTable, macEntries } from '../model/mac-table.ts';

/** The context fields that hold a `MacTable` (bridge, vtep: `fdb`; router, controller: `macs`, `sendToMac`). */
const MAC_TABLE_FIELDS = new Set(['fdb', 'macs', 'sendToMac']);

export function readableContext(context: unknown): unknown {
  if (typeof context !== 'object' || context === null) return context;
  return Object.fromEntries(
    Object.entries(context).map(([k, v]) =>
      MAC_TABLE_FIELDS.has(k) && typeof v === 'object' && v !== null
        ? [k, Object.fromEntries(macEntries(v as MacTable<unknown>))]
        : [k, v],
    ),
  );
}
