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
 *
 * Resuming: `initialEpoch` starts the loop later; the shuffle of each epoch
 * depends only on (model seed, epoch), and the model carries its step counter,
 * so fit from a checkpoint (src/nn/checkpoint.ts) continues bit for bit. If the
 * device is lost, fit rejects with DeviceLostError rather than hang.
 */
import { ValueError } from '../errors.js';
import { ResidentDataset } from '../data/resident-dataset.js';
import type { Callback, EpochLogs, TrainingControl } from './callbacks.js';
import { SeededRandom } from './init.js';
import type { Inputs, Sequential } from './sequential.js';
import { midEpoch } from './checkpoint.js';

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
  /** Train up to this epoch count (default 1). */
  epochs?: number;
  /**
   * Start at this 0-based epoch instead of 0 (Keras's initial_epoch): epochs
   * initialEpoch..epochs−1 run, each shuffled exactly as in an uninterrupted
   * run. Resume from a checkpoint with `initialEpoch: model.epochCount`.
   */
  initialEpoch?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Held-out data evaluated after each epoch (dropout off). */
  validation?: ResidentDataset | { x: Inputs; y: ArrayLike<number> };
  callbacks?: Callback[];
  /** Called each time metrics are read (every `metricsEvery` steps). */
  onBatchEnd?: (logs: BatchLogs) => void;
  /** Awaited before the next epoch starts: `await model.saveCheckpoint()` here saves a checkpoint per epoch. */
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
  const initialEpoch = options.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
    throw new ValueError(`fit: initialEpoch must be an integer in [0, epochs) = [0, ${epochs}), got ${String(options.initialEpoch)}`);
  }
  for (const hook of ['onBatchEnd', 'onEpochEnd'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') throw new ValueError(`fit: ${hook} must be a function, got ${typeof options[hook]}`);
  }
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new ValueError('fit: callbacks must be an array');
  callbacks.forEach((cb, i) => {
    if (!cb || typeof cb !== 'object') throw new ValueError(`fit: callbacks[${i}] must be an object with onEpochEnd/onTrainBegin/onTrainEnd methods, got ${String(cb)}`);
  });
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
    for (let epoch = initialEpoch; epoch < epochs && !control.stopTraining; epoch++) {
      // Seeded by (model seed, epoch) only, so a run resumed at `initialEpoch` shuffles like an uninterrupted one.
      const perm = options.shuffle === false ? null : new SeededRandom((model.seed * 1000003 + epoch) >>> 0).permutation(n);
      engine.write(order, perm ?? Uint32Array.from({ length: n }, (_, i) => i));
      midEpoch.add(model);
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
          pending = { read: observed(model.readMetrics()), step: s + 1, samples: start + rows };
        }
      }
      if (pending) await report(pending);
      const final = { read: observed(model.readMetrics()), step: steps, samples: n };
      await report(final);
      const m = await final.read;
      const seconds = (now() - started) / 1000;
      const logs: EpochLogs = { epoch, loss: m.lossSum / n, accuracy: m.correct / n, seconds, samplesPerSecond: n / seconds };
      if (validation) {
        const v = await model.evaluate(validation.data);
        logs.valLoss = v.loss;
        logs.valAccuracy = v.accuracy;
      }
      midEpoch.delete(model);
      model.epochCount = epoch + 1; // before the callbacks, so a checkpoint saved there records this epoch as done
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
    midEpoch.delete(model);
    order.dispose();
    if (train.owned) train.data.dispose();
    if (validation?.owned) validation.data.dispose();
  }
}

/**
 * A read still in flight when training fails (e.g. the device is lost) would
 * reject with nobody awaiting it: mark it handled now; awaiting it still throws.
 */
function observed<T>(read: Promise<T>): Promise<T> {
  read.catch(() => { /* handled where it is awaited */ });
  return read;
}
