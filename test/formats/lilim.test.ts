import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/formats/detect.js';
import { parseLilim } from '../../src/formats/lilim.js';
import { readProblem } from '../../src/formats/read-problem.js';

const read = (p: string) => readFileSync(new URL(`../../data/pdptw/${p}`, import.meta.url), 'utf8');

// Depot 0; pickup 1 (10 units) delivered at 2; a plain node 3.
const TINY = `2\t15\t1
0\t0\t0\t0\t0\t500\t0\t0\t0
1\t3\t4\t10\t0\t100\t5\t0\t2
2\t6\t8\t-10\t0\t200\t5\t1\t0
3\t0\t8\t2\t10\t300\t1\t0\t0
`;

describe('Li & Lim PDPTW reader', () => {
  it('turns pickup/delivery siblings into shipments named by node numbers', () => {
    const result = parseLilim(TINY);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { problem, format, options } = result.value;
    expect(format).toBe('lilim');
    expect(options.objective).toBe('distance');
    expect(problem.vehicles).toHaveLength(2);
    expect(problem.vehicles[0]).toEqual({ id: '1', start: { index: 0 }, end: { index: 0 }, shift: { start: 0, end: 500 }, capacity: [15] });
    expect(problem.shipments).toEqual([{
      id: '1',
      pickup: { id: '1', location: { index: 1 }, serviceS: 5, timeWindows: [{ start: 0, end: 100 }] },
      delivery: { id: '2', location: { index: 2 }, serviceS: 5, timeWindows: [{ start: 0, end: 200 }] },
      amount: [10],
    }]);
    expect(problem.jobs).toEqual([{ id: '3', location: { index: 3 }, serviceS: 1, timeWindows: [{ start: 10, end: 300 }], demand: [2] }]);
    expect(problem.matrices!.size).toBe(4);
    expect(problem.matrices!.distances[0 * 4 + 1]).toBe(5);
    expect(problem.matrices!.durations[1 * 4 + 2]).toBe(5);
  });

  it('is detected automatically and reads every bundled instance', () => {
    expect(detectFormat(TINY)).toBe('lilim');
    expect(detectFormat(read('lc101.txt'))).toBe('lilim');
    expect(detectFormat(readFileSync(new URL('../../data/solomon/C101.txt', import.meta.url), 'utf8'))).toBe('solomon');
    const names = readFileSync(new URL('../../data/pdptw/bks.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
    expect(names).toHaveLength(56);
    for (const name of names) {
      const text = read(`${name}.txt`);
      const result = readProblem(text);
      expect(result.ok, name).toBe(true);
      if (!result.ok) continue;
      const nodes = text.trim().split('\n').length - 2; // minus the fleet line and the depot
      expect(result.value.problem.jobs.length + 2 * result.value.problem.shipments!.length, name).toBe(nodes);
    }
  });

  it('names the line and the reason of malformed input', () => {
    const cases: [string, RegExp][] = [
      ['2 15\n', /line 1: expected 3 numbers/],
      ['2 15 1\n0 0 0 0 0 500 0 0\n', /line 2: expected 9 numbers/],
      ['2 15 1\n0 0 0 0 0 500 0 0 0\n1 3 4 10 0 100 5 0 9\n', /pickup 1 names delivery 9, which is not a node/],
      ['2 15 1\n0 0 0 0 0 500 0 0 0\n1 3 4 10 0 100 5 0 2\n2 6 8 -7 0 200 5 1 0\n', /line 4: delivery 2 has demand -7, expected -10/],
      ['2 15 1\n0 0 0 0 0 500 0 0 0\n2 3 4 10 0 100 5 0 2\n', /node 2 out of order/],
      ['2 15 1\n0 0 0 0 0 500 0 0 0\n1 3 4 10 100 50 5 0 2\n', /due time 50 is before ready time 100/],
    ];
    for (const [text, message] of cases) {
      const result = parseLilim(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('malformed_lilim');
        expect(result.error.message).toMatch(message);
      }
    }
  });
});
