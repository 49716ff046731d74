/**
 * CPU reference for shaders/softmax.wgsl: float64 arithmetic, results rounded
 * to f32. `rows` x `cols` row-major.
 */

/** Softmax of each row in float64 (unrounded), for gradient checks. */
export function softmaxRows64(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[base + j]!);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[base + j]! - m);
    for (let j = 0; j < cols; j++) y[base + j] = Math.exp(x[base + j]! - m) / s;
  }
  return y;
}

export function softmax(x: ArrayLike<number>, rows: number, cols: number): Float32Array {
  return Float32Array.from(softmaxRows64(x, rows, cols));
}

/** dx = y (dy - sum_k dy_k y_k) per row. */
export function softmaxBackward(dy: ArrayLike<number>, y: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const dx = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let d = 0;
    for (let j = 0; j < cols; j++) d += dy[base + j]! * y[base + j]!;
    for (let j = 0; j < cols; j++) dx[base + j] = y[base + j]! * (dy[base + j]! - d);
  }
  return dx;
}
