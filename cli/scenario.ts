/** `weave-spec scenario`: list and run the hand-written scenarios. */
import { participantOrder } from '../render/layout.ts';
import { renderMermaid } from '../render/mermaid.ts';
import { renderTable } from '../render/table.ts';
import { renderText } from '../render/text.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { runScenario, type ScenarioResult } from '../scenarios/scenario.ts';
import { EXIT_FAIL, EXIT_OK, UsageError } from './errors.ts';

export type TraceFormat = 'text' | 'mermaid' | 'json';

export function selectScenarios(name?: string, config?: string) {
  const chosen = SCENARIOS.filter((s) => (!name || s.name === name) && (!config || s.config === config));
  if (chosen.length === 0) {
    const names = [...new Set(SCENARIOS.map((s) => s.name))].join(', ');
    const configs = [...new Set(SCENARIOS.map((s) => s.config))].join(', ');
    throw new UsageError(
      `no scenario matches${name ? ` name "${name}"` : ''}${config ? ` config "${config}"` : ''}; names: ${names}; configs: ${configs}`,
    );
  }
  return chosen;
}

export function scenarioTable(results: readonly ScenarioResult[]): string {
  return renderTable(
    ['scenario', 'config', 'title', 'steps', 'expected', 'verdict'],
    results.map((r) => [
      r.scenario.name,
      r.scenario.config,
      r.scenario.title,
      String(r.run.trace.length),
      `${r.matched.filter((m) => m >= 0).length}/${r.scenario.expect.length}`,
      r.missing ? `FAIL: missing "${r.missing.says}"` : 'pass',
    ]),
  );
}

export function runScenarioCommand(
  name: string | undefined,
  opts: { config?: string; format?: TraceFormat },
  out: (s: string) => void,
): number {
  const chosen = selectScenarios(name, opts.config);
  const results = chosen.map(runScenario);
  if (!name && !opts.config && !opts.format) {
    out(scenarioTable(results));
  } else {
    for (const r of results) {
      if (opts.format === 'json')
        out(
          `${JSON.stringify({ scenario: r.scenario.name, config: r.scenario.config, trace: r.run.trace })}\n`,
        );
      else if (opts.format === 'mermaid')
        out(renderMermaid(r.run.trace, { labels: r.labels, participants: participantOrder(r.network) }));
      else {
        out(`# ${r.scenario.name} under ${r.scenario.config}: ${r.scenario.title}\n`);
        out(renderText(r.run.trace, r.labels));
        out(r.missing ? `FAIL: missing "${r.missing.says}"\n` : 'pass\n');
      }
    }
  }
  return results.every((r) => !r.missing) ? EXIT_OK : EXIT_FAIL;
}
