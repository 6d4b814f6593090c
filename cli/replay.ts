/**
 * `weave-spec replay FILE`: re-runs a counterexample bit for bit, confirms it is the same run (same trace
 * digest, same violation), and prints its trace with the violating steps marked; `--step N` prints every
 * component's state after step N.
 */
import { loadCounterexample } from '../formats/load.ts';
import type { CounterexampleFile } from '../formats/types.ts';
import { configById } from '../model/config.ts';
import { choiceScheduler } from '../model/network/scheduler.ts';
import { simulate } from '../model/network/simulator.ts';
import { buildNetwork } from '../model/network/wiring.ts';
import {
  type Case,
  checkRun,
  PROPERTY_NAMES,
  propertyByName,
  runCase,
  traceDigest,
} from '../properties/index.ts';
import { readableContext } from '../render/context.ts';
import { participantOrder } from '../render/layout.ts';
import { renderMermaid } from '../render/mermaid.ts';
import { describeInput, renderText } from '../render/text.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import type { TraceFormat } from './scenario.ts';

export function caseOf(cx: CounterexampleFile): Case {
  return {
    topology: cx.topology,
    config: cx.config,
    traffic: cx.traffic,
    choices: cx.choices,
    ...(cx.mutants && { mutants: cx.mutants }),
  };
}

/** Every component's context after step `n` of the case's run. */
function statesAfter(c: Case, n: number): Record<string, unknown> {
  const network = buildNetwork(c.topology, configById(c.config), { mutants: c.mutants ?? [] });
  return simulate(network, c.traffic, { scheduler: choiceScheduler(c.choices), maxSteps: n + 1 }).contexts;
}

export function runReplay(
  file: string,
  opts: { format?: TraceFormat; step?: number },
  out: (s: string) => void,
): number {
  const cx = loadCounterexample(file, PROPERTY_NAMES);
  const c = caseOf(cx);
  const r = runCase(c);
  const digest = traceDigest(r.run);
  const verdict = checkRun(r, propertyByName(cx.property));
  const sameRun = digest === cx.traceDigest;
  const reproduced =
    sameRun &&
    !verdict.holds &&
    verdict.message === cx.verdict.message &&
    JSON.stringify(verdict.steps) === JSON.stringify(cx.verdict.steps);
  const violating = verdict.holds ? [] : verdict.steps;
  const labels = new Map(violating.map((n) => [n, [`violates ${cx.property}`]]));

  if (opts.step !== undefined) {
    if (!Number.isInteger(opts.step) || opts.step < 0 || opts.step >= r.run.trace.length)
      throw new UsageError(`--step ${opts.step}: the run has steps 0 to ${r.run.trace.length - 1}`);
    const step = r.run.trace[opts.step]!;
    out(`step ${step.n} at ${step.at} ms, ${step.component}: ${describeInput(step.input)}\n`);
    for (const [id, context] of Object.entries(statesAfter(c, opts.step)))
      out(`${id}: ${JSON.stringify(readableContext(context))}\n`);
    return reproduced ? EXIT_OK : EXIT_FAIL;
  }
  if (opts.format === 'json') {
    out(
      `${JSON.stringify({ reproduced, traceDigest: digest, expectedDigest: cx.traceDigest, verdict, trace: r.run.trace })}\n`,
    );
    return reproduced ? EXIT_OK : EXIT_FAIL;
  }
  if (opts.format === 'mermaid') {
    out(renderMermaid(r.run.trace, { labels, participants: participantOrder(r.network) }));
    return reproduced ? EXIT_OK : EXIT_FAIL;
  }
  out(
    `counterexample: ${cx.property} under ${cx.config}${cx.mutants?.length ? ` (mutants: ${cx.mutants.join(', ')})` : ''}\n`,
  );
  out(`recorded: ${cx.verdict.message} (steps ${cx.verdict.steps.join(', ')})\n`);
  out(
    verdict.holds
      ? 'replayed: the property HOLDS on this run\n'
      : `replayed: ${verdict.message} (steps ${verdict.steps.join(', ')})\n`,
  );
  out(
    `trace digest: ${digest} ${sameRun ? '(same run)' : `(DIFFERS from the recorded ${cx.traceDigest})`}\n\n`,
  );
  out(renderText(r.run.trace, labels));
  out(reproduced ? 'reproduced\n' : 'NOT reproduced\n');
  return reproduced ? EXIT_OK : EXIT_FAIL;
}
