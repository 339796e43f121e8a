import type { SolveOptions } from '../model.js';
import type { Random } from '../random.js';
import type { SolutionState } from '../solution-state.js';
export function ruinAndRecreate(_sol: SolutionState, _rng: Random, _o: SolveOptions): number { return 0; }
