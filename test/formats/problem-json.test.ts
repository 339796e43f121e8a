import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../src/formats/json-error-offset.js';
import { parseProblemJson, problemFromJson } from '../../src/formats/problem-json.js';

const valid = {
  jobs: [
    { id: 'a', location: { lat: 52.5, lng: 13.4 }, serviceS: 300, timeWindows: [{ start: 0, end: 3600 }], demand: [2], priority: 7 },
    { id: 'b', location: { lat: 52.51, lng: 13.41 } },
  ],
  vehicles: [{ id: 'v1', start: { lat: 52.49, lng: 13.39 }, capacity: [10], shift: { start: 0, end: 28800 } }],
  options: { timeLimitS: 2, seed: 3, minimize: 'vehicles', balance: { weight: 0.5, by: 'stops' } },
};

function errorOf(input: unknown) {
  const result = problemFromJson(input);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected an error');
  expect(result.error.code).toBe('invalid_problem_json');
  return result.error;
}

describe('problem JSON', () => {
  it('accepts a valid problem and splits off its options', () => {
    const result = problemFromJson(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.problem.jobs).toEqual(valid.jobs);
    expect(result.value.problem.vehicles).toEqual(valid.vehicles);
    expect(result.value.options).toEqual(valid.options);
    expect('options' in result.value.problem).toBe(false);
  });

  it('accepts nested or flat matrices and turns them into flat typed arrays', () => {
    const base = {
      jobs: [{ id: 'a', location: { index: 1 } }],
      vehicles: [{ id: 'v', start: { index: 0 } }],
    };
    for (const durations of [[[0, 5], [6, 0]], [0, 5, 6, 0]]) {
      const result = problemFromJson({ ...base, matrices: { durations, distances: durations } });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const m = result.value.problem.matrices!;
      expect(m.size).toBe(2);
      expect(m.durations).toBeInstanceOf(Float64Array);
      expect(Array.from(m.durations)).toEqual([0, 5, 6, 0]);
    }
  });

  it.each([
    ['a wrong type', { ...valid, jobs: [{ ...valid.jobs[0], serviceS: 'ten' }] }, 'jobs[0].serviceS', /expected number/],
    ['a window ending before it starts', { ...valid, jobs: [{ ...valid.jobs[0], timeWindows: [{ start: 10, end: 5 }] }] }, 'jobs[0].timeWindows[0].end', /end must not be before start/],
    ['overlapping windows', { ...valid, jobs: [{ ...valid.jobs[0], timeWindows: [{ start: 0, end: 10 }, { start: 5, end: 20 }] }] }, 'jobs[0].timeWindows[1].start', /sorted and disjoint/],
    ['a priority above 10', { ...valid, jobs: [{ ...valid.jobs[0], priority: 11 }] }, 'jobs[0].priority', /10/],
    ['a duplicate job id', { ...valid, jobs: [valid.jobs[0], { ...valid.jobs[1], id: 'a' }] }, 'jobs[1].id', /duplicate job id "a"/],
    ['no vehicles', { ...valid, vehicles: [] }, 'vehicles', /.+/],
    ['an unknown field', { ...valid, vehicles: [{ ...valid.vehicles[0], capcity: [3] }] }, 'vehicles[0]', /capcity/],
    ['an index location without matrices', { ...valid, jobs: [{ id: 'x', location: { index: 0 } }] }, 'jobs[0].location', /needs "matrices"/],
    ['an index outside the matrices', { jobs: [{ id: 'x', location: { index: 2 } }], vehicles: [{ id: 'v' }], matrices: { durations: [0, 1, 1, 0], distances: [0, 1, 1, 0] } }, 'jobs[0].location.index', /outside the 2×2 matrices/],
    ['a non-square matrix', { jobs: [], vehicles: [{ id: 'v' }], matrices: { durations: [0, 1, 1], distances: [0, 1, 1] } }, 'matrices.durations', /must be square/],
    ['a location of neither kind', { ...valid, jobs: [{ id: 'x', location: 'Berlin' }] }, 'jobs[0].location', /expected a location/],
    ['a latitude out of range', { ...valid, jobs: [{ id: 'x', location: { lat: 91, lng: 0 } }] }, 'jobs[0].location.lat', /90/],
    ['a bad option', { ...valid, options: { minimize: 'trucks' } }, 'options.minimize', /.+/],
  ])('names the field for %s', (_what, input, path, reason) => {
    const error = errorOf(input);
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.message).toMatch(reason);
  });

  it('reports a JSON syntax error with its line', () => {
    const result = parseProblemJson('{\n  "jobs": [],\n  "vehicles": [,]\n}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.line).toBe(3);
    expect(result.error.message).toMatch(/^line 3: invalid JSON/);
  });
});

describe('jsonErrorOffset', () => {
  it('finds the first bad character and accepts valid JSON', () => {
    expect(jsonErrorOffset('{"a": [1, 2.5e3, "x\\n", true, null]}')).toBeUndefined();
    expect(jsonErrorOffset('{"a": [,]}')).toBe(7);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('{"a": "open')).toBe(11);
  });

  it('reads shipments and job pickups, and refuses a duplicate id or demand given with delivery', () => {
    const ok = parseProblemJson(JSON.stringify({
      jobs: [{ id: 'j', location: { lat: 52.5, lng: 13.4 }, delivery: [2], pickup: [1] }],
      shipments: [{
        id: 's', amount: [3], priority: 7, skills: ['fridge'],
        pickup: { id: 's-from', location: { lat: 52.51, lng: 13.41 }, serviceS: 60, timeWindows: [{ start: 0, end: 100 }] },
        delivery: { location: { lat: 52.52, lng: 13.42 } },
      }],
      vehicles: [{ id: 'v', capacity: [5], skills: ['fridge'] }],
    }));
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.value.problem.shipments![0]!.pickup.id).toBe('s-from');
    const duplicate = parseProblemJson(JSON.stringify({
      jobs: [{ id: 'x', location: { lat: 0, lng: 0 } }],
      shipments: [{ id: 'x', pickup: { location: { lat: 0, lng: 0 } }, delivery: { location: { lat: 1, lng: 1 } } }],
      vehicles: [{ id: 'v' }],
    }));
    expect(duplicate.ok).toBe(false);
    if (!duplicate.ok) expect(duplicate.error.message).toMatch(/shipments\[0\]\.id: duplicate id "x" \(also jobs\[0\]\)/);
    const both = parseProblemJson(JSON.stringify({ jobs: [{ id: 'x', location: { lat: 0, lng: 0 }, demand: [1], delivery: [1] }], vehicles: [{ id: 'v' }] }));
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error.message).toMatch(/jobs\[0\]\.demand: give "delivery" or its alias "demand", not both/);
    const badHalf = parseProblemJson(JSON.stringify({ jobs: [], shipments: [{ id: 's', pickup: { location: { lat: 0, lng: 0 }, colour: 'red' }, delivery: { location: { lat: 1, lng: 1 } } }], vehicles: [{ id: 'v' }] }));
    expect(badHalf.ok).toBe(false);
    if (!badHalf.ok) expect(badHalf.error.path).toBe('shipments[0].pickup');
  });
});
