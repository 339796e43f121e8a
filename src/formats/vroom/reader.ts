/**
 * VROOM's problem JSON as one of the problem-file readers (read-problem.ts): the mapped solver `Problem` with
 * VROOM's objective, for tools that want a Milkrun problem. `milkrun solve --format vroom` answers in VROOM's own
 * solution format instead (run.ts).
 */
import type { ParseResult } from '../errors.js';
import { errorMessage } from './errors.js';
import { parseVroomText, readVroom, VROOM_OBJECTIVE } from './run.js';

export function parseVroom(text: string): ParseResult {
  const json = parseVroomText(text);
  const read = json.ok ? readVroom(json.value, { plan: false }) : json;
  if (!read.ok) {
    return { ok: false, error: { code: 'invalid_vroom_problem', message: errorMessage(read.error), ...(read.error.path && { path: read.error.path }) } };
  }
  return { ok: true, value: { format: 'vroom', problem: read.value.problem, options: { objective: VROOM_OBJECTIVE } } };
}
