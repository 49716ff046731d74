/**
 * The training loop behind Sequential.fit().
 *
 * Per epoch: shuffle the sample order on the CPU (seeded), upload it (one small
 * write), then for each mini-batch record one whole training step and submit
 * it (TrainingStep.record, src/nn/training-step.ts: one submit, no readback). Loss and correct
 * counts accumulate on the GPU; the CPU reads them asynchronously every
 * `metricsEvery` steps — awaiting the previous read only then, so the CPU runs
 * at most ~2N steps ahead of the GPU — and once at the end of the epoch.
 * The last partial batch of an epoch is trained with its real size.
 *
 * Callbacks (src/nn/callbacks.ts) are called in TF.js/Keras order; batch hooks
 * get the newest metrics already read, so they never add a GPU wait.
 *
 * One operation on a model at a time: while fit runs the model refuses other
 * training and weight writes (BusyError); only while an epoch-level hook runs
 * (onTrainBegin/End, onEpochBegin/End, including the promise it returns) may
 * evaluate, predict and saveCheckpoint run — that is how a callback evaluates
 * a test set or saves a checkpoint. dispose() during fit stops it (DisposedError). If a hook throws,
 * fit rejects with that error after freeing what it allocated; an epoch left
 * half done keeps saveCheckpoint refusing until an epoch completes or a
 * checkpoint is loaded (resuming from it would not be exact).
 *
 * Schedules (`lrSchedule`, `momentumSchedule`, src/nn/schedules.ts) are
 * functions of (epoch, global step); each step's values are checked, then set
 * on the optimizer, whose one dispatch carries them in its uniforms.
 *
 * Resuming: `initialEpoch` starts the loop later; the shuffle of each epoch
 * depends only on (model seed, epoch), and the model carries its step counter,
 * so fit from a checkpoint (src/nn/checkpoint.ts) continues bit for bit, with
 * the same scheduled values. If the
 * device is lost, fit rejects with DeviceLostError rather than hang.
 */
import { DisposedError, ValueError } from '../errors.js';
import { ResidentDataset } from '../data/resident-dataset.js';
import { checkBoolean, checkFinite, checkOptions, describeValue } from '../options.js';
import { checkCallbacks, type BatchLogs, type Callback, type CallbackModel, type EpochLogs, type FitParams } from './callbacks.js';
import { defaultProgressStream, defaultVerbose, ProgressBar, type ProgressStream } from './progress-bar.js';
import { identityOrder, SeededRandom } from './init.js';
import { StepSchedules, type Schedule } from './schedules.js';
import type { Engine } from '../engine.js';
import type { Inputs } from './inputs.js';
import type { TrainingStep } from './training-step.js';

/**
 * What fit drives: the public front of a model (Sequential) — its training
 * step, its data checks and the one-operation-at-a-time flag. An interface,
 * so that fit does not import the class that calls it.
 */
export interface FitModel extends CallbackModel {
  readonly engine: Engine;
  readonly inputUnits: number;
  readonly seed: number;
  readonly stepCount: number;
  readonly epochCount: number;
  readonly isDisposed: boolean;
  /** @internal */ readonly trainingStep: TrainingStep;
  /** @internal */ activity: null | 'fit' | 'at rest';
  /** @internal */ toDataset(fn: string, x: Inputs, y: ArrayLike<number> | undefined): { data: ResidentDataset; owned: boolean };
  /** @internal */ evaluateInternal(x: Inputs, batchSize: number, y?: ArrayLike<number>): Promise<{ loss: number; accuracy: number }>;
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
  /** Samples per step (default 32). */
  batchSize?: number;
  /** Shuffle the samples each epoch (default true). */
  shuffle?: boolean;
  /** Held-out data evaluated after each epoch (dropout off): gives val_loss and val_accuracy. */
  validation?: ResidentDataset | { x: Inputs; y: ArrayLike<number> };
  /**
   * Keras's validation_split: hold out this fraction of the samples of CPU
   * arrays x, y — the LAST ones, taken before any shuffling — as validation data.
   */
  validationSplit?: number;
  /** TF.js/Keras-shaped callbacks, called in order (src/nn/callbacks.ts). */
  callbacks?: Callback[];
  /**
   * 0 silent; 1 a progress bar redrawn in place (on a terminal; elsewhere as 2);
   * 2 one line per epoch. Default: in Node 1 on a terminal, 2 otherwise; in a browser 0.
   */
  verbose?: 0 | 1 | 2;
  /** Where verbose output goes (default: process.stdout in Node, the console elsewhere). */
  progressStream?: ProgressStream;
  /** Read metrics back every N steps (default 50). Larger N = fewer CPU–GPU syncs, staler batch logs. */
  metricsEvery?: number;
  /** Throw (naming epoch and step) when the loss becomes NaN or infinite (default true). */
  stopOnNaN?: boolean;
  /**
   * The learning rate per step, as a MULTIPLIER of the optimizer's `lr`:
   * `(epoch, step) => number` with the 0-based epoch and the model's global
   * 0-based step (steps trained before this one). Factories: stepDecay,
   * exponentialDecay, cosineDecay, linearRamp (src/nn/schedules.ts).
   */
  lrSchedule?: Schedule;
  /**
   * The momentum per step, as the momentum ITSELF in [0, 1) (e.g.
   * linearRamp({ from: 0.5, to: 0.7, endEpoch: 249 }), pylearn2's
   * MomentumAdjustor). Needs sgd({ lr, momentum }) with momentum > 0.
   */
  momentumSchedule?: Schedule;
}

const FIT_OPTIONS = ['epochs', 'initialEpoch', 'batchSize', 'shuffle', 'validation', 'validationSplit', 'callbacks', 'verbose',
  'progressStream', 'metricsEvery', 'stopOnNaN', 'lrSchedule', 'momentumSchedule'] as const;

/** What fit returns, shaped like Keras's History. */
export interface History {
  /** The 0-based indices of the epochs that ran. */
  epoch: number[];
  /** One value per epoch that ran; val_* only with validation data. */
  history: { loss: number[]; accuracy: number[]; val_loss?: number[]; val_accuracy?: number[] };
  params: FitParams;
  /** True when a callback set `model.stopTraining`. */
  stoppedEarly: boolean;
  /** Training steps (batches) run by this call. */
  steps: number;
}

function positiveInt(name: string, v: unknown, fallback: number): number {
  const value = v ?? fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValueError(`fit: ${name} must be a positive integer, got ${describeValue(v)}`);
  }
  return value;
}

/** Every option checked and defaulted, before anything is allocated. */
function checkFitOptions(model: FitModel, options: FitOptions) {
  checkOptions('fit', options, FIT_OPTIONS);
  const epochs = positiveInt('epochs', options.epochs, 1);
  const batchSize = positiveInt('batchSize', options.batchSize, 32);
  const metricsEvery = positiveInt('metricsEvery', options.metricsEvery, 50);
  const initialEpoch = options.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
    throw new ValueError(`fit: initialEpoch must be an integer in [0, epochs) = [0, ${epochs}), got ${describeValue(options.initialEpoch)}`);
  }
  const verbose = options.verbose ?? defaultVerbose();
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ValueError(`fit: verbose must be 0, 1 or 2, got ${describeValue(options.verbose)}`);
  const stream = options.progressStream;
  if (stream !== undefined && (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function')) {
    throw new ValueError(`fit: progressStream must be an object with a write(text) method, got ${describeValue(stream)}`);
  }
  const v = options.validation;
  if (v !== undefined && !(v instanceof ResidentDataset) && (v === null || typeof v !== 'object' || Array.isArray(v))) {
    throw new ValueError(`fit: validation must be a ResidentDataset or { x, y }, got ${describeValue(v)}`);
  }
  if (v !== undefined && !(v instanceof ResidentDataset)) checkOptions('fit', v, ['x', 'y'], 'validation');
  const validationSplit = options.validationSplit === undefined ? 0
    : checkFinite('fit', 'validationSplit', options.validationSplit, { min: 0, max: 1, maxExclusive: true });
  if (validationSplit > 0 && v !== undefined) throw new ValueError('fit: give either validation or validationSplit, not both');
  const schedules = StepSchedules.from('fit', model.trainingStep.optimizer, options.lrSchedule, options.momentumSchedule);
  // The first step's values now, so a schedule that is wrong from the start fails before anything is allocated.
  schedules?.at('fit', initialEpoch, model.stepCount);
  return {
    schedules,
    epochs, batchSize, metricsEvery, initialEpoch, verbose, validationSplit,
    shuffle: checkBoolean('fit', 'shuffle', options.shuffle, true),
    stopOnNaN: checkBoolean('fit', 'stopOnNaN', options.stopOnNaN, true),
    callbacks: checkCallbacks('fit', options.callbacks),
  };
}

export async function fit(model: FitModel, x: Inputs, y: ArrayLike<number> | undefined, options: FitOptions): Promise<History> {
  // ---- validate everything before any GPU work ---------------------------------
  const o = checkFitOptions(model, options);
  if (o.validationSplit > 0) {
    const { train, held } = splitArrays(model.inputUnits, x, y, o.validationSplit);
    return fit(model, train.x, train.y, { ...options, validationSplit: undefined, validation: held });
  }
  const train = model.toDataset('fit', x, y);
  let validation: { data: ResidentDataset; owned: boolean } | null = null;
  try {
    const v = options.validation;
    if (v) validation = v instanceof ResidentDataset ? model.toDataset('fit validation', v, undefined) : model.toDataset('fit validation', v.x, v.y);
  } catch (err) {
    if (train.owned) train.data.dispose();
    throw err;
  }

  const engine = model.engine;
  const data = train.data;
  const n = data.count;
  const steps = Math.ceil(n / o.batchSize);
  const params: FitParams = {
    epochs: o.epochs, initialEpoch: o.initialEpoch, steps, samples: n, batchSize: o.batchSize, verbose: o.verbose, metricsEvery: o.metricsEvery,
  };
  const callbacks: Callback[] = [...o.callbacks];
  if (o.verbose > 0) callbacks.push(new ProgressBar(options.progressStream ?? defaultProgressStream(), o.verbose as 1 | 2));
  const order = engine.tensor(new Uint32Array(n), [n], 'u32');
  const history: History = { epoch: [], history: { loss: [], accuracy: [] }, params, stoppedEarly: false, steps: 0 };
  if (validation) Object.assign(history.history, { val_loss: [], val_accuracy: [] });

  /** Stop at once if a callback or the app disposed the model. */
  const assertAlive = (where: string) => {
    if (model.isDisposed) throw new DisposedError(`fit: the model was disposed during training (${where}); training stopped`);
  };
  /**
   * Epoch-level hooks run with the model at rest: evaluate/predict/saveCheckpoint
   * are allowed while one runs (and while fit awaits the promise it returns).
   * A hook that returns no promise is not awaited, so fit gives no other code
   * a turn there: a call racing fit from outside a hook still meets BusyError.
   */
  const atRest = async (call: (cb: Callback) => unknown, where: string) => {
    for (const cb of callbacks) {
      model.activity = 'at rest';
      try {
        const r = call(cb);
        if (isPromise(r)) await r;
      } finally {
        model.activity = 'fit';
      }
      assertAlive(where);
    }
  };
  /** Batch hooks: awaited only when one returns a promise (no extra turn of the event loop otherwise). */
  const batchHook = async (call: (cb: Callback) => unknown) => {
    for (const cb of callbacks) {
      const r = call(cb);
      if (isPromise(r)) await r;
    }
  };

  const training = model.trainingStep;
  model.activity = 'fit';
  model.stopTraining = false;
  let lastLogs: EpochLogs | null = null;
  try {
    // With createEngine({ tuning: 'auto' }) (the default), the step's matrix products are
    // timed on this adapter before the first step (each shape class once per engine, or
    // taken from the tuning cache); with 'fixed' this does nothing.
    await engine.autotune(training.matmulShapes([Math.min(o.batchSize, n), n % o.batchSize || o.batchSize]));
    for (const cb of callbacks) { cb.setModel?.(model); cb.setParams?.(params); }
    await atRest((cb) => cb.onTrainBegin?.({}), 'onTrainBegin');
    for (let epoch = o.initialEpoch; epoch < o.epochs && !model.stopTraining; epoch++) {
      await atRest((cb) => cb.onEpochBegin?.(epoch, {}), `onEpochBegin of epoch ${epoch + 1}`);
      // Seeded by (model seed, epoch) only, so a run resumed at `initialEpoch` shuffles like an uninterrupted one.
      const perm = o.shuffle ? new SeededRandom((model.seed * 1000003 + epoch) >>> 0).permutation(n) : null;
      engine.write(order, perm ?? identityOrder(n));
      training.midEpoch = true;
      training.resetMetrics();
      let pending: { read: Promise<{ lossSum: number; correct: number }>; step: number; samples: number } | null = null;
      // The newest metrics read back so far, for the batch hooks.
      const latest = { loss: undefined as number | undefined, accuracy: undefined as number | undefined, batches: 0 };

      const readMetrics = (step: number, samples: number) => {
        const read = observed(training.readMetrics());
        read.then((m) => {
          if (step > latest.batches) Object.assign(latest, { loss: m.lossSum / samples, accuracy: m.correct / samples, batches: step });
        }, () => { /* reported where awaited */ });
        return { read, step, samples };
      };
      const check = async (p: NonNullable<typeof pending>) => {
        const m = await p.read;
        assertAlive(`epoch ${epoch + 1}, step ${p.step} of ${steps}`);
        const loss = m.lossSum / p.samples;
        if (o.stopOnNaN && !Number.isFinite(loss)) {
          throw new ValueError(`fit: the loss became ${loss} at epoch ${epoch + 1}, step ${p.step} of ${steps} ` +
            '(try a smaller learning rate, or check the data)');
        }
        return m;
      };
      const batchLogs = (size: number): BatchLogs => ({ size, loss: latest.loss, accuracy: latest.accuracy, metricsBatches: latest.batches });

      // Keras's rule: stopTraining set by a batch hook ends the epoch after that batch.
      let doneSteps = 0;
      let doneSamples = 0;
      for (let s = 0; s < steps && !model.stopTraining; s++) {
        const start = s * o.batchSize;
        const rows = Math.min(o.batchSize, n - start);
        await batchHook((cb) => cb.onBatchBegin?.(s, batchLogs(rows)));
        assertAlive(`epoch ${epoch + 1}, step ${s + 1} of ${steps}`);
        // The scheduled values go into this step's optimizer uniforms (checked first: a bad value records nothing).
        if (o.schedules) training.optimizer.useStepValues!(o.schedules.at('fit', epoch, training.stepCount));
        training.record(data, order, start, rows);
        history.steps++;
        doneSteps = s + 1;
        doneSamples = start + rows;
        if ((s + 1) % o.metricsEvery === 0 && s + 1 < steps) {
          if (pending) await check(pending);
          pending = readMetrics(s + 1, start + rows);
        }
        await batchHook((cb) => cb.onBatchEnd?.(s, batchLogs(rows)));
      }
      if (pending) await check(pending);
      assertAlive(`epoch ${epoch + 1}, step ${doneSteps} of ${steps}`);
      if (doneSteps === 0) { // stopped before this epoch's first batch: nothing of it was trained
        training.midEpoch = false;
        break;
      }
      const m = await check(readMetrics(doneSteps, doneSamples));
      const logs: EpochLogs = { loss: m.lossSum / doneSamples, accuracy: m.correct / doneSamples };
      const complete = doneSteps === steps;
      if (validation) {
        const v = await model.evaluateInternal(validation.data, 1024);
        logs.val_loss = v.loss;
        logs.val_accuracy = v.accuracy;
      }
      if (complete) {
        training.midEpoch = false;
        training.epochCount = epoch + 1; // before the callbacks, so a checkpoint saved there records this epoch as done
      }
      // A stopped, partial epoch still ends like one (its logs cover the batches it trained,
      // as in Keras), but the model stays mid-epoch: a checkpoint there could not resume exactly.
      lastLogs = logs;
      history.epoch.push(epoch);
      for (const key of Object.keys(logs) as (keyof EpochLogs)[]) history.history[key]!.push(logs[key]!);
      await atRest((cb) => cb.onEpochEnd?.(epoch, { ...logs }), `onEpochEnd of epoch ${epoch + 1}`);
    }
    history.stoppedEarly = model.stopTraining;
    await atRest((cb) => cb.onTrainEnd?.(lastLogs ? { ...lastLogs } : {}), 'onTrainEnd');
    return history;
  } finally {
    model.activity = null;
    // Steps outside fit (trainOnBatch) use the optimizer's own config again.
    if (o.schedules) training.optimizer.useStepValues!(null);
    // Each finished epoch left the model resumable (midEpoch false); a half-done one
    // (a hook threw, the device was lost, a batch hook stopped it) stays marked, so
    // saveCheckpoint keeps refusing it.
    order.dispose();
    if (train.owned) train.data.dispose();
    if (validation?.owned) validation.data.dispose();
  }
}

/** validationSplit: the first floor(n·(1−split)) samples train, the rest validate (Keras's rule). */
function splitArrays(inputs: number, x: Inputs, y: ArrayLike<number> | undefined, split: number) {
  if (x instanceof ResidentDataset) {
    throw new ValueError('fit: validationSplit needs CPU arrays x, y; with a ResidentDataset pass another dataset as validation');
  }
  if (!(x instanceof Float32Array || x instanceof Uint8Array) || y === undefined || x.length !== y.length * inputs) {
    return { train: { x, y }, held: undefined }; // toDataset reports what is wrong with x and y as it does without a split
  }
  const n = y.length;
  const kept = Math.floor(n * (1 - split));
  if (kept < 1 || kept === n) {
    throw new ValueError(`fit: validationSplit ${split} of ${n} samples leaves ${kept} to train and ${n - kept} to validate; both need at least one`);
  }
  const slice = (a: number, b: number) => Array.prototype.slice.call(y, a, b) as number[];
  return {
    train: { x: x.subarray(0, kept * inputs), y: slice(0, kept) },
    held: { x: x.subarray(kept * inputs), y: slice(kept, n) },
  };
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * A read still in flight when training fails (e.g. the device is lost) would
 * reject with nobody awaiting it: mark it handled now; awaiting it still throws.
 */
function observed<T>(read: Promise<T>): Promise<T> {
  read.catch(() => { /* handled where it is awaited */ });
  return read;
}
