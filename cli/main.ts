/** The `weave-spec` command line. Each subcommand's module does the work; this file parses arguments. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { FileError, loadTopology, loadTraffic } from '../formats/load.ts';
import { runCheck } from './check.ts';
import { writeDocs } from './docs.ts';
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import { type Io, runMatrixCommand } from './matrix.ts';
import { runMutantsCommand } from './mutants.ts';
import { progressLine } from './progress.ts';
import { runReplay } from './replay.ts';
import { runScenarioCommand, type TraceFormat } from './scenario.ts';
import { runSchema } from './schema.ts';

const out = (s: string) => process.stdout.write(s);
const io: Io = { out, err: (s) => process.stderr.write(s), tty: process.stderr.isTTY === true };

/** Commander argument parser for a whole number >= min. */
const wholeNumber =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };

const formatOption = () =>
  new Option('--format <format>', 'trace format').choices(['text', 'mermaid', 'json']);

function program(setCode: (code: number) => void): Command {
  const p = new Command('weave-spec')
    .description("An executable, property-checked model of Weave Net's container networking")
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
    .option('--runs <n>', 'generated cases per configuration')
    .option('--seed <s>', 'fast-check seed')
    .option('--config <id>', 'a configuration id, "default" (the default scope) or "all"')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print { "cells": [...] } and nothing else on stdout')
    .action(
      async (opts: { runs?: string; seed?: string; config?: string; workers?: string; json?: boolean }) =>
        setCode(await runMatrixCommand(opts, io)),
    );

  p.command('mutants')
    .description('the matrix against each named mutant: which property catches it')
    .option('--runs <n>', 'generated cases per configuration and mutant')
    .option('--seed <s>', 'fast-check seed')
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
      'check properties over generated cases (or your topology and traffic); write a counterexample file per violation',
    )
    .requiredOption('--config <id>', 'a configuration id, or all (the default scope)')
    .option('--property <name>', 'a property name, or all', 'all')
    .option('--runs <n>', 'generated cases per configuration and property', wholeNumber(1), 100)
    .option('--seed <s>', 'fast-check seed', wholeNumber(0), 42)
    .option(
      '--topology <file>',
      'a topology file (see `weave-spec schema topology`) instead of generated topologies',
    )
    .option('--traffic <file>', 'a traffic file for --topology (see `weave-spec schema traffic`)')
    .option('--out <dir>', 'where counterexample files go', 'counterexamples')
    .action(
      (opts: {
        config: string;
        property: string;
        runs: number;
        seed: number;
        topology?: string;
        traffic?: string;
        out: string;
      }) => {
        if (opts.traffic && !opts.topology)
          throw new UsageError('--traffic needs --topology: traffic names the containers of a topology');
        const topology = opts.topology ? loadTopology(opts.topology) : undefined;
        const traffic = opts.traffic && topology ? loadTraffic(opts.traffic, topology) : undefined;
        const findings = runCheck({ ...opts, topology, traffic }, progressLine());
        for (const f of findings)
          out(
            f.holds
              ? `holds      ${f.config} ${f.property} (${f.runs} runs)\n`
              : `VIOLATED   ${f.config} ${f.property}: ${f.message}\n           counterexample: ${f.file}\n`,
          );
        setCode(findings.every((f) => f.holds) ? EXIT_OK : EXIT_FAIL);
      },
    );

  p.command('replay')
    .description('re-run a counterexample file bit for bit and print its trace, the violating steps marked')
    .argument('<file>', 'a counterexample file written by check')
    .addOption(formatOption())
    .option('--step <n>', "print every component's state after step n", wholeNumber(0))
    .action((file: string, opts: { format?: TraceFormat; step?: number }) =>
      setCode(runReplay(file, opts, out)),
    );

  p.command('schema')
    .description(
      'print the JSON Schema of a file format (topology, traffic, counterexample); without a name, list them',
    )
    .argument('[name]', 'topology, traffic or counterexample')
    .action((name: string | undefined) => setCode(runSchema(name, out)));

  p.command('scale')
    .description(
      'costs per delivered packet as the network grows: CSV, SVG charts and a page (docs/scale.md)',
    )
    .option('--hosts <list>', 'network sizes, e.g. 2,4,8,16 (default 2,4,...,256)')
    .option('--config <ids>', 'configuration ids, comma-separated (default: the default scope)')
    .option('--containers <n>', 'containers per host (default 2)')
    .option('--out <dir>', 'where the CSV and charts go; the page is <dir>.md', 'docs/scale')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .action(
      async (opts: {
        hosts?: string;
        config?: string;
        containers?: string;
        out: string;
        workers?: string;
      }) => {
        // Loaded on use: the charting library is large and no other command needs it.
        const { runScaleCommand } = await import('./scale.ts');
        setCode(await runScaleCommand(opts, out));
      },
    );

  p.command('docs')
    .description('regenerate the generated pages under docs/')
    .action(() => {
      const written = writeDocs(process.cwd());
      out(`wrote ${written.length} pages under docs/\n`);
      setCode(0);
    });
  return p;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => {
      code = c;
    }).parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof UsageError || e instanceof FileError) {
      process.stderr.write(`weave-spec: ${e.message.replace(/\n/g, '\nweave-spec: ')}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
