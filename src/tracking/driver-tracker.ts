/**
 * One driver's progress along one planned route (pure, no I/O): the newest position, which stops are
 * done, where and when the leg in progress began, and the learned pace. The hub's live state and the
 * replay simulator both feed it pings and stop events, so the ETA that is measured is the one served.
 */
import { DEFAULT_SPEED_KMH, metresPerSecond } from '../solver/straight-line.js';
import { haversineM, type LatLng } from './distance.js';
import { estimateEtas, type PlannedStop, type StopEta } from './eta-model.js';
import { DEFAULT_PACE, nextPace, type PaceConfig } from './pace.js';

export interface RoutePlan {
  routeId: string;
  /** Where the route starts (depot), null for an open start. */
  start: LatLng | null;
  stops: readonly PlannedStop[];
  /** The route is under way (a stop event happened); until then the plan's times are the floor of every ETA. */
  started?: boolean;
}

export type StopEventKind = 'arrived' | 'completed' | 'failed';

export interface TrackerOptions {
  pace?: number;
  paceConfig?: PaceConfig;
  averageSpeedMps?: number;
}

/** A driver still this close to where the leg began (metres) has not left yet: the leg clock restarts. */
const STILL_AT_ORIGIN_M = 150;

export class DriverTracker {
  pace: number;
  position: LatLng | null = null;
  /** Timestamp of the newest ping applied to `position`, epoch ms. */
  positionTs = Number.NEGATIVE_INFINITY;
  private readonly finished = new Set<string>();
  private arrivedStopId: string | null = null;
  private arrivedAtMs: number | null = null;
  private legOrigin: LatLng | null;
  private legStartMs: number | null = null;
  private started: boolean;
  private readonly paceConfig: PaceConfig;
  private readonly averageSpeedMps: number;

  constructor(
    readonly plan: RoutePlan,
    options: TrackerOptions = {},
  ) {
    this.pace = options.pace ?? 1;
    this.paceConfig = options.paceConfig ?? DEFAULT_PACE;
    this.averageSpeedMps = options.averageSpeedMps ?? metresPerSecond(DEFAULT_SPEED_KMH);
    this.legOrigin = plan.start;
    this.started = plan.started ?? false;
  }

  /** Applies a ping; returns false (position unchanged) when it is not newer than the newest one. */
  applyPing(position: LatLng, tsMs: number): boolean {
    if (!(tsMs > this.positionTs)) return false;
    // Updated in place: one object per driver rather than one per ping.
    if (this.position === null) this.position = { lat: position.lat, lng: position.lng };
    else {
      this.position.lat = position.lat;
      this.position.lng = position.lng;
    }
    this.positionTs = tsMs;
    if (this.legOrigin === null) this.legOrigin = { lat: position.lat, lng: position.lng };
    if (this.arrivedStopId === null && haversineM(this.legOrigin, position) <= STILL_AT_ORIGIN_M) {
      this.legStartMs = tsMs;
    }
    return true;
  }

  /** Applies a stop event that the store has accepted. Unknown stops are ignored. */
  applyStopEvent(stopId: string, event: StopEventKind, atMs: number): void {
    const stop = this.plan.stops.find((s) => s.stopId === stopId);
    if (stop === undefined || this.finished.has(stopId)) return;
    this.started = true;
    const isCurrent = this.remaining()[0]?.stopId === stopId;
    if (event === 'arrived') {
      if (isCurrent && this.legStartMs !== null) {
        this.pace = nextPace(this.pace, (atMs - this.legStartMs) / 1000, stop.plannedLegS, this.paceConfig);
      }
      this.arrivedStopId = stopId;
      this.arrivedAtMs = atMs;
      return;
    }
    // completed or failed without an "arrived" first: the travel is the time minus the planned service.
    if (this.arrivedStopId !== stopId && isCurrent && this.legStartMs !== null) {
      const travelS = (atMs - this.legStartMs) / 1000 - stop.serviceS;
      this.pace = nextPace(this.pace, travelS, stop.plannedLegS, this.paceConfig);
    }
    this.finished.add(stopId);
    if (this.arrivedStopId === stopId) {
      this.arrivedStopId = null;
      this.arrivedAtMs = null;
    }
    this.legOrigin = { lat: stop.lat, lng: stop.lng };
    this.legStartMs = atMs;
  }

  /** Unfinished stops: the one the driver stands at first, then the rest in planned order. */
  remaining(): PlannedStop[] {
    const open = this.plan.stops.filter((s) => !this.finished.has(s.stopId));
    if (this.arrivedStopId === null) return open;
    const at = open.findIndex((s) => s.stopId === this.arrivedStopId);
    if (at <= 0) return open;
    return [open[at]!, ...open.slice(0, at), ...open.slice(at + 1)];
  }

  get currentStopId(): string | null {
    return this.remaining()[0]?.stopId ?? null;
  }

  get isFinished(): boolean {
    return this.finished.size >= this.plan.stops.length;
  }

  etas(nowMs: number): StopEta[] {
    return estimateEtas({
      nowMs,
      position: this.position,
      remaining: this.remaining(),
      legOrigin: this.legOrigin,
      legStartMs: this.legStartMs,
      arrivedAtMs: this.arrivedAtMs,
      notBeforeMs: this.started ? null : (this.remaining()[0]?.plannedArrivalMs ?? null),
      pace: this.pace,
      averageSpeedMps: this.averageSpeedMps,
      paceConfig: this.paceConfig,
    });
  }
}
