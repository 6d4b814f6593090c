/** The `weave-spec` command line. Each subcommand's module does the work; this file parses arguments. */
import { Command, CommanderError, Option } from 'commander';
import { writeDocs } from './docs.ts';
import { EXIT_USAGE, UsageError } from './errors.ts';
import { runScenarioCommand, type TraceFormat } from './scenario.ts';

const out = (s: string) => process.stdout.write(s);

function program(setCode: (code: number) => void): Command {
  const p = new Command('weave-spec')
    .description("An executable, property-checked model of Weave Net's container networking")
    .exitOverride()
    .showHelpAfterError();

  p.command('start')
    .description('the main job: run every scenario and print the verdict table')
    .action(() => setCode(runScenarioCommand(undefined, {}, out)));

  p.command('scenario')
    .description('list and run the scenarios (the seed flows); with a name, print its trace')
    .argument('[name]', 'a scenario name, e.g. SL-X')
    .option('--config <id>', 'only under this configuration')
    .addOption(new Option('--format <format>', 'trace format').choices(['text', 'mermaid', 'json']))
    .action((name: string | undefined, opts: { config?: string; format?: TraceFormat }) =>
      setCode(runScenarioCommand(name, opts, out)),
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
    if (e instanceof UsageError) {
      process.stderr.write(`weave-spec: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
