/**
 * Seeded problem generators shared by the bench scripts (and usable by tests). The same options and seed always
 * give the same problem.
 */
import type { Job, Problem, Vehicle } from '../src/solver/model.js';

import { seededRandom } from '../src/util/seeded-random.js';

export { seededRandom };

export interface CityProblemOptions {
  jobs: number;
  vehicles: number;
  seed: number;
  /** Share of jobs with a two-hour time window (the rest: any time in the shift). Default 1. */
  windowShare?: number;
  /** Radius of the service area around the depot, km. Default 15. */
  radiusKm?: number;
  /** Shift length, hours. Default 10. */
  shiftH?: number;
}

const DEPOT = { lat: 52.52, lng: 13.405 };
const KM_PER_DEG_LAT = 111.32;

/**
 * A city delivery day with coordinates (the solver builds haversine matrices): a central depot, jobs spread over
 * clustered and uniform points, 2–10 minute stops, two-hour windows, capacity about 25 % above the average load.
 */
export function generateCityProblem(options: CityProblemOptions): Problem {
  const rand = seededRandom(options.seed);
  const radiusKm = options.radiusKm ?? 15;
  const shiftS = (options.shiftH ?? 10) * 3600;
  const windowShare = options.windowShare ?? 1;
  const kmPerDegLng = KM_PER_DEG_LAT * Math.cos((DEPOT.lat * Math.PI) / 180);
  const centres = Array.from({ length: 8 }, () => polar(rand, radiusKm * 0.7));
  const jobs: Job[] = [];
  let totalDemand = 0;
  for (let i = 0; i < options.jobs; i++) {
    const clustered = rand() < 0.5;
    const p = clustered ? jitter(rand, centres[Math.floor(rand() * centres.length)]!, 2) : polar(rand, radiusKm);
    const demand = 1 + Math.floor(rand() * 10);
    totalDemand += demand;
    const job: Job = {
      id: `j${i + 1}`,
      location: { lat: DEPOT.lat + p.y / KM_PER_DEG_LAT, lng: DEPOT.lng + p.x / kmPerDegLng },
      serviceS: 120 + Math.floor(rand() * 480),
      demand: [demand],
    };
    if (rand() < windowShare) {
      const start = Math.floor(rand() * (shiftS - 3 * 3600)) + 1800;
      job.timeWindows = [{ start, end: start + 7200 }];
    }
    jobs.push(job);
  }
  const capacity = Math.ceil((totalDemand / options.vehicles) * 1.25);
  const vehicles: Vehicle[] = Array.from({ length: options.vehicles }, (_, v) => ({
    id: `v${v + 1}`,
    start: { ...DEPOT },
    end: { ...DEPOT },
    shift: { start: 0, end: shiftS },
    capacity: [capacity],
  }));
  return { jobs, vehicles, averageSpeedKmh: 30 };
}

export interface PlaneProblemOptions {
  jobs: number;
  vehicles: number;
  seed: number;
  /** Give jobs Solomon-like time windows. Default false (a CVRP). */
  timeWindows?: boolean;
}

/**
 * A Euclidean plane instance with caller matrices (location 0 is the depot), Solomon-like: 100×100 square,
 * travel time = distance, capacity 200, demand 1–30.
 */
export function generatePlaneProblem(options: PlaneProblemOptions): Problem {
  const rand = seededRandom(options.seed);
  const n = options.jobs + 1;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  xs[0] = 50;
  ys[0] = 50;
  for (let i = 1; i < n; i++) {
    xs[i] = rand() * 100;
    ys[i] = rand() * 100;
  }
  const distances = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) distances[i * n + j] = Math.hypot(xs[i]! - xs[j]!, ys[i]! - ys[j]!);
  const horizon = 1000;
  const jobs: Job[] = [];
  for (let i = 1; i < n; i++) {
    const job: Job = { id: String(i), location: { index: i }, serviceS: 10, demand: [1 + Math.floor(rand() * 30)] };
    if (options.timeWindows) {
      const earliest = Math.ceil(distances[i]!);
      const start = earliest + Math.floor(rand() * (horizon - 2 * earliest - 80));
      job.timeWindows = [{ start, end: start + 60 + Math.floor(rand() * 120) }];
    }
    jobs.push(job);
  }
  const vehicles: Vehicle[] = Array.from({ length: options.vehicles }, (_, v) => ({
    id: String(v + 1),
    start: { index: 0 },
    end: { index: 0 },
    shift: { start: 0, end: horizon },
    capacity: [200],
  }));
  return { jobs, vehicles, matrices: { durations: distances, distances, size: n } };
}

function polar(rand: () => number, radius: number): { x: number; y: number } {
  const r = radius * Math.sqrt(rand());
  const a = rand() * 2 * Math.PI;
  return { x: r * Math.cos(a), y: r * Math.sin(a) };
}

function jitter(rand: () => number, c: { x: number; y: number }, spread: number): { x: number; y: number } {
  return { x: c.x + (rand() - 0.5) * 2 * spread, y: c.y + (rand() - 0.5) * 2 * spread };
}
