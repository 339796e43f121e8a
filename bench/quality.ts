/**
 * Solver quality on published instances, one instance at a time in this one thread:
 *
 *   npm run bench:quality -- --set solomon|cvrp|pdptw --time 10 --minimize cost|vehicles [--instances C101,R101] [--seed 1]
 *                            [--ls-only] [--fresh-process]
 *
 * Every solution is replayed by the independent checker (bench/check-solution.ts). Prints the table and summary
 * rows and writes both to bench/results/ as markdown and JSON. `pdptw` is the 56 Li & Lim 100-node instances
 * (data/pdptw/, best known hierarchical: vehicles, then distance; the gap is the distance gap).
 * `--minimize vehicles` is judged hierarchically, as its best-known values are: fewer vehicles wins, distance only
 * breaks a tie, so the distance gap is given only where the vehicle count equals the best-known one.
 * `--fresh-process` also solves each instance in a fresh process of the compiled CLI (`node bin/milkrun.js solve
 * FILE --time T`, one process per instance: cold JIT, start-up included in its seconds; build dist/ first with
 * `npx tsc -p src`) and reports it beside the in-process figure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readProblemFile } from '../src/formats/read-problem-file.js';
import type { Minimize, Solution } from '../src/solver/model.js';
import { solve } from '../src/solver/solve.js';
import { checkSolution, readCheckInstance } from './check-solution.js';

type BenchSet = 'solomon' | 'cvrp' | 'pdptw';

interface Bks {
  vehicles?: number;
  distance: number;
}

export interface QualityRow {
  instance: string;
  class: string;
  vehicles: number;
  distance: number;
  bksVehicles: number | undefined;
  bksDistance: number;
  gapPct: number;
  seconds: number;
  unassigned: number;
  feasible: boolean;
  errors: string[];
  /** Hierarchical result against the best-known (vehicles mode): see `hierarchical`. */
  versusBks?: string;
  /** `--fresh-process`: the same instance solved by `node bin/milkrun.js solve FILE --time T` in its own process. */
  fresh?: { vehicles: number; distance: number; gapPct: number; seconds: number; feasible: boolean; versusBks?: string };
}

/**
 * Vehicles first, then distance: `fewer vehicles (−n)`, `more vehicles (+n)`, or with the same count the distance
 * gap. A solution with more vehicles is worse whatever its distance (RC105 at 14 vehicles against 13 is not
 * "−4.86 %"), so its distance gap is not given (NaN).
 */
function hierarchical(vehicles: number, distance: number, bks: Bks | undefined): { gapPct: number; versusBks: string } {
  if (bks?.vehicles === undefined) return { gapPct: NaN, versusBks: '–' };
  const dv = vehicles - bks.vehicles;
  if (dv !== 0) return { gapPct: NaN, versusBks: `${dv < 0 ? 'fewer' : 'more'} vehicles (${dv > 0 ? '+' : ''}${dv})` };
  const gapPct = ((distance - bks.distance) / bks.distance) * 100;
  return { gapPct, versusBks: `same vehicles, ${gapPct >= 0 ? '+' : ''}${gapPct.toFixed(2)} %` };
}

/** `--fresh-process`: one CLI process for one instance, its solution replayed by the same checker. */
function solveInFreshProcess(path: string, args: { timeS: number; seed: number; minimize: Minimize }, bks: Bks | undefined): NonNullable<QualityRow['fresh']> {
  const bin = new URL('bin/milkrun.js', ROOT).pathname;
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [bin, 'solve', path, '--time', String(args.timeS), '--seed', String(args.seed), '--minimize', args.minimize], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`milkrun solve ${path}: exit ${run.status}: ${run.stderr}`);
  const check = checkSolution(readCheckInstance(path), JSON.parse(run.stdout) as Solution);
  const gapPct = ((check.distance - (bks?.distance ?? NaN)) / (bks?.distance ?? NaN)) * 100;
  const out = { vehicles: check.vehicles, distance: check.distance, gapPct, seconds, feasible: check.feasible };
  return args.minimize === 'vehicles' ? { ...out, ...hierarchical(check.vehicles, check.distance, bks) } : out;
}

const ROOT = new URL('..', import.meta.url);

function parseCli() {
  const { values } = parseArgs({
    options: {
      set: { type: 'string', default: 'solomon' },
      time: { type: 'string', default: '10' },
      minimize: { type: 'string', default: 'cost' },
      instances: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'ls-only': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'fresh-process': { type: 'boolean', default: false },
    },
  });
  const set = values.set as BenchSet;
  if (set !== 'solomon' && set !== 'cvrp' && set !== 'pdptw') throw new Error(`--set must be solomon, cvrp or pdptw, got ${values.set}`);
  const minimize = values.minimize as Minimize;
  if (minimize !== 'cost' && minimize !== 'vehicles') throw new Error(`--minimize must be cost or vehicles, got ${values.minimize}`);
  const timeS = Number(values.time);
  if (!(timeS > 0)) throw new Error(`--time must be a positive number of seconds, got ${values.time}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const only = values.instances?.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  return { set, minimize, timeS, seed, only, lsOnly: values['ls-only'], quiet: values.quiet, fresh: values['fresh-process'] };
}

function readBks(set: BenchSet, minimize: Minimize): Map<string, Bks> {
  const text = readFileSync(new URL(`data/${set}/bks.csv`, ROOT), 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header!.split(',');
  const col = (name: string): number => cols.indexOf(name);
  const out = new Map<string, Bks>();
  for (const line of lines) {
    // The source column may itself contain commas; the numeric columns are read from both ends.
    const cells = line.split(',');
    const instance = cells[0]!.toUpperCase();
    if (set === 'cvrp') {
      out.set(instance, { distance: Number(cells[col('cost')]) });
    } else if (set === 'pdptw') {
      out.set(instance, { vehicles: Number(cells[col('vehicles')]), distance: Number(cells[col('distance')]) });
    } else if (minimize === 'vehicles') {
      out.set(instance, { vehicles: Number(cells[1]), distance: Number(cells[2]) });
    } else {
      out.set(instance, { vehicles: Number(cells[cells.length - 2]), distance: Number(cells[cells.length - 1]) });
    }
  }
  return out;
}

export function instanceClass(set: BenchSet, name: string): string {
  if (set === 'cvrp') return 'X';
  if (set === 'pdptw') return /^(lrc|lr|lc)\d/i.exec(name)?.[0].toLowerCase() ?? 'other';
  const m = /^(RC|R|C)(\d)/.exec(name);
  return m ? `${m[1]}${m[2]}` : 'other';
}

function listInstances(set: BenchSet, only: string[] | undefined): { name: string; path: string }[] {
  const dir = new URL(`data/${set}/`, ROOT);
  const ext = set === 'cvrp' ? '.vrp' : '.txt';
  const all = readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => ({ name: f.slice(0, -ext.length), path: new URL(f, dir).pathname }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  if (!only) return all;
  const picked = all.filter((i) => only.includes(i.name.toUpperCase()));
  const missing = only.filter((n) => !picked.some((i) => i.name.toUpperCase() === n));
  if (missing.length > 0) throw new Error(`unknown instances: ${missing.join(', ')}`);
  return picked;
}

/** The checked-out commit, so a results file says which solver produced it (undefined outside a git checkout). */
function gitCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: new URL('.', ROOT), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src/solver'], { cwd: new URL('.', ROOT), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (src/solver modified)` : head;
  } catch {
    return undefined;
  }
}

const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
const fmt = (x: number | undefined, digits = 2): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

function tableMarkdown(rows: QualityRow[]): string[] {
  const hier = rows.some((r) => r.versusBks !== undefined);
  const fresh = rows.some((r) => r.fresh !== undefined);
  const lines = [
    `| instance | vehicles | distance | BKS vehicles | BKS distance | gap % |${hier ? ' against BKS (vehicles, then distance) |' : ''} seconds | feasible |${fresh ? ' fresh process: vehicles | distance | gap % | seconds | feasible |' : ''}`,
    `|---|---:|---:|---:|---:|---:|${hier ? '---|' : ''}---:|---|${fresh ? '---:|---:|---:|---:|---|' : ''}`,
  ];
  for (const r of rows) {
    const ok = r.feasible ? 'yes' : `NO (${r.errors.length} errors)`;
    const f = r.fresh;
    const freshCells = f === undefined ? '' : ` ${f.vehicles} | ${fmt(f.distance)} | ${f.versusBks ?? fmt(f.gapPct)} | ${fmt(f.seconds)} | ${f.feasible ? 'yes' : 'NO'} |`;
    lines.push(`| ${r.instance} | ${r.vehicles} | ${fmt(r.distance)} | ${r.bksVehicles ?? '–'} | ${fmt(r.bksDistance)} | ${fmt(r.gapPct)} |${hier ? ` ${r.versusBks ?? '–'} |` : ''} ${fmt(r.seconds)} | ${ok} |${freshCells}`);
  }
  return lines;
}

function summaryMarkdown(rows: QualityRow[], minimize: Minimize, set: BenchSet): string[] {
  const classes = [...new Set(rows.map((r) => r.class))];
  const fresh = rows.every((r) => r.fresh !== undefined) && rows.length > 0;
  // Vehicles mode: the mean distance gap is over the instances at the best-known vehicle count only (`n=`).
  const gapOf = (rs: { gapPct: number }[]): string => {
    const at = rs.filter((r) => !Number.isNaN(r.gapPct));
    return minimize === 'vehicles' ? `${fmt(mean(at.map((r) => r.gapPct)))} (n=${at.length})` : fmt(mean(at.map((r) => r.gapPct)));
  };
  const gapHeader = minimize === 'vehicles' ? 'mean gap % at BKS vehicles' : 'mean gap %';
  const lines = [
    `| class | instances | ${gapHeader} | mean vehicles | mean BKS vehicles | mean seconds |${fresh ? ` fresh process: ${gapHeader} | mean vehicles | mean seconds |` : ''}`,
    `|---|---:|---:|---:|---:|---:|${fresh ? '---:|---:|---:|' : ''}`,
  ];
  const line = (label: string, rs: QualityRow[]): string => {
    const bksV = rs.every((r) => r.bksVehicles !== undefined) ? fmt(mean(rs.map((r) => r.bksVehicles!))) : '–';
    const fs = rs.map((r) => r.fresh!);
    const freshCells = fresh ? ` ${gapOf(fs)} | ${fmt(mean(fs.map((f) => f.vehicles)))} | ${fmt(mean(fs.map((f) => f.seconds)))} |` : '';
    return `| ${label} | ${rs.length} | ${gapOf(rs)} | ${fmt(mean(rs.map((r) => r.vehicles)))} | ${bksV} | ${fmt(mean(rs.map((r) => r.seconds)))} |${freshCells}`;
  };
  for (const c of classes) lines.push(line(c, rows.filter((r) => r.class === c)));
  lines.push(line('**all**', rows));
  const infeasible = rows.filter((r) => !r.feasible).length;
  const unassigned = rows.reduce((s, r) => s + r.unassigned, 0);
  lines.push('', `Feasible: ${rows.length - infeasible}/${rows.length}; unassigned jobs in all: ${unassigned}.`);
  if (minimize === 'vehicles' || set === 'pdptw') {
    const cnv = rows.reduce((s, r) => s + r.vehicles, 0);
    const ctd = rows.reduce((s, r) => s + r.distance, 0);
    const bksCnv = rows.reduce((s, r) => s + (r.bksVehicles ?? 0), 0);
    const bksCtd = rows.reduce((s, r) => s + r.bksDistance, 0);
    lines.push(`Cumulative vehicles ${cnv} (best known ${bksCnv}); cumulative distance ${fmt(ctd)} (best known ${fmt(bksCtd)}).`);
    const count = (rs: { versusBks?: string }[], prefix: string) => rs.filter((r) => r.versusBks?.startsWith(prefix)).length;
    const judged = (label: string, rs: { versusBks?: string }[]) =>
      `${label}: fewer vehicles than best-known ${count(rs, 'fewer')}, same ${count(rs, 'same')}, more ${count(rs, 'more')} (of ${rs.length}).`;
    lines.push(judged('Against the best-known, vehicles first', rows));
    if (fresh) {
      const fs = rows.map((r) => r.fresh!);
      lines.push(`${judged('Fresh process', fs)} Cumulative vehicles ${fs.reduce((a, f) => a + f.vehicles, 0)}; distance ${fmt(fs.reduce((a, f) => a + f.distance, 0))}.`);
    }
  }
  if (fresh) lines.push(`Fresh process: feasible ${rows.filter((r) => r.fresh!.feasible).length}/${rows.length}.`);
  return lines;
}

async function main(): Promise<void> {
  const args = parseCli();
  const commit = gitCommit(); // at the start: the sources this process loaded
  const bks = readBks(args.set, args.minimize);
  const instances = listInstances(args.set, args.only);
  const rows: QualityRow[] = [];
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  /** Per-instance lines; `--quiet` keeps only the header and the summary. */
  const logRow = (s: string): void => {
    if (!args.quiet) log(s);
  };
  log(`quality: set=${args.set} minimize=${args.minimize} ${args.lsOnly ? 'construction + local search only' : `time=${args.timeS}s`} seed=${args.seed}`);
  for (const inst of instances) {
    const read = await readProblemFile(inst.path);
    if (!read.ok) throw new Error(`${inst.name}: ${read.error.message}`);
    const t0 = performance.now();
    const solution = solve(read.value.problem, {
      timeLimitS: args.timeS,
      clock: () => performance.now(),
      seed: args.seed,
      minimize: args.minimize,
      objective: 'distance',
      localSearchOnly: args.lsOnly,
    });
    const seconds = (performance.now() - t0) / 1000;
    const check = checkSolution(readCheckInstance(inst.path), solution);
    const ref = bks.get(inst.name.toUpperCase());
    const bksDistance = ref?.distance ?? NaN;
    const row: QualityRow = {
      instance: inst.name,
      class: instanceClass(args.set, inst.name),
      vehicles: check.vehicles,
      distance: check.distance,
      bksVehicles: ref?.vehicles,
      bksDistance,
      gapPct: ((check.distance - bksDistance) / bksDistance) * 100,
      seconds,
      unassigned: solution.unassigned.length,
      feasible: check.feasible,
      errors: check.errors.slice(0, 5),
      ...(args.minimize === 'vehicles' ? hierarchical(check.vehicles, check.distance, ref) : {}),
      ...(args.fresh && !args.lsOnly ? { fresh: solveInFreshProcess(inst.path, args, ref) } : {}),
    };
    rows.push(row);
    logRow(`${row.instance.padEnd(12)} vehicles ${String(row.vehicles).padStart(3)} (bks ${row.bksVehicles ?? '–'})  distance ${fmt(row.distance).padStart(10)} (bks ${fmt(bksDistance)})  ${row.versusBks ? row.versusBks : `gap ${fmt(row.gapPct).padStart(6)} %`}  ${fmt(row.seconds)} s${row.fresh ? `  fresh process: ${row.fresh.vehicles} vehicles ${fmt(row.fresh.distance)} ${row.fresh.versusBks ?? `gap ${fmt(row.fresh.gapPct)} %`} ${fmt(row.fresh.seconds)} s` : ''}${row.feasible ? '' : `  INFEASIBLE: ${row.errors.join('; ')}`}`);
  }

  const date = new Date().toISOString();
  const mode = args.lsOnly ? 'ls-only' : `${args.timeS}s`;
  const title = `Quality: ${args.set}, minimize ${args.minimize}, ${args.lsOnly ? 'construction + local search only' : `${args.timeS} s per instance`}, seed ${args.seed}`;
  const md = [
    `# ${title}`,
    '',
    `Date ${date}. Command: \`npm run bench:quality -- ${process.argv.slice(2).join(' ')}\`. One thread, one instance at a time.${commit ? ` Commit ${commit}.` : ''}`,
    '',
    ...summaryMarkdown(rows, args.minimize, args.set),
    '',
    ...tableMarkdown(rows),
    '',
  ].join('\n');
  log(`\n${summaryMarkdown(rows, args.minimize, args.set).join('\n')}`);
  const dir = new URL('bench/results/', ROOT);
  mkdirSync(dir, { recursive: true });
  const base = `quality-${args.set}-${args.minimize}-${mode}-${date.slice(0, 19).replace(/:/g, '')}`;
  writeFileSync(new URL(`${base}.md`, dir), md);
  writeFileSync(new URL(`${base}.json`, dir), `${JSON.stringify({ title, date, commit, args, rows }, null, 2)}\n`);
  log(`\nwrote bench/results/${base}.md and .json`);
  if (rows.some((r) => !r.feasible || r.fresh?.feasible === false)) process.exitCode = 1;
}

await main();
