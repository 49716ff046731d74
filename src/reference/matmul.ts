/**
 * CPU reference for shaders/matmul.wgsl: C = act(op(A) op(B) + bias), or
 * C = C_old + op(A) op(B) when accumulating. Plain loops, float64 sums, each
 * result rounded to f32. Transposes are read in place, as on the GPU.
 */
import { activateScalar, derivativeFromOutput, type EpilogueActivation } from './activations.js';

export interface MatmulReferenceOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: ArrayLike<number>;
  activation?: EpilogueActivation;
  /** C_old [M, N] to add to the product (the engine's `accumulate`). */
  accumulateInto?: ArrayLike<number>;
  /** Backward gate: multiply each result by gradMask[M, N] (a dropout mask). */
  gradMask?: ArrayLike<number>;
  /** Backward gate: multiply each result by act'(y) from the forward output y [M, N]. */
  activationGrad?: { activation: 'relu' | 'sigmoid' | 'tanh'; output: ArrayLike<number> };
}

/**
 * @param a [M, K] row-major, or [K, M] when transposeA
 * @param b [K, N] row-major, or [N, K] when transposeB
 * @returns C [M, N] row-major, f32 (computed in float64 when `precise`)
 */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number,
  options: MatmulReferenceOptions = {}, precise = false): Float32Array | Float64Array {
  const { transposeA = false, transposeB = false, bias, activation = 'linear', accumulateInto, gradMask, activationGrad } = options;
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
      let v = activateScalar(activation, sum);
      if (gradMask) v *= gradMask[i * n + j]!;
      if (activationGrad) {
        const y = activationGrad.output[i * n + j]!;
        // relu's gate is a select, as on the GPU: a masked unit gives exactly 0 even for inf/NaN.
        v = activationGrad.activation === 'relu' ? (y > 0 ? v : 0) : v * derivativeFromOutput(activationGrad.activation, y);
      }
      out[i * n + j] = v;
    }
  }
  return out;
}

/**
 * The matmul's `columnSumsOut`: s[n] = Σ_k op(B)[k, n], i.e. the product of a
 * row of ones with op(B). For B = dZ that is the bias gradient.
 */
export function columnSumsOfB(b: ArrayLike<number>, k: number, n: number, transposeB = false): Float32Array {
  return matmul(new Float32Array(k).fill(1), b, 1, k, n, { transposeB }) as Float32Array;
}
