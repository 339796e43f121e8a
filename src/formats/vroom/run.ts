/**
 * VROOM in, VROOM out: validate the JSON (input-schema.ts), map it (to-problem.ts), solve it with the caller's
 * solver — or, in plan mode, time the vehicles' `steps` with the one route timing (`timeRoutes`) — and write
 * VROOM's solution (solution.ts). Transports (the CLI, `POST /api/v1/vroom`) bring the solver and the budget.
 */
import { performance } from 'node:perf_hooks';
import type { Problem, Solution } from '../../solver/model.js';
import { timeRoutes } from '../../solver/time-routes.js';
import { fromZodError, inputError, type VroomError } from './errors.js';
import { VroomInput } from './input-schema.js';
import type { VroomSolution } from './output-schema.js';
import { writeSolution, writeTimedRoutes } from './solution.js';
import { toProblem, type MappingResult } from './to-problem.js';

/** The objective VROOM optimises: its vehicles' costs. */
export const VROOM_OBJECTIVE = 'cost' as const;

export interface VroomRunOptions {
  /** VROOM's `-c`: time each vehicle's `steps` as given, reporting violations, instead of searching. */
  plan: boolean;
  /** Solves the mapped problem (with objective `VROOM_OBJECTIVE`); not called in plan mode. */
  solve: (problem: Problem) => Promise<Solution>;
}

export type VroomRunResult = { ok: true; value: VroomSolution } | { ok: false; error: VroomError };

/** Parsed JSON → the mapped problem, or the input error naming its key. */
export function readVroom(json: unknown, mode: { plan: boolean }): MappingResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: inputError('', 'invalid', 'the problem must be a JSON object with `vehicles` and `jobs`') };
  }
  const parsed = VroomInput.safeParse(json);
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error) };
  return toProblem(parsed.data, mode);
}

/** JSON text → parsed JSON, or an input error with the line of a syntax error. */
export function parseVroomText(text: string): { ok: true; value: unknown } | { ok: false; error: VroomError } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, error: inputError('', 'invalid', `invalid JSON (${reason})`) };
  }
}

export async function runVroom(json: unknown, options: VroomRunOptions): Promise<VroomRunResult> {
  const t0 = performance.now();
  const read = readVroom(json, { plan: options.plan });
  if (!read.ok) return read;
  const { problem, context, fixedRoutes } = read.value;
  const t1 = performance.now();
  if (options.plan) {
    const timed = timeRoutes(problem, fixedRoutes);
    return { ok: true, value: writeTimedRoutes(context, problem, timed, { loading: t1 - t0, solving: performance.now() - t1 }) };
  }
  const solution = await options.solve(problem);
  return { ok: true, value: writeSolution(context, solution, { loading: t1 - t0, solving: performance.now() - t1 }) };
}
