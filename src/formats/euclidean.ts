/** Square Euclidean distance matrices for the benchmark formats (row-major, index i*n+j). */

export interface Point {
  x: number;
  y: number;
}

/** Row-major n×n Euclidean distances; `round` applies TSPLIB's nearest-integer rule (EUC_2D). */
export function euclideanMatrix(points: readonly Point[], round: boolean): Float64Array {
  const n = points.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = points[j]!;
      const exact = Math.hypot(a.x - b.x, a.y - b.y);
      const d = round ? Math.round(exact) : exact;
      out[i * n + j] = d;
      out[j * n + i] = d;
    }
  }
  return out;
}
