/**
 * ETA accuracy on the seeded replay simulator (src/tracking/simulator.ts: plans from the straight-line model, a
 * day that does not follow it — detours, drifting pace, jams, varying dwell): mean absolute error of the ETA made
 * 30, 15 and 5 minutes before each true arrival, for
 *   - learned: the served model (position, planned legs, learned pace),
 *   - fixed pace (the baseline): the same model with the pace fixed at 1, i.e. following the driver's position
 *     without learning; the headline is learned / fixed pace from the same replay,
 *   - plan: the planned arrival time from the morning plan (a reference only: it ignores where the driver is).
 * Also the mean signed error (bias, positive = the ETA is later than the truth) of learned and fixed pace.
 * Usage: npx tsx bench/eta-accuracy.ts [--seed 1] [--drivers 40]
 */
import { DriverTracker } from '../src/tracking/driver-tracker.js';
import { simulate } from '../src/tracking/simulator.js';

const HORIZONS_MIN = [30, 15, 5] as const;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface AccuracyRow {
  horizon_min: number;
  samples: number;
  learned_mae_min: number;
  unlearned_mae_min: number;
  naive_mae_min: number;
  /** Mean signed error (ETA − truth), minutes: negative = too early, i.e. the model is optimistic. */
  learned_bias_min: number;
  unlearned_bias_min: number;
}

export function measureEtaAccuracy(seed: number, drivers: number): AccuracyRow[] {
  const sim = simulate({ seed, drivers });
  const learned = sim.drivers.map((d) => new DriverTracker(d.plan));
  const unlearned = sim.drivers.map(
    (d) => new DriverTracker(d.plan, { paceConfig: { alpha: 0, minRatio: 1, maxRatio: 1, minPlannedS: Infinity } }),
  );
  // latest[driver][stopId][h] = [learnedEta, unlearnedEta] made at the last ping at or before arrival - horizon.
  const latest = sim.drivers.map(() => new Map<string, ([number, number] | undefined)[]>());
  for (const m of sim.messages) {
    const d = m.driver;
    if (m.kind === 'stop_event') {
      learned[d]!.applyStopEvent(m.stopId, m.event, m.tsMs);
      unlearned[d]!.applyStopEvent(m.stopId, m.event, m.tsMs);
      continue;
    }
    learned[d]!.applyPing(m, m.tsMs);
    unlearned[d]!.applyPing(m, m.tsMs);
    const a = learned[d]!.etas(m.tsMs);
    const b = unlearned[d]!.etas(m.tsMs);
    for (let k = 0; k < a.length; k++) {
      const stopId = a[k]!.stopId;
      const trueMs = sim.drivers[d]!.trueArrivalMs.get(stopId)!;
      if (m.tsMs >= trueMs) continue; // already there: not a forecast
      let slots = latest[d]!.get(stopId);
      if (slots === undefined) latest[d]!.set(stopId, (slots = []));
      HORIZONS_MIN.forEach((h, hi) => {
        if (m.tsMs <= trueMs - h * 60_000) slots[hi] = [a[k]!.etaMs, b[k]!.etaMs];
      });
    }
  }
  return HORIZONS_MIN.map((h, hi) => {
    let n = 0;
    let learnedErr = 0;
    let unlearnedErr = 0;
    let naiveErr = 0;
    let learnedBias = 0;
    let unlearnedBias = 0;
    sim.drivers.forEach((driver, d) => {
      for (const stop of driver.plan.stops) {
        const slot = latest[d]!.get(stop.stopId)?.[hi];
        if (slot === undefined) continue;
        const trueMs = driver.trueArrivalMs.get(stop.stopId)!;
        n++;
        learnedErr += Math.abs(slot[0] - trueMs);
        unlearnedErr += Math.abs(slot[1] - trueMs);
        naiveErr += Math.abs(stop.plannedArrivalMs - trueMs);
        learnedBias += slot[0] - trueMs;
        unlearnedBias += slot[1] - trueMs;
      }
    });
    const meanMin = (sum: number) => Math.round((sum / Math.max(1, n) / 60_000) * 100) / 100;
    return {
      horizon_min: h,
      samples: n,
      learned_mae_min: meanMin(learnedErr),
      unlearned_mae_min: meanMin(unlearnedErr),
      naive_mae_min: meanMin(naiveErr),
      learned_bias_min: meanMin(learnedBias),
      unlearned_bias_min: meanMin(unlearnedBias),
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = arg('seed', 1);
  const drivers = arg('drivers', 40);
  const rows = measureEtaAccuracy(seed, drivers);
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  console.log(`ETA accuracy, seed ${seed}, ${drivers} simulated drivers (error in minutes)`);
  console.table(
    rows.map((r) => ({
      'before arrival (min)': r.horizon_min,
      samples: r.samples,
      'learned MAE': r.learned_mae_min,
      'fixed pace MAE (baseline)': r.unlearned_mae_min,
      'learned / fixed pace': ratio(r.learned_mae_min, r.unlearned_mae_min),
      'learned bias': r.learned_bias_min,
      'fixed pace bias': r.unlearned_bias_min,
      'plan MAE (reference)': r.naive_mae_min,
    })),
  );
  if (rows.some((r) => r.learned_mae_min >= r.unlearned_mae_min)) {
    console.error('learned ETA does not beat the same model with the pace fixed at 1');
    process.exitCode = 1;
  }
}
