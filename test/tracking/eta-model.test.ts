import { describe, expect, it } from 'vitest';
import { estimateEtas, serviceStartFor, type PlannedStop } from '../../src/tracking/eta-model.js';
import { DriverTracker } from '../../src/tracking/driver-tracker.js';
import { haversineM } from '../../src/tracking/distance.js';

const T0 = Date.UTC(2026, 4, 8, 8, 0, 0);
const MIN = 60_000;

// Three stops due north of the depot, 1 km apart (0.009° of latitude ≈ 1 km), 2 minutes planned per leg.
function stop(k: number, windows: PlannedStop['windows'] = []): PlannedStop {
  return {
    stopId: `s${k}`,
    lat: 52 + 0.009 * (k + 1),
    lng: 13,
    serviceS: 300,
    windows,
    plannedLegS: 120,
    plannedArrivalMs: T0 + (k * 7 + 2) * MIN,
  };
}
const depot = { lat: 52, lng: 13 };

describe('estimateEtas', () => {
  it('walks the planned legs, service and window waits from the current position', () => {
    const remaining = [stop(0), stop(1, [{ startMs: T0 + 30 * MIN, endMs: T0 + 60 * MIN }]), stop(2)];
    const etas = estimateEtas({
      nowMs: T0,
      position: depot,
      remaining,
      legOrigin: depot,
      legStartMs: T0,
      arrivedAtMs: null,
      pace: 1,
      averageSpeedMps: 10,
    });
    // leg 1: whole planned leg (2 min); +5 min service; leg 2: 2 min → 9 min, waits until 30; +5 service; +2.
    expect(etas.map((e) => Math.round((e.etaMs - T0) / 1000))).toEqual([120, 540, 2220]);
    expect(etas[1]!.serviceStartMs).toBe(T0 + 30 * MIN);
    expect(etas.every((e) => !e.windowMissed)).toBe(true);
  });

  it('scales every later leg by the pace and flags windows that will be missed', () => {
    const remaining = [stop(0), stop(1, [{ startMs: T0, endMs: T0 + 10 * MIN }])];
    const base = { nowMs: T0, position: depot, legOrigin: depot, legStartMs: T0, arrivedAtMs: null, averageSpeedMps: 10 };
    const onTime = estimateEtas({ ...base, remaining, pace: 1 });
    const slow = estimateEtas({ ...base, remaining, pace: 2 });
    expect(onTime[1]!.windowMissed).toBe(false);
    // pace 2: 4 min + 5 min service + 4 min = 13 min > window end at 10 min.
    expect(Math.round((slow[1]!.etaMs - T0) / 1000)).toBe(780);
    expect(slow[1]!.windowMissed).toBe(true);
  });

  it('counts only the share of the current leg still ahead', () => {
    const halfway = { lat: 52.0045, lng: 13 };
    const [first] = estimateEtas({
      nowMs: T0 + 60_000,
      position: halfway,
      remaining: [stop(0)],
      legOrigin: depot,
      legStartMs: T0,
      arrivedAtMs: null,
      pace: 1,
      averageSpeedMps: 10,
    });
    expect(Math.round((first!.etaMs - T0) / 1000)).toBe(120);
  });

  it('keeps a stop in service from ending in the past', () => {
    const etas = estimateEtas({
      nowMs: T0 + 20 * MIN,
      position: { lat: stop(0).lat, lng: 13 },
      remaining: [stop(0), stop(1)],
      legOrigin: depot,
      legStartMs: T0,
      arrivedAtMs: T0 + 2 * MIN,
      pace: 1,
      averageSpeedMps: 10,
    });
    expect(etas[0]!.etaMs).toBe(T0 + 2 * MIN);
    expect(etas[0]!.departureMs).toBe(T0 + 20 * MIN);
    expect(etas[1]!.etaMs).toBe(T0 + 22 * MIN);
  });
});

describe('serviceStartFor', () => {
  const windows = [
    { startMs: 100, endMs: 200 },
    { startMs: 400, endMs: 500 },
  ];
  it('waits for the first window still open and reports a miss after the last one', () => {
    expect(serviceStartFor(50, windows)).toEqual({ startMs: 100, missed: false });
    expect(serviceStartFor(250, windows)).toEqual({ startMs: 400, missed: false });
    expect(serviceStartFor(501, windows)).toEqual({ startMs: 501, missed: true });
    expect(serviceStartFor(501, [])).toEqual({ startMs: 501, missed: false });
  });
});

describe('DriverTracker', () => {
  const plan = { routeId: 'r', start: depot, stops: [stop(0), stop(1), stop(2)] };

  it('learns a slower pace at arrival and pushes every later ETA', () => {
    const tracker = new DriverTracker(plan);
    tracker.applyPing(depot, T0);
    const before = tracker.etas(T0);
    // The first 2-minute leg takes 4 minutes.
    tracker.applyPing({ lat: stop(0).lat, lng: 13 }, T0 + 4 * MIN);
    tracker.applyStopEvent('s0', 'arrived', T0 + 4 * MIN);
    expect(tracker.pace).toBeGreaterThan(1.3);
    const after = tracker.etas(T0 + 4 * MIN);
    expect(after[0]!.stopId).toBe('s0');
    expect(after[2]!.etaMs).toBeGreaterThan(before[2]!.etaMs + 3 * MIN);
    tracker.applyStopEvent('s0', 'completed', T0 + 9 * MIN);
    expect(tracker.currentStopId).toBe('s1');
  });

  it('ignores older pings for the position', () => {
    const tracker = new DriverTracker(plan);
    expect(tracker.applyPing({ lat: 52.001, lng: 13 }, T0 + 1000)).toBe(true);
    expect(tracker.applyPing({ lat: 52.5, lng: 13 }, T0)).toBe(false);
    expect(tracker.position).toEqual({ lat: 52.001, lng: 13 });
  });

  it('puts the stop the driver arrived at first when it was out of order', () => {
    const tracker = new DriverTracker(plan);
    tracker.applyStopEvent('s2', 'arrived', T0 + MIN);
    expect(tracker.remaining().map((s) => s.stopId)).toEqual(['s2', 's0', 's1']);
    tracker.applyStopEvent('s2', 'failed', T0 + 2 * MIN);
    expect(tracker.remaining().map((s) => s.stopId)).toEqual(['s0', 's1']);
    expect(tracker.isFinished).toBe(false);
  });

  it('pushes the ETA later while a driver stands still mid-leg', () => {
    const tracker = new DriverTracker({ ...plan, stops: [{ ...stop(0), lat: 52.09, plannedLegS: 1200 }] });
    const mid = { lat: 52.045, lng: 13 };
    tracker.applyPing(depot, T0);
    tracker.applyPing(mid, T0 + 10 * MIN);
    const onTime = tracker.etas(T0 + 10 * MIN)[0]!.etaMs;
    tracker.applyPing(mid, T0 + 25 * MIN);
    const stuck = tracker.etas(T0 + 25 * MIN)[0]!.etaMs;
    expect(stuck - onTime).toBeGreaterThan(15 * MIN);
    expect(haversineM(depot, mid)).toBeGreaterThan(4900);
  });
});

describe('a route not started yet', () => {
  it("keeps the plan's times for tomorrow's route, then follows the driver once the route is under way", () => {
    const plan = { routeId: 'r', start: depot, stops: [stop(0), stop(1), stop(2)] };
    const tracker = new DriverTracker(plan);
    const dayBefore = T0 - 24 * 60 * MIN;
    tracker.applyPing(depot, dayBefore);
    // Not "now + 2 minutes": the driver sets out when the plan says.
    expect(tracker.etas(dayBefore).map((e) => e.etaMs)).toEqual(plan.stops.map((s) => s.plannedArrivalMs));
    // A driver late to start pushes the times later, never earlier than planned.
    const late = T0 + 30 * MIN;
    expect(tracker.etas(late)[0]!.etaMs).toBe(late + 120_000);
    // Once a stop event starts the route, the estimate follows the driver even when ahead of plan.
    tracker.applyStopEvent('s0', 'completed', T0 - 60 * MIN);
    const early = T0 - 59 * MIN;
    expect(tracker.etas(early)[0]!.etaMs).toBeLessThan(plan.stops[1]!.plannedArrivalMs);
  });

  it('a route already in progress when loaded follows the driver at once', () => {
    const tracker = new DriverTracker({ routeId: 'r', start: depot, stops: [stop(0)], started: true });
    tracker.applyPing(depot, T0 - 60 * MIN);
    expect(tracker.etas(T0 - 60 * MIN)[0]!.etaMs).toBe(T0 - 58 * MIN);
  });
});
