/**
 * Seeded replay simulator: drivers work routes planned with the one straight-line model (great-circle legs at
 * `DEFAULT_SPEED_KMH`, src/solver/straight-line.ts) while the simulated day does not follow that model:
 * - the road is not the straight line: each leg bends through one or two waypoints off the line (a detour),
 * - each driver has a hidden road pace, and it drifts during the day (a per-driver trend, a mean-reverting
 *   random walk from leg to leg, a rush-hour bump), with random jams on some legs,
 * - dwell times vary around the planned service time, sometimes with a long wait (customer not there, parking).
 * It produces the plan and the stream of driver messages (noisy GPS pings and stop events) in time order, plus
 * the true arrival of every stop, so an ETA model can be replayed against ground truth. Deterministic for a seed.
 */
import { DEFAULT_SPEED_KMH, metresPerSecond } from '../solver/straight-line.js';
import { haversineM, type LatLng } from './distance.js';
import type { PlannedStop, WindowMs } from './eta-model.js';
import type { RoutePlan, StopEventKind } from './driver-tracker.js';
import { seededRandom } from '../util/seeded-random.js';

export { seededRandom };

export interface SimulationConfig {
  seed: number;
  drivers: number;
  stopsPerDriver: number;
  /** Speed of the plan's straight lines, km/h: the model's, so the plan is what Milkrun would plan. */
  plannedSpeedKmh: number;
  pingEveryS: number;
  /** GPS noise, standard deviation in metres. */
  gpsNoiseM: number;
  /** How far a leg's waypoints sit off the straight line, as a share of the leg's length (range). */
  detourOffsetRange: [number, number];
  /** Range of each driver's hidden road pace at the start of the day (road time / road length at the planned speed). */
  driverPaceRange: [number, number];
  /** Range of each driver's pace trend, change of the pace factor per hour of the day (fatigue, traffic building up). */
  paceTrendPerHourRange: [number, number];
  /** Leg-to-leg random walk of the log pace: standard deviation of a step and the share kept from the last leg. */
  paceWalkSigma: number;
  paceWalkKeep: number;
  /** Rush hour: extra pace factor at its peak (hours after the day's start) and its width (hours, Gaussian). */
  rushExtra: number;
  rushPeakH: number;
  rushWidthH: number;
  /** Chance that a leg has a jam, and how much slower the jammed part is. */
  jamChance: number;
  jamSlowdown: number;
  /** Dwell: log-normal factor on the planned service time (sigma), and the chance and range of a long extra wait, s. */
  dwellSigma: number;
  longDwellChance: number;
  longDwellS: [number, number];
  startMs: number;
  center: LatLng;
  radiusM: number;
}

export const DEFAULT_SIMULATION: SimulationConfig = {
  seed: 1,
  drivers: 40,
  stopsPerDriver: 18,
  plannedSpeedKmh: DEFAULT_SPEED_KMH,
  pingEveryS: 15,
  gpsNoiseM: 15,
  detourOffsetRange: [0.05, 0.35],
  driverPaceRange: [0.8, 1.35],
  paceTrendPerHourRange: [-0.03, 0.06],
  paceWalkSigma: 0.12,
  paceWalkKeep: 0.7,
  rushExtra: 0.3,
  rushPeakH: 2,
  rushWidthH: 1,
  jamChance: 0.2,
  jamSlowdown: 4,
  dwellSigma: 0.35,
  longDwellChance: 0.1,
  longDwellS: [300, 1200],
  startMs: Date.UTC(2026, 4, 8, 6, 0, 0),
  center: { lat: 52.52, lng: 13.405 },
  radiusM: 12_000,
};

export type SimMessage =
  | { kind: 'ping'; driver: number; tsMs: number; lat: number; lng: number; speedMps: number }
  | { kind: 'stop_event'; driver: number; tsMs: number; stopId: string; event: StopEventKind };

export interface SimulatedDriver {
  plan: RoutePlan;
  /** True arrival per stop id, epoch ms. */
  trueArrivalMs: Map<string, number>;
}

export interface Simulation {
  drivers: SimulatedDriver[];
  /** Every driver's messages merged in time order. */
  messages: SimMessage[];
}


function gaussian(random: () => number): number {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function offset(p: LatLng, northM: number, eastM: number): LatLng {
  return {
    lat: p.lat + northM / 111_320,
    lng: p.lng + eastM / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
  };
}

function randomPoint(random: () => number, config: SimulationConfig): LatLng {
  const r = config.radiusM * Math.sqrt(random());
  const a = 2 * Math.PI * random();
  return offset(config.center, r * Math.cos(a), r * Math.sin(a));
}

function interpolate(a: LatLng, b: LatLng, share: number): LatLng {
  return { lat: a.lat + (b.lat - a.lat) * share, lng: a.lng + (b.lng - a.lng) * share };
}

/** A greedy nearest-neighbour order, so planned routes look like routes rather than random zig-zags. */
function nearestNeighbourOrder(start: LatLng, points: LatLng[]): LatLng[] {
  const left = [...points];
  const out: LatLng[] = [];
  let at = start;
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (haversineM(at, left[i]!) < haversineM(at, left[best]!)) best = i;
    at = left.splice(best, 1)[0]!;
    out.push(at);
  }
  return out;
}

function planRoute(random: () => number, config: SimulationConfig, index: number): RoutePlan {
  const depot = randomPoint(random, { ...config, radiusM: config.radiusM / 4 });
  const points = nearestNeighbourOrder(
    depot,
    Array.from({ length: config.stopsPerDriver }, () => randomPoint(random, config)),
  );
  const speedMps = metresPerSecond(config.plannedSpeedKmh);
  const stops: PlannedStop[] = [];
  let at = depot;
  let clockMs = config.startMs;
  points.forEach((p, k) => {
    // The plan's leg is the model's: the straight line at the planned speed.
    const plannedLegS = haversineM(at, p) / speedMps;
    const arrivalMs = clockMs + plannedLegS * 1000;
    const serviceS = 180 + Math.floor(random() * 300);
    // Windows around the planned arrival: most roomy, some tight, so that lateness is realistic.
    const halfWidthMs = (random() < 0.3 ? 20 : 60 + random() * 60) * 60_000;
    const windows: WindowMs[] = [{ startMs: arrivalMs - halfWidthMs, endMs: arrivalMs + halfWidthMs }];
    const startMs = Math.max(arrivalMs, windows[0]!.startMs);
    stops.push({
      stopId: `sim_${index}_${k}`,
      lat: p.lat,
      lng: p.lng,
      serviceS,
      windows,
      plannedLegS,
      plannedArrivalMs: arrivalMs,
    });
    clockMs = startMs + serviceS * 1000;
    at = p;
  });
  return { routeId: `sim_route_${index}`, start: depot, stops };
}

/**
 * The road a leg takes: the straight line bent through one or two waypoints off it (both on the same side, like a
 * detour around a block or a river), as a polyline with the cumulative length at each point.
 */
interface Road {
  points: LatLng[];
  /** cumulativeM[i] = length of the road from points[0] to points[i], metres. */
  cumulativeM: number[];
}

function roadBetween(random: () => number, config: SimulationConfig, from: LatLng, to: LatLng): Road {
  const legM = haversineM(from, to);
  const [lo, hi] = config.detourOffsetRange;
  const side = random() < 0.5 ? -1 : 1;
  const shares = random() < 0.5 ? [0.3 + random() * 0.4] : [0.15 + random() * 0.3, 0.55 + random() * 0.3];
  // Unit vector across the leg in metres (north, east), from the leg's own direction.
  const northM = (to.lat - from.lat) * 111_320;
  const eastM = (to.lng - from.lng) * 111_320 * Math.cos((from.lat * Math.PI) / 180);
  const norm = Math.max(1e-9, Math.hypot(northM, eastM));
  const points = [from];
  for (const share of shares) {
    const offM = side * (lo + (hi - lo) * random()) * legM;
    points.push(offset(interpolate(from, to, share), (-eastM / norm) * offM, (northM / norm) * offM));
  }
  points.push(to);
  const cumulativeM = [0];
  for (let i = 1; i < points.length; i++) cumulativeM.push(cumulativeM[i - 1]! + haversineM(points[i - 1]!, points[i]!));
  return { points, cumulativeM };
}

/** The point `share` (0..1) of the way along the road, by length. */
function pointAlong(road: Road, share: number): LatLng {
  const totalM = road.cumulativeM[road.cumulativeM.length - 1]!;
  const atM = Math.min(1, Math.max(0, share)) * totalM;
  let i = 1;
  while (i < road.points.length - 1 && road.cumulativeM[i]! < atM) i++;
  const segM = road.cumulativeM[i]! - road.cumulativeM[i - 1]!;
  return interpolate(road.points[i - 1]!, road.points[i]!, segM > 0 ? (atM - road.cumulativeM[i - 1]!) / segM : 1);
}

/** Drives one route for real and returns its messages and true arrivals. */
function driveRoute(random: () => number, config: SimulationConfig, index: number, plan: RoutePlan) {
  const messages: SimMessage[] = [];
  const trueArrivalMs = new Map<string, number>();
  const [lo, hi] = config.driverPaceRange;
  const startPace = lo + (hi - lo) * random();
  const [trendLo, trendHi] = config.paceTrendPerHourRange;
  const trendPerHour = trendLo + (trendHi - trendLo) * random();
  const speedMps = metresPerSecond(config.plannedSpeedKmh);
  let walk = 0;
  let at = plan.start!;
  let clockMs = config.startMs;
  let nextPingMs = clockMs;
  const ping = (tsMs: number, p: LatLng, speed: number) => {
    const noisy = offset(p, gaussian(random) * config.gpsNoiseM, gaussian(random) * config.gpsNoiseM);
    messages.push({ kind: 'ping', driver: index, tsMs, lat: noisy.lat, lng: noisy.lng, speedMps: speed });
  };
  for (const stop of plan.stops) {
    // The pace of this leg: the driver's own, drifting with the hour, a random walk and the rush hour.
    const hours = (clockMs - config.startMs) / 3_600_000;
    walk = config.paceWalkKeep * walk + gaussian(random) * config.paceWalkSigma;
    const rush = 1 + config.rushExtra * Math.exp(-(((hours - config.rushPeakH) / config.rushWidthH) ** 2));
    const pace = Math.max(0.5, startPace * (1 + trendPerHour * hours) * Math.exp(walk) * rush);
    const road = roadBetween(random, config, at, stop);
    const roadM = road.cumulativeM[road.cumulativeM.length - 1]!;
    // Road time without the jam; a jammed stretch [jamFrom, jamFrom + jamShare] of the road is `jamSlowdown` times slower.
    const baseS = (roadM / speedMps) * pace;
    const jammed = random() < config.jamChance;
    const jamFrom = jammed ? random() * 0.6 : 1;
    const jamShare = jammed ? 0.2 + random() * 0.2 : 0;
    const slow = config.jamSlowdown;
    const totalS = baseS * (1 - jamShare) + baseS * jamShare * slow;
    const beforeJamS = baseS * jamFrom;
    const jamS = baseS * jamShare * slow;
    const shareAt = (elapsedS: number): number => {
      if (elapsedS <= beforeJamS) return elapsedS / baseS;
      if (elapsedS <= beforeJamS + jamS) return jamFrom + (elapsedS - beforeJamS) / (baseS * slow);
      return Math.min(1, jamFrom + jamShare + (elapsedS - beforeJamS - jamS) / baseS);
    };
    const legStartMs = clockMs;
    const arrivalMs = legStartMs + totalS * 1000;
    const freeSpeedMps = roadM / Math.max(1, baseS);
    while (nextPingMs < arrivalMs) {
      const elapsedS = (nextPingMs - legStartMs) / 1000;
      const inJam = elapsedS > beforeJamS && elapsedS <= beforeJamS + jamS;
      ping(nextPingMs, pointAlong(road, shareAt(elapsedS)), inJam ? freeSpeedMps / slow : freeSpeedMps);
      nextPingMs += config.pingEveryS * 1000;
    }
    trueArrivalMs.set(stop.stopId, arrivalMs);
    messages.push({ kind: 'stop_event', driver: index, tsMs: arrivalMs, stopId: stop.stopId, event: 'arrived' });
    const window = stop.windows.find((w) => arrivalMs <= w.endMs);
    const serviceStartMs = window ? Math.max(arrivalMs, window.startMs) : arrivalMs;
    // Dwell: around the planned service time, now and then a long wait on top.
    const [longLo, longHi] = config.longDwellS;
    const extraS = random() < config.longDwellChance ? longLo + (longHi - longLo) * random() : 0;
    const dwellS = stop.serviceS * Math.exp(gaussian(random) * config.dwellSigma) + extraS;
    const departureMs = serviceStartMs + dwellS * 1000;
    while (nextPingMs < departureMs) {
      ping(nextPingMs, stop, 0);
      nextPingMs += config.pingEveryS * 1000;
    }
    messages.push({ kind: 'stop_event', driver: index, tsMs: departureMs, stopId: stop.stopId, event: 'completed' });
    clockMs = departureMs;
    at = stop;
  }
  return { messages, trueArrivalMs };
}

export function simulate(overrides: Partial<SimulationConfig> = {}): Simulation {
  const config = { ...DEFAULT_SIMULATION, ...overrides };
  const random = seededRandom(config.seed);
  const drivers: SimulatedDriver[] = [];
  const messages: SimMessage[] = [];
  for (let i = 0; i < config.drivers; i++) {
    const plan = planRoute(random, config, i);
    const driven = driveRoute(random, config, i, plan);
    drivers.push({ plan, trueArrivalMs: driven.trueArrivalMs });
    messages.push(...driven.messages);
  }
  // Stable sort: a driver's own messages keep their order at equal timestamps.
  messages.sort((a, b) => a.tsMs - b.tsMs);
  return { drivers, messages };
}
