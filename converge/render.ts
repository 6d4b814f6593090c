/**
 * What `weave-spec converge` writes: a table for the terminal, the CSV, one SVG chart per change and
 * measure (against the number of hosts), and the page docs/convergence.md. Pure functions of the rows: the
 * same rows give the same bytes (no times or dates in them).
 */
import { lineChartSvg } from '../render/line-chart.ts';
import { renderMarkdownTable } from '../render/table.ts';
import {
  CONVERGE_EVENTS,
  type ConvergeEvent,
  type ConvergeRow,
  FLAP_MS,
  PROBE_OFFSETS_MS,
} from './measure.ts';

export const CSV_COLUMNS = [
  'config',
  'event',
  'hosts',
  'convergeMs',
  'lost',
  'probes',
  'floodCopies',
  'staleMs',
  'truncated',
] as const;

export function renderCsv(rows: readonly ConvergeRow[]): string {
  const cell = (v: unknown) => (v === null ? '' : String(v));
  return `${[CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

/** Reads rows back from `renderCsv` (the page's test compares the committed rows with fresh ones). */
export function parseCsv(text: string): ConvergeRow[] {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head!.split(',');
  return lines.map((line) => {
    const v = Object.fromEntries(line.split(',').map((x, i) => [cols[i], x]));
    return {
      config: v.config!,
      event: v.event as ConvergeEvent,
      hosts: Number(v.hosts),
      convergeMs: v.convergeMs === '' ? null : Number(v.convergeMs),
      lost: Number(v.lost),
      probes: Number(v.probes),
      floodCopies: Number(v.floodCopies),
      staleMs: v.staleMs === '' ? null : Number(v.staleMs),
      truncated: v.truncated === 'true',
    };
  });
}

/** How a convergence time reads: seconds, or "never" within the probes. */
export function convergeText(ms: number | null): string {
  if (ms === null) return `not within ${PROBE_OFFSETS_MS.at(-1)! / 1000} s`;
  return `${ms / 1000} s`;
}

/** How long senders kept trying the old owner: seconds; "none" when no probe after the change went to the
 *  old owner; "-" when the change moved no owner. */
export function staleText(ms: number | null): string {
  if (ms === null) return '-';
  return ms === 0 ? 'none' : `${ms / 1000} s`;
}

/** The rows as a terminal table, one line a row. */
export function renderTable(rows: readonly ConvergeRow[]): string {
  const head = [
    'configuration',
    'event',
    'hosts',
    'converges after',
    'lost',
    'flood copies',
    'last stale probe',
  ];
  const body = rows.map((r) => [
    r.config,
    r.event,
    String(r.hosts),
    convergeText(r.convergeMs) + (r.truncated ? ' (storm: cut short)' : ''),
    `${r.lost}/${r.probes}`,
    String(r.floodCopies),
    staleText(r.staleMs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}

export const CHARTS = CONVERGE_EVENTS.flatMap((event) => [
  {
    file: `${event}-converge`,
    event,
    title: `${event}: seconds until every peer reaches the container again`,
    value: (r: ConvergeRow) =>
      r.convergeMs === null ? PROBE_OFFSETS_MS.at(-1)! / 1000 : r.convergeMs / 1000,
  },
  {
    file: `${event}-floods`,
    event,
    title: `${event}: flood copies the underlay delivered`,
    value: (r: ConvergeRow) => r.floodCopies,
  },
]);

export async function renderChart(
  rows: readonly ConvergeRow[],
  chart: (typeof CHARTS)[number],
): Promise<string> {
  const values = rows
    .filter((r) => r.event === chart.event)
    .map((r) => ({ config: r.config, hosts: r.hosts, value: chart.value(r) }));
  return lineChartSvg(values, chart.title);
}

const WHAT: Record<ConvergeEvent, string> = {
  move: 'the target moves from h1 to h2, keeping its IP and MAC',
  'ip-reuse': 'the target stops and a new container takes its IP with another MAC, on h2',
  'peer-leave': "the last host's peer leaves the mesh for good (its own containers stop probing)",
  'peer-join': "the target's host's router, away for the second before, comes back fresh",
  'link-flap': `the link between h1 and h2 goes down for ${FLAP_MS / 1000} s`,
};

/** docs/convergence.md: how it was measured, a table per change, the charts. */
export function renderConvergePage(rows: readonly ConvergeRow[], dir: string): string {
  const configs = [...new Set(rows.map((r) => r.config))];
  const sizes = [...new Set(rows.map((r) => r.hosts))].sort((a, b) => a - b);
  const sections = CONVERGE_EVENTS.filter((e) => rows.some((r) => r.event === e)).map((event) => {
    const at = (config: string, hosts: number) =>
      rows.find((r) => r.config === config && r.event === event && r.hosts === hosts);
    const table = renderMarkdownTable(
      ['configuration', ...sizes.map((h) => `${h} hosts`)],
      configs.map((c) => [
        `\`${c}\``,
        ...sizes.map((h) => {
          const r = at(c, h);
          if (!r) return '-';
          const stale = r.staleMs === null ? '' : `, last stale probe ${staleText(r.staleMs)}`;
          return `${convergeText(r.convergeMs)}, ${r.lost} lost, ${r.floodCopies} floods${stale}`;
        }),
      ]),
    );
    const charts = CHARTS.filter((c) => c.event === event)
      .map((c) => `![${c.title}](${dir}/${c.file}.svg)`)
      .join('\n');
    return `## ${event}\n\n${WHAT[event]}.\n\n${table}\n\n${charts}\n`;
  });
  return `<!-- generated by \`npm run docs:converge\`; do not edit -->
# Convergence: how long each configuration takes to reach a container again

\`weave-spec converge\` (\`converge/measure.ts\`) runs one scenario per configuration, change and size:
hosts in a full mesh with one container each and a target container on h1; every container pings the
target at 1 s (every cache holds it); at 10 s the change; from then on every container probes the target's
IP ${PROBE_OFFSETS_MS.length} times, ${PROBE_OFFSETS_MS[1]} ms apart at first and minutes apart at the end
(the last ${PROBE_OFFSETS_MS.at(-1)! / 1000} s after the change, past upstream's ten-minute MAC cache).

- **converges after**: the first probe time from which every probe is answered; its resolution is the
  spacing of the probes. "not within ${PROBE_OFFSETS_MS.at(-1)! / 1000} s": the last probes still fail.
- **lost**: probes without a reply (of ${rows[0]?.probes ?? 0} at most at the smallest size).
- **floods**: copies the underlay delivered to a host where their frame's destination is not: every copy
  of a broadcast, and copies of unicast frames flooded, or relayed, through a host that does not hold their
  destination MAC.
- **last stale probe** (a move or an IP reuse): from the change to the last probe sent after it that still
  went to the target's old owner, in the two layers of the staleness property: sent on the old MAC (under
  H2, the old host's fake MAC), or carried to the old host and not to the moved target. The probe sent at
  the change itself is left out, since nobody can know of the change yet; "none" when no later probe went
  to the old owner.

The probes are traffic: they refresh and correct caches as any traffic does, so these are the numbers of a
network under light, steady load. docs/dynamics.md says why each configuration behaves as it does.
Regenerate with \`npm run docs:converge\`; the CSV is [${dir}/convergence.csv](${dir}/convergence.csv).

${sections.join('\n')}`;
}
