/**
 * The recipe that ties the lessons together, applied to one run's own numbers:
 *
 *   bad on the training set?      -> change the training: a new activation
 *                                    (ReLU, maxout), an adaptive learning rate
 *                                    (RMSprop, Adam), skips for a very deep net;
 *   good on training, bad on
 *   validation?                   -> regularise: early stopping, L2, dropout;
 *   good on both                  -> done (more data or a bigger model next).
 *
 * The order matters: a model that has not fit its training data is not
 * overfitting, and regularisation would only make its training worse. Pure, so
 * the spec can check the branches without a page.
 */

/** One configuration's numbers at the end of its run (the last epoch it finished). */
export interface RunNumbers {
  label: string;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** The lowest validation loss of any epoch (to see validation loss turning up). */
  bestValLoss?: number;
}

export type Branch = 'fix-training' | 'regularise' | 'fine' | 'no-data';

export interface Verdict {
  label: string;
  branch: Branch;
  /** One sentence: the numbers that decided, the branch, and the lessons that show the fix. */
  text: string;
}

/**
 * Below this training accuracy the training itself has failed: on MNIST even
 * a one-layer ReLU net passes it within a few epochs on a couple of thousand images.
 */
export const GOOD_TRAINING_ACCURACY = 0.9;
/** A training-minus-validation accuracy gap above this is overfitting, not noise (1,000 validation images: ±1.5%). */
export const OVERFIT_GAP = 0.03;
/** Validation loss this far above its best epoch has turned up. */
export const VAL_LOSS_RISE = 1.1;

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export const FIX_TRAINING = 'change the training, not the regularisation — a new activation (ReLU: lesson 3, maxout: lesson 4), ' +
  'an adaptive learning rate (lesson 6), residual blocks for a very deep net (lesson 9)';
export const REGULARISE = 'regularise — early stopping or L2 (lesson 7), dropout (lesson 8)';

export function recipeVerdict(run: RunNumbers): Verdict {
  const { label } = run;
  if (run.epochs === 0 || !Number.isFinite(run.trainLoss)) {
    return { label, branch: 'no-data', text: `${label}: no epoch finished, so there are no numbers to judge.` };
  }
  const train = `training accuracy ${pct(run.trainAccuracy)} (loss ${run.trainLoss.toFixed(3)})`;
  if (run.trainAccuracy < GOOD_TRAINING_ACCURACY) {
    return { label, branch: 'fix-training', text: `${label}: ${train} after ${run.epochs} epoch${run.epochs === 1 ? '' : 's'} — ` +
      `bad on the training set itself, so not overfitting: ${FIX_TRAINING}.` };
  }
  if (run.valAccuracy === undefined || run.valLoss === undefined) {
    return { label, branch: 'fine', text: `${label}: ${train} — good on the training set; no validation numbers to check for overfitting.` };
  }
  const gap = run.trainAccuracy - run.valAccuracy;
  const rose = run.bestValLoss !== undefined && run.valLoss > VAL_LOSS_RISE * run.bestValLoss;
  const val = `validation accuracy ${pct(run.valAccuracy)} (loss ${run.valLoss.toFixed(3)}` +
    `${rose ? `, up from its best ${run.bestValLoss!.toFixed(3)}` : ''})`;
  if (gap > OVERFIT_GAP || rose) {
    return { label, branch: 'regularise', text: `${label}: ${train} but ${val} — good on training, worse on validation, so ${REGULARISE}.` };
  }
  return { label, branch: 'fine', text: `${label}: ${train}, ${val} — good on both; more data or a bigger model is the next step.` };
}
