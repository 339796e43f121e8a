/**
 * Solver development bench (the solver engineer's own): solves Solomon instances with a minimal reader and
 * prints the gap to data/solomon/bks.csv. Usage:
 *   npx tsx bench/solver-dev/solomon.ts [--time 1] [--minimize cost|vehicles] [--ls-only] [--seed 1] [C101 R101 ...]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Problem } from '../../src/solver/model.js';
import { solve } from '../../src/solver/solve.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const time = Number(opt('time', '1'));
const minimize = opt('minimize', 'cost') as 'cost' | 'vehicles';
const seed = Number(opt('seed', '1'));
const lsOnly = args.includes('--ls-only');
const names = args.filter((a) => !a.startsWith('--'));
const dir = new URL('../../data/solomon/', import.meta.url).pathname;
const list = names.length ? names : readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();

const bks = new Map<string, { vehicles: number; distance: number; dVehicles: number; dDistance: number }>();
for (const line of readFileSync(dir + 'bks.csv', 'utf8').trim().split('\n').slice(1)) {
  const c = line.split(',');
  bks.set(c[0]!, { vehicles: +c[1]!, distance: +c[2]!, dVehicles: +c[c.length - 2]!, dDistance: +c[c.length - 1]! });
}

function readSolomon(text: string): Problem {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const vi = lines.findIndex((l) => l.startsWith('NUMBER'));
  const [fleet, capacity] = lines[vi + 1]!.split(/\s+/).map(Number) as [number, number];
  const rows = lines.slice(vi + 2).filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/).map(Number));
  const size = rows.length;
  const dist = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) dist[i * size + j] = Math.hypot(rows[i]![1]! - rows[j]![1]!, rows[i]![2]! - rows[j]![2]!);
  const depot = rows[0]!;
  return {
    matrices: { size, durations: dist, distances: dist },
    jobs: rows.slice(1).map((r, i) => ({
      id: String(r[0]), location: { index: i + 1 }, demand: [r[3]!], timeWindows: [{ start: r[4]!, end: r[5]! }], serviceS: r[6]!,
    })),
    vehicles: Array.from({ length: fleet }, (_, v) => ({
      id: `v${v}`, start: { index: 0 }, end: { index: 0 }, capacity: [capacity], shift: { start: depot[4]!, end: depot[5]! },
    })),
  };
}

let sumGap = 0;
let sumVeh = 0;
let sumDist = 0;
let sumSecs = 0;
console.log('instance  veh  distance   bksVeh  bksDist   gap%   secs  unassigned');
for (const name of list) {
  const problem = readSolomon(readFileSync(`${dir}${name}.txt`, 'utf8'));
  const t0 = performance.now();
  const sol = solve(problem, { timeLimitS: time, clock: () => performance.now(), seed, minimize, localSearchOnly: lsOnly, objective: 'distance' });
  const secs = (performance.now() - t0) / 1000;
  const b = bks.get(name)!;
  const ref = minimize === 'vehicles' ? b.distance : b.dDistance;
  const gap = (100 * (sol.summary.distance - ref)) / ref;
  sumGap += gap;
  sumVeh += sol.summary.vehicles;
  sumDist += sol.summary.distance;
  sumSecs += secs;
  console.log(
    `${name.padEnd(8)} ${String(sol.summary.vehicles).padStart(4)} ${sol.summary.distance.toFixed(2).padStart(9)}  ${String(minimize === 'vehicles' ? b.vehicles : b.dVehicles).padStart(6)} ${ref.toFixed(2).padStart(8)} ${gap.toFixed(2).padStart(6)} ${secs.toFixed(2).padStart(6)} ${sol.summary.unassigned} it=${sol.summary.iterations}`,
  );
}
console.log(`mean gap ${(sumGap / list.length).toFixed(2)} %  vehicles ${sumVeh}  distance ${sumDist.toFixed(2)}  mean secs ${(sumSecs / list.length).toFixed(2)}`);
