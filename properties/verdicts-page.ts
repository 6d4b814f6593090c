/**
 * docs/verdicts.md: the verdict table, what each property checks, and for each failing cell the shrunk
 * counterexample (case, violation, a sequence diagram and the full trace) with the paragraph saying what
 * it shows about the seed's guess (from `expectations.ts`). Deterministic: no timings, fixed seed.
 */

import { counterexampleName } from '../formats/counterexample.ts';
import { ALL_CONFIGS } from '../model/config.ts';
import { isContainerItem, isMeshItem } from '../model/timeline.ts';
import { participantOrder } from '../render/layout.ts';
import { renderMermaid } from '../render/mermaid.ts';
import { renderMarkdownTable } from '../render/table.ts';
import { renderText } from '../render/text.ts';
import type { World } from './arbitraries.ts';
import { runCase } from './case.ts';
import { expectedFailure, expectedFailuresIn } from './expectations.ts';
import { PROPERTIES } from './index.ts';
import { DEFAULT_RUNS, DEFAULT_SEED } from './matrix.ts';
import { SETTLE_MS } from './settle.ts';
import { type Cell, matches, PROPERTY_ORDER } from './verdicts.ts';

/** Where `npm run docs` writes each failing cell's counterexample file, replayable as it stands. */
export const COUNTEREXAMPLES_DIR = 'docs/examples/counterexamples';

/** The anchor of a cell's section in docs/verdicts.md. */
/** The page a cell's counterexample is on: the dynamic world's have a page of their own (they are long). */
export const pageOf = (world: World = 'static') =>
  world === 'static' ? 'docs/verdicts.md' : 'docs/verdicts-dynamic.md';

export const anchorOf = (config: string, property: string, world: World = 'static') =>
  `${config}--${property}${world === 'static' ? '' : `--${world}`}`.replace(/[^a-z0-9-]/g, '-');
const anchor = (c: Cell) => anchorOf(c.config, c.property, c.world);

function grid(cells: readonly Cell[], world: World): string {
  const configs = [...new Set(cells.map((c) => c.config))];
  return renderMarkdownTable(
    ['configuration', ...PROPERTY_ORDER],
    configs.map((config) => [
      `\`${config}\``,
      ...PROPERTY_ORDER.map((p) => {
        const c = cells.find((x) => x.config === config && x.world === world && x.property === p);
        if (!c) return '';
        const mark = matches(c) ? '' : ' (unexpected)';
        const page = world === 'static' ? '' : 'verdicts-dynamic.md';
        return c.observed === 'holds' ? `holds${mark}` : `[**fails**](${page}#${anchor(c)})${mark}`;
      }),
    ]),
  );
}

/** The most steps a counterexample's diagram and trace show: the page stays readable. */
const MAX_SHOWN = 100;

/** A dynamic cell that fails for the reason its static twin does: said once, with the static counterexample. */
function sameAsStatic(c: Cell, cells: readonly Cell[]): boolean {
  if (c.world === 'static') return false;
  const twin = cells.find((x) => x.config === c.config && x.property === c.property && x.world === 'static');
  const why = expectedFailure(c.config, c.property, c.world)?.why;
  return (
    twin?.observed === 'fails' && why !== undefined && why === expectedFailure(c.config, c.property)?.why
  );
}

function failure(c: Cell, cells: readonly Cell[]): string {
  const heading = `### ${c.config} × ${c.property}${c.world === 'static' ? '' : ` (${c.world} world)`}
<a id="${anchor(c)}"></a>
`;
  if (sameAsStatic(c, cells))
    return `${heading}
Fails in a world that changes as it does in the static one, for the same reason: see
[${c.config} × ${c.property}](verdicts.md#${anchorOf(c.config, c.property)}). Found after ${c.runs} generated
case${c.runs === 1 ? '' : 's'}: **${c.counterexample!.message}**.
`;
  const cx = c.counterexample!;
  const r = runCase(cx.case);
  const labels = new Map(cx.steps.map((n) => [n, ['VIOLATION']]));
  // From the first ping on; in a world that changes, from the last change before the violation.
  const violatedAt = Math.min(...cx.steps.map((n) => r.run.trace[n]!.at));
  const changed = cx.case.traffic
    .filter((i) => (isContainerItem(i) || isMeshItem(i)) && i.at <= violatedAt)
    .map((i) => i.at);
  const first =
    changed.length > 0 ? Math.max(...changed) : Math.min(...cx.case.traffic.map((p) => p.at), violatedAt);
  // Up to the violation (what follows shows nothing more), and at most the last MAX_SHOWN steps of it.
  const last = Math.max(...cx.steps);
  const window = r.run.trace.filter((s) => s.at >= first && s.n <= last);
  const flow = window.slice(-MAX_SHOWN);
  const from =
    flow.length < window.length ? `the last ${flow.length} steps before the violation` : `${first} ms`;
  const why =
    expectedFailure(c.config, c.property, c.world)?.why ??
    '**Not expected.** This cell was expected to hold: either the model has a bug or the guess has a flaw ' +
      'nobody has written up yet.';
  return `${heading}
${why}

Found after ${c.runs} generated case${c.runs === 1 ? '' : 's'}, shrunk by fast-check (path \`${cx.path}\`).
Violation: **${cx.message}** (steps ${cx.steps.join(', ')}). Trace digest \`${cx.digest}\`.

The case (topology, timeline, scheduler choices) is a counterexample file: replay it, its trace and its
sequence diagram with \`npx weave-spec replay ${COUNTEREXAMPLES_DIR}/${counterexampleName(c.config, c.property, c.world)}\`.

Sequence diagram from ${from} to the violation (its steps are marked VIOLATION):

\`\`\`mermaid
${renderMermaid(flow, { labels, participants: participantOrder(r.network) })}\`\`\`

<details><summary>The trace from ${from} to the violation (${flow.length} of ${r.run.trace.length} steps; <code>weave-spec replay</code> prints them all)</summary>

\`\`\`
${renderText(flow, labels)}\`\`\`
</details>
`;
}

/** The expected failures of the configurations the default matrix does not run, each under its anchor. */
function outside(cells: readonly Cell[]): string {
  const shown = new Set(cells.map((c) => c.config));
  const others = ALL_CONFIGS.map((c) => c.id).filter((id) => !shown.has(id));
  return expectedFailuresIn(others, PROPERTY_ORDER, ['static'])
    .map(
      (f) =>
        `### ${f.config} × ${f.property}${f.world === 'static' ? '' : ` (${f.world} world)`}\n<a id="${anchorOf(f.config, f.property, f.world)}"></a>\n\n${f.why}\n`,
    )
    .join('\n');
}

export function renderVerdictsPage(cells: readonly Cell[]): string {
  const failing = cells.filter((c) => c.observed === 'fails' && c.world === 'static');
  const props = PROPERTIES.map((p) => `- **${p.name}**: ${p.doc}`).join('\n');
  return `<!-- generated by \`npm run docs\` from properties/; do not edit -->
# Verdicts

Every configuration × every property, over ${DEFAULT_RUNS} generated cases per configuration (fast-check seed
${DEFAULT_SEED}; \`npx weave-spec matrix --runs N --seed S\` goes deeper or elsewhere). A case is a random
topology (1–6 hosts, 1–4 containers each, 1–3 subnets, full or, for upstream, partial meshes), random pings
with pauses past every ageing time, and a random interleaving of simultaneous deliveries
(\`properties/arbitraries.ts\`). Each case is simulated once and every property is checked on that run;
a failing property's first counterexample is then shrunk by fast-check for that property alone.

Each configuration runs in two worlds. In the **static** world nothing changes after time 0: the
topology's containers start and announce themselves, and only pings follow. In the **dynamic** world
containers also move to other hosts, restart, stop, start anew, and give their IP to new containers with
other MACs, and after the last change and a pause a sweep pings every container that changed
(\`properties/changes.ts\`, docs/dynamics.md). There the properties hold the network to its promises once
the parties of each promise have settled (\`properties/settle.ts\`: ${SETTLE_MS} ms after their last change),
however long ago that was.

Each failing cell is expected to fail (\`properties/expectations.ts\`) and links to its counterexample,
with what it shows about the seed's guess or upstream Weave: the static world's below, the dynamic
world's in docs/verdicts-dynamic.md.

## Static world

${grid(cells, 'static')}
## Dynamic world

${grid(cells, 'dynamic')}
## The properties

${props}

## The counterexamples of the static world

${failing.length === 0 ? 'None.\n' : failing.map((c) => failure(c, cells)).join('\n')}
## Expected failures outside the default scope

The default scope is the seed's guesses and upstream; \`npx weave-spec matrix --config all\` (or \`check
--config all\`) also runs the seed's guesses with VXLAN learning off and the Linux-native layout of the kernel
conformance test (docs/conformance.md). These cells of theirs are expected to fail, for these reasons:

${outside(cells)}`;
}

/** docs/verdicts-dynamic.md: the dynamic world's counterexamples. */
export function renderDynamicVerdictsPage(cells: readonly Cell[]): string {
  const failing = cells.filter((c) => c.observed === 'fails' && c.world === 'dynamic');
  return `<!-- generated by \`npm run docs\` from properties/; do not edit -->
# Verdicts in a world that changes

The counterexamples of the dynamic world's failing cells (the table is in docs/verdicts.md; what changes
and how the properties judge it, in docs/dynamics.md). Each shows the trace from the last change before the
violation; \`weave-spec replay\` prints all of it once the case is saved as a counterexample file.

${failing.length === 0 ? 'None.\n' : failing.map((c) => failure(c, cells)).join('\n')}`;
}
