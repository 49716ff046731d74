/**
 * Callbacks: the hooks fit() calls, in the shape TensorFlow.js and Keras use,
 * so that callbacks written for those (tfjs-vis's fitCallbacks, a hand-written
 * logger) work unchanged:
 *
 *   onTrainBegin(logs)            once, before the first epoch
 *   onEpochBegin(epoch, logs)     epoch: 0-based index
 *   onBatchBegin(batch, logs)     batch: 0-based index in the epoch
 *   onBatchEnd(batch, logs)
 *   onEpochEnd(epoch, logs)       logs: { loss, accuracy, val_loss?, val_accuracy? }
 *   onTrainEnd(logs)              once, after the last epoch (also after a stop)
 *
 * Metric names are Keras 3's everywhere: `loss`, `accuracy`, `val_loss`,
 * `val_accuracy` (in History.history, in every hook's logs, in evaluate()).
 * A callback stops training with `model.stopTraining = true` (the model is
 * handed to it through `setModel` before onTrainBegin, as in TF.js).
 *
 * Batch hooks never make the CPU wait for the GPU: their logs carry the newest
 * metrics the asynchronous reads have brought back (see BatchLogs).
 *
 * Early stopping is one callback: it watches a metric and stops training when
 * it has not improved by `minDelta` for `patience` epochs, then (by default)
 * puts back the weights of the best epoch.
 */
import { ValueError } from '../errors.js';
import { checkBoolean, checkChoice, checkFinite, checkOptions, describeValue, suggest } from '../options.js';

/** The metrics of one epoch, named as Keras 3 names them. */
export interface EpochLogs {
  loss: number;
  accuracy: number;
  /** Present when fit has validation data. */
  val_loss?: number;
  val_accuracy?: number;
}

/**
 * What a batch hook sees. The loss and accuracy are running means over the
 * first `metricsBatches` batches of this epoch, from the newest asynchronous
 * read that has come back: fit reads the GPU's accumulators every
 * `metricsEvery` steps without waiting, so they trail the current batch by up
 * to about 2 × metricsEvery batches, and are absent until the epoch's first
 * read has arrived.
 */
export interface BatchLogs {
  /** Samples in this batch (the last batch of an epoch may be smaller). */
  size: number;
  loss?: number;
  accuracy?: number;
  /** How many batches of this epoch `loss` and `accuracy` cover (0 before the first read). */
  metricsBatches: number;
}

/** What fit tells callbacks about the run before it starts (Keras's `params`). */
export interface FitParams {
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch. */
  steps: number;
  samples: number;
  batchSize: number;
  verbose: 0 | 1 | 2;
  metricsEvery: number;
}

/**
 * The model as a callback sees it: enough to stop training, evaluate, save a
 * checkpoint at an epoch end (Sequential satisfies it).
 */
export interface CallbackModel {
  stopTraining: boolean;
  /** @internal GPU copy of the weights (early stopping's best weights). */
  snapshotWeights(): void;
  /** @internal Put the copy back. */
  restoreSnapshot(): void;
}

export interface Callback {
  setModel?(model: CallbackModel): void;
  setParams?(params: FitParams): void;
  onTrainBegin?(logs?: Record<string, never>): unknown;
  onTrainEnd?(logs?: EpochLogs | Record<string, never>): unknown;
  onEpochBegin?(epoch: number, logs?: Record<string, never>): unknown;
  onEpochEnd?(epoch: number, logs: EpochLogs): unknown;
  onBatchBegin?(batch: number, logs: BatchLogs): unknown;
  onBatchEnd?(batch: number, logs: BatchLogs): unknown;
}

/** Every hook name a callback may have. */
export const CALLBACK_HOOKS = ['setModel', 'setParams', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/**
 * A callback is an object whose hooks are functions. A plain object may hold
 * nothing but hooks (a misspelt hook, `onEpochEnds`, would otherwise never be
 * called); an instance of a class may hold its own state, but every `onXxx`
 * method it has must be a known hook.
 */
export function checkCallbacks(fn: string, callbacks: unknown): Callback[] {
  if (callbacks === undefined) return [];
  if (!Array.isArray(callbacks)) throw new ValueError(`${fn}: callbacks must be an array of callback objects, got ${describeValue(callbacks)}`);
  callbacks.forEach((cb: unknown, i) => {
    const where = `callbacks[${i}]`;
    if (cb === null || typeof cb !== 'object' || Array.isArray(cb)) {
      throw new ValueError(`${fn}: ${where} must be an object with hooks such as onEpochEnd(epoch, logs), got ${describeValue(cb)}`);
    }
    const proto = Object.getPrototypeOf(cb) as object | null;
    const plain = proto === null || proto === Object.prototype;
    const names = new Set(Object.keys(cb));
    for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor') names.add(name);
    }
    for (const name of names) {
      const known = (CALLBACK_HOOKS as readonly string[]).includes(name);
      if (!known && (plain || /^on[A-Z]/.test(name))) {
        const hint = suggest(name, CALLBACK_HOOKS);
        throw new ValueError(`${fn}: ${where} has an unknown hook "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; ` +
          `expected ${CALLBACK_HOOKS.join(', ')}`);
      }
      const value = (cb as Record<string, unknown>)[name];
      if (known && value !== undefined && typeof value !== 'function') {
        throw new ValueError(`${fn}: ${where}.${name} must be a function, got ${describeValue(value)}`);
      }
    }
  });
  return callbacks as Callback[];
}

// ---- early stopping ------------------------------------------------------------------

export type MonitoredMetric = 'val_loss' | 'val_accuracy' | 'loss' | 'accuracy';

export interface EarlyStoppingOptions {
  /** The metric to watch (default 'val_loss'). */
  monitor?: MonitoredMetric;
  /** Epochs without improvement after which training stops (default 0: the first). */
  patience?: number;
  /** A change smaller than this is not an improvement (default 0). */
  minDelta?: number;
  /** 'min': lower is better; 'max': higher; 'auto' (default): max for accuracies, min for losses. */
  mode?: 'auto' | 'min' | 'max';
  /** When training stops, put back the weights of the best epoch (default true; Keras's default is false). */
  restoreBestWeights?: boolean;
}

const MONITORS: readonly MonitoredMetric[] = ['val_loss', 'val_accuracy', 'loss', 'accuracy'];

export class EarlyStopping implements Callback {
  readonly monitor: MonitoredMetric;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  best = NaN;
  /** 0-based epoch of the best value, -1 before the first epoch. */
  bestEpoch = -1;
  /** 0-based epoch at which training was stopped, -1 if it was not. */
  stoppedEpoch = -1;
  private wait = 0;
  private model: CallbackModel | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const fn = 'earlyStopping';
    checkOptions(fn, options, ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights']);
    this.monitor = checkChoice(fn, 'monitor', options.monitor ?? 'val_loss', MONITORS);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ValueError(`${fn}: patience must be an integer >= 0, got ${describeValue(options.patience)}`);
    this.minDelta = Math.abs(checkFinite(fn, 'minDelta', options.minDelta ?? 0));
    const mode = checkChoice(fn, 'mode', options.mode ?? 'auto', ['auto', 'min', 'max'] as const);
    this.mode = mode === 'auto' ? (this.monitor.endsWith('accuracy') ? 'max' : 'min') : mode;
    this.restoreBestWeights = checkBoolean(fn, 'restoreBestWeights', options.restoreBestWeights, true);
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.wait = 0;
  }

  /** Keras's rule: stop once `patience` epochs in a row brought no improvement. */
  onEpochEnd(epoch: number, logs: EpochLogs): void {
    const v = logs[this.monitor];
    if (v === undefined) throw new ValueError(`earlyStopping: monitors ${this.monitor} but fit() has no validation data`);
    const improved = Number.isNaN(this.best) ||
      (this.mode === 'max' ? v > this.best + this.minDelta : v < this.best - this.minDelta);
    if (improved) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.model?.snapshotWeights();
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      if (this.model) this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestEpoch >= 0 && this.stoppedEpoch >= 0) this.model?.restoreSnapshot();
  }
}

export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}
