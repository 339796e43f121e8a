import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSolution, readCheckInstance } from '../../bench/check-solution.js';
import type { Solution, Step } from '../../src/solver/model.js';

// Depot at (0,0) due 100; customer 1 at (3,4) window [0,10]; customer 2 at (0,8) window [0,50]; capacity 10.
const SOLOMON = `TINY

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0         0          0          0       100          0
    1      3         4          6          0        10          1
    2      0         8          5          0        50          1
`;

const dir = mkdtempSync(join(tmpdir(), 'milkrun-check-'));
const file = join(dir, 'tiny.txt');
writeFileSync(file, SOLOMON);
const inst = readCheckInstance(file);

const step = (job: string): Step => ({ type: 'job', job, arrival: 0, waiting: 0, service_start: 0, departure: 0, load: [0], distance: 0, duration: 0 });
function solution(routes: string[][], distance: number): Solution {
  return {
    routes: routes.map((jobs, i) => ({ vehicle: String(i + 1), steps: jobs.map(step), distance: 0, duration: 0, cost: 0, share: 0 })),
    unassigned: [],
    summary: { cost: distance, distance, duration: 0, vehicles: routes.length, unassigned: 0, priority: 0, iterations: 0 },
  };
}

describe('independent solution checker', () => {
  it('accepts a feasible solution and recomputes its distance', () => {
    // depot→1 = 5, 1→2 = hypot(3, 4) = 5, 2→depot = 8: in time, but 6 + 5 exceeds the capacity of 10.
    const together = checkSolution(inst, solution([['1', '2']], 18));
    expect(together.errors).toEqual(['route 1: load 11 exceeds capacity 10']);
    expect(together.distance).toBe(18);
    const split = checkSolution(inst, solution([['1'], ['2']], 10 + 16));
    expect(split).toEqual({ feasible: true, errors: [], vehicles: 2, distance: 26 });
  });

  it('finds a missed window, a missing and a duplicated customer, and a wrong reported distance', () => {
    const late = checkSolution(inst, solution([['2', '1']], 8 + 5 + 5));
    expect(late.errors).toContain('route 1: customer 1 reached at 14.000, due 10');
    const missing = checkSolution(inst, solution([['1']], 10));
    expect(missing.errors).toEqual(['customer 2 not served']);
    const twice = checkSolution(inst, solution([['1'], ['1'], ['2']], 36));
    expect(twice.errors).toContain('customer 1 served twice (routes 1 and 2)');
    expect(twice.errors).toContain('3 routes, the fleet has 2 vehicles');
    const wrong = checkSolution(inst, solution([['1'], ['2']], 25));
    expect(wrong.feasible).toBe(false);
    expect(wrong.errors[0]).toMatch(/reported distance 25 differs from the recomputed 26/);
  });

  it('reads CVRPLIB instances with rounded legs', () => {
    const cvrp = readCheckInstance(new URL('../../data/cvrp/X-n101-k25.vrp', import.meta.url).pathname);
    expect(cvrp.kind).toBe('cvrp');
    expect(cvrp.capacity).toBe(206);
    expect(cvrp.customers.size).toBe(100);
    expect(cvrp.depot).toMatchObject({ x: 365, y: 689, demand: 0 });
    expect(cvrp.customers.get('2')).toMatchObject({ x: 146, y: 180, demand: 38 });
  });

  it('checks Li & Lim precedence, same route and the load after every step', () => {
    // Depot (0,0); pickup 1 (8 units) → delivery 2; pickup 3 (8 units) → delivery 4; capacity 10.
    const lilim = join(dir, 'tiny-pdp.txt');
    writeFileSync(lilim, [
      '2\t10\t1', '0\t0\t0\t0\t0\t1000\t0\t0\t0', '1\t3\t4\t8\t0\t1000\t0\t0\t2', '2\t6\t8\t-8\t0\t1000\t0\t1\t0',
      '3\t0\t5\t8\t0\t1000\t0\t0\t4', '4\t0\t10\t-8\t0\t1000\t0\t3\t0', '',
    ].join('\n'));
    const pdp = readCheckInstance(lilim);
    expect(pdp.kind).toBe('lilim');
    const leg = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    const xy: Record<string, [number, number]> = { '0': [0, 0], '1': [3, 4], '2': [6, 8], '3': [0, 5], '4': [0, 10] };
    const length = (nodes: string[]) => ['0', ...nodes, '0'].reduce((a, id, k, all) => (k === 0 ? 0 : a + leg(xy[all[k - 1]!]!, xy[id]!)), 0);
    const pdpSolution = (routes: string[][]): Solution => ({
      routes: routes.map((nodes, i) => ({
        vehicle: String(i + 1), distance: 0, duration: 0, cost: 0, share: 0,
        steps: nodes.map((id) => ({ ...step(id), type: Number(id) % 2 === 1 ? 'pickup' as const : 'delivery' as const })),
      })),
      unassigned: [],
      summary: { cost: 0, distance: routes.reduce((a, r) => a + length(r), 0), duration: 0, vehicles: routes.length, unassigned: 0, priority: 0, iterations: 0 },
    });
    expect(checkSolution(pdp, pdpSolution([['1', '2', '3', '4']])).errors).toEqual([]);
    expect(checkSolution(pdp, pdpSolution([['1', '3', '2', '4']])).errors).toEqual(['route 1: load 16 after 3 exceeds capacity 10']);
    expect(checkSolution(pdp, pdpSolution([['2', '1', '3', '4']])).errors).toContain('route 1: delivery 2 before its pickup 1');
    const split = checkSolution(pdp, pdpSolution([['1', '4'], ['3', '2']])).errors;
    expect(split).toContain('route 1: pickup 1 without its delivery 2 on the same route');
    expect(split).toContain('route 2: delivery 2 without its pickup 1 on the same route');
  });
});
