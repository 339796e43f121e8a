import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cvrpFleetBound, parseCvrplib } from '../../src/formats/cvrplib.js';

const X101 = readFileSync(new URL('../../data/cvrp/X-n101-k25.vrp', import.meta.url), 'utf8');

const SMALL = [
  'NAME : tiny',
  'TYPE : CVRP',
  'DIMENSION : 4',
  'EDGE_WEIGHT_TYPE : EUC_2D',
  'CAPACITY : 10',
  'NODE_COORD_SECTION',
  '1 0 0',
  '2 3 4',
  '3 1 1',
  '4 10 0',
  'DEMAND_SECTION',
  '1 0',
  '2 4',
  '3 5',
  '4 7',
  'DEPOT_SECTION',
  '1',
  '-1',
  'EOF',
  '',
].join('\n');

function parsed(text: string) {
  const result = parseCvrplib(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('parseCvrplib', () => {
  it('reads X-n101-k25: dimension 101 (100 jobs), capacity 206, depot node 1', () => {
    const { name, problem, format } = parsed(X101);
    expect(format).toBe('cvrplib');
    expect(name).toBe('X-n101-k25');
    expect(problem.jobs).toHaveLength(100);
    expect(problem.matrices!.size).toBe(101);
    expect(problem.jobs[0]).toEqual({ id: '2', location: { index: 1 }, demand: [38] });
    const total = problem.jobs.reduce((s, j) => s + j.demand![0]!, 0);
    expect(problem.vehicles).toHaveLength(cvrpFleetBound(total, 206, 100));
    expect(problem.vehicles.length).toBeGreaterThanOrEqual(Math.ceil(total / 206));
    for (const v of problem.vehicles) expect(v).toMatchObject({ capacity: [206], start: { index: 0 }, end: { index: 0 } });
    expect(problem.vehicles[0]!.shift).toBeUndefined();
  });

  it('rounds Euclidean distances to the nearest integer (EUC_2D)', () => {
    const { problem } = parsed(SMALL);
    const d = problem.matrices!.distances;
    expect(d[0 * 4 + 1]).toBe(5);
    expect(d[0 * 4 + 2]).toBe(1); // sqrt(2) = 1.41 -> 1
    expect(d[1 * 4 + 2]).toBe(4); // sqrt(4 + 9) = 3.61 -> 4
    expect(d[2 * 4 + 3]).toBe(9); // sqrt(81 + 1) = 9.06 -> 9
    expect(problem.matrices!.durations).toBe(d);
    expect(problem.jobs.map((j) => j.id)).toEqual(['2', '3', '4']);
  });

  it('bounds the unlimited fleet generously but keeps it small', () => {
    expect(cvrpFleetBound(16, 10, 3)).toBe(3); // never more vehicles than customers
    expect(cvrpFleetBound(1000, 100, 500)).toBe(20);
    expect(cvrpFleetBound(150, 100, 500)).toBe(5); // lower bound 2, plus 3
  });

  it.each([
    ['an unsupported edge weight type', SMALL.replace('EUC_2D', 'GEO'), 4, /EDGE_WEIGHT_TYPE GEO is not supported/],
    ['a short coordinate line', SMALL.replace('3 1 1', '3 1'), 9, /expected 3 numbers \(node x y\)/],
    ['a demand for an unknown node', SMALL.replace('4 7', '9 7'), 15, /demand for node 9, which is not in NODE_COORD_SECTION/],
    ['a header line without a colon', SMALL.replace('TYPE : CVRP', 'TYPE CVRP'), 2, /expected "KEY : value"/],
    ['a non-numeric coordinate', SMALL.replace('2 3 4', '2 3 x'), 8, /expected numbers in NODE_COORD_SECTION/],
    ['too few nodes', SMALL.replace('DIMENSION : 4', 'DIMENSION : 5'), 20, /NODE_COORD_SECTION has 4 nodes, DIMENSION says 5/],
    ['an unknown depot', SMALL.replace('DEPOT_SECTION\n1', 'DEPOT_SECTION\n8'), 17, /depot 8 is not in NODE_COORD_SECTION/],
  ])('reports %s with its line number', (_what, text, line, reason) => {
    const result = parseCvrplib(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('malformed_cvrplib');
    expect(result.error.line).toBe(line);
    expect(result.error.message).toMatch(reason);
  });
});
