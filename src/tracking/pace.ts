/**
 * Per-driver pace: an exponentially weighted ratio of actual to planned travel time.
 * 1 means the driver travels exactly as the plan's matrix says; 1.3 means 30 % slower.
 * Only travel is observed (arrival minus previous departure), never service or waiting, so a long
 * unload does not make the driver look slow on the road.
 */

export interface PaceConfig {
  /** Weight of the newest observation, 0..1. */
  alpha: number;
  /** Bounds on one observed ratio, so one GPS glitch or lunch break cannot dominate. */
  minRatio: number;
  maxRatio: number;
  /** Legs planned shorter than this (seconds) are too noisy to learn from. */
  minPlannedS: number;
}

export const DEFAULT_PACE: PaceConfig = { alpha: 0.35, minRatio: 0.5, maxRatio: 3, minPlannedS: 60 };

/** The pace after observing one leg that was planned as `plannedS` and took `actualS` seconds. */
export function nextPace(pace: number, actualS: number, plannedS: number, config: PaceConfig = DEFAULT_PACE): number {
  if (!(plannedS >= config.minPlannedS) || !(actualS > 0)) return pace;
  const ratio = Math.min(config.maxRatio, Math.max(config.minRatio, actualS / plannedS));
  return pace + config.alpha * (ratio - pace);
}

/**
 * The pace to use for the leg in progress: once a good share of the leg is behind the driver, the
 * observed ratio on this very leg (elapsed time against the planned time for the distance covered)
 * is blended in, so a jam shows up in the ETA before the driver reaches the stop.
 * `coveredShare` is 0..1 of the leg's straight-line distance already covered.
 */
export function legPace(
  pace: number,
  elapsedS: number,
  plannedLegS: number,
  coveredShare: number,
  config: PaceConfig = DEFAULT_PACE,
): number {
  if (plannedLegS < config.minPlannedS || coveredShare < 0.2 || elapsedS <= 0) return pace;
  const plannedCoveredS = plannedLegS * Math.min(1, coveredShare);
  const ratio = Math.min(config.maxRatio, Math.max(config.minRatio, elapsedS / plannedCoveredS));
  const weight = Math.min(0.8, coveredShare);
  return pace + weight * (ratio - pace);
}
