/**
 * Reader for the Solomon VRPTW text format (data/solomon/*.txt):
 *
 *   NAME
 *   VEHICLE / NUMBER CAPACITY / <number> <capacity>
 *   CUSTOMER / header / rows of: CUST NO. XCOORD. YCOORD. DEMAND READY-TIME DUE-DATE SERVICE-TIME
 *
 * The first customer row is the depot. As in the literature, distances are Euclidean and not rounded, travel time
 * equals distance, and the fleet is VEHICLE NUMBER identical vehicles. Locations are indices into caller matrices:
 * index i is the i-th customer row (the depot is 0).
 */
import type { Job, Problem, Vehicle } from '../solver/model.js';
import { euclideanMatrix } from './euclidean.js';
import { lineError, type ParseResult } from './errors.js';

const CUSTOMER_COLUMNS = ['CUST NO.', 'XCOORD.', 'YCOORD.', 'DEMAND', 'READY TIME', 'DUE DATE', 'SERVICE TIME'];

interface CustomerRow {
  line: number;
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
}

function numbersOf(text: string): number[] | undefined {
  const tokens = text.trim().split(/\s+/);
  const values = tokens.map(Number);
  return values.every(Number.isFinite) ? values : undefined;
}

function fail(line: number, reason: string): ParseResult {
  return lineError('malformed_solomon', line, reason);
}

export function parseSolomon(text: string): ParseResult {
  const lines = text.split(/\r?\n/);
  let name: string | undefined;
  let section: 'head' | 'vehicle' | 'customer' = 'head';
  let fleet: { count: number; capacity: number } | undefined;
  let vehicleLine = 0;
  const rows: CustomerRow[] = [];

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const upper = raw.toUpperCase();
    if (upper === 'VEHICLE') {
      section = 'vehicle';
      vehicleLine = lineNo;
      continue;
    }
    if (upper === 'CUSTOMER') {
      if (!fleet) return fail(lineNo, 'CUSTOMER section before the VEHICLE NUMBER/CAPACITY line');
      section = 'customer';
      continue;
    }
    const values = numbersOf(raw);
    if (section === 'head') {
      if (name !== undefined) return fail(lineNo, `unexpected "${raw}" before the VEHICLE section`);
      name = raw;
      continue;
    }
    if (section === 'vehicle') {
      if (!values) {
        if (fleet) return fail(lineNo, `unexpected "${raw}" in the VEHICLE section`);
        continue; // the "NUMBER CAPACITY" header
      }
      if (fleet) return fail(lineNo, 'a second NUMBER/CAPACITY line in the VEHICLE section');
      if (values.length !== 2) return fail(lineNo, `expected 2 numbers (NUMBER CAPACITY), found ${values.length}`);
      const [count, capacity] = values as [number, number];
      if (!Number.isInteger(count) || count < 1) return fail(lineNo, `vehicle NUMBER must be a positive integer, got ${count}`);
      if (capacity < 0) return fail(lineNo, `CAPACITY must not be negative, got ${capacity}`);
      fleet = { count, capacity };
      continue;
    }
    // customer section
    if (!values) {
      if (rows.length === 0) continue; // column header line(s)
      return fail(lineNo, `expected ${CUSTOMER_COLUMNS.length} numbers (${CUSTOMER_COLUMNS.join(', ')}), found "${raw}"`);
    }
    if (values.length !== CUSTOMER_COLUMNS.length) {
      return fail(lineNo, `expected ${CUSTOMER_COLUMNS.length} numbers (${CUSTOMER_COLUMNS.join(', ')}), found ${values.length}`);
    }
    const [id, x, y, demand, ready, due, service] = values as [number, number, number, number, number, number, number];
    if (!Number.isInteger(id) || id < 0) return fail(lineNo, `CUST NO. must be a non-negative integer, got ${id}`);
    if (demand < 0) return fail(lineNo, `DEMAND must not be negative, got ${demand}`);
    if (service < 0) return fail(lineNo, `SERVICE TIME must not be negative, got ${service}`);
    if (due < ready) return fail(lineNo, `DUE DATE ${due} is before READY TIME ${ready}`);
    const dup = rows.find((r) => r.id === id);
    if (dup) return fail(lineNo, `customer ${id} already defined on line ${dup.line}`);
    rows.push({ line: lineNo, id, x, y, demand, ready, due, service });
  }

  if (!fleet) {
    return fail(vehicleLine || lines.length, vehicleLine ? 'missing the NUMBER/CAPACITY line' : 'missing the VEHICLE section');
  }
  if (section !== 'customer') return fail(lines.length, 'missing the CUSTOMER section');
  if (rows.length < 1) return fail(lines.length, 'no customer rows (the first row is the depot)');
  const [depot, ...customers] = rows as [CustomerRow, ...CustomerRow[]];

  const n = rows.length;
  const distances = euclideanMatrix(rows, false);
  const jobs: Job[] = customers.map((c, k) => ({
    id: String(c.id),
    location: { index: k + 1 },
    serviceS: c.service,
    timeWindows: [{ start: c.ready, end: c.due }],
    demand: [c.demand],
  }));
  const vehicles: Vehicle[] = [];
  for (let v = 1; v <= fleet.count; v++) {
    vehicles.push({
      id: String(v),
      start: { index: 0 },
      end: { index: 0 },
      shift: { start: depot.ready, end: depot.due },
      capacity: [fleet.capacity],
    });
  }
  // Travel time equals distance: both matrices share one read-only array.
  const problem: Problem = { jobs, vehicles, matrices: { durations: distances, distances, size: n } };
  return { ok: true, value: { format: 'solomon', ...(name !== undefined ? { name } : {}), problem, options: { objective: 'distance' } } };
}
