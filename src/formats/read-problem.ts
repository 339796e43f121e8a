/** One entry for every reader: text (plus an optional forced format) in, a problem or a FormatError out. */
import { parseCvrplib } from './cvrplib.js';
import { parseLilim } from './lilim.js';
import { detectFormat } from './detect.js';
import type { FormatName, ParseResult } from './errors.js';
import { parseProblemJson } from './problem-json.js';
import { parseSolomon } from './solomon.js';
import { parseVroom } from './vroom/reader.js';

const READERS: Record<FormatName, (text: string) => ParseResult> = {
  json: parseProblemJson,
  solomon: parseSolomon,
  cvrplib: parseCvrplib,
  vroom: parseVroom,
  lilim: parseLilim,
};

export const FORMAT_NAMES = Object.keys(READERS) as FormatName[];

export function readProblem(input: string, format?: FormatName): ParseResult {
  // Editors on Windows like to start files with a byte-order mark; no format wants it.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const chosen = format ?? detectFormat(text);
  if (!chosen) {
    return {
      ok: false,
      error: {
        code: 'unknown_format',
        message: 'unrecognised file: expected problem JSON, VROOM JSON, a Solomon .txt, a CVRPLIB .vrp or a Li & Lim PDPTW .txt file (or pass --format)',
      },
    };
  }
  return READERS[chosen](text);
}
