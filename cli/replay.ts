/**
 * `weave-spec replay FILE`: re-runs a counterexample bit for bit, confirms it is the same run (same trace
 * digest, same violation), and prints its trace with the violating steps marked; `--step N` prints every
 * component's state after step N. When the run is not the recorded one, it says why: which input differs
 * from the run that wrote the file, or that the model changed since.
 */
import { caseOf, changedInputs } from '../formats/counterexample.ts';
import { FileError, loadCounterexample } from '../formats/load.ts';
import type { CounterexampleFile } from '../formats/types.ts';
import { choiceScheduler } from '../model/network/scheduler.ts';
import { simulate } from '../model/network/simulator.ts';
import { caseNetwork } from '../properties/case.ts';
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
  const network = caseNetwork(c);
  return simulate(network, c.traffic, {
    scheduler: choiceScheduler(c.choices),
    maxSteps: n + 1,
    ...(c.faults && { faults: c.faults }),
  }).contexts;
}

/** What the trace says when the inputs are as recorded but the digest is not. */
const MODEL_CHANGED = 'the model has changed since this file was written';
const OTHER_TRACE = 'the recorded inputs give another trace than the recorded digest';

const differ = (names: readonly string[]) =>
  `${names.join(', ')} ${names.length === 1 ? 'differs' : 'differ'}`;

/**
 * Why the replay is not the recorded run (empty when it is: the same trace, the same verdict), and notes
 * that do not change that (inputs edited in a way that gives the same run).
 */
export function whyNotReproduced(
  cx: CounterexampleFile,
  r: CaseRun,
  verdict: CheckResult,
): { why: string[]; notes: string[] } {
  const why: string[] = [];
  const changed = changedInputs(caseOf(cx), cx.inputs);
  const digest = traceDigest(r.run);
  if (digest !== cx.traceDigest) {
    if (changed.length > 0)
      why.push(`${differ(changed)} from the run that wrote this file, and the trace differs`);
    else why.push(`${OTHER_TRACE}: ${MODEL_CHANGED}, or traceDigest was edited`);
  } else if (r.run.trace.length !== cx.steps)
    why.push(`steps: the run has ${r.run.trace.length} steps, the file says ${cx.steps}`);
  if (verdict.holds) why.push(`${cx.property} holds on this run`);
  else {
    if (verdict.message !== cx.verdict.message)
      why.push(`verdict.message: the run says "${verdict.message}"`);
    if (JSON.stringify(verdict.steps) !== JSON.stringify(cx.verdict.steps))
      why.push(`verdict.steps: the run's violation is at steps ${verdict.steps.join(', ')}`);
  }
  const notes =
    why.length === 0 && changed.length > 0
      ? [`${differ(changed)} from what the file recorded (inputs), but give the same run`]
      : [];
  return { why, notes };
}

/** `n` datagrams as a run sends them, numbered from 0. */
export function datagramsText(n: number): string {
  if (n === 0) return 'no datagram';
  return n === 1 ? 'only 1 datagram (0)' : `only ${n} datagrams (0 to ${n - 1})`;
}

export function runReplay(
  file: string,
  opts: { format?: TraceFormat; step?: string; large?: boolean },
  out: (s: string) => void,
  err: (s: string) => void = () => {},
): number {
  if (opts.step !== undefined && opts.format === 'mermaid')
    throw new UsageError('--step prints tables (or --format json): --format mermaid does not apply');
  if (opts.step !== undefined && !/^\d+$/.test(opts.step))
    throw new UsageError(`--step must be a whole number >= 0 (a step of the trace), not "${opts.step}"`);
  const cx = loadCounterexample(file, PROPERTY_NAMES);
  checkSize(file, cx.topology, opts.large === true);
  const c = caseOf(cx);
  const r = runCase(c);
  const consumed = r.run.choices.length;
  // A hand-edited file with choices its run never uses, or faults on datagrams it never sends, is bad input;
  // an unedited file whose run now uses fewer is a model that changed (below: not reproduced).
  const edited = changedInputs(c, cx.inputs).length > 0;
  const unused =
    consumed < cx.choices.length
      ? `the run consumes only ${consumed} of the ${cx.choices.length} choices`
      : undefined;
  if (unused && edited)
    throw new FileError(file, [
      {
        path: `choices[${consumed}]`,
        message: `${unused}; the rest would never be used (check writes only the choices its run consumes)`,
      },
    ]);
  const sent = r.run.datagrams;
  const beyond = (cx.faults ?? []).findIndex((f) => f.datagram >= sent);
  const unsent = beyond >= 0 ? `the run sends ${datagramsText(sent)}` : undefined;
  if (unsent && edited)
    throw new FileError(file, [
      {
        path: `faults[${beyond}].datagram`,
        message: `${unsent}: this fault would never happen (check writes only the faults that happened)`,
      },
    ]);
  const digest = traceDigest(r.run);
  const verdict = checkRun(r, propertyByName(cx.property));
  const { why: differs, notes } = whyNotReproduced(cx, r, verdict);
  // Inputs the run no longer reaches, in an unedited file: said first, with the model change once.
  const unreached = [unused, unsent && `${unsent}, so faults[${beyond}] never happens`].filter(
    (s): s is string => typeof s === 'string',
  );
  const why =
    unreached.length === 0
      ? differs
      : [
          `${unreached.join('; ')}: ${MODEL_CHANGED}`,
          ...differs.map((w) => (w.startsWith(OTHER_TRACE) ? OTHER_TRACE : w)),
        ];
  const reproduced = why.length === 0;
  for (const n of notes) err(`weave-spec: note: ${n}\n`);
  const code = reproduced ? EXIT_OK : EXIT_FAIL;
  const violating = verdict.holds ? [] : verdict.steps;
  const labels = new Map(violating.map((n) => [n, [`violates ${cx.property}`]]));

  if (opts.step !== undefined) {
    const last = r.run.trace.length - 1;
    if (Number(opts.step) > last) throw new UsageError(`--step ${opts.step}: the run has steps 0 to ${last}`);
    if (!reproduced) err(`weave-spec: NOT reproduced: ${why.join('; ')}\n`);
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
      `${JSON.stringify({ reproduced, why, notes, traceDigest: digest, expectedDigest: cx.traceDigest, verdict, trace: r.run.trace })}\n`,
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
  for (const n of notes) out(`note: ${n}\n`);
  out(reproduced ? 'reproduced\n' : `NOT reproduced: ${why.join('; ')}\n`);
  return code;
}
