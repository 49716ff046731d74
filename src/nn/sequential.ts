/**
 * Sequential: a model as a list of layers (blocks such as residual() nest
 * their own lists), trained with mini-batches entirely on the GPU.
 *
 * A thin front: the training step itself — flat parameter and gradient
 * buffers, stages, metric accumulators, record() — is src/nn/training-step.ts;
 * fit.ts, checkpoint.ts, safetensors.ts and summary.ts do the rest. Here: the
 * checks of every public call, and the one-operation-at-a-time rule.
 */
import type { Engine } from '../engine.js';
import { Tensor } from '../tensor.js';
import { BusyError, DisposedError, ShapeError, ValueError } from '../errors.js';
import { checkBoolean, checkChoice, checkFinite, checkOptions, describeValue } from '../options.js';
import { checkTensor } from '../shape.js';
import { ResidentDataset } from '../data/resident-dataset.js';
import { checkLayerSpec, type LayerSpec } from './layers/index.js';
import { ALIGN, type ParameterEntry } from './layer-plan.js';
import { TrainingStep } from './training-step.js';
import { identityOrder } from './init.js';
import type { Inputs } from './inputs.js';
import { checkLossName, type LossName } from './losses.js';
import { rmsprop, type Optimizer } from './optimizers.js';
import { fit, type FitOptions, type History } from './fit.js';
import {
  applyCheckpoint, decodeCheckpoint, decodeWeights, encodeCheckpoint, encodeWeights,
  type Checkpoint, type SavedWeights,
} from './checkpoint.js';
import { modelSummary } from './summary.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsLoadOptions, type SafetensorsSaveOptions } from './safetensors.js';

export type { WeightsManifest, SavedWeights, Checkpoint, CheckpointManifest } from './checkpoint.js';
export type { ParameterEntry } from './layer-plan.js';

export interface SequentialOptions {
  loss?: LossName;
  optimizer?: Optimizer;
  /** Seeds initialisation, shuffling and dropout masks (default 1). */
  seed?: number;
}

export type { Inputs } from './inputs.js';

/** What predict returns: logits, or their softmax (the default). */
export type PredictOutput = 'probabilities' | 'logits';

export interface PredictOptions {
  /** 'probabilities' (softmax of the logits, the default) or 'logits' (the last layer's raw output). */
  output?: PredictOutput;
  /** Rows per forward pass for CPU arrays and datasets (default 1024). */
  batchSize?: number;
}

/** predict's result for CPU arrays and datasets: row-major [n, classes]. */
export interface Prediction {
  data: Float32Array;
  shape: [number, number];
}

/** trainOnBatch's options: which samples of the dataset form the batch. */
export interface TrainOnBatchOptions {
  /** The batch is samples order[start .. start + batchSize) (u32 sample indices), or start .. start + batchSize in stored order. */
  order?: Tensor;
  start?: number;
  batchSize: number;
}

/**
 * The one-operation-at-a-time rule (see fit.ts): what each public call may do
 * while fit runs. 'always': reads queued behind the training work (getWeights,
 * saveWeights, saveSafetensors); 'at rest': only while fit awaits an epoch-level
 * callback (evaluate, predict, saveCheckpoint); 'never': training and writes.
 */
type DuringFit = 'always' | 'at rest' | 'never';

export class Sequential {
  /** The layers, checked and with every default filled in. */
  readonly layers: readonly LayerSpec[];
  readonly inputUnits: number;
  readonly classes: number;
  readonly loss: LossName;
  readonly optimizer: Optimizer;
  readonly seed: number;
  readonly parameters: readonly ParameterEntry[];
  /** Trainable parameters, exactly (weights and biases; no padding). */
  readonly parameterCount: number;
  /** Floats in the flat parameter buffer: parameterCount plus the padding that aligns each tensor. */
  readonly parameterBufferLength: number;
  /** Output units of each (top-level) layer, in `layers` order. */
  readonly outputUnits: readonly number[];
  /** Set to true (e.g. from a callback) to stop fit after the current epoch, as in Keras and TF.js. */
  stopTraining = false;
  /** @internal What fit is doing with this model: null (idle), 'fit' (stepping) or 'at rest' (awaiting an epoch-level callback). */
  activity: null | 'fit' | 'at rest' = null;
  /** @internal The training step: flat buffers, stages, metrics, record(). */
  readonly trainingStep: TrainingStep;
  private disposed = false;

  constructor(readonly engine: Engine, layers: LayerSpec[], options: SequentialOptions = {}) {
    if (!Array.isArray(layers) || layers.length === 0) throw new ValueError(`Sequential: layers must be a non-empty array, got ${describeValue(layers)}`);
    const checked = layers.map((spec, i) => checkLayerSpec(spec, i));
    checkOptions('Sequential', options, ['loss', 'optimizer', 'seed']);
    this.loss = checkLossName(options.loss ?? 'softmaxCrossEntropy');
    this.seed = checkFinite('Sequential', 'seed', options.seed ?? 1, { integer: true });
    const opt = options.optimizer as Partial<Optimizer> | undefined;
    if (opt !== undefined && (opt === null || typeof opt !== 'object' || typeof opt.init !== 'function' || typeof opt.apply !== 'function')) {
      throw new ValueError(`Sequential: optimizer must be an optimizer such as rmsprop({ lr: 1e-3 }), got ${describeValue(opt)}`);
    }
    this.optimizer = options.optimizer ?? rmsprop();
    this.trainingStep = new TrainingStep(engine, checked, { loss: this.loss, seed: this.seed, optimizer: this.optimizer });
    const plan = this.trainingStep.plan;
    this.layers = checked;
    this.inputUnits = plan.inputUnits;
    this.classes = plan.outputUnits;
    this.parameters = plan.parameters;
    this.parameterCount = plan.parameterCount;
    this.parameterBufferLength = plan.bufferLength;
    this.outputUnits = plan.layers.map((l) => l.outUnits);
  }

  /** Steps trained so far (the optimizer's step counter, 1-based in updates). */
  get stepCount(): number { return this.trainingStep.stepCount; }
  /** Epochs completed by fit (its epoch index + 1); a checkpoint saves it for `initialEpoch`. */
  get epochCount(): number { return this.trainingStep.epochCount; }

  /** True after dispose(). */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertUsable(fn: string, duringFit: DuringFit = 'never'): void {
    if (this.disposed) throw new DisposedError(`${fn}: this model was disposed`);
    this.engine.assertAlive();
    if (this.activity === null || duringFit === 'always' || (duringFit === 'at rest' && this.activity === 'at rest')) return;
    throw new BusyError(duringFit === 'at rest'
      ? `${fn}: fit is running on this model; one operation on a model at a time: ` +
        'call it from an epoch-level callback (onEpochEnd, onEpochBegin, onTrainBegin, onTrainEnd) or after fit has finished'
      : `${fn}: fit is running on this model; one operation on a model at a time: await fit first`);
  }

  /** Upload CPU arrays as a resident dataset (validated first), or pass one through. */
  toDataset(fn: string, x: Inputs, y: ArrayLike<number> | undefined): { data: ResidentDataset; owned: boolean } {
    if (x instanceof ResidentDataset) {
      x.check(fn, this.engine);
      if (x.features !== this.inputUnits) throw new ShapeError(`${fn}: dataset has ${x.features} features, the model takes ${this.inputUnits}`);
      if (x.classes > this.classes) throw new ShapeError(`${fn}: dataset has ${x.classes} classes, the model outputs ${this.classes}`);
      return { data: x, owned: false };
    }
    if (y === undefined) throw new ValueError(`${fn}: y (labels) is required with array inputs`);
    return {
      data: ResidentDataset.upload(this.engine, x, y, this.inputUnits, { classes: this.classes, name: `${fn}` }),
      owned: true,
    };
  }

  // ---- public API -------------------------------------------------------------------

  /** Train with mini-batches. See FitOptions; returns the per-epoch history. */
  fit(x: Inputs, y?: ArrayLike<number> | FitOptions, options?: FitOptions): Promise<History> {
    this.assertUsable('fit');
    const labels = Array.isArray(y) || ArrayBuffer.isView(y);
    if (x instanceof ResidentDataset && !labels) {
      if (options !== undefined) throw new ValueError('fit: with a ResidentDataset the options come second: fit(dataset, options)');
      return fit(this, x, undefined, (y as FitOptions | undefined) ?? {});
    }
    return fit(this, x, y as ArrayLike<number>, options ?? {});
  }

  /**
   * One training step — what fit runs per batch: gather the batch on the GPU,
   * forward, loss, backward, the optimizer's update — recorded and submitted at
   * once, with no readback (metrics accumulate on the GPU; `evaluate` reads
   * the model's quality). The batch is samples `order[start .. start + batchSize)`
   * of a resident dataset (or `start ..` in stored order). For benchmarks and
   * custom loops; returns nothing, so nothing waits for the GPU.
   */
  trainOnBatch(data: ResidentDataset, options: TrainOnBatchOptions): void {
    this.assertUsable('trainOnBatch');
    const o = checkOptions('trainOnBatch', options, ['order', 'start', 'batchSize']);
    if (!(data instanceof ResidentDataset)) throw new ValueError(`trainOnBatch: data must be a ResidentDataset, got ${describeValue(data)}`);
    this.toDataset('trainOnBatch', data, undefined);
    const batchSize = checkFinite('trainOnBatch', 'batchSize', o.batchSize, { integer: true, min: 1 });
    const start = checkFinite('trainOnBatch', 'start', o.start ?? 0, { integer: true, min: 0 });
    if (o.order !== undefined) {
      checkTensor('trainOnBatch', 'order', o.order, this.engine, { dtype: 'u32', rank: 1 });
      if (start + batchSize > o.order.size) {
        throw new ShapeError(`trainOnBatch: start ${start} + batchSize ${batchSize} is past the end of order (${o.order.size} indices)`);
      }
      this.trainingStep.record(data, o.order, start, batchSize);
      return;
    }
    if (start + batchSize > data.count) {
      throw new ShapeError(`trainOnBatch: start ${start} + batchSize ${batchSize} is past the end of the dataset (${data.count} samples)`);
    }
    const order = this.engine.tensor(identityOrder(data.count), [data.count], 'u32');
    try {
      this.trainingStep.record(data, order, start, batchSize);
    } finally {
      order.dispose();
    }
  }

  /** Mean loss and accuracy over a dataset, dropout off: `{ loss, accuracy }` (Keras's names). */
  async evaluate(x: Inputs, y?: ArrayLike<number>, options: { batchSize?: number } = {}): Promise<{ loss: number; accuracy: number }> {
    this.assertUsable('evaluate', 'at rest');
    checkOptions('evaluate', options, ['batchSize']);
    return this.evaluateInternal(x, options.batchSize ?? 1024, y);
  }

  /** @internal evaluate without the busy check (fit's validation). */
  async evaluateInternal(x: Inputs, batchSize: number, y?: ArrayLike<number>): Promise<{ loss: number; accuracy: number }> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new ValueError(`evaluate: batchSize must be a positive integer, got ${describeValue(batchSize)}`);
    const { data, owned } = this.toDataset('evaluate', x, y);
    const engine = this.engine;
    const step = this.trainingStep;
    const order = engine.tensor(identityOrder(data.count), [data.count], 'u32');
    const metrics = engine.zeros([2 * ALIGN]);
    const lossSum = engine.view(metrics, 0, [1]);
    const correct = engine.view(metrics, ALIGN, [1]);
    try {
      for (let start = 0; start < data.count; start += batchSize) {
        const rows = Math.min(batchSize, data.count - start);
        const ctx = step.context(false, 0);
        const { x: bx, y: by } = step.gather(ctx, data, order, start, rows);
        step.recordLossOnly(ctx, bx, by, { lossSum, correct });
        for (const t of ctx.scratch) t.dispose();
        engine.flush();
      }
      const m = await metrics.read();
      return { loss: m[0]! / data.count, accuracy: m[ALIGN]! / data.count };
    } finally {
      metrics.dispose();
      order.dispose();
      if (owned) data.dispose();
    }
  }

  /**
   * The model's output for each row, dropout off: class probabilities (softmax
   * of the logits, the default) or the logits themselves (`output: 'logits'`).
   *  - x a Tensor [n, inputs] (f32, this engine): returns a new Tensor [n, classes]
   *    on the GPU, computed in one pass; the caller disposes it.
   *  - x a Float32Array or Uint8Array of n × inputs values (row-major; u8 pixels
   *    are scaled by 1/255 as in fit), or a ResidentDataset: returns
   *    `{ data, shape: [n, classes] }` on the CPU, computed `batchSize` rows at a time.
   */
  predict(x: Tensor, options?: PredictOptions): Promise<Tensor<'f32'>>;
  predict(x: Float32Array | Uint8Array | ResidentDataset, options?: PredictOptions): Promise<Prediction>;
  async predict(x: Tensor | Inputs, options: PredictOptions = {}): Promise<Tensor<'f32'> | Prediction> {
    this.assertUsable('predict', 'at rest');
    checkOptions('predict', options, ['output', 'batchSize']);
    const output = checkChoice('predict', 'output', options.output ?? 'probabilities', ['probabilities', 'logits'] as const);
    const batchSize = options.batchSize ?? 1024;
    if (typeof batchSize !== 'number' || !Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`predict: batchSize must be a positive integer, got ${describeValue(options.batchSize)}`);
    }
    const engine = this.engine;
    const step = this.trainingStep;
    if (x instanceof Tensor) {
      checkTensor('predict', 'x', x, engine, { dtype: 'f32', rank: 2 });
      if (x.shape[1] !== this.inputUnits) {
        throw new ShapeError(`predict: x is [${x.shape.join(',')}]; the model takes [n, ${this.inputUnits}]`);
      }
      const ctx = step.context(false, 0);
      const logits = step.forward(ctx, x);
      // The logits may be x itself only if the model had no layer: never (a dense layer is required).
      const result = output === 'logits' ? logits : engine.softmax(logits);
      for (const t of ctx.scratch) if (t !== result) t.dispose();
      engine.flush();
      return result as Tensor<'f32'>;
    }
    let dataset: ResidentDataset;
    let owned = false;
    if (x instanceof ResidentDataset) {
      dataset = this.toDataset('predict', x, undefined).data;
    } else {
      if (!(x instanceof Float32Array) && !(x instanceof Uint8Array)) {
        throw new ValueError(`predict: x must be a Tensor, a Float32Array, a Uint8Array or a ResidentDataset, got ${describeValue(x)}`);
      }
      if (x.length % this.inputUnits !== 0 || x.length === 0) {
        throw new ShapeError(`predict: x has ${x.length} values, not a multiple of the model's ${this.inputUnits} inputs`);
      }
      const n = x.length / this.inputUnits;
      dataset = ResidentDataset.upload(engine, x, new Int32Array(n), this.inputUnits, { classes: this.classes, name: 'predict' });
      owned = true;
    }
    const order = engine.tensor(identityOrder(dataset.count), [dataset.count], 'u32');
    const out = new Float32Array(dataset.count * this.classes);
    try {
      const reads: Promise<void>[] = [];
      for (let start = 0; start < dataset.count; start += batchSize) {
        const rows = Math.min(batchSize, dataset.count - start);
        const ctx = step.context(false, 0);
        const { x: bx } = step.gather(ctx, dataset, order, start, rows);
        const logits = step.forward(ctx, bx);
        const result = output === 'logits' ? logits : engine.softmax(logits);
        const at = start * this.classes;
        reads.push(result.read().then((p) => { out.set(p as Float32Array, at); }));
        for (const t of ctx.scratch) if (t !== result) t.dispose();
        result.dispose(); // the read above was queued first: the pool keeps the buffer until it is done
      }
      await Promise.all(reads);
      return { data: out, shape: [dataset.count, this.classes] };
    } finally {
      order.dispose();
      if (owned) dataset.dispose();
    }
  }

  /**
   * Loss and flat gradients (packed in `parameters` order) for one batch, without
   * updating anything. `training: true` applies dropout with the mask of `step`.
   */
  async computeGradients(x: Float32Array, y: ArrayLike<number>, options: { training?: boolean; step?: number } = {}): Promise<{ loss: number; gradients: Float32Array }> {
    this.assertUsable('computeGradients');
    checkOptions('computeGradients', options, ['training', 'step']);
    const training = checkBoolean('computeGradients', 'training', options.training, false);
    const stepNumber = checkFinite('computeGradients', 'step', options.step ?? 1, { integer: true, min: 0 });
    const { data, owned } = this.toDataset('computeGradients', x, y);
    const engine = this.engine;
    const step = this.trainingStep;
    const order = engine.tensor(identityOrder(data.count), [data.count], 'u32');
    try {
      step.resetMetrics();
      const ctx = step.context(training, stepNumber);
      const batch = step.gather(ctx, data, order, 0, data.count);
      step.gradients(ctx, batch.x, batch.y);
      for (const t of ctx.scratch) t.dispose();
      const [m, g] = await Promise.all([step.readMetrics(), step.flatGrads.read()]);
      step.resetMetrics();
      return { loss: m.lossSum / data.count, gradients: step.pack(g) };
    } finally {
      order.dispose();
      if (owned) data.dispose();
    }
  }

  /** All parameters, packed back to back in `parameters` order. */
  async getWeights(): Promise<Float32Array> {
    this.assertUsable('getWeights', 'always');
    return this.trainingStep.pack(await this.trainingStep.flatParams.read());
  }

  /** Replace all parameters from a packed array (as getWeights returns). */
  setWeights(packed: Float32Array): void {
    this.assertUsable('setWeights');
    const total = this.parameterCount;
    if (!(packed instanceof Float32Array)) {
      throw new ValueError(`setWeights: expected a Float32Array of ${total} values, got ${describeValue(packed)}`);
    }
    if (packed.length !== total) throw new ShapeError(`setWeights: expected a Float32Array of ${total} values, got ${packed.length}`);
    this.trainingStep.writeParameters('setWeights', packed);
  }

  /** Weights as a JSON-able manifest plus little-endian f32 data (format: src/nn/checkpoint.ts). */
  async saveWeights(): Promise<SavedWeights> {
    this.assertUsable('saveWeights', 'always');
    return encodeWeights(this.trainingStep);
  }

  /** Load weights saved by saveWeights(); the manifest must describe this model's tensors. Checked fully before any write. */
  loadWeights(saved: SavedWeights): void {
    this.assertUsable('loadWeights');
    this.engine.write(this.trainingStep.flatParams, decodeWeights(this.trainingStep, saved));
  }

  /**
   * Everything `fit` needs to resume exactly where this model is: weights,
   * optimizer state, stepCount and epochCount. Call it between epochs, e.g.
   * `onEpochEnd: async () => { saved = await model.saveCheckpoint(); }`.
   */
  async saveCheckpoint(): Promise<Checkpoint> {
    this.assertUsable('saveCheckpoint', 'at rest');
    return encodeCheckpoint(this.trainingStep);
  }

  /**
   * Restore a checkpoint into this model (same layers, loss, seed, optimizer kind
   * and config — checked before anything is written; on error the model is
   * unchanged). Resume with `fit(x, y, { epochs, initialEpoch: model.epochCount })`.
   */
  loadCheckpoint(checkpoint: Checkpoint): void {
    this.assertUsable('loadCheckpoint');
    applyCheckpoint(this.trainingStep, decodeCheckpoint(this.trainingStep, checkpoint));
  }

  // ---- safetensors and summary -------------------------------------------------------

  /**
   * The weights as a safetensors file (src/nn/safetensors.ts): `layout: 'keras'`
   * (default) names them like `parameters` (`dense_0/kernel` [in, out],
   * `dense_0/bias`); `'pytorch'` like a torch.nn.Sequential's state_dict
   * (`0.weight` [out, in], `0.bias`). F32, little-endian.
   */
  async saveSafetensors(options: SafetensorsSaveOptions = {}): Promise<Uint8Array> {
    this.assertUsable('saveSafetensors', 'always');
    const prepare = encodeSafetensors(this, options); // checks the options before the read
    return prepare(this.trainingStep.pack(await this.trainingStep.flatParams.read()));
  }

  /**
   * Load weights from a safetensors file written by PyTorch (`layout: 'pytorch'`),
   * Keras-style tools (`'keras'`) or saveSafetensors. Every check — header,
   * dtypes (F32; F16, BF16 and F64 converted), names, shapes, offsets, finite
   * values — runs before anything is written: on error the model is unchanged.
   */
  loadSafetensors(bytes: Uint8Array | ArrayBuffer, options: SafetensorsLoadOptions = {}): void {
    this.assertUsable('loadSafetensors');
    this.trainingStep.writeParameters('loadSafetensors', decodeSafetensors(this, bytes, options));
  }

  /**
   * A Keras-style table of the layers (blocks with their branch indented):
   * name, output shape, parameter count, then the totals (exact) and the flat
   * buffer's size with its padding. Returned as text; `print` (e.g.
   * console.log) also receives it line by line.
   */
  summary(options: { print?: (line: string) => void } = {}): string {
    checkOptions('summary', options, ['print']);
    if (options.print !== undefined && typeof options.print !== 'function') {
      throw new ValueError(`summary: print must be a function such as console.log, got ${describeValue(options.print)}`);
    }
    const text = modelSummary(this.trainingStep.plan);
    if (options.print) for (const line of text.split('\n')) options.print(line);
    return text;
  }

  /** @internal Keep a GPU copy of the parameters (early stopping's best weights). */
  snapshotWeights(): void {
    this.trainingStep.snapshotWeights();
  }

  /** @internal Put the snapshot back. */
  restoreSnapshot(): void {
    this.trainingStep.restoreSnapshot();
  }

  /** Free every GPU buffer this model owns. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.trainingStep.dispose();
  }
}
