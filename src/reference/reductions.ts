/**
 * CPU reference for shaders/reductions.wgsl: float64 sums, results rounded to f32.
 */

/** out[j] = sum over the first `rows` rows of x[r, j] (x is [n, cols] row-major). */
export function columnSums(x: ArrayLike<number>, cols: number, rows: number): Float32Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[j]! += x[r * cols + j]!;
  return Float32Array.from(out);
}

/** First column holding the maximum of each row. */
export function argmax(x: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = x[r * cols]!;
    let bestJ = 0;
    for (let j = 1; j < cols; j++) {
      const v = x[r * cols + j]!;
      if (v > best) { best = v; bestJ = j; }
    }
    out[r] = bestJ;
  }
  return out;
}

/** How many of the first `rows` rows have argmax equal to the label. */
export function countCorrect(x: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number): number {
  const am = argmax(x, rows, cols);
  let hits = 0;
  for (let r = 0; r < rows; r++) if (am[r] === labels[r]) hits++;
  return hits;
}
