/**
 * The training loop behind Sequential.fit().
 *
 * Per epoch: shuffle the sample order on the CPU (seeded), upload it (one small
 * write), then for each mini-batch record one whole training step and submit
 * it (model.recordTrainingStep: one submit, no readback). Loss and correct
 * counts accumulate on the GPU; the CPU reads them asynchronously every
 * `metricsEvery` steps — awaiting the previous read only then, so the CPU runs
 * at most ~2N steps ahead of the GPU — and once at the end of the epoch.
 * The last partial batch of an epoch is trained with its real size.
 */
import { ValueError } from '../errors.js';
import { ResidentDataset } from '../data/resident-dataset.js';
import type { Callback, EpochLogs, TrainingControl } from './callbacks.js';
import { SeededRandom } from './init.js';
import type { Inputs, Sequential } from './sequential.js';

export interface BatchLogs {
  epoch: number;
  /** Steps done in this epoch, and the epoch's total. */
  step: number;
  steps: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
  /** Seconds left in this epoch at the current speed. */
  etaSeconds: number;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Held-out data evaluated after each epoch (dropout off). */
  validation?: ResidentDataset | { x: Inputs; y: ArrayLike<number> };
  callbacks?: Callback[];
  /** Called each time metrics are read (every `metricsEvery` steps). */
  onBatchEnd?: (logs: BatchLogs) => void;
  onEpochEnd?: (logs: EpochLogs) => void | Promise<void>;
  /** Read metrics back every N steps (default 50). Larger N = fewer CPU–GPU syncs. */
  metricsEvery?: number;
  /** Throw (naming epoch and step) when the loss becomes NaN or infinite (default true). */
  stopOnNaN?: boolean;
}

export interface History {
  epochs: EpochLogs[];
  /** Keras-style series. */
  history: { loss: number[]; accuracy: number[]; val_loss: number[]; val_accuracy: number[] };
  stoppedEarly: boolean;
  steps: number;
}

function positiveInt(name: string, v: unknown, fallback: number): number {
  const value = v ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`fit: ${name} must be a positive integer, got ${String(v)}`);
  }
  return value;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function fit(model: Sequential, x: Inputs, y: ArrayLike<number> | undefined, options: FitOptions): Promise<History> {
  // ---- validate everything before any GPU work ---------------------------------
  const epochs = positiveInt('epochs', options.epochs, 1);
  const batchSize = positiveInt('batchSize', options.batchSize, 32);
  const metricsEvery = positiveInt('metricsEvery', options.metricsEvery, 50);
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new ValueError('fit: callbacks must be an array');
  const stopOnNaN = options.stopOnNaN ?? true;

  const train = model.toDataset('fit', x, y);
  let validation: { data: ResidentDataset; owned: boolean } | null = null;
  try {
    if (options.validation) {
      const v = options.validation;
      validation = v instanceof ResidentDataset ? model.toDataset('fit validation', v, undefined)
        : model.toDataset('fit validation', v.x, v.y);
    }
  } catch (err) {
    if (train.owned) train.data.dispose();
    throw err;
  }

  const engine = model.engine;
  const data = train.data;
  const n = data.count;
  const steps = Math.ceil(n / batchSize);
  const order = engine.tensor(new Uint32Array(n), [n], 'u32');
  const control: TrainingControl = {
    stopTraining: false,
    snapshotWeights: () => model.snapshotWeights(),
    restoreSnapshot: () => model.restoreSnapshot(),
  };
  const history: History = { epochs: [], history: { loss: [], accuracy: [], val_loss: [], val_accuracy: [] }, stoppedEarly: false, steps: 0 };

  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(control);
    for (let epoch = 0; epoch < epochs && !control.stopTraining; epoch++) {
      const perm = options.shuffle === false ? null : new SeededRandom((model.seed * 1000003 + epoch) >>> 0).permutation(n);
      engine.write(order, perm ?? Uint32Array.from({ length: n }, (_, i) => i));
      model.resetMetrics();
      const started = now();
      let pending: { read: Promise<{ lossSum: number; correct: number }>; step: number; samples: number } | null = null;

      const report = async (p: NonNullable<typeof pending>) => {
        const m = await p.read;
        const loss = m.lossSum / p.samples;
        if (stopOnNaN && !Number.isFinite(loss)) {
          throw new ValueError(`fit: the loss became ${loss} at epoch ${epoch + 1}, step ${p.step} of ${steps} ` +
            '(try a smaller learning rate, or check the data)');
        }
        const seconds = (now() - started) / 1000;
        const sps = p.samples / Math.max(seconds, 1e-9);
        options.onBatchEnd?.({ epoch, step: p.step, steps, loss, accuracy: m.correct / p.samples,
          samplesPerSecond: sps, etaSeconds: (n - p.samples) / sps });
      };

      for (let s = 0; s < steps; s++) {
        const start = s * batchSize;
        const rows = Math.min(batchSize, n - start);
        model.recordTrainingStep(data, order, start, rows);
        history.steps++;
        if ((s + 1) % metricsEvery === 0 && s + 1 < steps) {
          if (pending) await report(pending);
          pending = { read: model.readMetrics(), step: s + 1, samples: start + rows };
        }
      }
      if (pending) await report(pending);
      const final = { read: model.readMetrics(), step: steps, samples: n };
      await report(final);
      const m = await final.read;
      const seconds = (now() - started) / 1000;
      const logs: EpochLogs = { epoch, loss: m.lossSum / n, accuracy: m.correct / n, seconds, samplesPerSecond: n / seconds };
      if (validation) {
        const v = await model.evaluate(validation.data);
        logs.valLoss = v.loss;
        logs.valAccuracy = v.accuracy;
      }
      history.epochs.push(logs);
      history.history.loss.push(logs.loss);
      history.history.accuracy.push(logs.accuracy);
      if (logs.valLoss !== undefined) {
        history.history.val_loss.push(logs.valLoss);
        history.history.val_accuracy.push(logs.valAccuracy!);
      }
      for (const cb of callbacks) await cb.onEpochEnd?.(logs, control);
      await options.onEpochEnd?.(logs);
    }
    history.stoppedEarly = control.stopTraining;
    for (const cb of callbacks) await cb.onTrainEnd?.(control);
    return history;
  } finally {
    order.dispose();
    if (train.owned) train.data.dispose();
    if (validation?.owned) validation.data.dispose();
  }
}
