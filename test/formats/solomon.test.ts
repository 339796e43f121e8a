import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSolomon } from '../../src/formats/solomon.js';

const C101 = readFileSync(new URL('../../data/solomon/C101.txt', import.meta.url), 'utf8');

function parsed(text: string) {
  const result = parseSolomon(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const SMALL = `TINY

VEHICLE
NUMBER     CAPACITY
  2         50

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0         0          0          0       100          0
    7      3         4         10         5        60          2
    9      0         1         20         0        90          3
`;

describe('parseSolomon', () => {
  it('reads C101: 100 jobs, 25 vehicles of capacity 200, the depot shift', () => {
    const { name, problem, format } = parsed(C101);
    expect(format).toBe('solomon');
    expect(name).toBe('C101');
    expect(problem.jobs).toHaveLength(100);
    expect(problem.vehicles).toHaveLength(25);
    for (const v of problem.vehicles) {
      expect(v).toMatchObject({ capacity: [200], shift: { start: 0, end: 1236 }, start: { index: 0 }, end: { index: 0 } });
    }
    expect(new Set(problem.vehicles.map((v) => v.id)).size).toBe(25);
    // Customer 1: 45 68 10 912 967 90
    expect(problem.jobs[0]).toEqual({
      id: '1',
      location: { index: 1 },
      serviceS: 90,
      timeWindows: [{ start: 912, end: 967 }],
      demand: [10],
    });
    expect(problem.jobs[99]!.id).toBe('100');
    expect(problem.matrices!.size).toBe(101);
  });

  it('uses unrounded Euclidean distances and travel time equal to distance', () => {
    const { problem } = parsed(C101);
    const m = problem.matrices!;
    // depot (40,50) to customer 1 (45,68): sqrt(25 + 324) = 18.681...
    expect(m.distances[0 * 101 + 1]).toBeCloseTo(Math.sqrt(349), 12);
    expect(m.distances[1 * 101 + 0]).toBeCloseTo(Math.sqrt(349), 12);
    expect(m.durations[0 * 101 + 1]).toBe(m.distances[0 * 101 + 1]);
    expect(m.distances[5 * 101 + 5]).toBe(0);
  });

  it('keeps the file customer numbers as job ids and maps locations by row', () => {
    const { problem } = parsed(SMALL);
    expect(problem.jobs.map((j) => j.id)).toEqual(['7', '9']);
    expect(problem.jobs.map((j) => j.location)).toEqual([{ index: 1 }, { index: 2 }]);
    expect(problem.matrices!.distances[1]).toBe(5);
    expect(problem.matrices!.distances[1 * 3 + 2]).toBeCloseTo(Math.hypot(3, 3), 12);
    expect(problem.vehicles).toHaveLength(2);
    expect(problem.vehicles[1]).toMatchObject({ id: '2', capacity: [50], shift: { start: 0, end: 100 } });
  });

  it('accepts CRLF line endings', () => {
    expect(parsed(SMALL.replace(/\n/g, '\r\n')).problem.jobs).toHaveLength(2);
  });

  it.each([
    ['a short customer row', SMALL.replace('    9      0         1         20         0        90          3', '    9      0         1'), 12, /expected 7 numbers.*found 3/],
    ['a word in a row', SMALL.replace('20         0        90', '20         zero        90'), 12, /expected 7 numbers/],
    ['a due date before the ready time', SMALL.replace('5        60', '70        60'), 11, /DUE DATE 60 is before READY TIME 70/],
    ['a duplicate customer', SMALL.replace('    9      0', '    7      0'), 12, /customer 7 already defined on line 11/],
    ['a negative demand', SMALL.replace('20         0        90', '-20         0        90'), 12, /DEMAND must not be negative/],
    ['a fleet line with one number', SMALL.replace('  2         50', '  2'), 5, /expected 2 numbers \(NUMBER CAPACITY\), found 1/],
    ['a fractional vehicle number', SMALL.replace('  2         50', '  2.5         50'), 5, /vehicle NUMBER must be a positive integer/],
  ])('reports %s with its line number', (_what, text, line, reason) => {
    const result = parseSolomon(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('malformed_solomon');
    expect(result.error.line).toBe(line);
    expect(result.error.message).toMatch(new RegExp(`^line ${line}: `));
    expect(result.error.message).toMatch(reason);
  });

  it('reports a missing VEHICLE section and a missing CUSTOMER section', () => {
    const noVehicle = parseSolomon('X\n\nCUSTOMER\n 0 0 0 0 0 10 0\n');
    expect(noVehicle.ok).toBe(false);
    if (!noVehicle.ok) expect(noVehicle.error.message).toMatch(/line 3: CUSTOMER section before/);
    const noCustomer = parseSolomon('X\nVEHICLE\nNUMBER CAPACITY\n 2 10\n');
    expect(noCustomer.ok).toBe(false);
    if (!noCustomer.ok) expect(noCustomer.error.message).toMatch(/missing the CUSTOMER section/);
  });
});
