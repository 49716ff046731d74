/**
 * Losses with their gradients, fused (shaders/softmax-cross-entropy.wgsl,
 * shaders/mse.wgsl): one dispatch computes per-row losses and the gradient,
 * a second (finishLoss, shaders/reductions.wgsl) sums the rows into the mean
 * loss and ADDS to optional GPU-side accumulators, so training can count loss
 * and accuracy across steps without reading anything back.
 */
import crossEntropySource from '../../shaders/softmax-cross-entropy.wgsl';
import mseSource from '../../shaders/mse.wgsl';
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { ShapeError } from '../errors.js';
import { checkNumber, checkSameShape, checkTensor, describeShape } from '../shape.js';
import { UniformWriter, grid1D } from '../gpu/uniforms.js';
import { checkAccumulator, checkRows, finishLoss } from './reductions.js';
import { checkOptions } from '../options.js';

const CROSS_ENTROPY = { file: 'shaders/softmax-cross-entropy.wgsl', source: crossEntropySource };
const MSE = { file: 'shaders/mse.wgsl', source: mseSource };

export interface SoftmaxCrossEntropyOptions {
  /** f32, size >= 1: element 0 gets the SUM of this batch's per-row losses added. */
  lossSum?: Tensor;
  /** f32, size >= 1: element 0 gets the number of rows whose argmax equals the label added. */
  correct?: Tensor;
  /** Only the first `rows` rows are real samples (default: all). */
  rows?: number;
}

export interface MseOptions {
  /** f32, size >= 1: element 0 gets the sum over real rows of the per-row mean squared error added. */
  lossSum?: Tensor;
  /** Only the first `rows` rows are real samples (default: all). */
  rows?: number;
}

/**
 * Mean cross-entropy of softmax(logits) against integer labels, and its
 * gradient (softmax − onehot) / rows. An out-of-range label makes its row's
 * loss and gradient NaN (see the shader header).
 */
export function softmaxCrossEntropy(engine: Engine, logits: Tensor, labels: Tensor,
  options: SoftmaxCrossEntropyOptions = {}): { loss: Tensor<'f32'>; dlogits: Tensor<'f32'> } {
  const fn = 'softmaxCrossEntropy';
  checkTensor(fn, 'logits', logits, engine, { dtype: 'f32', rank: 2 });
  checkTensor(fn, 'labels', labels, engine, { dtype: 'i32', rank: 1 });
  const [n, cols] = logits.shape as [number, number];
  if (labels.size !== n) {
    throw new ShapeError(`${fn}: labels must have one entry per row of logits: logits is ${describeShape(logits.shape)}, labels is ${describeShape(labels.shape)}`);
  }
  const o = checkOptions(fn, options, ['lossSum', 'correct', 'rows']);
  const lossSum = checkAccumulator(fn, 'options.lossSum', o.lossSum, engine);
  const correct = checkAccumulator(fn, 'options.correct', o.correct, engine);
  const rows = checkRows(fn, o.rows, n);

  const dlogits = engine.empty([n, cols], 'f32');
  const loss = engine.empty([1], 'f32');
  const rowLoss = engine.empty([n], 'f32');
  const rowHit = engine.empty([n], 'f32');
  engine.scheduler.dispatch({
    kernel: engine.registry.pipeline(CROSS_ENTROPY, 'per_row'),
    buffers: { logits: logits.binding, labels: labels.binding, dlogits: dlogits.binding,
      row_loss: rowLoss.binding, row_hit: rowHit.binding },
    uniform: new UniformWriter().u32(n).u32(cols).u32(rows).f32(1 / rows).bytes(),
    workgroups: grid1D(n, 64),
  });
  finishLoss(engine, rowLoss, rowHit, rows, { loss, lossSum, correct });
  rowLoss.dispose();
  rowHit.dispose();
  return { loss, dlogits };
}

/**
 * Mean squared error over all elements of the real rows (Keras 'mse') and its
 * gradient 2 (pred − target) / (rows · cols); padded rows get a zero gradient.
 */
export function mse(engine: Engine, pred: Tensor, target: Tensor,
  options: MseOptions = {}): { loss: Tensor<'f32'>; dpred: Tensor<'f32'> } {
  const fn = 'mse';
  checkTensor(fn, 'pred', pred, engine, { dtype: 'f32', rank: 2 });
  checkTensor(fn, 'target', target, engine, { dtype: 'f32', rank: 2 });
  checkSameShape(fn, 'pred', pred, 'target', target);
  const o = checkOptions(fn, options, ['lossSum', 'rows']);
  const lossSum = checkAccumulator(fn, 'options.lossSum', o.lossSum, engine);
  const [n, cols] = pred.shape as [number, number];
  const rows = checkRows(fn, o.rows, n);

  const dpred = engine.empty([n, cols], 'f32');
  const loss = engine.empty([1], 'f32');
  const rowLoss = engine.empty([n], 'f32');
  engine.scheduler.dispatch({
    kernel: engine.registry.pipeline(MSE, 'per_row'),
    buffers: { pred: pred.binding, targets: target.binding, dpred: dpred.binding, row_loss: rowLoss.binding },
    uniform: new UniformWriter().u32(n).u32(cols).u32(rows).f32(2 / (rows * cols)).bytes(),
    workgroups: grid1D(n, 64),
  });
  finishLoss(engine, rowLoss, null, rows, { loss, lossSum });
  rowLoss.dispose();
  return { loss, dpred };
}

/** [n, classes] f32: row r is 1 at column labels[r], 0 elsewhere (all 0 for an out-of-range label). */
export function oneHot(engine: Engine, labels: Tensor, classes: number): Tensor<'f32'> {
  checkTensor('oneHot', 'labels', labels, engine, { dtype: 'i32', rank: 1 });
  checkNumber('oneHot', 'classes', classes, { integer: true, min: 1, max: 2 ** 31 / labels.size });
  const n = labels.size;
  const out = engine.empty([n, classes], 'f32');
  engine.scheduler.dispatch({
    kernel: engine.registry.pipeline(MSE, 'one_hot'),
    buffers: { labels: labels.binding, out: out.binding },
    uniform: new UniformWriter().u32(n).u32(classes).u32(n).f32(0).bytes(),
    workgroups: grid1D(n * classes, 64),
  });
  return out;
}
