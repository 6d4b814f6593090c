/** `weave-spec docs` works on the package's own folder from anywhere, and `--check` names every page that
 *  is not current (that the committed pages are current is checked in properties/matrix.test.ts). */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { counterexampleFile, counterexampleName } from '../formats/counterexample.ts';
import { runCase } from '../properties/case.ts';
import { PROPERTY_NAMES } from '../properties/index.ts';
import { type ConfigJob, configSeed, DEFAULT_SEED, runConfigJob } from '../properties/matrix.ts';
import { COUNTEREXAMPLES_DIR } from '../properties/verdicts-page.ts';
import { comparePages, knownCounterexamples, ROOT, runDocsCommand } from './docs.ts';

const root = join(new URL('.', import.meta.url).pathname, '..');

/** A package folder holding `files`. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weave-spec-docs-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const PAGES = {
  'README.md': '# weave-spec\n',
  'docs/machines/neighbour.md': 'states\n',
  [`${COUNTEREXAMPLES_DIR}/a--delivery.json`]: '{}\n',
};

async function docs(check: boolean, dir: string) {
  let out = '';
  const io = {
    out: (s: string) => {
      out += s;
    },
    err: () => {},
    tty: false,
  };
  const code = await runDocsCommand({ check }, dir, io, async () => PAGES);
  return { code, out };
}

describe('generated docs', () => {
  // That the committed pages are current is checked in properties/matrix.test.ts, from the matrix it tests.
  it('works on the package folder wherever the command runs: `ROOT` is this package, not the cwd', () => {
    expect(fileURLToPath(ROOT)).toBe(join(root, '/'));
    expect(existsSync(join(fileURLToPath(ROOT), 'docs/verdicts.md'))).toBe(true);
  });

  it('--check names stale, missing and no longer generated pages, exits 1 and writes nothing', async () => {
    const dir = folder({
      'README.md': '# weave-spec, edited by hand\n',
      [`${COUNTEREXAMPLES_DIR}/a--delivery.json`]: '{}\n',
      [`${COUNTEREXAMPLES_DIR}/b--delivery.json`]: '{}\n',
    });
    expect(comparePages(dir, PAGES)).toEqual({
      stale: ['README.md'],
      missing: ['docs/machines/neighbour.md'],
      extra: [`${COUNTEREXAMPLES_DIR}/b--delivery.json`],
    });
    const r = await docs(true, dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('stale    README.md\n');
    expect(r.out).toContain('missing  docs/machines/neighbour.md\n');
    expect(r.out).toContain(`extra    ${COUNTEREXAMPLES_DIR}/b--delivery.json (no longer generated)\n`);
    expect(r.out).toMatch(/3 generated files not current .*: run `npm run docs`\n$/);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# weave-spec, edited by hand\n');
    expect(existsSync(join(dir, 'docs/machines/neighbour.md'))).toBe(false);
  });

  it('writes every page and removes the generated files no page produces any more', async () => {
    const dir = folder({
      'README.md': 'old\n',
      [`${COUNTEREXAMPLES_DIR}/b--delivery.json`]: '{}\n',
      'docs/architecture.md': 'written by hand\n',
    });
    const r = await docs(false, dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote 3 generated files under ${dir}\n`);
    expect(comparePages(dir, PAGES)).toEqual({ stale: [], missing: [], extra: [] });
    expect(readdirSync(join(dir, COUNTEREXAMPLES_DIR))).toEqual(['a--delivery.json']);
    expect(readFileSync(join(dir, 'docs/architecture.md'), 'utf8')).toBe('written by hand\n');
    expect((await docs(true, dir)).code).toBe(0);
  });

  it('reads back the counterexample files it writes, for the matrix to keep', () => {
    const config = 'fdp/h2/unicast';
    const job: ConfigJob = { config, runs: 20, seed: DEFAULT_SEED, shrink: true, shrinkBudget: 40 };
    // A counterexample as found, unshrunk, stands for one an earlier shrink left: keeping it is then
    // visible, since shrinking again would give another case.
    const unshrunk = runConfigJob({ ...job, keepAsFound: PROPERTY_NAMES.slice() });
    const found = unshrunk.find((o) => o.counterexample !== null)!;
    const cx = found.counterexample!;
    const seed = configSeed(DEFAULT_SEED, config);
    const file = (generatedSeed = seed) =>
      `${JSON.stringify(
        counterexampleFile(runCase(cx.case), found.property, cx, {
          command: 'weave-spec docs',
          seed: DEFAULT_SEED,
          generated: { seed: generatedSeed, path: cx.path, shrinkBudget: 40 },
        }),
      )}\n`;
    const dir = folder({
      [counterexampleName(config, found.property)]: file(),
      // Under the dynamic world's name, generated from the static world's seed, not its own; under another
      // configuration's name; a JSON null and text that is not JSON: none is kept.
      [counterexampleName(config, found.property, 'dynamic')]: file(),
      [counterexampleName('fdp/h1/unicast', found.property)]: file(),
      'null.json': 'null\n',
      'broken.json': '{',
    });
    const known = knownCounterexamples(pathToFileURL(`${dir}/`));
    // Nor one generated from another seed than the docs'.
    const otherSeed = folder({ [counterexampleName(config, found.property)]: file(seed + 1) });
    expect(knownCounterexamples(pathToFileURL(`${otherSeed}/`)).size).toBe(0);
    expect([...known.keys()]).toEqual([`${config} static`]);
    expect(known.get(`${config} static`)).toEqual({
      [found.property]: { path: cx.path, shrinkBudget: 40, case: cx.case },
    });
    // What it read, the matrix keeps instead of shrinking again.
    const shrunk = runConfigJob(job).find((o) => o.property === found.property)!.counterexample!;
    expect(shrunk.case).not.toEqual(cx.case);
    const again = runConfigJob({ ...job, known: known.get(`${config} static`)! });
    expect(again.find((o) => o.property === found.property)!.counterexample).toEqual(cx);
  });
});
