/**
 * Reader for the Li & Lim PDPTW text format (data/pdptw/*.txt):
 *
 *   line 1:   K Q S                       — vehicles, capacity, speed
 *   then:     id x y demand ready due service pickup_sibling delivery_sibling
 *
 * Node 0 is the depot (its window is the vehicles' shift). A pickup has a positive demand and names its delivery
 * (delivery_sibling > 0); a delivery has the opposite demand and names its pickup (pickup_sibling > 0). Each
 * pickup/delivery pair becomes one shipment whose id, and its halves' ids, are node numbers: the shipment is named
 * by its pickup node, so solution steps carry the node number as `job`. A node with neither sibling is a plain job
 * (a delivery of its demand). As in the literature, distances are Euclidean and not rounded, and travel time equals
 * distance: the speed column is read and ignored (it is 1 in most published files and 0 in some). Locations are indices into caller matrices: index i is
 * the i-th node row (the depot is 0).
 */
import type { Job, Problem, Shipment, Vehicle } from '../solver/model.js';
import { euclideanMatrix } from './euclidean.js';
import { lineError, type ParseResult } from './errors.js';

const NODE_COLUMNS = ['id', 'x', 'y', 'demand', 'ready', 'due', 'service', 'pickup_sibling', 'delivery_sibling'];

interface NodeRow {
  line: number;
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
  pickupSibling: number;
  deliverySibling: number;
}

function fail(line: number, reason: string): ParseResult {
  return lineError('malformed_lilim', line, reason);
}

export function parseLilim(text: string): ParseResult {
  const lines = text.split(/\r?\n/);
  let fleet: { count: number; capacity: number; line: number } | undefined;
  const rows: NodeRow[] = [];
  const rowOf = new Map<number, NodeRow>();
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const values = raw.split(/\s+/).map(Number);
    if (!values.every(Number.isFinite)) return fail(lineNo, `expected numbers, found "${raw}"`);
    if (!fleet) {
      if (values.length !== 3) return fail(lineNo, `expected 3 numbers (vehicles capacity speed), found ${values.length}`);
      const [count, capacity, speed] = values as [number, number, number];
      if (!Number.isInteger(count) || count < 1) return fail(lineNo, `the vehicle count must be a positive integer, got ${count}`);
      if (capacity < 0) return fail(lineNo, `capacity must not be negative, got ${capacity}`);
      if (speed < 0) return fail(lineNo, `speed must not be negative, got ${speed}`);
      fleet = { count, capacity, line: lineNo };
      continue;
    }
    if (values.length !== NODE_COLUMNS.length) {
      return fail(lineNo, `expected ${NODE_COLUMNS.length} numbers (${NODE_COLUMNS.join(' ')}), found ${values.length}`);
    }
    const [id, x, y, demand, ready, due, service, pickupSibling, deliverySibling] = values as [
      number, number, number, number, number, number, number, number, number,
    ];
    if (!Number.isInteger(id) || id < 0) return fail(lineNo, `node id must be a non-negative integer, got ${id}`);
    if (id !== rows.length) return fail(lineNo, `node ${id} out of order: expected node ${rows.length}`);
    if (service < 0) return fail(lineNo, `service time must not be negative, got ${service}`);
    if (due < ready) return fail(lineNo, `due time ${due} is before ready time ${ready}`);
    if (pickupSibling > 0 && deliverySibling > 0) return fail(lineNo, `node ${id} names both a pickup and a delivery sibling`);
    const row = { line: lineNo, id, x, y, demand, ready, due, service, pickupSibling, deliverySibling };
    rows.push(row);
    rowOf.set(id, row);
  }
  if (!fleet) return fail(lines.length, 'empty file: expected "vehicles capacity speed" on the first line');
  if (rows.length === 0) return fail(lines.length, 'no node rows (node 0 is the depot)');
  const [depot, ...nodes] = rows as [NodeRow, ...NodeRow[]];

  const jobs: Job[] = [];
  const shipments: Shipment[] = [];
  const window = (r: NodeRow) => [{ start: r.ready, end: r.due }];
  for (const r of nodes) {
    if (r.deliverySibling > 0) {
      const d = rowOf.get(r.deliverySibling);
      if (!d || d.id === 0) return fail(r.line, `pickup ${r.id} names delivery ${r.deliverySibling}, which is not a node`);
      if (d.pickupSibling !== r.id) return fail(d.line, `delivery ${d.id} names pickup ${d.pickupSibling}, but pickup ${r.id} names it`);
      if (r.demand < 0) return fail(r.line, `pickup ${r.id} has a negative demand ${r.demand}`);
      if (d.demand !== -r.demand) return fail(d.line, `delivery ${d.id} has demand ${d.demand}, expected ${-r.demand} (minus its pickup's)`);
      shipments.push({
        id: String(r.id),
        pickup: { id: String(r.id), location: { index: r.id }, serviceS: r.service, timeWindows: window(r) },
        delivery: { id: String(d.id), location: { index: d.id }, serviceS: d.service, timeWindows: window(d) },
        amount: [r.demand],
      });
    } else if (r.pickupSibling > 0) {
      const p = rowOf.get(r.pickupSibling);
      if (!p || p.deliverySibling !== r.id) return fail(r.line, `delivery ${r.id} names pickup ${r.pickupSibling}, which does not name it back`);
    } else {
      if (r.demand < 0) return fail(r.line, `node ${r.id} without siblings has a negative demand ${r.demand}`);
      jobs.push({ id: String(r.id), location: { index: r.id }, serviceS: r.service, timeWindows: window(r), demand: [r.demand] });
    }
  }
  const vehicles: Vehicle[] = [];
  for (let v = 1; v <= fleet.count; v++) {
    vehicles.push({
      id: String(v), start: { index: 0 }, end: { index: 0 }, shift: { start: depot.ready, end: depot.due }, capacity: [fleet.capacity],
    });
  }
  // Travel time equals distance: both matrices share one read-only array.
  const distances = euclideanMatrix(rows, false);
  const problem: Problem = { jobs, shipments, vehicles, matrices: { durations: distances, distances, size: rows.length } };
  return { ok: true, value: { format: 'lilim', problem, options: { objective: 'distance' } } };
}
