/**
 * What `weave-spec scale` writes: the CSV, one SVG chart per measure (vega-lite, against the number of
 * hosts) and the page that reads the numbers against the seed's claims C-SL-2, C-SL-3 and C-FD-2. Pure
 * functions of the rows: the same rows give the same bytes (no times or dates in them).
 */
import { lineChartSvg } from '../render/line-chart.ts';
import { renderMarkdownTable } from '../render/table.ts';
import type { ScaleRow } from './measure.ts';

const per = (n: number, d: number) => (d === 0 ? 0 : n / d);
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3));

export const CSV_COLUMNS = [
  'config',
  'hosts',
  'containers',
  'steps',
  'truncated',
  'delivered',
  'arp_broadcasts',
  'underlay_sent_per_delivered',
  'underlay_arp_per_delivered',
  'underlay_ipv4_per_delivered',
  'underlay_received_per_delivered',
  'flooded_per_delivered',
  'crossings_per_delivered',
  'copies_per_delivered',
  'upcalls_per_delivered',
  'flows_installed_per_delivered',
  'bridge_fdb_mean',
  'bridge_fdb_max',
  'vtep_fdb_mean',
  'vtep_fdb_max',
  'flows_mean',
  'flows_max',
] as const;

function csvRecord(r: ScaleRow): Record<(typeof CSV_COLUMNS)[number], string | number | boolean> {
  return {
    config: r.config,
    hosts: r.hosts,
    containers: r.containers,
    steps: r.steps,
    truncated: r.truncated,
    delivered: r.delivered,
    arp_broadcasts: r.arpBroadcasts,
    underlay_sent_per_delivered: per(r.underlaySent, r.delivered),
    underlay_arp_per_delivered: per(r.underlayArp, r.delivered),
    underlay_ipv4_per_delivered: per(r.underlayIpv4, r.delivered),
    underlay_received_per_delivered: per(r.underlayReceived, r.delivered),
    flooded_per_delivered: per(r.otherhost, r.delivered),
    crossings_per_delivered: per(r.crossings, r.delivered),
    copies_per_delivered: per(r.copies, r.delivered),
    upcalls_per_delivered: per(r.upcalls, r.delivered),
    flows_installed_per_delivered: per(r.flowsInstalled, r.delivered),
    bridge_fdb_mean: r.bridgeFdbMean,
    bridge_fdb_max: r.bridgeFdbMax,
    vtep_fdb_mean: r.vtepFdbMean,
    vtep_fdb_max: r.vtepFdbMax,
    flows_mean: r.flowsMean,
    flows_max: r.flowsMax,
  };
}

export function renderCsv(rows: readonly ScaleRow[]): string {
  const lines = rows.map((r) => {
    const rec = csvRecord(r);
    return CSV_COLUMNS.map((k) => {
      const v = rec[k];
      return typeof v === 'number' ? num(v) : String(v);
    }).join(',');
  });
  return `${[CSV_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

/** The charts: one measure each, against the number of hosts (log scale), one line per configuration. */
export const CHARTS: readonly { file: string; field: (typeof CSV_COLUMNS)[number]; title: string }[] = [
  {
    file: 'underlay',
    field: 'underlay_sent_per_delivered',
    title: 'Underlay packets sent per delivered packet',
  },
  {
    file: 'underlay-ipv4',
    field: 'underlay_ipv4_per_delivered',
    title: 'Underlay packets carrying IPv4 sent per delivered packet',
  },
  {
    file: 'underlay-received',
    field: 'underlay_received_per_delivered',
    title: 'Underlay packets received per delivered packet',
  },
  {
    file: 'flooded',
    field: 'flooded_per_delivered',
    title: 'Frames flooded to a container they were not for, per delivered packet',
  },
  {
    file: 'crossings',
    field: 'crossings_per_delivered',
    title: 'User/kernel crossings per delivered packet',
  },
  { file: 'copies', field: 'copies_per_delivered', title: 'Packet copies per delivered packet' },
  { file: 'upcalls', field: 'upcalls_per_delivered', title: 'Upcalls per delivered packet (FDP)' },
  {
    file: 'flows',
    field: 'flows_installed_per_delivered',
    title: 'Flows installed per delivered packet (FDP)',
  },
  { file: 'arp-broadcasts', field: 'arp_broadcasts', title: 'ARP broadcasts, network-wide' },
  { file: 'vtep-fdb', field: 'vtep_fdb_max', title: 'Largest vtep FDB on a host (entries)' },
  { file: 'flow-table', field: 'flows_max', title: 'Largest flow table on a host (entries)' },
  { file: 'bridge-fdb', field: 'bridge_fdb_max', title: 'Largest bridge FDB on a host (entries)' },
];

export async function renderChart(
  rows: readonly ScaleRow[],
  chart: (typeof CHARTS)[number],
): Promise<string> {
  const values = rows.map((r) => ({
    config: r.config,
    hosts: r.hosts,
    value: csvRecord(r)[chart.field] as number,
  }));
  return lineChartSvg(values, chart.title);
}

// The page: the charts, the table at the largest size, and the claims read on the numbers.

const fix = (n: number, d = 2) => n.toFixed(d);

/** Containers per host of the run (every row has the same). */
function perHostOf(rows: readonly ScaleRow[]): number {
  const r = rows[0];
  return r ? r.containers / r.hosts : 0;
}

function claimsText(rows: readonly ScaleRow[]): string {
  const largest = Math.max(...rows.map((r) => r.hosts));
  const smallest = Math.min(...rows.map((r) => r.hosts));
  const at = (config: string, hosts: number) => rows.find((r) => r.config === config && r.hosts === hosts);
  const configs = [...new Set(rows.map((r) => r.config))];
  const sleeve = configs.filter((c) => c.startsWith('sleeve/'));
  const fdp = configs.filter((c) => c.startsWith('fdp/'));
  const range = (ids: string[], f: (r: ScaleRow) => number) => {
    const vs = ids
      .map((id) => at(id, largest))
      .filter((r): r is ScaleRow => !!r && !r.truncated)
      .map(f);
    return vs.length === 0 ? null : { min: Math.min(...vs), max: Math.max(...vs) };
  };
  const span = (r: { min: number; max: number } | null) =>
    r === null ? 'n/a' : r.min === r.max ? fix(r.min) : `${fix(r.min)}–${fix(r.max)}`;
  const out: string[] = [];

  const cop = (r: ScaleRow) => per(r.copies, r.delivered);
  const cro = (r: ScaleRow) => per(r.crossings, r.delivered);
  const sCop = range(sleeve, cop);
  const fCop = range(fdp, cop);
  const sCro = range(sleeve, cro);
  const fCro = range(fdp, cro);
  const holds = (s: typeof sCop, f: typeof fCop) => (s && f ? s.min > f.max : null);
  const verdict = (h: boolean | null) =>
    h === null
      ? '**cannot be read** (a design is missing from this run)'
      : h
        ? '**holds**'
        : '**does not hold**';

  const trend = (ids: string[], f: (r: ScaleRow) => number) =>
    ids
      .flatMap((id) => {
        const a = at(id, smallest);
        const b = at(id, largest);
        return a && b && !b.truncated ? [`\`${id}\` ${fix(f(a))} → ${fix(f(b))}`] : [];
      })
      .join(', ');
  out.push(
    `**C-SL-2** (pcap copies make Sleeve slow): ${verdict(holds(sCop, fCop))} in the model. At ${largest} hosts ` +
      `Sleeve makes ${span(sCop)} packet copies between kernel and user space per delivered packet, Fast Datapath ` +
      `${span(fCop)}. From ${smallest} to ${largest} hosts: ${trend([...sleeve, ...fdp], cop)}. Every packet ` +
      `Sleeve carries is captured by pcap (kernel to user, copied into the capture buffer and again by the sniff ` +
      `loop), sent and received over UDP and injected, whatever the size; \`sleeve/upstream\` also captures and ` +
      `sends every ARP broadcast, which it floods to every peer, so its count grows with the hosts. FDP copies a ` +
      `packet into user space only on a miss (an upcall and an execute); a packet that matches a flow, or that the ` +
      `seed's datapath forwards through its standing flows, is never copied. The model counts copies, not ` +
      `nanoseconds: that copies make Sleeve *slow* is an inference from these counts.`,
  );
  out.push(
    `**C-SL-3** (kernel/user crossings make Sleeve slow): ${verdict(holds(sCro, fCro))} in the model. At ${largest} ` +
      `hosts Sleeve crosses between kernel and user space ${span(sCro)} times per delivered packet, FDP ` +
      `${span(fCro)}. From ${smallest} to ${largest} hosts: ${trend([...sleeve, ...fdp], cro)}. Every Sleeve ` +
      `packet crosses four times (capture, UDP send, UDP receive, injection) plus the ARP it handles (for ` +
      `\`sleeve/upstream\`, every broadcast flooded to every peer). An FDP packet that matches a flow never leaves ` +
      `the kernel, so FDP's crossings are its misses (upcalls, executes, flow installs), and the warm round of ` +
      `the workload adds none.`,
  );

  const learning = fdp.filter((c) => c !== 'fdp/upstream' && !c.endsWith('/no-learning'));
  const ends = (id: string) => {
    const a = at(id, smallest);
    const b = at(id, largest);
    return a && b && !b.truncated ? { a, b } : null;
  };
  const rx = (r: ScaleRow) => per(r.underlayReceived, r.delivered);
  const ip4 = (r: ScaleRow) => per(r.underlayIpv4, r.delivered);
  const remote = (largest - 1) * perHostOf(rows);
  // Learning at scale: the vteps' FDBs fill with every remote container they hear flooded (not only the ones
  // they talk to), and the underlay work per delivered packet grows with the number of hosts.
  const shows = (id: string) => {
    const e = ends(id);
    return e !== null && e.b.vtepFdbMax >= remote && rx(e.b) > 2 * rx(e.a);
  };
  const holding = learning.filter(shows);
  const lines = learning.map((id) => {
    const e = ends(id);
    return e
      ? `\`${id}\` ${fix(rx(e.a))} → ${fix(rx(e.b))} (IPv4 alone ${fix(ip4(e.b))}; vtep FDB ${e.b.vtepFdbMax} entries)`
      : `\`${id}\` did not finish at ${largest} hosts`;
  });
  const up = ends('fdp/upstream');
  const c2 =
    learning.length === 0
      ? null
      : holding.length === learning.length
        ? true
        : holding.length === 0
          ? false
          : null;
  out.push(
    `**C-FD-2** (VXLAN learning does not suit large scale): ${c2 === null && learning.length > 0 ? `**holds for ${holding.length} of ${learning.length}**` : verdict(c2)} in the model ` +
      `(the seed's configurations with learning). Each container talks to one remote neighbour, yet at ${largest} hosts ` +
      `the largest vtep FDB holds ${Math.max(...learning.map((id) => at(id, largest)?.vtepFdbMax ?? 0))} entries for ` +
      `the ${remote} remote containers: a learning vtep learns every MAC whose frames are flooded to it (gratuitous ` +
      `and ARP broadcasts reach every vtep), so its table grows with the whole network, not with its conversations. ` +
      `And a vtep that has not learned a MAC floods: to every other vtep (V2, V3: N−1 unicast copies) or to the ` +
      `group (V1: one send, N−1 receptions). Underlay packets received per delivered packet, ${smallest} → ${largest} ` +
      `hosts: ${lines.join('; ')}. Under H1 the controller consumes the ARP request, so the vtep never learns the ` +
      `destination and floods the IPv4 packets; under H2 the fake MAC is never learned, so every packet is flooded. ` +
      (up
        ? `Upstream FDP has no FDB (the remote address is in each flow): ${fix(ip4(up.b))} underlay IPv4 packet per delivered packet at any size; its growth (${fix(rx(up.a))} → ${fix(rx(up.b))} received per delivered packet) is ARP broadcasts forwarded along the mesh to every peer, which learning does not cause and cannot avoid.`
        : ''),
  );
  return out.join('\n\n');
}

export function renderScalePage(rows: readonly ScaleRow[], dir: string, perHost: number): string {
  const largest = Math.max(...rows.map((r) => r.hosts));
  const sizes = [...new Set(rows.map((r) => r.hosts))];
  const table = renderMarkdownTable(
    [
      'configuration',
      'delivered',
      'steps',
      'ARP broadcasts',
      'underlay sent / delivered',
      'underlay received / delivered',
      'flooded / delivered',
      'crossings / delivered',
      'copies / delivered',
      'upcalls / delivered',
      'flows / delivered',
      'bridge FDB (max)',
      'vtep FDB (max)',
      'flow table (max)',
    ],
    rows
      .filter((r) => r.hosts === largest)
      .map((r) => [
        `\`${r.config}\`${r.truncated ? ' (truncated)' : ''}`,
        String(r.delivered),
        String(r.steps),
        String(r.arpBroadcasts),
        fix(per(r.underlaySent, r.delivered)),
        fix(per(r.underlayReceived, r.delivered)),
        fix(per(r.otherhost, r.delivered)),
        fix(per(r.crossings, r.delivered)),
        fix(per(r.copies, r.delivered)),
        fix(per(r.upcalls, r.delivered)),
        fix(per(r.flowsInstalled, r.delivered)),
        String(r.bridgeFdbMax),
        String(r.vtepFdbMax),
        String(r.flowsMax),
      ]),
  );
  const charts = CHARTS.map((c) => `### ${c.title}\n\n![${c.title}](${dir}/${c.file}.svg)\n`).join('\n');
  return `<!-- generated by \`npx weave-spec scale --hosts ${sizes.join(',')} --containers ${perHost}\`; do not edit -->
# Costs as the network grows

Every configuration, at ${sizes.join(', ')} hosts of ${perHost} containers each. The workload: every container
pings the container in the same position on the next host, all at once on cold caches (an ARP storm: every
container resolves one remote neighbour), then the same pings 2 s later on warm caches; ${4 * perHost} packets per
host to deliver (requests and replies). Counts start with the first ping, so the containers' gratuitous ARPs
at start-up are not in them; table sizes are at the end of the run. How each count is made:
\`model/network/costs.ts\`; the numbers: [\`${dir}/scale.csv\`](${dir}/scale.csv).

## What the numbers say about the seed's claims

${claimsText(rows)}

## At ${largest} hosts

${table}
## Charts

${charts}`;
}
