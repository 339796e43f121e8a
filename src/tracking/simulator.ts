/**
 * Seeded replay simulator: drivers follow planned routes with noisy GPS, a personal pace the plan does
 * not know about, and random slowdowns (jams) on some legs. It produces the plan and the stream of
 * driver messages (pings and stop events) in time order, plus the true arrival of every stop, so an
 * ETA model can be replayed against ground truth. Deterministic for a seed.
 */
import { haversineM, type LatLng } from './distance.js';
import type { PlannedStop, WindowMs } from './eta-model.js';
import type { RoutePlan, StopEventKind } from './driver-tracker.js';
import { seededRandom } from '../util/seeded-random.js';

export { seededRandom };

export interface SimulationConfig {
  seed: number;
  drivers: number;
  stopsPerDriver: number;
  /** Planned road speed, km/h. */
  plannedSpeedKmh: number;
  pingEveryS: number;
  /** GPS noise, standard deviation in metres. */
  gpsNoiseM: number;
  /** Range of each driver's hidden pace (actual / planned travel). */
  driverPaceRange: [number, number];
  /** Chance that a leg has a jam, and how much slower the jammed part is. */
  jamChance: number;
  jamSlowdown: number;
  startMs: number;
  center: LatLng;
  radiusM: number;
}

export const DEFAULT_SIMULATION: SimulationConfig = {
  seed: 1,
  drivers: 40,
  stopsPerDriver: 18,
  plannedSpeedKmh: 30,
  pingEveryS: 15,
  gpsNoiseM: 15,
  driverPaceRange: [0.85, 1.5],
  jamChance: 0.2,
  jamSlowdown: 4,
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
  const speedMps = config.plannedSpeedKmh / 3.6;
  const stops: PlannedStop[] = [];
  let at = depot;
  let clockMs = config.startMs;
  points.forEach((p, k) => {
    const plannedLegS = (haversineM(at, p) * 1.3) / speedMps;
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

/** Drives one route for real and returns its messages and true arrivals. */
function driveRoute(random: () => number, config: SimulationConfig, index: number, plan: RoutePlan) {
  const messages: SimMessage[] = [];
  const trueArrivalMs = new Map<string, number>();
  const [lo, hi] = config.driverPaceRange;
  const driverPace = lo + (hi - lo) * random();
  let at = plan.start!;
  let clockMs = config.startMs;
  let nextPingMs = clockMs;
  const ping = (tsMs: number, p: LatLng, speedMps: number) => {
    const noisy = offset(p, gaussian(random) * config.gpsNoiseM, gaussian(random) * config.gpsNoiseM);
    messages.push({ kind: 'ping', driver: index, tsMs, lat: noisy.lat, lng: noisy.lng, speedMps });
  };
  for (const stop of plan.stops) {
    // Leg: normal speed, except a jammed stretch [jamFrom, jamFrom + jamShare] that is `jamSlowdown` times slower.
    const legNoise = Math.exp(gaussian(random) * 0.12);
    const baseS = stop.plannedLegS * driverPace * legNoise;
    const jammed = random() < config.jamChance;
    const jamFrom = jammed ? random() * 0.6 : 1;
    const jamShare = jammed ? 0.2 + random() * 0.2 : 0;
    const slow = config.jamSlowdown;
    const totalS = baseS * (1 - jamShare) + baseS * jamShare * slow;
    const shareAt = (elapsedS: number): number => {
      const beforeJamS = baseS * jamFrom;
      if (elapsedS <= beforeJamS) return elapsedS / baseS;
      const jamS = baseS * jamShare * slow;
      if (elapsedS <= beforeJamS + jamS) return jamFrom + (elapsedS - beforeJamS) / (baseS * slow);
      return Math.min(1, jamFrom + jamShare + (elapsedS - beforeJamS - jamS) / baseS);
    };
    const legStartMs = clockMs;
    const arrivalMs = legStartMs + totalS * 1000;
    const legM = haversineM(at, stop) * 1.3;
    while (nextPingMs < arrivalMs) {
      const elapsedS = (nextPingMs - legStartMs) / 1000;
      const share = shareAt(elapsedS);
      ping(nextPingMs, interpolate(at, stop, share), legM / Math.max(1, totalS));
      nextPingMs += config.pingEveryS * 1000;
    }
    trueArrivalMs.set(stop.stopId, arrivalMs);
    messages.push({ kind: 'stop_event', driver: index, tsMs: arrivalMs, stopId: stop.stopId, event: 'arrived' });
    const window = stop.windows.find((w) => arrivalMs <= w.endMs);
    const serviceStartMs = window ? Math.max(arrivalMs, window.startMs) : arrivalMs;
    const departureMs = serviceStartMs + stop.serviceS * (0.8 + random() * 0.6) * 1000;
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
