/**
 * Solomon instances written as VROOM matrix inputs, as VROOM users write them: integer durations (rounded up, so
 * a route feasible with them is feasible with the exact Euclidean times) and integer distances (rounded). The
 * routes Milkrun answers are feasible for the checker on the VROOM problem and on the Solomon reader's exact
 * problem, and each route's distance is the Solomon reader's distance of the same path within rounding.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSolomon } from '../../../src/formats/solomon.js';
import { runVroom } from '../../../src/formats/vroom/run.js';
import type { Problem, Solution } from '../../../src/solver/model.js';
import { solve } from '../../../src/solver/solve.js';
import { checkSolution, minimalRoute, type MatrixProblem } from '../../solver/checker.js';
import { checkClientArithmetic, clientSolution } from './client-schema.js';

function solomon(name: string): MatrixProblem {
  const r = parseSolomon(readFileSync(new URL(`../../../data/solomon/${name}.txt`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.problem as MatrixProblem;
}

const indexOf = (loc: Problem['jobs'][number]['location'] | undefined): number => (loc && 'index' in loc ? loc.index : -1);

function asVroom(p: MatrixProblem) {
  const n = p.matrices.size;
  const rows = (f: (x: number) => number, m: ArrayLike<number>) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => f(m[i * n + j]!)));
  return {
    vehicles: p.vehicles.map((v) => ({
      id: Number(v.id),
      start_index: indexOf(v.start),
      end_index: indexOf(v.end),
      capacity: v.capacity,
      time_window: [v.shift!.start, v.shift!.end],
    })),
    jobs: p.jobs.map((j) => ({
      id: Number(j.id),
      location_index: indexOf(j.location),
      service: j.serviceS,
      delivery: j.demand,
      time_windows: j.timeWindows!.map((w) => [w.start, w.end]),
    })),
    matrices: { car: { durations: rows(Math.ceil, p.matrices.durations), distances: rows(Math.round, p.matrices.distances) } },
  };
}

describe('Solomon instances as VROOM matrix inputs', () => {
  it.each(['C101', 'R101', 'RC201'])('%s: feasible routes whose distances are the Solomon reader’s within rounding', async (name) => {
    const exact = solomon(name);
    const input = asVroom(exact);
    let mapped: MatrixProblem | undefined;
    let solution: Solution | undefined;
    const r = await runVroom(input, {
      plan: false,
      solve: async (p) => {
        mapped = p as MatrixProblem;
        solution = solve(p, { maxIterations: 150, seed: 1, objective: 'cost' });
        return solution;
      },
    });
    if (!r.ok) throw new Error(`${r.error.path}: ${r.error.reason}`);
    const answer = clientSolution.parse(r.value);
    checkSolution(mapped!, solution!);
    checkClientArithmetic(answer, (a, b) => input.matrices.car.durations[a]![b]!);
    expect(answer.summary.unassigned).toBe(0);

    const n = exact.matrices.size;
    const vehicleById = new Map(exact.vehicles.map((v) => [Number(v.id), v]));
    const jobIndex = new Map(exact.jobs.map((j, i) => [Number(j.id), i]));
    let total = 0;
    for (const route of answer.routes) {
      const seq = route.steps.filter((s) => s.type === 'job').map((s) => jobIndex.get(s.id!)!);
      const path = route.steps.map((s) => s.location_index!);
      let exactDistance = 0;
      for (let k = 1; k < path.length; k++) exactDistance += exact.matrices.distances[path[k - 1]! * n + path[k]!]!;
      expect(Math.abs(route.distance! - exactDistance)).toBeLessThanOrEqual(0.5 * (path.length - 1) + 1e-9);
      expect(minimalRoute(exact, vehicleById.get(route.vehicle)!, seq), `route of ${route.vehicle}`).not.toBeNull();
      total += route.distance!;
    }
    expect(answer.summary.distance).toBe(total);
  });
});
