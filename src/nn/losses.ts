/**
 * Losses on the logits of the last layer. Both record the gradient dlogits and
 * ADD this batch's summed loss and correct count into GPU accumulators, so
 * training reads metrics back only every N steps.
 *
 * - 'softmaxCrossEntropy': fused softmax + cross-entropy; dlogits = (p − onehot)/n.
 *   The pairing matters: the softmax Jacobian cancels against the log, so the
 *   gradient stays large while the prediction is wrong.
 * - 'mse': the square loss on softmax outputs, mean((p − onehot)²). Its gradient
 *   passes through the softmax Jacobian and vanishes when p saturates at a wrong
 *   answer: the lesson "why softmax goes with cross-entropy".
 */
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { ValueError } from '../errors.js';

export type LossName = 'softmaxCrossEntropy' | 'mse';

export function checkLossName(loss: unknown): LossName {
  if (loss !== 'softmaxCrossEntropy' && loss !== 'mse') {
    throw new ValueError(`Sequential: loss must be 'softmaxCrossEntropy' or 'mse', got ${String(loss)}`);
  }
  return loss;
}

export interface LossAccumulators {
  lossSum: Tensor;
  correct: Tensor;
}

/** Records the loss kernels; returns dlogits. Every tensor it creates goes to `scratch`. */
export function recordLoss(engine: Engine, loss: LossName, logits: Tensor, labels: Tensor, classes: number,
  acc: LossAccumulators, scratch: Tensor[]): Tensor {
  if (loss === 'softmaxCrossEntropy') {
    const { loss: mean, dlogits } = engine.softmaxCrossEntropy(logits, labels, { lossSum: acc.lossSum, correct: acc.correct });
    scratch.push(mean, dlogits);
    return dlogits;
  }
  const p = engine.softmax(logits);
  const target = engine.oneHot(labels, classes);
  const { loss: mean, dpred } = engine.mse(p, target, { lossSum: acc.lossSum });
  const dlogits = engine.softmaxBackward(dpred, p);
  const hits = engine.countCorrect(logits, labels);
  engine.axpy(acc.correct, hits, 1);
  scratch.push(p, target, mean, dpred, dlogits, hits);
  return dlogits;
}
