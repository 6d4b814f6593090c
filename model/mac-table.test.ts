import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { emptyMacTable, macCount, macEntries, macGet, macSet, macTableOf } from './mac-table.ts';

const mac = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 })
  .map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':'));

describe('mac table', () => {
  test.prop([fc.array(fc.tuple(mac, fc.integer()), { maxLength: 60 })])(
    'reads like a plain MAC -> entry map, and an update leaves the old table as it was',
    (updates) => {
      const reference = new Map<string, number>();
      let table = emptyMacTable<number>();
      for (const [m, v] of updates) {
        const before = JSON.stringify(table);
        const next = macSet(table, m, v);
        expect(JSON.stringify(table)).toBe(before);
        table = next;
        reference.set(m, v);
      }
      for (const [m, v] of reference) expect(macGet(table, m)).toBe(v);
      expect(macCount(table)).toBe(reference.size);
      expect(macEntries(table)).toEqual([...reference].sort(([a], [b]) => (a < b ? -1 : 1)));
      expect(macTableOf(macEntries(table))).toEqual(table);
      expect(JSON.parse(JSON.stringify(table))).toEqual(table);
    },
  );
});
