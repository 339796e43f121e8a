/**
 * Finds where a closed ring crosses or touches itself. A ring is simple when its only shared points are the
 * joints between consecutive edges; anything else (a crossing, a touch, an edge doubling back over its
 * neighbour) makes point-in-polygon answers ambiguous, so service areas refuse it.
 *
 * Sweep over edges sorted by their west end: an edge is compared only with the edges that start before it ends,
 * so ordinary rings cost about O(n log n) instead of the O(n²) of comparing every pair.
 */

/** Sign of the turn a → b → c: > 0 left, < 0 right, 0 collinear. */
function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** Whether c, known to be collinear with a–b, lies within the closed segment a–b. */
function withinSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

function segmentsIntersect(
  ax: number, ay: number, bx: number, by: number,
  cx: number, cy: number, dx: number, dy: number,
): boolean {
  const o1 = orientation(ax, ay, bx, by, cx, cy);
  const o2 = orientation(ax, ay, bx, by, dx, dy);
  const o3 = orientation(cx, cy, dx, dy, ax, ay);
  const o4 = orientation(cx, cy, dx, dy, bx, by);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  if (o1 === 0 && withinSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && withinSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && withinSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && withinSegment(cx, cy, dx, dy, bx, by)) return true;
  return false;
}

/**
 * Consecutive edges a→b and b→c share b; they overlap (the ring doubles back) when they are collinear and point
 * in opposite directions.
 */
function doublesBack(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  if (orientation(ax, ay, bx, by, cx, cy) !== 0) return false;
  return (bx - ax) * (cx - bx) + (by - ay) * (cy - by) < 0;
}

/**
 * Returns the index pair of the first two edges found that intersect improperly, or null for a simple ring.
 * `xs`/`ys`: the ring's distinct consecutive vertices, without the closing repeat; edge i runs from vertex i to
 * vertex (i + 1) mod n.
 */
export function findSelfIntersection(xs: ArrayLike<number>, ys: ArrayLike<number>): [number, number] | null {
  const n = xs.length;
  if (n < 3) return null;
  // minX[i] / maxX[i]: the west and east ends of edge i.
  const minX = new Float64Array(n);
  const maxX = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    minX[i] = Math.min(xs[i]!, xs[j]!);
    maxX[i] = Math.max(xs[i]!, xs[j]!);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => minX[a]! - minX[b]!);

  for (let s = 0; s < n; s++) {
    const e = order[s]!;
    const eNext = e + 1 === n ? 0 : e + 1;
    const ax = xs[e]!, ay = ys[e]!, bx = xs[eNext]!, by = ys[eNext]!;
    const eMinY = Math.min(ay, by), eMaxY = Math.max(ay, by);
    for (let t = s + 1; t < n; t++) {
      const f = order[t]!;
      if (minX[f]! > maxX[e]!) break;
      const fNext = f + 1 === n ? 0 : f + 1;
      const cx = xs[f]!, cy = ys[f]!, dx = xs[fNext]!, dy = ys[fNext]!;
      if (Math.max(cy, dy) < eMinY || Math.min(cy, dy) > eMaxY) continue;
      if (fNext === e) {
        // f then e: they share vertex e; only a fold back over each other counts.
        if (doublesBack(cx, cy, ax, ay, bx, by)) return [Math.min(e, f), Math.max(e, f)];
        continue;
      }
      if (eNext === f) {
        if (doublesBack(ax, ay, bx, by, dx, dy)) return [Math.min(e, f), Math.max(e, f)];
        continue;
      }
      if (segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy)) return [Math.min(e, f), Math.max(e, f)];
    }
  }
  return null;
}
