import type { Random } from '../random.js';
import type { SolutionState } from '../solution-state.js';
export function localSearch(_sol: SolutionState, _rng: Random, _shouldStop?: () => boolean): void {}
