import { describe, expect, it } from 'vitest';
import { DEFAULT_PACE, legPace, nextPace } from '../../src/tracking/pace.js';
import { measureEtaAccuracy } from '../../bench/eta-accuracy.js';

describe('nextPace', () => {
  it('moves toward the observed ratio by alpha', () => {
    expect(nextPace(1, 600, 300)).toBeCloseTo(1 + DEFAULT_PACE.alpha * 1, 10);
    expect(nextPace(1, 150, 300)).toBeCloseTo(1 - DEFAULT_PACE.alpha * 0.5, 10);
  });

  it('converges to a steady ratio and clamps outliers', () => {
    let pace = 1;
    for (let i = 0; i < 30; i++) pace = nextPace(pace, 390, 300);
    expect(pace).toBeCloseTo(1.3, 3);
    expect(nextPace(1, 100_000, 300)).toBeCloseTo(1 + DEFAULT_PACE.alpha * (DEFAULT_PACE.maxRatio - 1), 10);
  });

  it('skips legs too short to learn from and nonsense durations', () => {
    expect(nextPace(1.2, 100, 10)).toBe(1.2);
    expect(nextPace(1.2, -5, 300)).toBe(1.2);
  });
});

describe('legPace', () => {
  it('blends in the observed ratio of the leg in progress once enough of it is covered', () => {
    expect(legPace(1, 100, 600, 0.1)).toBe(1);
    // Half the leg took the whole planned leg: observed ratio 2, weight 0.5.
    expect(legPace(1, 600, 600, 0.5)).toBeCloseTo(1.5, 10);
  });
});

describe('ETA accuracy on the replay simulator', () => {
  it('learned ETA beats the unlearned and the naive planned ETA at every horizon', () => {
    const rows = measureEtaAccuracy(7, 12);
    expect(rows.map((r) => r.horizon_min)).toEqual([30, 15, 5]);
    for (const r of rows) {
      expect(r.samples).toBeGreaterThan(50);
      expect(r.learned_mae_min).toBeLessThan(r.naive_mae_min);
      expect(r.learned_mae_min).toBeLessThan(r.unlearned_mae_min);
    }
  });
});
