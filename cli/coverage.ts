/**
 * `weave-spec coverage [--config id|default|all] [--runs n] [--seed s] [--json]`: per machine, the states
 * and transitions it declares and those the property runs reached, the ones no run can reach (and why),
 * and what the runs exercise (`properties/coverage.ts`). `--json` prints `{ "machines", "exercise" }` and
 * nothing else on stdout. Exit 1 when a declared transition is neither reached nor known unreachable.
 */
import { WORLDS } from '../properties/arbitraries.ts';
import { accounted, type Coverage, runCoverage } from '../properties/coverage.ts';
import { DEFAULT_RUNS } from '../properties/matrix.ts';
import { renderTable } from '../render/table.ts';
import { EXIT_FAIL, EXIT_OK } from './errors.ts';
import { runsOption, seedOption, selectConfigs, workersOption } from './options.ts';
import { type Io, progress } from './progress.ts';

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

export function coverageReport(c: Coverage): string {
  const machines = renderTable(
    ['machine', 'kind', 'states reached', 'transitions reached', 'unreachable (why listed)', 'accounted'],
    c.machines.map((m) => [
      m.id,
      m.kind,
      m.states.length === 0 ? '-' : `${m.reachedStates.length}/${m.states.length}`,
      `${m.reachedTransitions.length}/${m.transitions.length}`,
      String(m.unreachable.length),
      pct(accounted(m)),
    ]),
  );
  const lines = [machines];
  for (const m of c.machines)
    for (const u of m.unreachable)
      lines.push(`unreachable  ${m.id}: ${u.transition}\n             ${u.why}\n`);
  for (const m of c.machines) for (const t of m.missed) lines.push(`NOT REACHED  ${m.id}: ${t}\n`);
  const e = c.exercise;
  lines.push(
    renderTable(
      ['what the runs exercise', 'value'],
      [
        ['cases', String(e.cases)],
        ['pings', String(e.pings)],
        ['pings the delivery property checks', pct(e.pingsChecked)],
        ['  of those, across hosts', pct(e.crossHostOfChecked)],
        ['  of those, to the sender itself', pct(e.selfOfChecked)],
        ['cases with an ARP miss', pct(e.casesWithArpMiss)],
        [
          'Fast Datapath cases with a datapath miss',
          e.casesWithDatapathMiss === null ? '-' : pct(e.casesWithDatapathMiss),
        ],
        ['scheduler choices used after the first ping', pct(e.choicesAfterFirstPing)],
        ['cases where a container starts after time 0', String(e.casesWithEvent.start)],
        ['cases where a container stops', String(e.casesWithEvent.stop)],
        ['cases where a container moves', String(e.casesWithEvent.move)],
        ['cases where a peer leaves the mesh', String(e.casesWithEvent['peer-leave'])],
        ['cases where a peer joins again', String(e.casesWithEvent['peer-join'])],
        ['cases where a link goes down', String(e.casesWithEvent['link-down'])],
        ['cases where a link comes up', String(e.casesWithEvent['link-up'])],
        ['cases where the underlay lost a datagram', String(e.casesWithEvent.loss)],
        ['cases where the underlay duplicated a datagram', String(e.casesWithEvent.duplicate)],
        ['cases where the underlay delayed a datagram', String(e.casesWithEvent.delay)],
        ['checked pings sent after a change', String(e.pingsCheckedAfterChange)],
      ],
    ),
  );
  return lines.join('\n');
}

export async function runCoverageCommand(
  opts: { config?: string; runs?: string; seed?: string; workers?: string; json?: boolean },
  io: Io,
): Promise<number> {
  const configs = selectConfigs(opts.config).map((c) => c.id);
  const runs = runsOption(opts.runs, DEFAULT_RUNS);
  const seed = seedOption(opts.seed);
  const workers = workersOption(opts.workers);
  const bar = progress(io, 'coverage', configs.length * WORLDS.length, 1);
  const coverage = await runCoverage({ configs, runs, seed, workers, onDone: (job) => bar.onRun(job, 1) });
  bar.end();
  io.out(opts.json ? `${JSON.stringify(coverage, null, 2)}\n` : coverageReport(coverage));
  return coverage.machines.every((m) => m.missed.length === 0) ? EXIT_OK : EXIT_FAIL;
}
