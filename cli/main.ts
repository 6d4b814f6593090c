/** The `weave-spec` command line. Each subcommand's module does the work; this file parses arguments. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CONVERGE_HOSTS, MAX_CONVERGE_HOSTS } from '../converge/measure.ts';
import { describeFsError, FileError } from '../formats/load.ts';
import { DEFAULT_RUNS, DEFAULT_SEED } from '../properties/matrix.ts';
import { DEFAULT_MUTANT_RUNS } from '../properties/mutation.ts';
import { runCheckCommand } from './check.ts';
import { runCoverageCommand } from './coverage.ts';
import { EXIT_IO, EXIT_USAGE, isFsError, UsageError } from './errors.ts';
import { listing, renderListing } from './list.ts';
import { runMatrixCommand } from './matrix.ts';
import { runMergeCommand } from './merge.ts';
import { runMutantsCommand } from './mutants.ts';
import type { Io } from './progress.ts';
import { runReplay } from './replay.ts';
import { runScenarioCommand, type TraceFormat } from './scenario.ts';
import { runSchema } from './schema.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  tty: process.stderr.isTTY === true,
};

const formatOption = () =>
  new Option('--format <format>', 'trace format').choices(['text', 'mermaid', 'json']);

/** The command line as a user would type it again (`origin.command` of a counterexample file). */
export function commandLine(args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['weave-spec', ...args.map(quote)].join(' ');
}

const SEED_HELP = `fast-check seed, a 32-bit integer (default ${DEFAULT_SEED}, the one seed every command uses)`;
const WORLD_HELP =
  'static (nothing changes after time 0), dynamic (containers move, restart, stop and start) or both (the default)';
const CONFIG_HELP = 'a configuration id, "default" (the default scope, the default) or "all" (every one)';
const SHARD_HELP =
  'run only the i-th of n slices of the jobs (from 1), for `weave-spec merge` to join: one machine per slice';

function program(io: Io, args: readonly string[], setCode: (code: number) => void): Command {
  const out = io.out;
  const p = new Command('weave-spec')
    .description("An executable, property-checked model of Weave Net's container networking")
    .version(VERSION, '--version', 'print the version')
    .configureOutput({ writeOut: out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError();

  p.command('start')
    .description('the main job: run every scenario, then the verdict matrix on the default scope')
    .action(async () => {
      const scenarios = runScenarioCommand(undefined, {}, out);
      out('\n');
      const matrix = await runMatrixCommand({}, io);
      setCode(Math.max(scenarios, matrix));
    });

  p.command('matrix')
    .description('every configuration x every property: the verdict table (exit 0 when all are as expected)')
    .option('--runs <n>', `generated cases per configuration (default ${DEFAULT_RUNS})`)
    .option('--seed <s>', SEED_HELP)
    .option('--config <id>', CONFIG_HELP)
    .option('--world <w>', WORLD_HELP)
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--shard <i/n>', SHARD_HELP)
    .option('--json', 'print { "run", "cells": [...] } and nothing else on stdout')
    .action(
      async (opts: {
        runs?: string;
        seed?: string;
        config?: string;
        world?: string;
        workers?: string;
        shard?: string;
        json?: boolean;
      }) => setCode(await runMatrixCommand(opts, io)),
    );

  p.command('mutants')
    .description('the matrix against each named mutant: which property catches it')
    .option('--runs <n>', `generated cases per configuration and mutant (default ${DEFAULT_MUTANT_RUNS})`)
    .option('--seed <s>', SEED_HELP)
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print the report as JSON and nothing else on stdout')
    .action(async (opts: { runs?: string; seed?: string; workers?: string; json?: boolean }) =>
      setCode(await runMutantsCommand(opts, io)),
    );

  p.command('scenario')
    .description('list and run the scenarios (the seed flows); with a name, print its trace')
    .argument('[name]', 'a scenario name, e.g. SL-X')
    .option('--config <id>', 'only under this configuration')
    .addOption(formatOption())
    .action((name: string | undefined, opts: { config?: string; format?: TraceFormat }) =>
      setCode(runScenarioCommand(name, opts, out)),
    );

  p.command('check')
    .description(
      'check properties over generated cases (or your topology and traffic); write a counterexample file per violation; exit 0 when every violation is one the matrix expects (docs/verdicts.md)',
    )
    .option('--config <id>', CONFIG_HELP)
    .option('--world <w>', `${WORLD_HELP}; a traffic file is its own world`)
    .option('--property <name>', 'a property name, or all (the default)')
    .option('--runs <n>', 'generated cases per configuration and property (default 100)')
    .option('--seed <s>', SEED_HELP)
    .option(
      '--topology <file>',
      'a topology file (see `weave-spec schema topology`) instead of generated topologies',
    )
    .option('--traffic <file>', 'a traffic file for --topology (see `weave-spec schema traffic`)')
    .option('--large', 'run a topology above 64 hosts or 512 containers (one case can take minutes)')
    .option('--out <dir>', 'where counterexample files go (default out/counterexamples)')
    .option('--shard <i/n>', SHARD_HELP)
    .option('--json', 'print { "seed", "runs", "run", "findings": [...] } and nothing else on stdout')
    .action((opts) => setCode(runCheckCommand(opts, io, commandLine(args))));

  p.command('merge')
    .description(
      "join the --json reports of every slice of a matrix or check run (--shard i/n) into the whole run's report, with its exit code",
    )
    .argument('<files...>', "each slice's --json report")
    .option('--json', "print the whole run's report as JSON and nothing else on stdout")
    .action((files: string[], opts: { json?: boolean }) => setCode(runMergeCommand(files, opts, io)));

  p.command('replay')
    .description('re-run a counterexample file bit for bit and print its trace, the violating steps marked')
    .argument('<file>', 'a counterexample file written by check')
    .addOption(formatOption())
    .option('--step <n>', "print every component's state after step n (as tables; --format json for JSON)")
    .option('--large', 'replay a topology above 64 hosts or 512 containers')
    .action((file: string, opts: { format?: TraceFormat; step?: string; large?: boolean }) =>
      setCode(runReplay(file, opts, out, io.err)),
    );

  p.command('schema')
    .description(
      'print the JSON Schema of a file format (topology, traffic, counterexample); without a name, list them',
    )
    .argument('[name]', 'topology, traffic or counterexample')
    .action((name: string | undefined) => setCode(runSchema(name, out)));

  p.command('coverage')
    .description(
      'per machine, the states and transitions the property runs reach (and those no run can, and why); what the runs exercise',
    )
    .option('--config <id>', CONFIG_HELP)
    .option('--runs <n>', `generated cases per configuration (default ${DEFAULT_RUNS}, as the matrix)`)
    .option('--seed <s>', SEED_HELP)
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print { "machines": [...], "exercise": {...} } and nothing else on stdout')
    .action(async (opts) => setCode(await runCoverageCommand(opts, io)));

  p.command('list')
    .description('the configurations (with what each models), properties, scenarios and mutants')
    .option('--json', 'print them as JSON and nothing else')
    .action((opts: { json?: boolean }) => {
      const l = listing();
      out(opts.json ? `${JSON.stringify(l, null, 2)}\n` : renderListing(l));
      setCode(0);
    });

  p.command('scale')
    .description('costs per delivered packet as the network grows: CSV, SVG charts and a page <out>.md')
    .option('--hosts <list>', 'network sizes, e.g. 2,4,8,16 (default 2,4,...,256)')
    .option('--config <ids>', 'configuration ids, comma-separated, or "default" (the default) or "all"')
    .option('--containers <n>', 'containers per host (default 2)')
    .option('--out <dir>', 'where the CSV and charts go; the page is <dir>.md (default out/scale)')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .action(
      async (opts: {
        hosts?: string;
        config?: string;
        containers?: string;
        out?: string;
        workers?: string;
      }) => {
        // Loaded on use: the charting library is large and no other command needs it.
        const { runScaleCommand } = await import('./scale.ts');
        setCode(await runScaleCommand(opts, out));
      },
    );

  p.command('converge')
    .description(
      'how long each configuration takes to reach a container again after a move, an IP reuse, a peer leaving or joining, a link flap',
    )
    .option('--config <ids>', 'configuration ids, comma-separated, or "default" (the default) or "all"')
    .option(
      '--hosts <list>',
      `network sizes, e.g. 2,4,8 (default ${DEFAULT_CONVERGE_HOSTS.join(',')}, at most ${MAX_CONVERGE_HOSTS})`,
    )
    .option('--out <dir>', 'also write the CSV and charts there, and the page <dir>.md')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print { "rows": [...] } and nothing else on stdout')
    .action(async (opts) => {
      // Loaded on use: the charting library is large and no other command needs it.
      const { runConvergeCommand } = await import('./converge.ts');
      setCode(await runConvergeCommand(opts, io));
    });

  p.command('variants')
    .description(
      'the three vtep variants (multicast group, unicast list, zero-MAC FDB entries) on the same generated cases: verdicts, traces, packets sent and delivered',
    )
    .option('--cases <n>', 'generated cases per hypothesis, world and learning (default 40)')
    .option('--seed <s>', SEED_HELP)
    .option(
      '--out <page>',
      'also write the page there, a file ending in .md (npm run docs:variants writes docs/variants.md)',
    )
    .option('--json', 'print { "rows": [...] } and nothing else on stdout')
    .action(async (opts) => {
      const { runVariantsCommand } = await import('./variants.ts');
      setCode(runVariantsCommand(opts, io));
    });

  p.command('conform')
    .description(
      'the model against the real Linux kernel in network namespaces (root): generated cases under the Linux-native configurations, every observable compared, a disagreement shrunk (docs/conformance.md)',
    )
    .option('--runs <n>', 'generated cases (default 10)')
    .option('--seed <s>', SEED_HELP)
    .option('--config <ids>', 'Linux-native configuration ids, comma-separated (default: all eight)')
    .option('--mutant <names>', 'model mutants, comma-separated (the kernel is never mutated)')
    .option('--jobs <n>', 'worker processes (default 1)')
    .option('--no-loops', 'leave out the loop checks')
    .option('--out <dir>', 'write each disagreement as a topology and a traffic file there')
    .option('--topology <file>', 'run this one case instead of generated ones (with --traffic)')
    .option('--traffic <file>', "the case's timeline: pings, arpings, static entries, starts, stops, moves")
    .option('--json', 'print one JSON report and nothing else on stdout; progress goes to stderr')
    .action(async (opts) => {
      // Loaded on use: the kernel harness; its cases run in worker processes of their own.
      const { main: conform } = await import('../conformance/main.ts');
      const argv: string[] = [];
      for (const key of ['runs', 'seed', 'config', 'mutant', 'jobs', 'out', 'topology', 'traffic'] as const)
        if (opts[key] !== undefined) argv.push(`--${key}`, String(opts[key]));
      if (opts.loops === false) argv.push('--no-loops');
      if (opts.json) argv.push('--json');
      setCode(await conform(argv, { ...io, name: 'weave-spec' }));
    });

  p.command('docs')
    .description(
      "regenerate weave-spec's own generated pages under docs/ and the generated parts of README.md",
    )
    .option('--check', 'write nothing; exit 1 naming every generated file that is not current')
    .option(
      '--fresh',
      'shrink every counterexample again, instead of keeping a committed one the same shrink still reaches',
    )
    .action(async (opts) => {
      // Always the package's own folder, wherever it is run from: it rewrites the package's README.
      // Loaded on use: it brings the TypeScript compiler (for the schemas), which no other command needs.
      const { ROOT, runDocsCommand } = await import('./docs.ts');
      setCode(await runDocsCommand(opts, fileURLToPath(ROOT), io));
    });
  return p;
}

/** Runs the command line `argv` (as `process.argv`: node, script, arguments); returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const args = argv.slice(2);
  try {
    await program(io, args, (c) => {
      code = c;
    }).parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof UsageError || e instanceof FileError) {
      io.err(`weave-spec: ${e.message.replace(/\n/g, '\nweave-spec: ')}\n`);
      return EXIT_USAGE;
    }
    if (isFsError(e)) {
      const text = describeFsError(e);
      io.err(`weave-spec: ${e.path && !text.includes(e.path) ? `${e.path}: ` : ''}${text}\n`);
      return EXIT_IO;
    }
    throw e;
  }
}
