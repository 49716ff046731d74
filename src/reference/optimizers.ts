/**
 * CPU reference for shaders/optimizers.wgsl and shaders/axpy.wgsl: the same
 * in-place updates as plain loops in float64. Every value written back to a
 * state array (weights, velocity, accumulators, moments) is rounded to f32,
 * as the GPU stores it, so the two stay within a few f32 ulps over many steps
 * whether the arrays are Float32Array or Float64Array.
 *
 * Formulas (and the Keras form of momentum / Nesterov): see the header of
 * shaders/optimizers.wgsl. `l2` folds weight decay into the gradient first:
 * g = grad + l2 * w, with w before this step's update.
 */
export type StateArray = Float32Array | Float64Array;

const f32 = Math.fround;

export interface SgdOptions { lr: number; l2?: number }
export interface MomentumOptions { lr: number; momentum: number; nesterov?: boolean; l2?: number }
export interface AdagradOptions { lr: number; eps?: number; l2?: number }
export interface RmspropOptions { lr: number; rho?: number; eps?: number; epsInsideSqrt?: boolean; l2?: number }
export interface AdamOptions { lr: number; beta1?: number; beta2?: number; eps?: number; step: number; l2?: number }

/** w -= lr * (g + l2 w). */
export function sgd(w: StateArray, grads: ArrayLike<number>, options: SgdOptions): void {
  const { lr, l2 = 0 } = options;
  for (let i = 0; i < w.length; i++) {
    const g = grads[i]! + l2 * w[i]!;
    w[i] = f32(w[i]! - lr * g);
  }
}

/** velocity = momentum velocity - lr g; w += velocity, or (Nesterov) w += momentum velocity - lr g. */
export function momentum(w: StateArray, grads: ArrayLike<number>, velocity: StateArray, options: MomentumOptions): void {
  const { lr, momentum: mu, nesterov = false, l2 = 0 } = options;
  for (let i = 0; i < w.length; i++) {
    const g = grads[i]! + l2 * w[i]!;
    const v = mu * velocity[i]! - lr * g;
    velocity[i] = f32(v);
    w[i] = f32(nesterov ? w[i]! + mu * v - lr * g : w[i]! + v);
  }
}

/** accum += g^2; w -= lr g / (sqrt(accum) + eps). */
export function adagrad(w: StateArray, grads: ArrayLike<number>, accum: StateArray, options: AdagradOptions): void {
  const { lr, eps = 1e-7, l2 = 0 } = options;
  for (let i = 0; i < w.length; i++) {
    const g = grads[i]! + l2 * w[i]!;
    const a = accum[i]! + g * g;
    accum[i] = f32(a);
    w[i] = f32(w[i]! - lr * g / (Math.sqrt(a) + eps));
  }
}

/** meanSquare = rho meanSquare + (1 - rho) g^2; w -= lr g / (sqrt(meanSquare) + eps), or / sqrt(meanSquare + eps). */
export function rmsprop(w: StateArray, grads: ArrayLike<number>, meanSquare: StateArray, options: RmspropOptions): void {
  const { lr, rho = 0.9, eps = 1e-7, epsInsideSqrt = false, l2 = 0 } = options;
  for (let i = 0; i < w.length; i++) {
    const g = grads[i]! + l2 * w[i]!;
    const ms = rho * meanSquare[i]! + (1 - rho) * g * g;
    meanSquare[i] = f32(ms);
    const denom = epsInsideSqrt ? Math.sqrt(ms + eps) : Math.sqrt(ms) + eps;
    w[i] = f32(w[i]! - lr * g / denom);
  }
}

/** Adam with bias correction; `step` is 1-based. */
export function adam(w: StateArray, grads: ArrayLike<number>, m: StateArray, v: StateArray, options: AdamOptions): void {
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-7, step, l2 = 0 } = options;
  const bias1 = 1 - beta1 ** step;
  const bias2 = 1 - beta2 ** step;
  for (let i = 0; i < w.length; i++) {
    const g = grads[i]! + l2 * w[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = f32(mi);
    v[i] = f32(vi);
    w[i] = f32(w[i]! - lr * (mi / bias1) / (Math.sqrt(vi / bias2) + eps));
  }
}

/** y += alpha x. */
export function axpy(y: StateArray, x: ArrayLike<number>, alpha: number): void {
  for (let i = 0; i < y.length; i++) y[i] = f32(y[i]! + alpha * x[i]!);
}

/** x *= alpha. */
export function scale(x: StateArray, alpha: number): void {
  for (let i = 0; i < x.length; i++) x[i] = f32(x[i]! * alpha);
}

/** w [rows, cols] row-major: each column whose L2 norm exceeds maxNorm is rescaled to norm maxNorm. */
export function maxNormColumns(w: StateArray, rows: number, cols: number, maxNorm: number): void {
  for (let j = 0; j < cols; j++) {
    let sumSq = 0;
    for (let r = 0; r < rows; r++) sumSq += w[r * cols + j]! ** 2;
    const norm = Math.sqrt(sumSq);
    if (norm <= maxNorm) continue;
    const factor = maxNorm / norm;
    for (let r = 0; r < rows; r++) w[r * cols + j] = f32(w[r * cols + j]! * factor);
  }
}
