/**
 * The ETA model (pure): from the driver's position to the next stop, then along the planned route —
 * planned leg durations scaled by the driver's pace, service times, and waiting for time windows.
 * All instants are epoch milliseconds; durations carry their unit in the name.
 */
import { haversineM, type LatLng } from './distance.js';
import { legPace, DEFAULT_PACE, type PaceConfig } from './pace.js';

/** A service-start window, epoch ms, closed interval. */
export interface WindowMs {
  startMs: number;
  endMs: number;
}

/** One stop of a driver's planned route as the ETA model needs it. */
export interface PlannedStop {
  stopId: string;
  lat: number;
  lng: number;
  serviceS: number;
  /** Sorted, disjoint; empty means any time. */
  windows: readonly WindowMs[];
  /** Planned travel into this stop from the previous stop (or the route start), seconds. */
  plannedLegS: number;
  /** Planned arrival from the optimised plan, epoch ms: the naive ETA. */
  plannedArrivalMs: number;
}

export interface EtaInput {
  nowMs: number;
  /** Latest known position; null before the first ping (the model then starts at the leg origin). */
  position: LatLng | null;
  /** Unfinished stops in route order; the first is the one the driver is driving to or standing at. */
  remaining: readonly PlannedStop[];
  /** Where the current leg began (previous stop or depot), null when unknown. */
  legOrigin: LatLng | null;
  /** When the current leg began (departure from the previous stop), epoch ms, null when unknown. */
  legStartMs: number | null;
  /** Arrival at remaining[0] when the driver is already there (service in progress). */
  arrivedAtMs: number | null;
  /**
   * Earliest arrival at remaining[0], epoch ms: its planned arrival while the route has not started (a driver
   * does not set out before the plan says; tomorrow's route shows tomorrow's times), null once it has.
   */
  notBeforeMs?: number | null;
  /** Learned ratio of actual to planned travel. */
  pace: number;
  /** Fallback road speed when a leg has no usable plan, metres per second. */
  averageSpeedMps: number;
  paceConfig?: PaceConfig;
}

export interface StopEta {
  stopId: string;
  /** Predicted arrival, epoch ms. */
  etaMs: number;
  /** Predicted service start (after waiting for the window), epoch ms. */
  serviceStartMs: number;
  departureMs: number;
  /** True when the predicted arrival is after the end of every window. */
  windowMissed: boolean;
}

/** Legs shorter than this (metres) give no reliable "share covered". */
const MIN_LEG_M = 50;

/** Service start for an arrival: the arrival itself or the start of the first window still open. */
export function serviceStartFor(arrivalMs: number, windows: readonly WindowMs[]): { startMs: number; missed: boolean } {
  if (windows.length === 0) return { startMs: arrivalMs, missed: false };
  for (const w of windows) {
    if (arrivalMs <= w.endMs) return { startMs: Math.max(arrivalMs, w.startMs), missed: false };
  }
  return { startMs: arrivalMs, missed: true };
}

/** Seconds still to drive to the first remaining stop. */
function firstLegRemainingS(input: EtaInput, stop: PlannedStop): number {
  const from = input.position ?? input.legOrigin;
  if (from === null) return stop.plannedLegS * input.pace;
  const toStopM = haversineM(from, stop);
  const legM = input.legOrigin === null ? 0 : haversineM(input.legOrigin, stop);
  if (legM < MIN_LEG_M || stop.plannedLegS <= 0) {
    return (toStopM / input.averageSpeedMps) * input.pace;
  }
  // Share of the leg still ahead, capped: a driver off to the side is not further than twice the leg.
  const shareAhead = Math.min(2, toStopM / legM);
  const pace =
    input.legStartMs === null
      ? input.pace
      : legPace(
          input.pace,
          (input.nowMs - input.legStartMs) / 1000,
          stop.plannedLegS,
          1 - Math.min(1, shareAhead),
          input.paceConfig ?? DEFAULT_PACE,
        );
  return stop.plannedLegS * shareAhead * pace;
}

/** ETAs for every remaining stop, in route order. */
export function estimateEtas(input: EtaInput): StopEta[] {
  const out: StopEta[] = [];
  let departureMs = input.nowMs;
  for (let i = 0; i < input.remaining.length; i++) {
    const stop = input.remaining[i]!;
    let arrivalMs: number;
    if (i === 0) {
      arrivalMs =
        input.arrivedAtMs !== null ? input.arrivedAtMs : input.nowMs + firstLegRemainingS(input, stop) * 1000;
      const floor = input.notBeforeMs;
      if (input.arrivedAtMs === null && floor !== undefined && floor !== null && Number.isFinite(floor)) {
        arrivalMs = Math.max(arrivalMs, floor);
      }
    } else {
      arrivalMs = departureMs + stop.plannedLegS * input.pace * 1000;
    }
    const { startMs, missed } = serviceStartFor(arrivalMs, stop.windows);
    departureMs = startMs + stop.serviceS * 1000;
    // Service already under way cannot end in the past.
    if (i === 0 && input.arrivedAtMs !== null) departureMs = Math.max(departureMs, input.nowMs);
    out.push({ stopId: stop.stopId, etaMs: arrivalMs, serviceStartMs: startMs, departureMs, windowMissed: missed });
  }
  return out;
}
