import { expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

it('reads the solve queue settings', () => {
  const config = loadConfig({ MILKRUN_MAX_SOLVE_TIME_S: '12.5', MILKRUN_SOLVE_WORKERS: '3', MILKRUN_SOLVES_PER_ORG: '2' }, []);
  expect(config).toMatchObject({ maxSolveTimeS: 12.5, solveWorkers: 3, solvesPerOrg: 2 });
  expect(loadConfig({}, [])).toMatchObject({ maxSolveTimeS: 60, solvesPerOrg: 1 });
  expect(loadConfig({}, []).solveWorkers).toBeGreaterThanOrEqual(1);
  expect(() => loadConfig({ MILKRUN_MAX_SOLVE_TIME_S: '0' }, [])).toThrow(/MILKRUN_MAX_SOLVE_TIME_S/);
});
