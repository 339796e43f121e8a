/**
 * `milkrun solve FILE`: read any supported problem file (`-`: standard input), solve it in this process, print the
 * solution JSON. A VROOM problem (`--format vroom`, or recognised by its keys) is answered in VROOM's solution
 * format, errors included (`{ code: 2, error }`); `--plan` is VROOM's `-c` (time the vehicles' `steps`).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CliIo } from '../io.js';
import { readFile } from 'node:fs/promises';
import { detectFormat } from '../../formats/detect.js';
import { readProblem } from '../../formats/read-problem.js';
import type { FormatName } from '../../formats/errors.js';
import { errorBody, errorMessage } from '../../formats/vroom/errors.js';
import { parseVroomText, runVroom, VROOM_OBJECTIVE } from '../../formats/vroom/run.js';
import type { SolveOptions } from '../../solver/model.js';
import { solve } from '../../solver/solve.js';

const EXIT_BAD_INPUT = 2;

const flagsSchema = z.object({
  time: z.coerce.number().positive('must be a positive number of seconds').optional(),
  seed: z.coerce.number().int('must be an integer').optional(),
  minimize: z.enum(['cost', 'vehicles']).optional(),
  format: z.enum(['json', 'solomon', 'cvrplib', 'lilim', 'vroom'] satisfies FormatName[]).optional(),
  plan: z.boolean().optional(),
});

const DEFAULT_TIME_S = 5;
const USAGE =
  'usage: milkrun solve FILE|- [--time 5] [--seed 1] [--minimize cost|vehicles] [--format json|solomon|cvrplib|lilim|vroom] [--plan]';

type ParsedArgs =
  | { kind: 'solve'; file: string; flags: z.infer<typeof flagsSchema> }
  | { kind: 'help' }
  | { kind: 'usage_error'; message: string };

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseSolveArgs(args);
  if (parsed.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage_error') {
    io.stderr(`milkrun solve: ${parsed.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const { file, flags } = parsed;
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    io.stderr(`milkrun solve: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_BAD_INPUT;
  }
  if ((flags.format ?? detectFormat(text.replace(/^\uFEFF/, ''))) === 'vroom') return solveVroom(text, flags, io);
  if (flags.plan) {
    io.stderr('milkrun solve: --plan is for VROOM problems (vehicles with steps)\n');
    return EXIT_BAD_INPUT;
  }
  const read = readProblem(text, flags.format);
  if (!read.ok) {
    io.stderr(`milkrun solve: ${file}: ${read.error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const fromFile = read.value.options;
  const options: SolveOptions = {
    ...fromFile,
    timeLimitS: flags.time ?? fromFile.timeLimitS ?? DEFAULT_TIME_S,
    clock: () => performance.now(),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.minimize !== undefined ? { minimize: flags.minimize } : {}),
  };
  const solution = solve(read.value.problem, options);
  io.stdout(`${JSON.stringify(solution, null, 2)}\n`);
  return 0;
}

/** A VROOM problem answered as VROOM does: the solution JSON, or `{ code, error }` and exit code 2. */
async function solveVroom(text: string, flags: z.infer<typeof flagsSchema>, io: CliIo): Promise<number> {
  const json = parseVroomText(text.replace(/^\uFEFF/, ''));
  const result = json.ok
    ? await runVroom(json.value, {
        plan: flags.plan ?? false,
        solve: async (problem) =>
          solve(problem, {
            objective: VROOM_OBJECTIVE,
            timeLimitS: flags.time ?? DEFAULT_TIME_S,
            clock: () => performance.now(),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            ...(flags.minimize !== undefined ? { minimize: flags.minimize } : {}),
          }),
      })
    : json;
  if (!result.ok) {
    io.stdout(`${JSON.stringify(errorBody(result.error))}\n`);
    io.stderr(`milkrun solve: ${errorMessage(result.error)}\n`);
    return EXIT_BAD_INPUT;
  }
  io.stdout(`${JSON.stringify(result.value, null, 2)}\n`);
  return 0;
}

async function readStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin as AsyncIterable<string>) text += chunk;
  return text;
}

/** The file and validated flags, a request for help, or what is wrong with the arguments. */
function parseSolveArgs(args: string[]): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        time: { type: 'string' },
        seed: { type: 'string' },
        minimize: { type: 'string' },
        format: { type: 'string' },
        plan: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // parseArgs throws on unknown options and missing option values.
    return { kind: 'usage_error', message: err instanceof Error ? err.message : String(err) };
  }
  const { help, ...flagValues } = values;
  if (help) return { kind: 'help' };
  if (positionals.length !== 1) return { kind: 'usage_error', message: `expected one FILE, got ${positionals.length}\n${USAGE}` };
  const flags = flagsSchema.safeParse(flagValues);
  if (!flags.success) {
    const issue = flags.error.issues[0]!;
    return { kind: 'usage_error', message: `--${String(issue.path[0])}: ${issue.message}` };
  }
  return { kind: 'solve', file: positionals[0]!, flags: flags.data };
}
