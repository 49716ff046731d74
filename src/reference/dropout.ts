/**
 * CPU reference for shaders/dropout.wgsl: the same Philox stream and the same
 * integer threshold, so the mask matches the GPU's bit for bit.
 */
import { randomU32 } from './random.js';

/** keep iff r >= floor(rate * 2^32): P(keep) = 1 - rate (rate < 1 keeps this <= 2^32 - 1). */
export function dropoutThreshold(rate: number): number {
  return Math.floor(rate * 2 ** 32);
}

/** The value of a kept mask entry, 1 / (1 - rate), rounded to f32 as the GPU sees it. */
export function dropoutScale(rate: number): number {
  return Math.fround(1 / (1 - rate));
}

export function dropoutMask(n: number, rate: number, seed: number, step = 0): Float32Array {
  const threshold = dropoutThreshold(rate);
  const scale = dropoutScale(rate);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = randomU32(seed, step, i) >= threshold ? scale : 0;
  return mask;
}

/** y = x * mask, each product rounded to f32 (as the GPU's f32 multiply). */
export function dropoutForward(x: ArrayLike<number>, rate: number, seed: number, step = 0): { y: Float32Array; mask: Float32Array } {
  const mask = dropoutMask(x.length, rate, seed, step);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i]! * mask[i]!;
  return { y, mask };
}

export function dropoutBackward(dy: ArrayLike<number>, mask: ArrayLike<number>): Float32Array {
  const dx = new Float32Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * mask[i]!;
  return dx;
}
