/**
 * CPU reference for shaders/maxout.wgsl. x is [rows, units * pieces] row-major.
 */
export function maxout(x: ArrayLike<number>, pieces: number): { y: Float32Array; argmax: Uint32Array } {
  const outputs = x.length / pieces;
  const y = new Float32Array(outputs);
  const argmax = new Uint32Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let best = x[o * pieces]!;
    let bestK = 0;
    for (let k = 1; k < pieces; k++) {
      const v = x[o * pieces + k]!;
      if (v > best) { best = v; bestK = k; }
    }
    y[o] = best;
    argmax[o] = bestK;
  }
  return { y, argmax };
}

export function maxoutBackward(dy: ArrayLike<number>, argmax: ArrayLike<number>, pieces: number): Float32Array {
  const dx = new Float32Array(dy.length * pieces);
  for (let o = 0; o < dy.length; o++) dx[o * pieces + argmax[o]!] = dy[o]!;
  return dx;
}
