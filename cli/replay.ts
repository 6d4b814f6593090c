/**
 * `weave-spec replay FILE`: re-runs a counterexample bit for bit, confirms it is the same run (same trace
 * digest, same violation), and prints its trace with the violating steps marked; `--step N` prints every
 * component's state after step N. When the run is not the recorded one, it says why: which input differs
 * from the run that wrote the file, or that the model changed since.
 */
import { caseOf, changedInputs } from '../formats/counterexample.ts';
import { FileError, loadCounterexample } from '../formats/load.ts';
import type { CounterexampleFile } from '../formats/types.ts';
import { configById } from '../model/config.ts';
import { choiceScheduler } from '../model/network/scheduler.ts';
import { simulate } from '../model/network/simulator.ts';
import { buildNetwork } from '../model/network/wiring.ts';
import {
  type Case,
  type CaseRun,
  type CheckResult,
  checkRun,
  PROPERTY_NAMES,
  propertyByName,
  runCase,
  traceDigest,
} from '../properties/index.ts';
import { mutantMachines } from '../properties/mutants.ts';
import { readableContext } from '../render/context.ts';
import { participantOrder } from '../render/layout.ts';
import { renderMermaid } from '../render/mermaid.ts';
import { renderStates } from '../render/state.ts';
import { describeInput, renderText } from '../render/text.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';
import { checkSize } from './options.ts';
import type { TraceFormat } from './scenario.ts';

/** Every component's context after step `n` of the case's run. */
function statesAfter(c: Case, n: number): Record<string, unknown> {
  const network = buildNetwork(c.topology, configById(c.config), {
    machines: mutantMachines(c.mutants ?? []),
  });
  return simulate(network, c.traffic, { scheduler: choiceScheduler(c.choices), maxSteps: n + 1 }).contexts;
}

/** Why the replay is not the recorded run; empty when it is. */
export function whyNotReproduced(cx: CounterexampleFile, r: CaseRun, verdict: CheckResult): string[] {
  const why: string[] = [];
  const changed = changedInputs(caseOf(cx), cx.inputs);
  if (changed.length > 0) why.push(`${changed.join(', ')} differ from the run that wrote this file`);
  const digest = traceDigest(r.run);
  if (digest !== cx.traceDigest) {
    if (changed.length === 0)
      why.push('the same inputs now give another trace: the model has changed since this file was written');
    else
      why.push(
        `the trace differs (digest ${digest.slice(0, 12)}…, recorded ${cx.traceDigest.slice(0, 12)}…)`,
      );
  } else if (r.run.trace.length !== cx.steps)
    why.push(`steps: the run has ${r.run.trace.length} steps, the file says ${cx.steps}`);
  if (verdict.holds) why.push(`${cx.property} holds on this run`);
  else {
    if (verdict.message !== cx.verdict.message)
      why.push(`verdict.message: the run says "${verdict.message}"`);
    if (JSON.stringify(verdict.steps) !== JSON.stringify(cx.verdict.steps))
      why.push(`verdict.steps: the run's violation is at steps ${verdict.steps.join(', ')}`);
  }
  return why;
}

export function runReplay(
  file: string,
  opts: { format?: TraceFormat; step?: string; large?: boolean },
  out: (s: string) => void,
): number {
  const cx = loadCounterexample(file, PROPERTY_NAMES);
  checkSize(file, cx.topology, opts.large === true);
  const c = caseOf(cx);
  const r = runCase(c);
  const consumed = r.run.choices.length;
  if (consumed < cx.choices.length)
    throw new FileError(file, [
      {
        path: `choices[${consumed}]`,
        message: `the run consumes only ${consumed} of the ${cx.choices.length} choices; the rest would never be used (check writes only the choices its run consumes)`,
      },
    ]);
  const digest = traceDigest(r.run);
  const verdict = checkRun(r, propertyByName(cx.property));
  const why = whyNotReproduced(cx, r, verdict);
  const reproduced = why.length === 0;
  const code = reproduced ? EXIT_OK : EXIT_FAIL;
  const violating = verdict.holds ? [] : verdict.steps;
  const labels = new Map(violating.map((n) => [n, [`violates ${cx.property}`]]));

  if (opts.step !== undefined) {
    const last = r.run.trace.length - 1;
    if (!/^\d+$/.test(opts.step) || Number(opts.step) > last)
      throw new UsageError(`--step ${opts.step}: the run has steps 0 to ${last}`);
    const step = r.run.trace[Number(opts.step)]!;
    const states = statesAfter(c, step.n);
    if (opts.format === 'json') {
      const contexts = Object.fromEntries(Object.entries(states).map(([id, x]) => [id, readableContext(x)]));
      out(
        `${JSON.stringify({ step: step.n, at: step.at, component: step.component, reproduced, contexts })}\n`,
      );
    } else {
      out(`step ${step.n} at ${step.at} ms, ${step.component}: ${describeInput(step.input)}\n\n`);
      out(renderStates(states));
    }
    return code;
  }
  if (opts.format === 'json') {
    out(
      `${JSON.stringify({ reproduced, why, traceDigest: digest, expectedDigest: cx.traceDigest, verdict, trace: r.run.trace })}\n`,
    );
    return code;
  }
  if (opts.format === 'mermaid') {
    out(renderMermaid(r.run.trace, { labels, participants: participantOrder(r.network) }));
    return code;
  }
  out(
    `counterexample: ${cx.property} under ${cx.config}${cx.mutants?.length ? ` (mutants: ${cx.mutants.join(', ')})` : ''}\n`,
  );
  if (cx.origin) out(`written by: ${cx.origin.command} (seed ${cx.origin.seed})\n`);
  out(`recorded: ${cx.verdict.message} (steps ${cx.verdict.steps.join(', ')})\n`);
  out(
    verdict.holds
      ? 'replayed: the property HOLDS on this run\n'
      : `replayed: ${verdict.message} (steps ${verdict.steps.join(', ')})\n`,
  );
  out(
    `trace digest: ${digest} ${digest === cx.traceDigest ? '(same run)' : `(DIFFERS from the recorded ${cx.traceDigest})`}\n\n`,
  );
  out(renderText(r.run.trace, labels));
  out(reproduced ? 'reproduced\n' : `NOT reproduced: ${why.join('; ')}\n`);
  return code;
}
