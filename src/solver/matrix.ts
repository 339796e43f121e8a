/**
 * Travel matrices in flat typed arrays: entry [from * size + to].
 *
 * Coordinates give haversine distances (metres) and durations at an average speed; caller matrices are copied
 * by index. One extra location, `nowhere`, sits at the last index with zero travel to and from every place:
 * open routes start or end there, so open and closed routes share one code path.
 */
import type { Location, Problem } from './model.js';
import { DEFAULT_SPEED_KMH, haversineM, metresPerSecond } from './straight-line.js';

export interface TravelMatrices {
  /** Number of locations including `nowhere`. */
  size: number;
  /** Index of the zero-travel virtual location used by open routes. */
  nowhere: number;
  /** durationS[from * size + to], seconds at speed factor 1; Infinity when unreachable. */
  durationS: Float64Array;
  /** distance[from * size + to], metres (or the caller's units); Infinity when unreachable. */
  distance: Float64Array;
}

/** Missing, negative or non-numeric entries mean "cannot travel": Infinity. */
function cell(value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) || value < 0 ? Infinity : value;
}

/**
 * Builds the matrices for a problem and maps every Location to its index.
 * `indexOf(location)` gives the matrix index of a job or vehicle location.
 */
export function buildMatrices(problem: Problem): { matrices: TravelMatrices; indexOf: (l: Location) => number } {
  if (problem.matrices) {
    const m = problem.matrices;
    const n = m.size;
    const size = n + 1;
    const durationS = new Float64Array(size * size);
    const distance = new Float64Array(size * size);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        durationS[i * size + j] = i === j ? 0 : cell(m.durations[i * n + j]);
        distance[i * size + j] = i === j ? 0 : cell(m.distances[i * n + j]);
      }
    }
    const indexOf = (l: Location): number => {
      if ('index' in l) {
        if (!Number.isInteger(l.index) || l.index < 0 || l.index >= n) {
          throw new RangeError(`location index ${l.index} outside the matrices (size ${n})`);
        }
        return l.index;
      }
      throw new RangeError('coordinates given while the problem supplies matrices; use { index }');
    };
    return { matrices: { size, nowhere: n, durationS, distance }, indexOf };
  }

  // Coordinates: one matrix index per distinct coordinate pair, in order of first appearance.
  const keys = new Map<string, number>();
  const lats: number[] = [];
  const lngs: number[] = [];
  const register = (l: Location | undefined): void => {
    if (!l) return;
    if ('index' in l) throw new RangeError('location given by index but the problem has no matrices');
    const key = `${l.lat},${l.lng}`;
    if (!keys.has(key)) {
      keys.set(key, lats.length);
      lats.push(l.lat);
      lngs.push(l.lng);
    }
  };
  for (const j of problem.jobs) register(j.location);
  for (const s of problem.shipments ?? []) {
    register(s.pickup.location);
    register(s.delivery.location);
  }
  for (const v of problem.vehicles) {
    register(v.start);
    register(v.end);
  }
  const n = lats.length;
  const size = n + 1;
  const speedMps = metresPerSecond(problem.averageSpeedKmh ?? DEFAULT_SPEED_KMH);
  const durationS = new Float64Array(size * size);
  const distance = new Float64Array(size * size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d = haversineM(lats[i]!, lngs[i]!, lats[j]!, lngs[j]!);
      distance[i * size + j] = d;
      durationS[i * size + j] = d / speedMps;
    }
  }
  const indexOf = (l: Location): number => {
    if ('index' in l) throw new RangeError('location given by index but the problem has no matrices');
    return keys.get(`${l.lat},${l.lng}`)!;
  };
  return { matrices: { size, nowhere: n, durationS, distance }, indexOf };
}
