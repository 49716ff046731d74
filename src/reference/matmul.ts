/**
 * CPU reference for shaders/matmul.wgsl: C = act(op(A) op(B) + bias), or
 * C = C_old + op(A) op(B) when accumulating. Plain loops, float64 sums, each
 * result rounded to f32. Transposes are read in place, as on the GPU.
 */
import { activateScalar, type EpilogueActivation } from './activations.js';

export interface MatmulReferenceOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: ArrayLike<number>;
  activation?: EpilogueActivation;
  /** C_old [M, N] to add to the product (the engine's `accumulate`). */
  accumulateInto?: ArrayLike<number>;
}

/**
 * @param a [M, K] row-major, or [K, M] when transposeA
 * @param b [K, N] row-major, or [N, K] when transposeB
 * @returns C [M, N] row-major, f32 (computed in float64 when `precise`)
 */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number,
  options: MatmulReferenceOptions = {}, precise = false): Float32Array | Float64Array {
  const { transposeA = false, transposeB = false, bias, activation = 'linear', accumulateInto } = options;
  const out = precise ? new Float64Array(m * n) : new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = transposeA ? a[p * m + i]! : a[i * k + p]!;
        const bv = transposeB ? b[j * k + p]! : b[p * n + j]!;
        sum += av * bv;
      }
      if (bias) sum += bias[j]!;
      if (accumulateInto) sum += accumulateInto[i * n + j]!;
      out[i * n + j] = activateScalar(activation, sum);
    }
  }
  return out;
}
