/**
 * CPU reference for shaders/softmax-cross-entropy.wgsl and shaders/mse.wgsl
 * (with the finish_loss sum of shaders/reductions.wgsl): float64 throughout,
 * outputs rounded to f32. Inputs are [n, cols] row-major; only the first
 * `rows` rows are real samples, the rest get zero loss and zero gradient.
 */

export interface LossReference {
  /** Mean of the per-row losses over real rows. */
  loss: number;
  /** Sum of the per-row losses over real rows (what lossSum accumulates). */
  lossSum: number;
  /** Rows whose first argmax equals the label (cross-entropy only). */
  correct: number;
  /** Gradient of `loss` with respect to the input, rounded to f32. */
  grad: Float32Array;
}

/** Per-row -log softmax(x)[label] as logsumexp - x_label; NaN for an out-of-range label. */
export function crossEntropyRowLoss(x: ArrayLike<number>, base: number, cols: number, label: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, x[base + j]!);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(x[base + j]! - m);
  if (!(label >= 0 && label < cols && Number.isInteger(label))) return NaN;
  return Math.log(s) + (m - x[base + label]!);
}

export function softmaxCrossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, n: number, cols: number,
  rows = n): LossReference {
  const grad = new Float32Array(n * cols);
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const label = labels[r]!;
    lossSum += crossEntropyRowLoss(logits, base, cols, label);
    let m = -Infinity, best = 0;
    for (let j = 0; j < cols; j++) if (logits[base + j]! > m) { m = logits[base + j]!; best = j; }
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(logits[base + j]! - m);
    const valid = label >= 0 && label < cols;
    if (valid && best === label) correct++;
    for (let j = 0; j < cols; j++) {
      grad[base + j] = valid ? (Math.exp(logits[base + j]! - m) / s - (j === label ? 1 : 0)) / rows : NaN;
    }
  }
  return { loss: lossSum / rows, lossSum, correct, grad };
}

/** Keras 'mse': mean over real rows of each row's mean squared error. */
export function mse(pred: ArrayLike<number>, target: ArrayLike<number>, n: number, cols: number, rows = n): LossReference {
  const grad = new Float32Array(n * cols);
  let lossSum = 0;
  for (let r = 0; r < rows; r++) {
    let sumSq = 0;
    for (let j = 0; j < cols; j++) {
      const d = pred[r * cols + j]! - target[r * cols + j]!;
      sumSq += d * d;
      grad[r * cols + j] = 2 * d / (rows * cols);
    }
    lossSum += sumSq / cols;
  }
  return { loss: lossSum / rows, lossSum, correct: 0, grad };
}

export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let r = 0; r < labels.length; r++) {
    const l = labels[r]!;
    if (l >= 0 && l < classes) out[r * classes + l] = 1;
  }
  return out;
}
