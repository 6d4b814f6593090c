/**
 * Reading the files users give the CLI: parse, check against the format's JSON Schema (generated from the
 * TypeScript types, docs/schemas/), then check what a schema cannot say (duplicate MACs, unknown hosts,
 * unknown configuration ids). Every problem names the file and the JSON path of the bad field.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { CONFIG_IDS } from '../model/config.ts';
import { drawIssues } from '../model/network/draws.ts';
import { faultIssues } from '../model/network/faults.ts';
import { type Timeline, timelineIssues } from '../model/timeline.ts';
import { type Topology, type TopologyIssue, topologyIssues } from '../model/topology.ts';
import { startCount } from '../properties/case.ts';
import { isMutant } from '../properties/mutants.ts';
import { COUNTEREXAMPLE_FORMAT, type CounterexampleFile, type FormatName } from './types.ts';

/** A file-system error in one line: `ENOENT: no such file or directory` without the call and path. */
export function describeFsError(e: NodeJS.ErrnoException): string {
  const text = e.message.replace(/, \w+ '[^']*'(?: -> '[^']*')?$/, '');
  return e.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}

export class FileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: TopologyIssue[],
  ) {
    super(issues.map((i) => `${file}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'));
  }
}

const SCHEMA_DIR = new URL('../docs/schemas/', import.meta.url);

/** Schemas that stand in for docs/schemas while `npm run docs` computes the new ones (`useSchemas`). */
let pending: Record<FormatName, object> | undefined;

export function schemaOf(name: FormatName): Record<string, unknown> {
  if (pending) return pending[name] as Record<string, unknown>;
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8'));
}

/** Check files against `schemas` from now on, instead of docs/schemas: `npm run docs` generates the schemas
 *  first, so that the pages it makes by reading files (README's replay example) read them as the new
 *  schemas say. */
export function useSchemas(schemas: Record<FormatName, object>): void {
  pending = schemas;
  validators.clear();
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<FormatName, ReturnType<Ajv['compile']>>();
function validator(name: FormatName) {
  let v = validators.get(name);
  if (!v) {
    v = ajv.compile(schemaOf(name));
    validators.set(name, v);
  }
  return v;
}

/** `/containers/3/mac` as `containers[3].mac`. */
export function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : path ? `${path}.${seg}` : seg), '');
}

function schemaIssue(e: ErrorObject): TopologyIssue {
  const path = jsonPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing field "${p.missingProperty}"` };
    case 'additionalProperties':
      return { path, message: `unknown field "${p.additionalProperty}"` };
    case 'pattern':
      return { path, message: `not of the expected form (${p.pattern})` };
    case 'enum':
      return {
        path,
        message: `not one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path, message: e.message ?? e.keyword };
  }
}

/** The schema definition of each timeline item kind (an item without `kind` is a ping). */
const ITEM_DEFINITION: Record<string, string> = {
  ping: 'PingItem',
  arp: 'ArpItem',
  neigh: 'NeighItem',
  start: 'StartItem',
  stop: 'StopItem',
  move: 'MoveItem',
  'peer-leave': 'PeerItem',
  'peer-join': 'PeerItem',
  'link-down': 'LinkItem',
  'link-up': 'LinkItem',
};

/** Where the schema says "one of the item shapes" (`#/anyOf` as the items' reference resolves). */
const ITEM_SHAPES = /(^#|\/TimelineItem)\/anyOf$/;

/** A timeline item is one of several shapes (`anyOf`): of the schema's complaints about an item, keep
 *  those of the shape its `kind` names, not what every other shape would have wanted. */
function timelineBranch(data: unknown, errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => {
    if (e.keyword === 'anyOf' && ITEM_SHAPES.test(e.schemaPath)) return false;
    const branch = /\/definitions\/(\w+Item)\//.exec(e.schemaPath)?.[1];
    if (branch === undefined) return true;
    const index = /^(?:\/traffic)?\/(\d+)/.exec(e.instancePath)?.[1];
    const list = Array.isArray(data) ? data : (data as { traffic?: unknown[] }).traffic;
    const item = index === undefined ? undefined : list?.[Number(index)];
    const kind = (item as { kind?: unknown } | undefined)?.kind ?? 'ping';
    return ITEM_DEFINITION[String(kind)] === branch;
  });
}

/** An item whose `kind` is none of the timeline's is named as such (the schema would list every shape). */
function timelineKinds(list: unknown, prefix: string): TopologyIssue | null {
  if (!Array.isArray(list)) return null;
  for (const [i, item] of list.entries()) {
    const kind = (item as { kind?: unknown } | null)?.kind;
    if (kind !== undefined && !(typeof kind === 'string' && kind in ITEM_DEFINITION))
      return {
        path: `${prefix}[${i}].kind`,
        message: `unknown item kind ${JSON.stringify(kind)}; valid: ${Object.keys(ITEM_DEFINITION).join(', ')} (an item without kind is a ping)`,
      };
  }
  return null;
}

/** Parse `file` (a UTF-8 byte-order mark, as some editors write, is allowed) and check it against the JSON
 *  Schema of `format`; `precheck` may reject the data first with an issue clearer than the schema's. */
export function readFormat<T>(
  file: string,
  format: FormatName,
  precheck?: (data: unknown) => TopologyIssue | null,
): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FileError(file, [{ path: '', message: `cannot read: ${describeFsError(err)}` }]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new FileError(file, [{ path: '', message: `malformed JSON: ${(e as Error).message}` }]);
  }
  const early = precheck?.(data);
  if (early) throw new FileError(file, [early]);
  const validate = validator(format);
  if (!validate(data)) {
    const issues = timelineBranch(data, validate.errors ?? []).map(schemaIssue);
    const seen = new Set<string>();
    throw new FileError(
      file,
      issues.filter((i) => !seen.has(`${i.path}|${i.message}`) && seen.add(`${i.path}|${i.message}`)),
    );
  }
  return data as T;
}

const under = (prefix: string, issues: TopologyIssue[]) =>
  issues.map((i) => ({
    ...i,
    path: i.path === '' ? prefix : `${prefix}${i.path.startsWith('[') ? '' : '.'}${i.path}`,
  }));

export function loadTopology(file: string): Topology {
  const topology = readFormat<Topology>(file, 'topology');
  const issues = topologyIssues(topology);
  if (issues.length > 0) throw new FileError(file, issues);
  return topology;
}

export function loadTraffic(file: string, topology: Topology): Timeline {
  const traffic = readFormat<Timeline>(file, 'traffic', (data) => timelineKinds(data, ''));
  const issues = timelineIssues(traffic, topology);
  if (issues.length > 0) throw new FileError(file, issues);
  return traffic;
}

/** A counterexample of another format version is named as such, with the version this one reads. */
function formatVersion(data: unknown): TopologyIssue | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const format = (data as { format?: unknown }).format;
  if (format === undefined)
    return {
      path: '',
      message: `missing field "format": not a counterexample file (${COUNTEREXAMPLE_FORMAT})`,
    };
  if (format === COUNTEREXAMPLE_FORMAT) return null;
  if (typeof format !== 'string')
    return {
      path: 'format',
      message: `${JSON.stringify(format)} is not a format marker: expected ${COUNTEREXAMPLE_FORMAT}`,
    };
  return {
    path: 'format',
    message: format.startsWith('weave-spec/counterexample/')
      ? `${format} is another version of the format: this weave-spec reads ${COUNTEREXAMPLE_FORMAT} (run check again to write one)`
      : `${JSON.stringify(format)} is not a counterexample format: expected ${COUNTEREXAMPLE_FORMAT}`,
  };
}

export function loadCounterexample(file: string, propertyNames: readonly string[]): CounterexampleFile {
  const cx = readFormat<CounterexampleFile>(
    file,
    'counterexample',
    (data) =>
      formatVersion(data) ?? timelineKinds((data as { traffic?: unknown } | null)?.traffic, 'traffic'),
  );
  const issues: TopologyIssue[] = [];
  if (!CONFIG_IDS.includes(cx.config))
    issues.push({
      path: 'config',
      message: `unknown configuration id "${cx.config}"; valid ids: ${CONFIG_IDS.join(', ')}`,
    });
  if (!propertyNames.includes(cx.property))
    issues.push({
      path: 'property',
      message: `unknown property "${cx.property}"; valid: ${propertyNames.join(', ')}`,
    });
  (cx.mutants ?? []).forEach((m, i) => {
    if (!isMutant(m)) issues.push({ path: `mutants[${i}]`, message: `unknown mutant "${m}"` });
  });
  issues.push(...under('faults', faultIssues(cx.faults ?? [])));
  issues.push(...under('reachable', drawIssues(cx.reachable ?? [])));
  const topo = topologyIssues(cx.topology);
  issues.push(...under('topology', topo));
  const timeline = topo.length === 0 ? timelineIssues(cx.traffic, cx.topology) : [];
  issues.push(...under('traffic', timeline));
  const starts = topo.length === 0 && timeline.length === 0 ? startCount(cx) : Number.POSITIVE_INFINITY;
  if ((cx.reachable?.length ?? 0) > starts)
    issues.push({
      path: `reachable[${starts}]`,
      message: `the run starts only ${starts} containers, one reachable-time draw each: the rest would never be used`,
    });
  if (issues.length > 0) throw new FileError(file, issues);
  return cx;
}
