/**
 * Service-area point lookups: the R-tree index against a plain loop over every polygon with the same exact
 * test (`pointInFlatPolygon`, which itself starts with a bounding-box check), and, as the reference, a plain loop
 * of turf's booleanPointInPolygon. Run: `npx tsx bench/geo/index.ts`.
 * Each task iteration answers a batch of lookups so timer resolution does not dominate; figures are lookups/s.
 */
import { loadavg } from 'node:os';
import { booleanPointInPolygon } from '@turf/turf';
import { Bench } from 'tinybench';
import { flattenPolygon, pointInFlatPolygon, type FlatPolygon } from '../../src/geo/flat-polygon.js';
import { ServiceAreaIndex } from '../../src/geo/service-area-index.js';
import { generateAreas, generatePoints } from './generate-areas.js';

const SIZES = [10, 1_000, 10_000];
const BATCH = 512;
const POINTS = 8_192;
const ORG = 'org_bench';
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 700);

interface Row {
  areas: number;
  task: string;
  lookupsPerS: number;
  vsPlainLoop: string;
  lookupsPerCpuS: number;
  hitsPerLookup: number;
}

const rows: Row[] = [];

for (const size of SIZES) {
  const { areas, ...bounds } = generateAreas(size, 20260508 + size);
  const points = generatePoints(POINTS, 7 + size, bounds);
  const index = new ServiceAreaIndex();
  index.load(ORG, areas);

  const flat: { id: string; polygons: FlatPolygon[] }[] = areas.map((a) => ({
    id: a.id,
    polygons: a.coordinates.map(flattenPolygon),
  }));
  const turfShapes = areas.map((a) => ({ id: a.id, geometry: { type: 'MultiPolygon' as const, coordinates: a.coordinates } }));

  let cursor = 0;
  let hits = 0;
  let lookups = 0;
  const nextPoint = (): number => {
    const k = cursor;
    cursor = (cursor + 1) % POINTS;
    return k;
  };

  // Lookups per task iteration: plain loops over 10,000 areas take milliseconds per lookup, so they get fewer.
  const loopBatch = Math.max(1, Math.min(BATCH, Math.round(20_000 / size)));
  const batchOf: Record<string, number> = {
    'r-tree + exact test': BATCH,
    'plain loop, same exact test': loopBatch,
    'plain loop, turf booleanPointInPolygon': loopBatch,
  };

  const tasks: Record<string, () => void> = {
    'r-tree + exact test': () => {
      for (let b = 0; b < BATCH; b++) {
        const k = nextPoint();
        hits += index.lookup(ORG, points[2 * k + 1]!, points[2 * k]!).length;
      }
      lookups += BATCH;
    },
    'plain loop, same exact test': () => {
      for (let b = 0; b < loopBatch; b++) {
        const k = nextPoint();
        const x = points[2 * k]!, y = points[2 * k + 1]!;
        const found: string[] = [];
        for (const area of flat) {
          for (const polygon of area.polygons) {
            if (pointInFlatPolygon(polygon, x, y)) {
              found.push(area.id);
              break;
            }
          }
        }
        hits += found.length;
      }
      lookups += loopBatch;
    },
    'plain loop, turf booleanPointInPolygon': () => {
      for (let b = 0; b < loopBatch; b++) {
        const k = nextPoint();
        const pt = [points[2 * k]!, points[2 * k + 1]!];
        const found: string[] = [];
        for (const shape of turfShapes) if (booleanPointInPolygon(pt, shape.geometry)) found.push(shape.id);
        hits += found.length;
      }
      lookups += loopBatch;
    },
  };

  const perTask = new Map<string, { lookupsPerS: number; lookupsPerCpuS: number; hitsPerLookup: number }>();
  for (const [name, fn] of Object.entries(tasks)) {
    const bench = new Bench({ name: `${size} areas`, time: TIME_MS, warmupTime: 100 });
    hits = 0;
    lookups = 0;
    bench.add(name, fn);
    const cpuBefore = process.cpuUsage();
    await bench.run();
    const cpu = process.cpuUsage(cpuBefore);
    // Lookups per second of this process's own CPU time (warm-up included): what one core delivers, whatever
    // the other processes on a shared machine take. Wall-clock figures drop when the cores are oversubscribed.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const task = bench.tasks[0]!;
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`${name}: ${result.state}`);
    // runs × batch lookups took runs × period ms.
    perTask.set(name, {
      lookupsPerS: (batchOf[name]! * 1000) / result.period,
      lookupsPerCpuS: lookups / cpuSeconds,
      hitsPerLookup: hits / Math.max(1, lookups),
    });
  }
  const baseline = perTask.get('plain loop, same exact test')!.lookupsPerS;
  for (const [task, r] of perTask) {
    rows.push({
      areas: size,
      task,
      lookupsPerS: Math.round(r.lookupsPerS),
      vsPlainLoop: `${(r.lookupsPerS / baseline).toFixed(r.lookupsPerS / baseline >= 10 ? 0 : 2)}×`,
      lookupsPerCpuS: Math.round(r.lookupsPerCpuS),
      hitsPerLookup: Number(r.hitsPerLookup.toFixed(3)),
    });
  }
}

console.table(rows);
console.log(`load average at the end (1/5/15 min): ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
const target = rows.find((r) => r.areas === 10_000 && r.task === 'r-tree + exact test')!;
console.log(
  `R-tree at 10,000 areas: ${target.lookupsPerS.toLocaleString('en')} lookups/s wall clock, ` +
    `${target.lookupsPerCpuS.toLocaleString('en')} per CPU-second (target ≥ 200,000)`,
);
