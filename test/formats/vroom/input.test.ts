import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/formats/detect.js';
import { readProblem } from '../../../src/formats/read-problem.js';
import { readVroom } from '../../../src/formats/vroom/run.js';
import { milkrunPriority, type VroomMapping } from '../../../src/formats/vroom/to-problem.js';

/** A two-place matrix problem: depot 0, customers 1 and 2. */
function matrixInput(extra: { job?: object; vehicle?: object; top?: object } = {}) {
  return {
    vehicles: [{ id: 7, start_index: 0, end_index: 0, ...extra.vehicle }],
    jobs: [
      { id: 1, location_index: 1, ...extra.job },
      { id: 2, location_index: 2 },
    ],
    matrices: { car: { durations: [[0, 10, 20], [10, 0, 15], [20, 15, 0]], distances: [[0, 100, 200], [100, 0, 150], [200, 150, 0]] } },
    ...extra.top,
  };
}

function mapped(input: unknown, plan = false): VroomMapping {
  const r = readVroom(input, { plan });
  if (!r.ok) throw new Error(`unexpected error: ${r.error.path}: ${r.error.reason}`);
  return r.value;
}

function refusal(input: unknown, plan = false) {
  const r = readVroom(input, { plan });
  if (r.ok) throw new Error('expected an input error');
  expect(r.error.code).toBe(2);
  return r.error;
}

describe('VROOM input: supported keys', () => {
  it('maps job keys: id, location [lon, lat], service, delivery, skills, time windows, description', () => {
    const { problem, context } = mapped({
      vehicles: [{ id: 1, start: [24.75, 59.43], capacity: [10, 3], skills: [4, 9] }],
      jobs: [{ id: 42, location: [24.7, 59.4], service: 300, delivery: [2, 1], skills: [9], time_windows: [[3600, 7200]], description: 'door 3' }],
    });
    expect(problem.jobs[0]).toEqual({
      id: '42',
      location: { lat: 59.4, lng: 24.7 },
      serviceS: 300,
      demand: [2, 1],
      skills: ['9'],
      timeWindows: [{ start: 3600, end: 7200 }],
      priority: 1,
    });
    expect(problem.vehicles[0]!.start).toEqual({ lat: 59.43, lng: 24.75 });
    expect(problem.vehicles[0]!.skills).toEqual(['4', '9']);
    expect(context.jobs.get('42')!.description).toBe('door 3');
    expect(context.matrixSource).toBe('straight_line');
    expect(context.reportDistances).toBe(true);
    expect(problem.matrices).toBeUndefined();
  });

  it('maps job pickup amounts and shipments: places, amount, skills, priority; a pickup id may repeat a job or delivery id', () => {
    const { problem, context } = mapped(
      matrixInput({
        job: { delivery: [1], pickup: [2] },
        vehicle: { capacity: [5] },
        top: {
          shipments: [
            {
              pickup: { id: 1, location_index: 2, service: 60, time_windows: [[100, 200]], description: 'shop' },
              delivery: { id: 1, location_index: 1, setup: 0 },
              amount: [3],
              skills: [8],
              priority: 100,
            },
            { pickup: { id: 2, location_index: 1 }, delivery: { id: 2, location_index: 2 } },
          ],
        },
      }),
    );
    expect(problem.jobs[0]).toMatchObject({ id: '1', demand: [1], pickup: [2] });
    expect(problem.jobs[1]!.pickup).toBeUndefined();
    expect(problem.shipments).toEqual([
      {
        id: 's0',
        pickup: { location: { index: 2 }, serviceS: 60, timeWindows: [{ start: 100, end: 200 }] },
        delivery: { location: { index: 1 } },
        amount: [3],
        skills: ['8'],
        priority: 10,
      },
      { id: 's1', pickup: { location: { index: 1 } }, delivery: { location: { index: 2 } }, amount: [0], priority: 1 },
    ]);
    expect(context.shipments.get('s0')!.pickup.description).toBe('shop');
  });

  it('maps a problem of shipments alone (no jobs)', () => {
    const { problem } = mapped({ ...matrixInput({ top: { shipments: [{ pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2 } }] } }), jobs: [] });
    expect(problem.jobs).toEqual([]);
    expect(problem.shipments).toHaveLength(1);
  });

  it('maps location_index, start_index and end_index into the profile’s matrices', () => {
    const { problem, context } = mapped(matrixInput());
    expect(problem.jobs.map((j) => j.location)).toEqual([{ index: 1 }, { index: 2 }]);
    expect(problem.vehicles[0]).toMatchObject({ start: { index: 0 }, end: { index: 0 } });
    expect(problem.matrices!.size).toBe(3);
    expect(Array.from(problem.matrices!.durations)).toEqual([0, 10, 20, 10, 0, 15, 20, 15, 0]);
    expect(Array.from(problem.matrices!.distances)).toEqual([0, 100, 200, 100, 0, 150, 200, 150, 0]);
    expect(context.matrixSource).toBe('matrices');
  });

  it('takes durations without distances and then reports no distance', () => {
    const input = matrixInput();
    delete (input.matrices.car as { distances?: unknown }).distances;
    const { problem, context } = mapped(input);
    expect(context.reportDistances).toBe(false);
    expect(Array.from(problem.matrices!.distances)).toEqual(new Array(9).fill(0));
  });

  it('maps priority 0–100 monotonically onto 1–10, keeping 0 below every positive priority', () => {
    expect(milkrunPriority(0)).toBe(1);
    expect(milkrunPriority(1)).toBe(2);
    expect(milkrunPriority(50)).toBe(6);
    expect(milkrunPriority(100)).toBe(10);
    for (let p = 1; p <= 100; p++) expect(milkrunPriority(p)).toBeGreaterThanOrEqual(milkrunPriority(p - 1));
    const { problem } = mapped(matrixInput({ job: { priority: 100 } }));
    expect(problem.jobs.map((j) => j.priority)).toEqual([10, 1]);
  });

  it('sorts time windows and merges overlapping ones (the same slots)', () => {
    const { problem } = mapped(matrixInput({ job: { time_windows: [[500, 600], [0, 100], [50, 200]] } }));
    expect(problem.jobs[0]!.timeWindows).toEqual([{ start: 0, end: 200 }, { start: 500, end: 600 }]);
  });

  it('accepts keys whose value means nothing: setup 0, zero pickup, empty per-type maps, breaks and shipments', () => {
    const { problem } = mapped(
      matrixInput({
        job: { setup: 0, pickup: [0], delivery: [1], setup_per_type: {}, service_per_type: {} },
        vehicle: { breaks: [], capacity: [5], costs: { per_task_hour: 0 }, type: 'van', profile: 'car' },
        top: { shipments: [] },
      }),
    );
    expect(problem.jobs[0]!.demand).toEqual([1]);
    expect(problem.jobs[1]!.demand).toEqual([0]);
  });

  it('maps vehicle keys: time_window, capacity, costs, max_tasks, max_distance, speed_factor', () => {
    const { problem } = mapped(
      matrixInput({
        vehicle: { time_window: [28800, 61200], capacity: [4], costs: { fixed: 500, per_hour: 1800, per_km: 20 }, max_tasks: 3, max_distance: 900, speed_factor: 2 },
      }),
    );
    expect(problem.vehicles[0]).toEqual({
      id: '7',
      start: { index: 0 },
      end: { index: 0 },
      shift: { start: 28800, end: 61200 },
      capacity: [4],
      fixedCost: 500,
      costPerHour: 1800,
      costPerKm: 20,
      maxStops: 3,
      maxDistanceM: 900,
      speedFactor: 0.5,
    });
  });

  it('defaults costs as VROOM does (per_hour 3600: cost = travel seconds) and keeps two decimals of 1 / speed_factor', () => {
    const { problem } = mapped(matrixInput({ vehicle: { speed_factor: 3 } }));
    expect(problem.vehicles[0]).toMatchObject({ fixedCost: 0, costPerHour: 3600, costPerKm: 0, speedFactor: 0.33 });
    // VROOM's timeline starts at 0: no vehicle leaves before it.
    expect(problem.vehicles[0]!.shift).toEqual({ start: 0, end: Infinity });
  });

  it('gives a vehicle without capacity zero capacity when jobs have amounts (VROOM’s rule)', () => {
    const input = matrixInput({ job: { delivery: [2] } });
    input.vehicles.push({ id: 8, start_index: 0, end_index: 0, capacity: [3] } as (typeof input.vehicles)[number]);
    const { problem } = mapped(input);
    expect(problem.vehicles.map((v) => v.capacity)).toEqual([[0], [3]]);
  });

  it('reads the vehicles’ steps as fixed routes in plan mode', () => {
    const { fixedRoutes } = mapped(matrixInput({ vehicle: { steps: [{ type: 'start' }, { type: 'job', id: 2 }, { type: 'job', id: 1 }, { type: 'end' }] } }), true);
    expect(fixedRoutes).toEqual([{ vehicle: '7', jobs: ['2', '1'] }]);
  });

  it('is recognised by its keys and read through readProblem', () => {
    const text = JSON.stringify(matrixInput());
    expect(detectFormat(text)).toBe('vroom');
    expect(detectFormat(JSON.stringify({ vehicles: [{ id: 1, start: [1, 2] }], jobs: [{ id: 3, location: [1, 2] }] }))).toBe('vroom');
    expect(detectFormat(JSON.stringify({ jobs: [{ id: 'a', location: { lat: 1, lng: 2 } }], vehicles: [{ id: 'v' }] }))).toBe('json');
    // Both formats have shipments: Milkrun's carry an id, VROOM's do not (their steps do).
    const own = { id: 's', pickup: { location: { lat: 1, lng: 2 } }, delivery: { location: { lat: 1, lng: 3 } } };
    expect(detectFormat(JSON.stringify({ jobs: [], shipments: [own], vehicles: [{ id: 'v' }] }))).toBe('json');
    const vroom = { pickup: { id: 1, location: [2, 1] }, delivery: { id: 1, location: [3, 1] } };
    expect(detectFormat(JSON.stringify({ shipments: [vroom], vehicles: [{ id: 'v' }] }))).toBe('vroom');
    const r = readProblem(text);
    expect(r.ok && r.value.format).toBe('vroom');
    expect(r.ok && r.value.options.objective).toBe('cost');
    const bad = readProblem(JSON.stringify(matrixInput({ vehicle: { breaks: [{ id: 1 }] } })));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'invalid_vroom_problem', path: 'vehicles[0].breaks' });
  });
});

describe('VROOM input: documented keys Milkrun does not support yet are refused by path', () => {
  const cases: [string, unknown, string, boolean?][] = [
    ['shipments in plan mode (the route timing takes jobs only)', matrixInput({ top: { shipments: [{ pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2 } }] } }), 'shipments', true],
    ['shipment step setup', matrixInput({ top: { shipments: [{ pickup: { id: 1, location_index: 1, setup: 30 }, delivery: { id: 1, location_index: 2 } }] } }), 'shipments[0].pickup.setup'],
    ['shipment step service_per_type', matrixInput({ top: { shipments: [{ pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2, service_per_type: { van: 5 } } }] } }), 'shipments[0].delivery.service_per_type'],
    ['job setup', matrixInput({ job: { setup: 60 } }), 'jobs[0].setup'],
    ['job setup_per_type', matrixInput({ job: { setup_per_type: { van: 30 } } }), 'jobs[0].setup_per_type'],
    ['job service_per_type', matrixInput({ job: { service_per_type: { van: 30 } } }), 'jobs[0].service_per_type'],
    ['deprecated job amount', matrixInput({ job: { amount: [1] } }), 'jobs[0].amount'],
    ['breaks', matrixInput({ vehicle: { breaks: [{ id: 1, service: 600 }] } }), 'vehicles[0].breaks'],
    ['max_travel_time (travel only, Milkrun bounds route duration)', matrixInput({ vehicle: { max_travel_time: 3600 } }), 'vehicles[0].max_travel_time'],
    ['per_task_hour', matrixInput({ vehicle: { costs: { per_task_hour: 100 } } }), 'vehicles[0].costs.per_task_hour'],
    ['steps outside plan mode', matrixInput({ vehicle: { steps: [{ type: 'job', id: 1 }] } }), 'vehicles[0].steps'],
    ['service_at in plan mode', matrixInput({ vehicle: { steps: [{ type: 'job', id: 1, service_at: 100 }] } }), 'vehicles[0].steps[0].service_at', true],
    ['service_after in plan mode', matrixInput({ vehicle: { steps: [{ type: 'start', service_after: 100 }] } }), 'vehicles[0].steps[0].service_after', true],
    ['service_before in plan mode', matrixInput({ vehicle: { steps: [{ type: 'job', id: 2, service_before: 100 }] } }), 'vehicles[0].steps[0].service_before', true],
    ['cost matrices', matrixInput({ top: { matrices: { car: { durations: [[0, 1, 1], [1, 0, 1], [1, 1, 0]], costs: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] } } } }), 'matrices.car.costs'],
    ['several profiles', { ...matrixInput(), vehicles: [{ id: 1, start_index: 0 }, { id: 2, start_index: 0, profile: 'bike' }] }, 'vehicles[1].profile'],
    ['deprecated matrix', { ...matrixInput(), matrix: [[0]] }, 'matrix'],
    ['max_distance without distances', matrixInput({ top: { matrices: { car: { durations: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] } } }, vehicle: { max_distance: 10 } }), 'vehicles[0].max_distance'],
    ['per_km without distances', matrixInput({ top: { matrices: { car: { durations: [[0, 1, 1], [1, 0, 1], [1, 1, 0]] } } }, vehicle: { costs: { per_km: 10 } } }), 'vehicles[0].costs.per_km'],
  ];
  it.each(cases)('%s', (_name, input, path, plan) => {
    const e = refusal(input, plan ?? false);
    expect(e.kind).toBe('unsupported');
    expect(e.path).toBe(path);
  });
});

describe('VROOM input: keys VROOM does not document are input errors naming them', () => {
  const cases: [unknown, string][] = [
    [matrixInput({ top: { options: { g: true } } }), 'options'],
    [matrixInput({ job: { colour: 'red' } }), 'jobs[0].colour'],
    [matrixInput({ vehicle: { costs: { per_minute: 1 } } }), 'vehicles[0].costs.per_minute'],
    [matrixInput({ vehicle: { steps: [{ type: 'job', id: 1, eta: 5 }] } }), 'vehicles[0].steps[0].eta'],
    [matrixInput({ top: { matrices: { car: { durations: [[0]], travel_times: [[0]] } } } }), 'matrices.car.travel_times'],
  ];
  it.each(cases)('%#: %s', (input, path) => {
    const e = refusal(input);
    expect(e.kind).toBe('unknown_key');
    expect(e.path).toBe(path);
  });
});

describe('VROOM input: values VROOM refuses too', () => {
  const twoJobs = matrixInput();
  const cases: [string, unknown, string, boolean?][] = [
    ['duplicate job id', { ...twoJobs, jobs: [{ id: 1, location_index: 1 }, { id: 1, location_index: 2 }] }, 'jobs[1].id'],
    ['duplicate vehicle id', { ...twoJobs, vehicles: [{ id: 1, start_index: 0 }, { id: 1, start_index: 0 }] }, 'vehicles[1].id'],
    ['location_index missing with matrices', { ...twoJobs, jobs: [{ id: 1, location: [1, 2] }] }, 'jobs[0].location_index'],
    ['location_index outside the matrices', matrixInput({ job: { location_index: 3 } }), 'jobs[0].location_index'],
    ['location missing without matrices', { vehicles: [{ id: 1, start: [0, 0] }], jobs: [{ id: 1 }] }, 'jobs[0].location'],
    ['latitude out of range ([lon, lat])', { vehicles: [{ id: 1, start: [0, 0] }], jobs: [{ id: 1, location: [10, 95] }] }, 'jobs[0].location[1]'],
    ['amounts of different lengths', matrixInput({ job: { delivery: [1, 2] }, vehicle: { capacity: [3] } }), 'jobs[0].delivery'],
    ['time window start after end', matrixInput({ job: { time_windows: [[10, 5]] } }), 'jobs[0].time_windows[0]'],
    ['priority over 100', matrixInput({ job: { priority: 101 } }), 'jobs[0].priority'],
    ['negative service', matrixInput({ job: { service: -1 } }), 'jobs[0].service'],
    ['integer skills', matrixInput({ job: { skills: ['fridge'] } }), 'jobs[0].skills[0]'],
    ['speed_factor over 5', matrixInput({ vehicle: { speed_factor: 6 } }), 'vehicles[0].speed_factor'],
    ['vehicle with neither start nor end', { ...twoJobs, vehicles: [{ id: 1 }] }, 'vehicles[0]'],
    ['no vehicles', { ...twoJobs, vehicles: [] }, 'vehicles'],
    ['no tasks', { ...twoJobs, jobs: [] }, 'jobs'],
    ['non-square durations', matrixInput({ top: { matrices: { car: { durations: [[0, 1], [1, 0, 2]] } } } }), 'matrices.car.durations'],
    ['distances without durations', matrixInput({ top: { matrices: { car: { distances: [[0]] } } } }), 'matrices.car.durations'],
    ['plan step naming no job', matrixInput({ vehicle: { steps: [{ type: 'job', id: 99 }] } }), 'vehicles[0].steps[0].id', true],
    ['plan step repeating a job', matrixInput({ vehicle: { steps: [{ type: 'job', id: 1 }, { type: 'job', id: 1 }] } }), 'vehicles[0].steps[1].id', true],
    ['plan start step not first', matrixInput({ vehicle: { steps: [{ type: 'job', id: 1 }, { type: 'start' }] } }), 'vehicles[0].steps[1].type', true],
    ['duplicate pickup id', matrixInput({ top: { shipments: [{ pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2 } }, { pickup: { id: 1, location_index: 2 }, delivery: { id: 2, location_index: 1 } }] } }), 'shipments[1].pickup.id'],
    ['shipment step location_index missing with matrices', matrixInput({ top: { shipments: [{ pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location: [1, 2] } }] } }), 'shipments[0].delivery.location_index'],
    ['shipment amount of another length', matrixInput({ vehicle: { capacity: [3] }, top: { shipments: [{ ...{ pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2 } }, amount: [1, 1] }] } }), 'shipments[0].amount'],
    ['plan pickup step (shipments refused in plan mode)', matrixInput({ vehicle: { steps: [{ type: 'pickup', id: 1 }] } }), 'vehicles[0].steps[0].id', true],
    ['plan break step (no breaks)', matrixInput({ vehicle: { steps: [{ type: 'break', id: 1 }] } }), 'vehicles[0].steps[0].id', true],
  ];
  it.each(cases)('%s', (_name, input, path, plan) => {
    const e = refusal(input, plan ?? false);
    expect(e.kind).toBe('invalid');
    expect(e.path).toBe(path);
  });

  it('refuses what is not a JSON object', () => {
    expect(refusal([1, 2]).path).toBe('');
    expect(refusal(null).path).toBe('');
  });
});
