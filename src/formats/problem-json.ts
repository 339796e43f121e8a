/**
 * The problem JSON format: the `Problem` of src/solver/model.ts as JSON (camelCase, as in model.ts), plus an
 * optional `options` object with the file's solve options. Matrices may be flat row-major arrays of n×n numbers or
 * nested arrays of n rows. Validation errors name the field path (`jobs[3].timeWindows[0].end`) and the reason.
 */
import { z } from 'zod';
import type { Problem } from '../solver/model.js';
import type { FileSolveOptions, FormatError, ParseResult } from './errors.js';
import { jsonErrorOffset } from './json-error-offset.js';

const nonNegative = z.number().nonnegative();

const locationSchema = z.union(
  [
    z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
    z.strictObject({ index: z.int().nonnegative() }),
  ],
  { error: 'expected a location: { "lat": number, "lng": number } or { "index": integer }' },
);

const timeWindowSchema = z
  .strictObject({ start: z.number(), end: z.number() })
  .refine((w) => w.end >= w.start, { message: 'end must not be before start', path: ['end'] });

const jobSchema = z.strictObject({
  id: z.string().min(1),
  location: locationSchema,
  serviceS: nonNegative.optional(),
  timeWindows: z.array(timeWindowSchema).optional(),
  delivery: z.array(nonNegative).optional(),
  demand: z.array(nonNegative).optional(),
  pickup: z.array(nonNegative).optional(),
  priority: z.int().min(0).max(10).optional(),
  skills: z.array(z.string()).optional(),
});

const shipmentStepSchema = z.strictObject({
  id: z.string().min(1).optional(),
  location: locationSchema,
  serviceS: nonNegative.optional(),
  timeWindows: z.array(timeWindowSchema).optional(),
});

const shipmentSchema = z.strictObject({
  id: z.string().min(1),
  pickup: shipmentStepSchema,
  delivery: shipmentStepSchema,
  amount: z.array(nonNegative).optional(),
  priority: z.int().min(0).max(10).optional(),
  skills: z.array(z.string()).optional(),
});

const vehicleSchema = z.strictObject({
  id: z.string().min(1),
  start: locationSchema.optional(),
  end: locationSchema.optional(),
  shift: timeWindowSchema.optional(),
  capacity: z.array(nonNegative).optional(),
  skills: z.array(z.string()).optional(),
  maxStops: z.int().nonnegative().optional(),
  maxDurationS: nonNegative.optional(),
  maxDistanceM: nonNegative.optional(),
  fixedCost: nonNegative.optional(),
  costPerHour: nonNegative.optional(),
  costPerKm: nonNegative.optional(),
  speedFactor: z.number().positive().optional(),
});

const matrixValues = z.union([z.array(nonNegative), z.array(z.array(nonNegative))]);

const matricesSchema = z.strictObject({
  durations: matrixValues,
  distances: matrixValues,
  size: z.int().positive().optional(),
});

const optionsSchema = z.strictObject({
  timeLimitS: z.number().positive().optional(),
  maxIterations: z.int().nonnegative().optional(),
  seed: z.int().optional(),
  minimize: z.enum(['cost', 'vehicles']).optional(),
  objective: z.enum(['distance', 'duration', 'cost']).optional(),
  balance: z.strictObject({ weight: nonNegative, by: z.enum(['duration', 'stops']) }).optional(),
  localSearchOnly: z.boolean().optional(),
});

type MatrixInput = z.infer<typeof matrixValues>;

/** Side of the square matrix, or a reason it is not square. */
function matrixSide(m: MatrixInput): number | string {
  if (m.length === 0) return 0;
  if (Array.isArray(m[0])) {
    const rows = m as number[][];
    const bad = rows.findIndex((r) => r.length !== rows.length);
    return bad < 0 ? rows.length : `row ${bad} has ${rows[bad]!.length} values, expected ${rows.length}`;
  }
  const side = Math.round(Math.sqrt(m.length));
  return side * side === m.length ? side : `${m.length} values is not a square number`;
}

function flatten(m: MatrixInput): Float64Array {
  if (m.length > 0 && Array.isArray(m[0])) return Float64Array.from((m as number[][]).flat());
  return Float64Array.from(m as number[]);
}

export const problemFileSchema = z
  .strictObject({
    jobs: z.array(jobSchema),
    shipments: z.array(shipmentSchema).optional(),
    vehicles: z.array(vehicleSchema).min(1),
    matrices: matricesSchema.optional(),
    averageSpeedKmh: z.number().positive().optional(),
    options: optionsSchema.optional(),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, string>();
    const checkWindows = (windows: readonly { start: number; end: number }[] | undefined, path: (string | number)[]): void => {
      const list = windows ?? [];
      for (let w = 1; w < list.length; w++) {
        if (list[w]!.start <= list[w - 1]!.end) {
          ctx.addIssue({ code: 'custom', path: [...path, 'timeWindows', w, 'start'], message: 'time windows must be sorted and disjoint' });
        }
      }
    };
    p.jobs.forEach((job, i) => {
      const first = seen.get(job.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['jobs', i, 'id'], message: `duplicate job id "${job.id}" (also ${first})` });
      else seen.set(job.id, `jobs[${i}]`);
      if (job.demand && job.delivery) {
        ctx.addIssue({ code: 'custom', path: ['jobs', i, 'demand'], message: 'give "delivery" or its alias "demand", not both' });
      }
      checkWindows(job.timeWindows, ['jobs', i]);
    });
    (p.shipments ?? []).forEach((s, i) => {
      const first = seen.get(s.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['shipments', i, 'id'], message: `duplicate id "${s.id}" (also ${first})` });
      else seen.set(s.id, `shipments[${i}]`);
      checkWindows(s.pickup.timeWindows, ['shipments', i, 'pickup']);
      checkWindows(s.delivery.timeWindows, ['shipments', i, 'delivery']);
    });
    const vehicleIds = new Set<string>();
    p.vehicles.forEach((v, i) => {
      if (vehicleIds.has(v.id)) ctx.addIssue({ code: 'custom', path: ['vehicles', i, 'id'], message: `duplicate vehicle id "${v.id}"` });
      vehicleIds.add(v.id);
    });

    let size: number | undefined;
    if (p.matrices) {
      for (const key of ['durations', 'distances'] as const) {
        const side = matrixSide(p.matrices[key]);
        if (typeof side === 'string') ctx.addIssue({ code: 'custom', path: ['matrices', key], message: `must be square: ${side}` });
        else if (size === undefined) size = side;
        else if (side !== size) ctx.addIssue({ code: 'custom', path: ['matrices', key], message: `is ${side}×${side}, durations is ${size}×${size}` });
      }
      if (p.matrices.size !== undefined && size !== undefined && p.matrices.size !== size) {
        ctx.addIssue({ code: 'custom', path: ['matrices', 'size'], message: `is ${p.matrices.size} but the matrices are ${size}×${size}` });
      }
    }
    const checkIndex = (loc: z.infer<typeof locationSchema> | undefined, path: (string | number)[]): void => {
      if (!loc || !('index' in loc)) return;
      if (!p.matrices) ctx.addIssue({ code: 'custom', path, message: 'a location by index needs "matrices"' });
      else if (size !== undefined && loc.index >= size) ctx.addIssue({ code: 'custom', path: [...path, 'index'], message: `${loc.index} is outside the ${size}×${size} matrices` });
    };
    p.jobs.forEach((job, i) => checkIndex(job.location, ['jobs', i, 'location']));
    (p.shipments ?? []).forEach((s, i) => {
      checkIndex(s.pickup.location, ['shipments', i, 'pickup', 'location']);
      checkIndex(s.delivery.location, ['shipments', i, 'delivery', 'location']);
    });
    p.vehicles.forEach((v, i) => {
      checkIndex(v.start, ['vehicles', i, 'start']);
      checkIndex(v.end, ['vehicles', i, 'end']);
    });
  });

export type ProblemFile = z.infer<typeof problemFileSchema>;

/** `jobs[3].timeWindows[0].end` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates already-parsed JSON (from a file or a request body) into a problem and its options. */
export function problemFromJson(input: unknown): ParseResult {
  const parsed = problemFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    const error: FormatError = { code: 'invalid_problem_json', path, message: `${path}: ${issue.message}${more}` };
    return { ok: false, error };
  }
  const { options, matrices, ...rest } = parsed.data;
  const problem: Problem = { ...rest };
  if (matrices) {
    const durations = flatten(matrices.durations);
    problem.matrices = { durations, distances: flatten(matrices.distances), size: Math.round(Math.sqrt(durations.length)) };
  }
  const fileOptions: FileSolveOptions = options ?? {};
  return { ok: true, value: { format: 'json', problem, options: fileOptions } };
}

/** Parses problem JSON text; a syntax error names the line and column. */
export function parseProblemJson(text: string): ParseResult {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const offset = jsonErrorOffset(text);
    if (offset !== undefined) {
      const line = text.slice(0, offset).split('\n').length;
      return { ok: false, error: { code: 'invalid_problem_json', line, message: `line ${line}: invalid JSON (${reason})` } };
    }
    return { ok: false, error: { code: 'invalid_problem_json', message: `invalid JSON (${reason})` } };
  }
  return problemFromJson(input);
}
