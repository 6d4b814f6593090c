/**
 * Every component's state as a person reads it (`weave-spec replay --step N`): per component, its plain
 * settings on one line, and each of its tables (the neighbour table, bridge and vxlan FDBs, flows, MAC
 * caches) as an aligned table, the way `ip neigh`, `bridge fdb` and `ovs-dpctl dump-flows` list them.
 * Works on any plain-JSON context, so a new component needs nothing here.
 */
import { isIp, isMac } from '../model/addresses.ts';
import { readableContext } from './context.ts';
import { renderTable } from './table.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: Json): v is { [k: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: Json) => v === null || typeof v !== 'object';

/** A value in one table cell or settings line: `k=v k=v` for an object, a comma list for an array. */
function cell(v: Json): string {
  if (isScalar(v)) return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '-' : v.map(cell).join(', ');
  return Object.entries(v)
    .map(([k, x]) => `${k}=${cell(x)}`)
    .join(' ');
}

/** Rows of one shape (most fields shared by every row) read best as a table. */
function tableShaped(rows: readonly Json[]): rows is { [k: string]: Json }[] {
  if (rows.length === 0 || !rows.every(isObject)) return false;
  const keys = rows.map((r) => Object.keys(r as object));
  const union = new Set(keys.flat());
  const shared = [...union].filter((k) => keys.every((ks) => ks.includes(k)));
  return shared.length > 0 && shared.length * 2 >= union.size;
}

function table(first: string, rows: [string, { [k: string]: Json }][]): string {
  // An entry's state (a child machine's, model/machine/child.ts) and MAC read first, as `ip neigh` prints.
  const keys = new Set(rows.flatMap(([, r]) => Object.keys(r)));
  const lead = ['state', 'mac'].filter((k) => keys.has(k));
  const columns = [...lead, ...[...keys].filter((k) => !lead.includes(k))];
  return renderTable(
    [first, ...columns],
    rows.map(([key, r]) => [key, ...columns.map((c) => (c in r ? cell(r[c]!) : ''))]),
  );
}

/** The heading of a table's key column: what its keys are. */
function keyColumn(keys: readonly string[]): string {
  if (keys.every(isMac)) return 'mac';
  if (keys.every(isIp)) return 'ip';
  return 'name';
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');

function section(value: { [k: string]: Json }, pad: string): string {
  const out: string[] = [];
  const settings = Object.entries(value).filter(
    ([, v]) => isScalar(v) || (Array.isArray(v) && v.every(isScalar)),
  );
  if (settings.length > 0) out.push(`${pad}${settings.map(([k, v]) => `${k} ${cell(v)}`).join(' · ')}`);
  for (const [k, v] of Object.entries(value)) {
    if (isScalar(v) || (Array.isArray(v) && v.every(isScalar))) continue;
    const rows: [string, Json][] = Array.isArray(v)
      ? v.map((x, i): [string, Json] => [String(i), x])
      : Object.entries(v as { [k: string]: Json });
    const values = rows.map(([, x]) => x);
    if (rows.length === 0) out.push(`${pad}${k}: (empty)`);
    else if (values.every(isScalar))
      out.push(`${pad}${k}: ${rows.map(([a, x]) => `${a} ${cell(x)}`).join(' · ')}`);
    else if (tableShaped(values)) {
      out.push(`${pad}${k} (${rows.length}):`);
      const first = Array.isArray(v) ? '#' : keyColumn(rows.map(([key]) => key));
      out.push(indent(table(first, rows as [string, { [k: string]: Json }][]), `${pad}  `).trimEnd());
    } else if (isObject(v)) {
      out.push(`${pad}${k}:`);
      out.push(section(v, `${pad}  `));
    } else out.push(`${pad}${k}: ${cell(v)}`);
  }
  return out.join('\n');
}

/** Each component's context, in the order given, as readable sections. */
export function renderStates(contexts: Record<string, unknown>): string {
  return Object.entries(contexts)
    .map(([id, context]) => {
      const readable = readableContext(context) as Json;
      return `${id}\n${isObject(readable) ? section(readable, '  ') : `  ${cell(readable)}`}\n`;
    })
    .join('\n');
}
