/**
 * Live state of every tracked driver, in memory: newest position, online flag, the route tracker (progress,
 * pace, ETAs) and which stops are currently predicted late. Mutated only by the ping writer inside its batch
 * transaction (so the events it records commit with the pings that caused them) and by the offline sweep.
 * Rebuilt from the database on start: positions from the pings table, pace / online / late flags from the
 * driver_live snapshot, stop progress from stop statuses.
 */
import type { Db } from '../store/db.js';
import { recordEvent } from '../store/events.js';
import { isoOf } from './iso.js';
import type { DriverIdentity } from '../store/driver-tokens.js';
import { writeDriverPosition } from '../store/drivers.js';
import { loadLiveSnapshots, saveLiveSnapshot } from '../store/live-snapshots.js';
import type { OutsideChange } from '../store/outside-changes.js';
import { latestPing } from '../store/pings.js';
import { writeStopEta } from '../store/routes.js';
import { activeRouteOf, type ActiveRoute } from '../store/tracking-routes.js';
import { DEFAULT_SPEED_KMH, metresPerSecond } from '../solver/straight-line.js';
import { haversineM } from './distance.js';
import { DriverTracker, type RoutePlan, type StopEventKind } from './driver-tracker.js';
import type { PlannedStop, StopEta } from './eta-model.js';

/** Legs the plan gives no duration for are timed as plans time them: straight lines at the one default speed. */
const FALLBACK_SPEED_MPS = metresPerSecond(DEFAULT_SPEED_KMH);
/** A finished route is looked up again (a new one may have been assigned) at most this often. */
const ROUTE_RELOAD_MS = 30_000;
/** A stop's stored ETA is rewritten only when it moved by at least this much. */
const ETA_WRITE_STEP_MS = 60_000;
/** Lateness (stop.eta_late) is re-checked on pings at most this often per driver, device time. */
const LATE_CHECK_EVERY_MS = 5000;

export interface DriverLive {
  driverId: string;
  organizationId: string;
  routeId: string | null;
  tracker: DriverTracker | null;
  lat: number | null;
  lng: number | null;
  speedMps: number | null;
  heading: number | null;
  batteryPct: number | null;
  /** Device time of the newest ping, epoch ms (-Infinity before any); `positionIso(d)` gives it as ISO text. */
  positionAtMs: number;
  online: boolean;
  /** Server clock of the last ping received (any order), for offline detection. */
  lastHeardMs: number;
  lateStopIds: Set<string>;
  routeLoadedMs: number;
  /** Snapshot columns changed since the last write-back. */
  snapshotDirty: boolean;
  /** Stop ETA last written to route_stops, per stop id (epoch ms). */
  writtenEtaMs: Map<string, number>;
  /** Device time of the position at the last lateness check. */
  lateCheckedAtMs: number;
}

export interface LiveView {
  driver_id: string;
  route_id: string | null;
  lat: number | null;
  lng: number | null;
  speed_mps: number | null;
  heading: number | null;
  battery_pct: number | null;
  current_stop_id: string | null;
  eta_minutes: number | null;
  updated_at: string | null;
  online: boolean;
  pace: number;
  remaining: { stop_id: string; eta: string; window_missed: boolean }[];
}

export interface PingInput {
  lat: number;
  lng: number;
  tsIso: string;
  tsMs: number;
  speedMps: number | null;
  heading: number | null;
  batteryPct: number | null;
}

/**
 * The newest position's device time as ISO text (what the ping writer stored), made when asked: keeping each
 * ping's string on the driver kept a fresh object alive per ping.
 */
export function positionIso(d: DriverLive): string | null {
  return Number.isFinite(d.positionAtMs) ? isoOf(d.positionAtMs) : null;
}

const msOf = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** Turns the stored route into the plan the ETA model reads: planned leg durations from the planned times. */
export function planFromRoute(route: ActiveRoute): RoutePlan {
  const stops: PlannedStop[] = [];
  let prev: { lat: number; lng: number } | null = route.start;
  let prevDepartureMs: number | null = null;
  for (const s of route.stops) {
    const arrivalMs = msOf(s.plannedArrival);
    let plannedLegS: number;
    if (arrivalMs !== null && prevDepartureMs !== null && arrivalMs >= prevDepartureMs) {
      plannedLegS = (arrivalMs - prevDepartureMs) / 1000;
    } else if (s.distanceM > 0) {
      plannedLegS = s.distanceM / FALLBACK_SPEED_MPS;
    } else {
      plannedLegS = prev === null ? 0 : haversineM(prev, s) / FALLBACK_SPEED_MPS;
    }
    stops.push({
      stopId: s.stopId,
      lat: s.lat,
      lng: s.lng,
      serviceS: s.serviceS,
      windows: s.windows.map((w) => ({ startMs: Date.parse(w.from), endMs: Date.parse(w.to) })),
      plannedLegS,
      plannedArrivalMs: arrivalMs ?? Number.NaN,
    });
    prevDepartureMs = msOf(s.departure);
    prev = s;
  }
  return { routeId: route.routeId, start: route.start, stops, started: route.status === 'in_progress' };
}

/** A tracker replaying the stop progress already stored (arrivals and final statuses, in time order). */
function trackerFor(route: ActiveRoute, pace: number): DriverTracker {
  const tracker = new DriverTracker(planFromRoute(route), { averageSpeedMps: FALLBACK_SPEED_MPS });
  const happened: { at: number; stopId: string; event: StopEventKind }[] = [];
  for (const s of route.stops) {
    if (s.arrivedAt !== null && s.status !== 'pending' && s.status !== 'assigned' && s.status !== 'en_route') {
      happened.push({ at: Date.parse(s.arrivedAt), stopId: s.stopId, event: 'arrived' });
    }
    if (s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled') {
      happened.push({ at: Date.parse(s.finishedAt ?? s.arrivedAt ?? new Date(0).toISOString()), stopId: s.stopId, event: 'completed' });
    }
  }
  happened.sort((a, b) => a.at - b.at);
  for (const h of happened) tracker.applyStopEvent(h.stopId, h.event, h.at);
  tracker.pace = pace;
  return tracker;
}

export class LiveState {
  private readonly drivers = new Map<string, DriverLive>();
  /** Drivers whose position changed since it was last written to the drivers table, oldest first. */
  private readonly movedDrivers = new Set<DriverLive>();
  /** Called after a driver's visible state changed (position, online, progress). */
  onChange: (driver: DriverLive) => void = () => {};

  constructor(private readonly db: Db) {}

  get(driverId: string): DriverLive | undefined {
    return this.drivers.get(driverId);
  }

  get size(): number {
    return this.drivers.size;
  }

  all(): IterableIterator<DriverLive> {
    return this.drivers.values();
  }

  /** The entry for a driver, created (with its current route loaded) on first use. */
  ensure(identity: DriverIdentity): DriverLive {
    let d = this.drivers.get(identity.driverId);
    if (d === undefined) {
      d = {
        driverId: identity.driverId,
        organizationId: identity.organizationId,
        routeId: null,
        tracker: null,
        lat: null,
        lng: null,
        speedMps: null,
        heading: null,
        batteryPct: null,
        positionAtMs: Number.NEGATIVE_INFINITY,
        online: false,
        lastHeardMs: 0,
        lateStopIds: new Set(),
        routeLoadedMs: 0,
        snapshotDirty: false,
        writtenEtaMs: new Map(),
        lateCheckedAtMs: Number.NEGATIVE_INFINITY,
      };
      this.drivers.set(identity.driverId, d);
      // The newest stored position, whether or not a snapshot was written before the last stop or crash: a
      // driver is never shown without the position the store holds for it.
      this.restorePosition(d);
      this.loadRoute(d, 1, Date.now());
    }
    return d;
  }

  private restorePosition(d: DriverLive): void {
    const ping = latestPing(this.db, d.driverId);
    if (!ping) return;
    d.lat = ping.lat;
    d.lng = ping.lng;
    d.speedMps = ping.speedMps;
    d.heading = ping.heading;
    d.batteryPct = ping.batteryPct;
    d.positionAtMs = Date.parse(ping.ts);
    d.lastHeardMs = Date.parse(ping.receivedAt);
  }

  /** (Re)reads the driver's active route; keeps the learned pace. */
  loadRoute(d: DriverLive, pace: number, nowMs: number): void {
    const route = activeRouteOf(this.db, d.organizationId, d.driverId);
    d.routeLoadedMs = nowMs;
    d.routeId = route?.routeId ?? null;
    d.tracker = route ? trackerFor(route, pace) : null;
    if (d.tracker && d.lat !== null && d.lng !== null) d.tracker.applyPing({ lat: d.lat, lng: d.lng }, d.positionAtMs);
  }

  /**
   * Applies a stored ping (call inside the batch transaction). Older pings only refresh "last heard".
   * Records driver.online on the first ping of a route (or after being offline) and stop.eta_late.
   */
  applyPing(identity: DriverIdentity, p: PingInput, receivedMs: number): void {
    const d = this.ensure(identity);
    d.lastHeardMs = Math.max(d.lastHeardMs, receivedMs);
    // No route, or the route is done: look for a newly assigned one now and then.
    if ((d.tracker === null || d.tracker.isFinished) && receivedMs - d.routeLoadedMs > ROUTE_RELOAD_MS) {
      this.loadRoute(d, d.tracker?.pace ?? 1, receivedMs);
    }
    // Online means working a route: a driver pinging after the route is done stays offline.
    if (!d.online && d.tracker !== null && !d.tracker.isFinished) {
      d.online = true;
      d.snapshotDirty = true;
      recordEvent(this.db, {
        organizationId: d.organizationId,
        type: 'driver.online',
        resourceType: 'driver',
        resourceId: d.driverId,
        data: { driver_id: d.driverId, route_id: d.routeId, lat: p.lat, lng: p.lng, at: p.tsIso },
      });
    }
    if (p.tsMs > d.positionAtMs) {
      d.lat = p.lat;
      d.lng = p.lng;
      d.speedMps = p.speedMps;
      d.heading = p.heading;
      d.batteryPct = p.batteryPct;
      d.positionAtMs = p.tsMs;
      this.movedDrivers.add(d);
      d.tracker?.applyPing(p, p.tsMs);
      // A walk over every remaining stop per ping is wasted at several pings a second: lateness is re-checked
      // at most every LATE_CHECK_EVERY_MS of device time (and on every stop event).
      if (p.tsMs - d.lateCheckedAtMs >= LATE_CHECK_EVERY_MS) this.checkLate(d, Math.max(receivedMs, p.tsMs));
    }
    this.persistIfDirty(d);
    this.onChange(d);
  }

  /** Applies a stop event that changeStopStatus accepted (inside the same transaction). */
  applyStopEvent(identity: DriverIdentity, stopId: string, event: StopEventKind, atMs: number): void {
    const d = this.ensure(identity);
    if (d.tracker === null || !d.tracker.plan.stops.some((s) => s.stopId === stopId)) {
      this.loadRoute(d, d.tracker?.pace ?? 1, atMs);
    } else {
      d.tracker.applyStopEvent(stopId, event, atMs);
    }
    d.snapshotDirty = true;
    if (event !== 'arrived') d.lateStopIds.delete(stopId);
    this.checkLate(d, atMs);
    if (d.tracker?.isFinished && d.online) this.setOffline(d, 'route_finished');
    this.persistIfDirty(d);
    this.onChange(d);
  }

  /**
   * Follows a change made outside the driver socket (call inside a transaction): a stop finished or arrived
   * over REST moves the tracker on; a stop taken off or put on a route, or a route closed, reloads the route.
   */
  applyOutsideChange(change: OutsideChange, nowMs: number): void {
    if (change.kind === 'route_completed') {
      for (const d of this.drivers.values()) {
        if (d.routeId !== change.routeId) continue;
        this.setOffline(d, 'route_closed');
        this.loadRoute(d, d.tracker?.pace ?? 1, nowMs);
        this.onChange(d);
      }
      return;
    }
    const d = change.driverId === null ? undefined : this.drivers.get(change.driverId);
    if (d === undefined) return;
    const onPlan = d.tracker?.plan.stops.some((s) => s.stopId === change.stopId) ?? false;
    if (onPlan && change.to === 'arrived') d.tracker!.applyStopEvent(change.stopId, 'arrived', nowMs);
    else if (onPlan && (change.to === 'completed' || change.to === 'failed')) {
      d.tracker!.applyStopEvent(change.stopId, 'completed', nowMs);
    } else this.loadRoute(d, d.tracker?.pace ?? 1, nowMs);
    d.lateStopIds.delete(change.stopId);
    d.snapshotDirty = true;
    this.persistIfDirty(d);
    this.onChange(d);
  }

  /** Emits stop.eta_late once per crossing: when a stop's ETA passes its window end, not again until it recovers. */
  private checkLate(d: DriverLive, nowMs: number): void {
    d.lateCheckedAtMs = d.positionAtMs;
    if (d.tracker === null) return;
    for (const eta of d.tracker.etas(nowMs)) {
      const wasLate = d.lateStopIds.has(eta.stopId);
      if (eta.windowMissed && !wasLate) {
        d.lateStopIds.add(eta.stopId);
        d.snapshotDirty = true;
        recordEvent(this.db, {
          organizationId: d.organizationId,
          type: 'stop.eta_late',
          resourceType: 'stop',
          resourceId: eta.stopId,
          data: { stop_id: eta.stopId, driver_id: d.driverId, route_id: d.routeId, eta: isoOf(eta.etaMs) },
        });
      } else if (!eta.windowMissed && wasLate) {
        d.lateStopIds.delete(eta.stopId);
        d.snapshotDirty = true;
      }
    }
  }

  /** Marks a driver offline and records driver.offline (call inside a transaction). */
  setOffline(d: DriverLive, reason: 'no_pings' | 'route_finished' | 'route_closed'): void {
    if (!d.online) return;
    d.online = false;
    d.snapshotDirty = true;
    recordEvent(this.db, {
      organizationId: d.organizationId,
      type: 'driver.offline',
      resourceType: 'driver',
      resourceId: d.driverId,
      data: { driver_id: d.driverId, route_id: d.routeId, reason, last_position_at: positionIso(d) },
    });
    this.persistIfDirty(d);
    this.onChange(d);
  }

  /** ETAs now, for the API and dispatchers. */
  etasOf(d: DriverLive, nowMs: number): StopEta[] {
    return d.tracker?.etas(Math.max(nowMs, d.positionAtMs)) ?? [];
  }

  view(d: DriverLive, nowMs: number): LiveView {
    const etas = this.etasOf(d, nowMs);
    const first = etas[0];
    return {
      driver_id: d.driverId,
      route_id: d.routeId,
      lat: d.lat,
      lng: d.lng,
      speed_mps: d.speedMps,
      heading: d.heading,
      battery_pct: d.batteryPct,
      current_stop_id: first?.stopId ?? null,
      eta_minutes: first === undefined ? null : Math.max(0, Math.round((first.etaMs - nowMs) / 6000) / 10),
      updated_at: positionIso(d),
      online: d.online,
      pace: Math.round((d.tracker?.pace ?? 1) * 1000) / 1000,
      remaining: etas.map((e) => ({
        stop_id: e.stopId,
        eta: isoOf(e.etaMs),
        window_missed: e.windowMissed,
      })),
    };
  }

  /**
   * The snapshot (online, pace, late flags) changes rarely, so it is written in the same transaction as the
   * change: a restart right after a commit still knows the driver.
   */
  private persistIfDirty(d: DriverLive): void {
    if (!d.snapshotDirty) return;
    saveLiveSnapshot(this.db, {
      driverId: d.driverId,
      organizationId: d.organizationId,
      routeId: d.routeId,
      online: d.online,
      pace: d.tracker?.pace ?? 1,
      lateStopIds: [...d.lateStopIds],
    });
    d.snapshotDirty = false;
  }

  /**
   * Writes back, oldest change first, the last position of drivers that moved and those of their stop ETAs that
   * moved by a minute or more since last written, stopping after about `maxRows` row updates. Cheap to lose
   * (rebuilt from pings), so it is spread over many small transactions instead of one that would stall ingest.
   */
  writeBack(nowMs: number, maxRows = Number.POSITIVE_INFINITY): number {
    let rows = 0;
    this.db.transaction(() => {
      for (const d of this.movedDrivers) {
        if (rows >= maxRows) break;
        this.movedDrivers.delete(d);
        const at = positionIso(d);
        if (d.lat === null || d.lng === null || at === null) continue;
        writeDriverPosition(this.db, d.driverId, d.lat, d.lng, at);
        rows++;
        if (d.routeId === null) continue;
        for (const e of this.etasOf(d, nowMs)) {
          const last = d.writtenEtaMs.get(e.stopId);
          if (last !== undefined && Math.abs(last - e.etaMs) < ETA_WRITE_STEP_MS) continue;
          d.writtenEtaMs.set(e.stopId, e.etaMs);
          writeStopEta(this.db, d.routeId, e.stopId, isoOf(e.etaMs));
          rows++;
        }
      }
    })();
    return rows;
  }

  /** Rebuilds memory from the database: every driver with a snapshot or a stored ping. */
  rebuild(nowMs: number): void {
    this.drivers.clear();
    this.movedDrivers.clear();
    for (const s of loadLiveSnapshots(this.db)) {
      const d = this.ensure({ driverId: s.driverId, organizationId: s.organizationId });
      this.loadRoute(d, s.pace, nowMs);
      d.online = s.online;
      d.lateStopIds = new Set(s.lateStopIds);
    }
  }
}
