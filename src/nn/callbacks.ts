/**
 * Callbacks: hooks fit() calls at the end of each epoch. Early stopping is
 * one: it watches a validation metric and stops training when it has not
 * improved by `minDelta` for `patience` epochs, then (by default) puts back
 * the weights of the best epoch — the regularisation the lessons compare with L2.
 */
import { ValueError } from '../errors.js';

export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  samplesPerSecond: number;
}

/** What a callback may ask of the model it is attached to. */
export interface TrainingControl {
  stopTraining: boolean;
  snapshotWeights(): void;
  restoreSnapshot(): void;
}

export interface Callback {
  onTrainBegin?(control: TrainingControl): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, control: TrainingControl): void | Promise<void>;
  onTrainEnd?(control: TrainingControl): void | Promise<void>;
}

export interface EarlyStoppingOptions {
  monitor?: 'val_loss' | 'val_accuracy' | 'loss' | 'accuracy';
  patience?: number;
  minDelta?: number;
  restoreBestWeights?: boolean;
}

export class EarlyStopping implements Callback {
  readonly monitor: NonNullable<EarlyStoppingOptions['monitor']>;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  best = NaN;
  bestEpoch = -1;
  stoppedEpoch = -1;
  private wait = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? 'val_loss';
    if (!['val_loss', 'val_accuracy', 'loss', 'accuracy'].includes(this.monitor)) {
      throw new ValueError(`earlyStopping: monitor must be 'val_loss', 'val_accuracy', 'loss' or 'accuracy', got ${String(this.monitor)}`);
    }
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new ValueError(`earlyStopping: patience must be an integer >= 0, got ${this.patience}`);
    this.minDelta = Math.abs(options.minDelta ?? 0);
    if (!Number.isFinite(this.minDelta)) throw new ValueError(`earlyStopping: minDelta must be finite, got ${options.minDelta}`);
    this.restoreBestWeights = options.restoreBestWeights ?? true;
  }

  private value(logs: EpochLogs): number {
    const v = { val_loss: logs.valLoss, val_accuracy: logs.valAccuracy, loss: logs.loss, accuracy: logs.accuracy }[this.monitor];
    if (v === undefined) throw new ValueError(`earlyStopping: monitors ${this.monitor} but fit() has no validation data`);
    return v;
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.wait = 0;
  }

  onEpochEnd(logs: EpochLogs, control: TrainingControl): void {
    const v = this.value(logs);
    const higherIsBetter = this.monitor.endsWith('accuracy');
    const improved = Number.isNaN(this.best) ||
      (higherIsBetter ? v > this.best + this.minDelta : v < this.best - this.minDelta);
    if (improved) {
      this.best = v;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      if (this.restoreBestWeights) control.snapshotWeights();
      return;
    }
    this.wait++;
    if (this.wait > this.patience) {
      this.stoppedEpoch = logs.epoch;
      control.stopTraining = true;
    }
  }

  onTrainEnd(control: TrainingControl): void {
    if (this.restoreBestWeights && this.bestEpoch >= 0 && this.stoppedEpoch >= 0) control.restoreSnapshot();
  }
}

export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

/** Prints one progress line per epoch (Node: stdout; browser: console). */
export function progressLogger(print: (line: string) => void = (l) => console.log(l)): Callback {
  return {
    onEpochEnd(logs) {
      const val = logs.valLoss !== undefined ? ` val_loss ${logs.valLoss.toFixed(4)} val_acc ${(100 * logs.valAccuracy!).toFixed(2)}%` : '';
      print(`epoch ${logs.epoch + 1}: loss ${logs.loss.toFixed(4)} acc ${(100 * logs.accuracy).toFixed(2)}%${val} ` +
        `(${logs.seconds.toFixed(1)} s, ${Math.round(logs.samplesPerSecond)} samples/s)`);
    },
  };
}
