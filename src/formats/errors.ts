/**
 * Errors of the problem-file readers, as values: a reader never throws on bad input, it returns one of these so
 * the CLI can print the place and the reason and exit with code 2.
 */
import type { Problem, SolveOptions } from '../solver/model.js';

export type FormatName = 'json' | 'solomon' | 'cvrplib' | 'lilim' | 'vroom';

export type FormatErrorCode =
  | 'malformed_solomon'
  | 'malformed_cvrplib'
  | 'malformed_lilim'
  | 'invalid_problem_json'
  | 'invalid_vroom_problem'
  | 'unknown_format'
  | 'unreadable_file';

export interface FormatError {
  code: FormatErrorCode;
  /** One sentence: where (line or field) and why. */
  message: string;
  /** 1-based line of the offending input, for the text formats. */
  line?: number;
  /** Dotted field path (`jobs[3].timeWindows[0].end`), for problem JSON. */
  path?: string;
}

/** Solve options a file may carry (problem JSON's `options`); never a clock or callbacks. */
export type FileSolveOptions = Pick<
  SolveOptions,
  'timeLimitS' | 'maxIterations' | 'seed' | 'minimize' | 'objective' | 'balance' | 'localSearchOnly'
>;

export interface ParsedProblem {
  format: FormatName;
  /** Instance name when the file has one (Solomon first line, CVRPLIB NAME). */
  name?: string;
  problem: Problem;
  options: FileSolveOptions;
}

export type ParseResult = { ok: true; value: ParsedProblem } | { ok: false; error: FormatError };

export function lineError(code: FormatErrorCode, line: number, reason: string): { ok: false; error: FormatError } {
  return { ok: false, error: { code, line, message: `line ${line}: ${reason}` } };
}
