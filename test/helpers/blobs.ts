/** A small synthetic 3-class problem (Gaussian blobs), so training tests need no download. */
import { rng } from './random.js';

export function blobs(n: number, features: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = rng(seed);
  const centers = [0, 1, 2].map(() => Array.from({ length: features }, () => 4 * r() - 2));
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < features; j++) x[i * features + j] = centers[c]![j]! + (r() - 0.5) * 1.5;
  }
  return { x, y };
}
