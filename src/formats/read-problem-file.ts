/** Reads a problem file from disk; an unreadable file is a FormatError like any other bad input. */
import { readFile } from 'node:fs/promises';
import type { FormatName, ParseResult } from './errors.js';
import { readProblem } from './read-problem.js';

export async function readProblemFile(path: string, format?: FormatName): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, error: { code: 'unreadable_file', message: `cannot read ${path}: ${reason}` } };
  }
  return readProblem(text, format);
}
