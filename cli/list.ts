/** `weave-spec list`: what the model has: configurations, properties, scenarios and mutants. */
import { ALL_CONFIGS, DEFAULT_CONFIGS, describeConfig } from '../model/config.ts';
import { PROPERTIES } from '../properties/index.ts';
import { MUTANT_NAMES, MUTANTS } from '../properties/mutants.ts';
import { renderTable } from '../render/table.ts';
import { SCENARIOS } from '../scenarios/index.ts';

export interface Listing {
  configurations: { id: string; description: string; defaultScope: boolean }[];
  properties: { name: string; summary: string }[];
  scenarios: { name: string; title: string; configs: string[] }[];
  mutants: { name: string; breaks: string }[];
}

export function listing(): Listing {
  const inDefault = new Set(DEFAULT_CONFIGS.map((c) => c.id));
  const names = [...new Set(SCENARIOS.map((s) => s.name))];
  return {
    configurations: ALL_CONFIGS.map((c) => ({
      id: c.id,
      description: describeConfig(c),
      defaultScope: inDefault.has(c.id),
    })),
    properties: PROPERTIES.map((p) => ({ name: p.name, summary: p.summary })),
    scenarios: names.map((name) => {
      const of = SCENARIOS.filter((s) => s.name === name);
      return { name, title: of[0]!.title, configs: of.map((s) => s.config) };
    }),
    mutants: MUTANT_NAMES.map((name) => ({ name, breaks: MUTANTS[name] })),
  };
}

export function renderListing(l: Listing): string {
  return [
    `Configurations (* the default scope; \`all\` is every one):\n${renderTable(
      ['id', 'what it models'],
      l.configurations.map((c) => [`${c.id}${c.defaultScope ? ' *' : ''}`, c.description]),
    )}`,
    `Properties:\n${renderTable(
      ['name', 'what it checks'],
      l.properties.map((p) => [p.name, p.summary]),
    )}`,
    `Scenarios:\n${renderTable(
      ['name', 'what it shows', 'configurations'],
      l.scenarios.map((s) => [s.name, s.title, s.configs.join(', ')]),
    )}`,
    `Mutants (deliberately broken models, for \`weave-spec mutants\`):\n${renderTable(
      ['name', 'what it breaks'],
      l.mutants.map((m) => [m.name, m.breaks]),
    )}`,
  ].join('\n');
}
