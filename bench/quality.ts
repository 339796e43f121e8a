/**
 * Solver quality on published instances, one instance at a time in this one thread:
 *
 *   npm run bench:quality -- --set solomon|cvrp|pdptw --time 10 --minimize cost|vehicles [--instances C101,R101] [--seed 1]
 *                            [--ls-only]
 *
 * Every solution is replayed by the independent checker (bench/check-solution.ts). Prints the table and summary
 * rows and writes both to bench/results/ as markdown and JSON. `pdptw` is the 56 Li & Lim 100-node instances
 * (data/pdptw/, best known hierarchical: vehicles, then distance; the gap is the distance gap).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readProblemFile } from '../src/formats/read-problem-file.js';
import type { Minimize } from '../src/solver/model.js';
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
  return { set, minimize, timeS, seed, only, lsOnly: values['ls-only'], quiet: values.quiet };
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
  const lines = [
    '| instance | vehicles | distance | BKS vehicles | BKS distance | gap % | seconds | feasible |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const ok = r.feasible ? 'yes' : `NO (${r.errors.length} errors)`;
    lines.push(`| ${r.instance} | ${r.vehicles} | ${fmt(r.distance)} | ${r.bksVehicles ?? '–'} | ${fmt(r.bksDistance)} | ${fmt(r.gapPct)} | ${fmt(r.seconds)} | ${ok} |`);
  }
  return lines;
}

function summaryMarkdown(rows: QualityRow[], minimize: Minimize, set: BenchSet): string[] {
  const classes = [...new Set(rows.map((r) => r.class))];
  const lines = ['| class | instances | mean gap % | mean vehicles | mean BKS vehicles | mean seconds |', '|---|---:|---:|---:|---:|---:|'];
  const line = (label: string, rs: QualityRow[]): string => {
    const bksV = rs.every((r) => r.bksVehicles !== undefined) ? fmt(mean(rs.map((r) => r.bksVehicles!))) : '–';
    return `| ${label} | ${rs.length} | ${fmt(mean(rs.map((r) => r.gapPct)))} | ${fmt(mean(rs.map((r) => r.vehicles)))} | ${bksV} | ${fmt(mean(rs.map((r) => r.seconds)))} |`;
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
  }
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
    };
    rows.push(row);
    logRow(`${row.instance.padEnd(12)} vehicles ${String(row.vehicles).padStart(3)} (bks ${row.bksVehicles ?? '–'})  distance ${fmt(row.distance).padStart(10)} (bks ${fmt(bksDistance)})  gap ${fmt(row.gapPct).padStart(6)} %  ${fmt(row.seconds)} s${row.feasible ? '' : `  INFEASIBLE: ${row.errors.join('; ')}`}`);
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
  if (rows.some((r) => !r.feasible)) process.exitCode = 1;
}

await main();
