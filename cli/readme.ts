/**
 * The generated parts of README.md, between `<!-- generated: NAME -->` and `<!-- end generated -->`: the
 * configuration table (from `describeConfig`) and the example of `check` then `replay` (run for real, so
 * its digest and steps cannot go stale). `npm run docs` rewrites them; a test fails when they are stale.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_CONFIGS, DEFAULT_CONFIGS, describeConfig } from '../model/config.ts';
import { renderMarkdownTable } from '../render/table.ts';
import { runCheckCommand } from './check.ts';
import type { Io } from './progress.ts';
import { runReplay } from './replay.ts';

function configurationTable(): string {
  const inDefault = new Set(DEFAULT_CONFIGS.map((c) => c.id));
  return renderMarkdownTable(
    ['id', 'default scope', 'what it models'],
    ALL_CONFIGS.map((c) => [`\`${c.id}\``, inDefault.has(c.id) ? 'yes' : '', describeConfig(c)]),
  );
}

const EXAMPLE_ARGS = ['--config', 'fdp/h2/unicast', '--property', 'arp-strict', '--runs', '50'];

/** The replay's header, the step before the violation and the violating step, then the verdict. */
function replayExcerpt(text: string): string {
  const lines = text.split('\n');
  const steps: { start: number; end: number }[] = [];
  lines.forEach((l, i) => {
    if (/^\s+\d+\s+\d+\s+\S+\s+/.test(l)) {
      const last = steps.at(-1);
      if (last) last.end = i;
      steps.push({ start: i, end: lines.length });
    }
  });
  const v = steps.findIndex((s) => lines[s.start]!.includes('[violates '));
  const header = lines.slice(0, steps[0]!.start).join('\n').trimEnd();
  const shown = steps.slice(Math.max(0, v - 1), v + 1);
  const body = lines.slice(shown[0]!.start, shown.at(-1)!.end).join('\n').trimEnd();
  const verdict = lines.filter((l) => /^(NOT )?reproduced/.test(l)).at(-1);
  return `${header}\n...\n${body}\n...\n${verdict}`;
}

function checkExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weave-spec-readme-'));
  try {
    let text = '';
    const io: Io = { out: (s) => (text += s), err: () => {}, tty: false };
    const command = `weave-spec check ${EXAMPLE_ARGS.join(' ')} --out cx`;
    runCheckCommand(
      { config: EXAMPLE_ARGS[1], property: EXAMPLE_ARGS[3], runs: EXAMPLE_ARGS[5], out: dir },
      io,
      command,
    );
    const check = text.replaceAll(dir, 'cx').trimEnd();
    text = '';
    runReplay(join(dir, 'fdp-h2-unicast--arp-strict.json'), {}, io.out);
    const replay = replayExcerpt(text);
    const file = 'cx/fdp-h2-unicast--arp-strict.json';
    return `\`\`\`text\n$ npx ${command}\n${check}\n\n$ npx weave-spec replay ${file}\n${replay}\n\`\`\`\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BLOCKS: Record<string, () => string> = {
  configurations: configurationTable,
  'check example': checkExample,
};

/** `readme` with every generated block rewritten. */
export function renderReadme(readme: string): string {
  return readme.replace(
    /(<!-- generated: ([\w ]+) \(npm run docs\) -->\n)[\s\S]*?(<!-- end generated -->)/g,
    (_all, open: string, name: string, close: string) => {
      const block = BLOCKS[name];
      if (!block) throw new Error(`README.md: unknown generated block "${name}"`);
      return `${open}${block()}${close}`;
    },
  );
}
