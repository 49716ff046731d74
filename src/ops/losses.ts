/**
 * Losses with their gradients, fused (shaders/softmax-cross-entropy.wgsl,
 * shaders/mse.wgsl): one dispatch computes per-row losses and the gradient,
 * a second (finishLoss, shaders/reductions.wgsl) sums the rows into the mean
 * loss and ADDS to optional GPU-side accumulators, so training can count loss
 * and accuracy across steps without reading anything back.
 */
import crossEntropySource from '../../shaders/softmax-cross-entropy.wgsl';
import mseSource from '../../shaders/mse.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { ShapeError } from '../errors.js';
import { checkNumber, checkSameShape, checkTensor, describeShape } from '../shape.js';
import { grid1D } from '../gpu/uniforms.js';
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

export function softmaxCrossEntropy(ctx: KernelContext, logits: Tensor, labels: Tensor,
  options: SoftmaxCrossEntropyOptions = {}): { loss: Tensor<'f32'>; dlogits: Tensor<'f32'> } {
  const fn = 'softmaxCrossEntropy';
  checkTensor(fn, 'logits', logits, ctx, { dtype: 'f32', rank: 2 });
  checkTensor(fn, 'labels', labels, ctx, { dtype: 'i32', rank: 1 });
  const [n, cols] = logits.shape as [number, number];
  if (labels.size !== n) {
    throw new ShapeError(`${fn}: labels must have one entry per row of logits: logits is ${describeShape(logits.shape)}, labels is ${describeShape(labels.shape)}`);
  }
  const o = checkOptions(fn, options, ['lossSum', 'correct', 'rows']);
  const lossSum = checkAccumulator(fn, 'options.lossSum', o.lossSum, ctx);
  const correct = checkAccumulator(fn, 'options.correct', o.correct, ctx);
  const rows = checkRows(fn, o.rows, n);

  const dlogits = ctx.empty([n, cols], 'f32');
  const loss = ctx.empty([1], 'f32');
  const rowLoss = ctx.empty([n], 'f32');
  const rowHit = ctx.empty([n], 'f32');
  ctx.dispatch({
    kernel: CROSS_ENTROPY, entryPoint: 'per_row',
    buffers: { logits: logits.binding, labels: labels.binding, dlogits: dlogits.binding,
      row_loss: rowLoss.binding, row_hit: rowHit.binding },
    uniform: { n, cols, rows, inv_rows: 1 / rows },
    workgroups: grid1D(n, 64),
  });
  finishLoss(ctx, rowLoss, rowHit, rows, { loss, lossSum, correct });
  rowLoss.dispose();
  rowHit.dispose();
  return { loss, dlogits };
}

export function mse(ctx: KernelContext, pred: Tensor, target: Tensor,
  options: MseOptions = {}): { loss: Tensor<'f32'>; dpred: Tensor<'f32'> } {
  const fn = 'mse';
  checkTensor(fn, 'pred', pred, ctx, { dtype: 'f32', rank: 2 });
  checkTensor(fn, 'target', target, ctx, { dtype: 'f32', rank: 2 });
  checkSameShape(fn, 'pred', pred, 'target', target);
  const o = checkOptions(fn, options, ['lossSum', 'rows']);
  const lossSum = checkAccumulator(fn, 'options.lossSum', o.lossSum, ctx);
  const [n, cols] = pred.shape as [number, number];
  const rows = checkRows(fn, o.rows, n);

  const dpred = ctx.empty([n, cols], 'f32');
  const loss = ctx.empty([1], 'f32');
  const rowLoss = ctx.empty([n], 'f32');
  ctx.dispatch({
    kernel: MSE, entryPoint: 'per_row',
    buffers: { pred: pred.binding, targets: target.binding, dpred: dpred.binding, row_loss: rowLoss.binding },
    uniform: { n, cols, rows, grad_scale: 2 / (rows * cols) },
    workgroups: grid1D(n, 64),
  });
  finishLoss(ctx, rowLoss, null, rows, { loss, lossSum });
  rowLoss.dispose();
  return { loss, dpred };
}

export function oneHot(ctx: KernelContext, labels: Tensor, classes: number): Tensor<'f32'> {
  checkTensor('oneHot', 'labels', labels, ctx, { dtype: 'i32', rank: 1 });
  checkNumber('oneHot', 'classes', classes, { integer: true, min: 1, max: 2 ** 31 / labels.size });
  const n = labels.size;
  const out = ctx.empty([n, classes], 'f32');
  ctx.dispatch({
    kernel: MSE, entryPoint: 'one_hot',
    buffers: { labels: labels.binding, out: out.binding },
    uniform: { n, cols: classes, rows: n, grad_scale: 0 },
    workgroups: grid1D(n * classes, 64),
  });
  return out;
}
