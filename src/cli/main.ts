/**
 * The `milkrun` command. One table maps each subcommand to the module that handles it, loaded only when used, so
 * `milkrun solve` never loads the server and a new subcommand is one line here plus its own module in src/cli/commands/.
 */
import { pathToFileURL } from 'node:url';
import type { CliIo, CommandModule } from './io.js';

interface CommandEntry {
  usage: string;
  summary: string;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  solve: {
    usage: 'solve FILE|- [--time 5] [--seed 1] [--minimize cost|vehicles] [--format json|solomon|cvrplib|lilim|vroom] [--plan]',
    summary: 'solve a problem JSON, VROOM JSON, Solomon .txt or CVRPLIB .vrp file (- reads stdin) and print the solution JSON',
    load: () => import('./commands/solve.js'),
  },
  token: {
    usage: 'token create --org NAME --scope read_only|full_access [--name LABEL] [--test]',
    summary: 'create an API token (and the organization when new) in the database named by MILKRUN_DB',
    load: () => import('./commands/token.js'),
  },
};

/** Exit codes: 0 success, 1 internal failure, 2 bad input or usage. */
export const EXIT_USAGE = 2;

export function helpText(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  milkrun ${c.usage.padEnd(width)}\n      ${c.summary}`);
  return ['Usage:', ...lines, '  milkrun help', '      show this help', ''].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(helpText());
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`milkrun: unknown command "${name}"\n\n${helpText()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  return command.run(rest, io);
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs the CLI for this process (bin/milkrun.js, or `tsx src/cli/main.ts`). */
export async function runCli(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2), processIo);
  } catch (err) {
    process.stderr.write(`milkrun: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}

const entryScript = process.argv[1];
if (entryScript !== undefined && import.meta.url === pathToFileURL(entryScript).href) await runCli();
