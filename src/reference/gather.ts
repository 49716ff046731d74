/** CPU reference for shaders/gather.wgsl: build a batch from a dataset and an order. */
export function gatherBatch(source: Uint8Array | Float32Array, labels: ArrayLike<number>, order: ArrayLike<number>,
  start: number, rows: number, features: number, scale: number): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(rows * features);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const s = order[start + r]!;
    for (let j = 0; j < features; j++) x[r * features + j] = Math.fround(source[s * features + j]! * Math.fround(scale));
    y[r] = labels[s]!;
  }
  return { x, y };
}
