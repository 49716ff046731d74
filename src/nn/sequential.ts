/**
 * Sequential: a stack of layers trained with mini-batches, entirely on the GPU.
 *
 * Memory layout: ALL parameters live in one flat f32 tensor and all gradients
 * in another of the same layout (each weight/bias is a view at a 64-element
 * aligned offset), so the optimizer updates the whole model in ONE dispatch.
 *
 * One training step (recordTrainingStep) records, into one command encoder:
 *   gather batch -> forward stages -> loss (+ metrics on the GPU)
 *   -> backward stages (dW, db into the flat gradient buffer) -> optimizer
 *   -> constraints
 * and submits once. No readback: metrics accumulate on the GPU (see fit.ts).
 */
import type { Engine } from '../engine.js';
import { Tensor } from '../tensor.js';
import { BusyError, DisposedError, LimitError, ShapeError, ValueError } from '../errors.js';
import { checkBoolean, checkChoice, checkFinite, checkOptions, describeValue } from '../options.js';
import { checkTensor } from '../shape.js';
import { ResidentDataset } from '../data/resident-dataset.js';
import { gatherBatch } from '../ops/gather.js';
import { checkLayerSpec, type DenseSpec, type LayerSpec } from './layers.js';
import { initWeights, SeededRandom } from './init.js';
import { ActivationStage, DenseStage, DropoutStage, MaxoutStage, type BackwardGate, type Stage, type StepContext } from './stages.js';
import { checkLossName, recordLoss, type LossName } from './losses.js';
import { rmsprop, type Optimizer } from './optimizers.js';
import { fit, type FitOptions, type History } from './fit.js';
import {
  applyCheckpoint, decodeCheckpoint, decodeWeights, encodeCheckpoint, encodeWeights, midEpoch,
  type Checkpoint, type SavedWeights,
} from './checkpoint.js';
import { modelSummary } from './summary.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsLoadOptions, type SafetensorsSaveOptions } from './safetensors.js';

export type { WeightsManifest, SavedWeights, Checkpoint, CheckpointManifest } from './checkpoint.js';

export interface SequentialOptions {
  loss?: LossName;
  optimizer?: Optimizer;
  /** Seeds initialisation, shuffling and dropout masks (default 1). */
  seed?: number;
}

/** One named parameter tensor in the flat buffer. */
export interface ParameterEntry {
  name: string;
  shape: number[];
  /** Element offset in the flat (padded) buffer. */
  offset: number;
  size: number;
}

/** Data given to fit/evaluate/predict: a resident dataset or CPU arrays. */
export type Inputs = ResidentDataset | Float32Array | Uint8Array;

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

/**
 * The one-operation-at-a-time rule (see fit.ts): what each public call may do
 * while fit runs. 'always': reads queued behind the training work (getWeights,
 * saveWeights, saveSafetensors); 'at rest': only while fit awaits an epoch-level
 * callback (evaluate, predict, saveCheckpoint); 'never': training and writes.
 */
type DuringFit = 'always' | 'at rest' | 'never';

const ALIGN = 64; // elements: WebGPU binds storage at 256-byte offsets

export class Sequential {
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
  /** Output units of each layer, in `layers` order. */
  readonly outputUnits: readonly number[];
  /** Set to true (e.g. from a callback) to stop fit after the current epoch, as in Keras and TF.js. */
  stopTraining = false;
  /** @internal What fit is doing with this model: null (idle), 'fit' (stepping) or 'at rest' (awaiting an epoch-level callback). */
  activity: null | 'fit' | 'at rest' = null;
  /** Steps trained so far (the optimizer's step counter, 1-based in updates). */
  stepCount = 0;
  /** Epochs completed by fit (its epoch index + 1); a checkpoint saves it for `initialEpoch`. */
  epochCount = 0;

  /** @internal */ readonly stages: Stage[] = [];
  /** @internal */ readonly flatParams: Tensor<'f32'>;
  /** @internal */ readonly flatGrads: Tensor<'f32'>;
  private readonly metrics: Tensor<'f32'>;
  /** @internal */ readonly lossSum: Tensor;
  /** @internal */ readonly correct: Tensor;
  private snapshot: Tensor | null = null;
  private disposed = false;

  constructor(readonly engine: Engine, layers: LayerSpec[], options: SequentialOptions = {}) {
    if (!Array.isArray(layers) || layers.length === 0) throw new ValueError(`Sequential: layers must be a non-empty array, got ${describeValue(layers)}`);
    layers = layers.map((spec, i) => checkLayerSpec(spec, i));
    checkOptions('Sequential', options, ['loss', 'optimizer', 'seed']);
    this.loss = checkLossName(options.loss ?? 'softmaxCrossEntropy');
    this.seed = checkFinite('Sequential', 'seed', options.seed ?? 1, { integer: true });
    const opt = options.optimizer as Partial<Optimizer> | undefined;
    if (opt !== undefined && (opt === null || typeof opt !== 'object' || typeof opt.init !== 'function' || typeof opt.apply !== 'function')) {
      throw new ValueError(`Sequential: optimizer must be an optimizer such as rmsprop({ lr: 1e-3 }), got ${describeValue(opt)}`);
    }
    this.layers = layers.map((l) => ({ ...l }));
    // The first dense layer fixes the input size; only size-preserving layers
    // (dropout on the input, an activation) may come before it.
    const firstDense = layers.findIndex((l) => l.kind === 'dense');
    const leading = layers.slice(0, Math.max(firstDense, 0)).find((l) => l.kind === 'maxout');
    if (firstDense < 0 || leading) {
      throw new ShapeError('Sequential: needs a dense layer before any maxout (the first dense layer fixes the input size)');
    }
    this.inputUnits = (layers[firstDense] as DenseSpec).inUnits;

    // ---- check sizes and lay out the flat parameter buffer ---------------------
    const entries: ParameterEntry[] = [];
    let offset = 0;
    const add = (name: string, shape: number[]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      entries.push({ name, shape, offset, size });
      offset += Math.ceil(size / ALIGN) * ALIGN;
      return entries[entries.length - 1]!;
    };
    let units = this.inputUnits;
    const outputUnits: number[] = [];
    const denseEntries: { w: ParameterEntry; b: ParameterEntry | null }[] = [];
    layers.forEach((layer, i) => {
      const where = `layer ${i} (${layer.kind})`;
      switch (layer.kind) {
        case 'dense':
          if (layer.inUnits !== units) {
            throw new ShapeError(`Sequential: ${where} expects ${layer.inUnits} inputs but the previous layer outputs ${units}`);
          }
          denseEntries.push({
            w: add(`dense_${i}/kernel`, [layer.inUnits, layer.outUnits]),
            b: layer.useBias ? add(`dense_${i}/bias`, [layer.outUnits]) : null,
          });
          units = layer.outUnits;
          break;
        case 'maxout':
          if (layer.units * layer.pieces !== units) {
            throw new ShapeError(`Sequential: ${where} needs ${layer.units}×${layer.pieces} = ${layer.units * layer.pieces} inputs but the previous layer outputs ${units}`);
          }
          units = layer.units;
          break;
        case 'relu': case 'sigmoid': case 'tanh': case 'dropout':
          break;
        default:
          throw new ValueError(`Sequential: ${where} is not a known layer`);
      }
      outputUnits.push(units);
    });
    this.outputUnits = outputUnits;
    this.classes = units;
    if (this.classes < 2) throw new ShapeError(`Sequential: the last layer outputs ${units} unit; classification needs at least 2`);
    this.parameters = entries;
    this.parameterCount = entries.reduce((sum, e) => sum + e.size, 0);
    this.parameterBufferLength = offset;
    // Each layer's weights are bound whole by its matmul: past one binding,
    // WebGPU would drop every step. (The flat buffer itself may be larger: the
    // optimizer updates it in binding-sized chunks.)
    const bindingLimit = engine.device.limits.maxStorageBufferBindingSize;
    for (const entry of entries) {
      if (entry.size * 4 > bindingLimit) {
        throw new LimitError(`Sequential: ${entry.name} ${JSON.stringify(entry.shape)} needs ${entry.size * 4} bytes in one binding, ` +
          `over this adapter's maxStorageBufferBindingSize (${bindingLimit} bytes); use narrower layers`);
      }
    }
    const bufferLimit = engine.device.limits.maxBufferSize;
    if (offset * 4 > bufferLimit) {
      throw new LimitError(`Sequential: the model's parameters need ${offset * 4} bytes in one flat buffer (${offset} floats), ` +
        `over this adapter's maxBufferSize (${bufferLimit} bytes); use fewer or narrower layers`);
    }

    // ---- GPU buffers: parameters (initialised on the CPU, seeded), gradients, metrics
    const random = new SeededRandom(this.seed);
    const initial = new Float32Array(offset);
    let d = 0;
    for (const layer of layers) {
      if (layer.kind !== 'dense') continue;
      const { w } = denseEntries[d++]!;
      initial.set(initWeights(layer.init, layer.inUnits, layer.outUnits, random), w.offset);
    }
    // The optimizer first: it refuses to be shared by two models before anything is allocated.
    this.optimizer = options.optimizer ?? rmsprop();
    this.optimizer.init(engine, offset);
    this.flatParams = engine.tensor(initial, [offset]) as Tensor<'f32'>;
    this.flatGrads = engine.zeros([offset]);
    this.metrics = engine.zeros([2 * ALIGN]);
    this.lossSum = engine.view(this.metrics, 0, [1]);
    this.correct = engine.view(this.metrics, ALIGN, [1]);

    // ---- stages, fusing dense + activation --------------------------------------
    d = 0;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const next = layers[i + 1];
      const name = `${layer.kind}_${i}`;
      if (layer.kind === 'dense') {
        const { w, b } = denseEntries[d++]!;
        const fused = next && (next.kind === 'relu' || next.kind === 'sigmoid' || next.kind === 'tanh') ? next.kind : 'linear';
        if (fused !== 'linear') i++;
        this.stages.push(new DenseStage(name, layer.inUnits, layer.outUnits, {
          weight: engine.view(this.flatParams, w.offset, w.shape),
          bias: b ? engine.view(this.flatParams, b.offset, b.shape) : null,
          weightGrad: engine.view(this.flatGrads, w.offset, w.shape),
          biasGrad: b ? engine.view(this.flatGrads, b.offset, b.shape) : null,
        }, fused, layer.l2, layer.maxNorm));
        units = layer.outUnits;
      } else if (layer.kind === 'maxout') {
        this.stages.push(new MaxoutStage(name, layer.units, layer.pieces));
      } else if (layer.kind === 'dropout') {
        // Each dropout layer gets its own stream: hash of the model seed and the layer index.
        const layerSeed = (Math.imul(this.seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;
        this.stages.push(new DropoutStage(name, this.stages.at(-1)?.outUnits ?? this.inputUnits, layer.rate, layerSeed));
      } else {
        this.stages.push(new ActivationStage(name, this.stages.at(-1)?.outUnits ?? this.inputUnits, layer.kind));
      }
    }
  }

  /** True after dispose(). */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertUsable(fn: string, duringFit: DuringFit = 'never'): void {
    if (this.disposed) throw new DisposedError(`${fn}: this model was disposed`);
    this.engine.scheduler.assertAlive();
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

  // ---- one step -------------------------------------------------------------------

  /** Forward through every stage; returns the logits. */
  private recordForward(ctx: StepContext, x: Tensor): Tensor {
    let h = x;
    for (const stage of this.stages) h = stage.forward(ctx, h);
    return h;
  }

  /** Gather a batch of `rows` samples from `order[start..]` (tensors go to scratch). */
  private recordGather(ctx: StepContext, data: ResidentDataset, order: Tensor, start: number, rows: number) {
    const x = this.engine.empty([rows, this.inputUnits], 'f32');
    const y = this.engine.empty([rows], 'i32');
    ctx.scratch.push(x, y);
    gatherBatch(this.engine, data, order, start, rows, data.scale, x, y);
    return { x, y };
  }

  /** Forward, loss, backward: gradients end in flatGrads, metrics accumulate. */
  private recordGradients(ctx: StepContext, x: Tensor, y: Tensor): void {
    const logits = this.recordForward(ctx, x);
    let grad: Tensor | null = recordLoss(this.engine, this.loss, logits, y, this.classes,
      { lossSum: this.lossSum, correct: this.correct }, ctx.scratch);
    // Below the first stage with parameters no gradient is needed: stop there.
    const first = this.stages.findIndex((st) => st instanceof DenseStage);
    for (const stage of this.stages) stage.gateFused = false;
    for (let i = this.stages.length - 1; i >= first && grad; i--) {
      const stage = this.stages[i]!;
      const gates = stage instanceof DenseStage && i > first ? this.takeGatesBelow(i, first) : [];
      grad = stage.backward(ctx, grad, i > first, gates);
    }
  }

  /**
   * The backward gates of the stages right below stage i that its dX matmul can
   * apply in its epilogue, in the order backward would apply them: at most one
   * dropout mask, then at most one activation derivative (e.g. dense+relu ->
   * dropout -> dense: both). Marks those stages gateFused for this step.
   */
  private takeGatesBelow(i: number, first: number): BackwardGate[] {
    const gates: BackwardGate[] = [];
    for (let j = i - 1; j >= first; j--) {
      const below = this.stages[j]!;
      const gate = below.backwardGate();
      const ok = gate && (gate.kind === 'mask' ? gates.length === 0 : !gates.some((g) => g.kind === 'activation'));
      if (!gate || !ok) break;
      gates.push(gate);
      below.gateFused = true;
      if (gate.kind === 'activation') break;
    }
    return gates;
  }

  /**
   * @internal Record one complete training step on rows [start, start+rows) of `order`
   * and submit it: exactly one submit, no readback.
   */
  recordTrainingStep(data: ResidentDataset, order: Tensor, start: number, rows: number): void {
    this.stepCount++;
    const ctx: StepContext = { engine: this.engine, training: true, step: this.stepCount, scratch: [] };
    const { x, y } = this.recordGather(ctx, data, order, start, rows);
    this.recordGradients(ctx, x, y);
    this.optimizer.apply(this.engine, this.flatParams, this.flatGrads, this.stepCount);
    for (const s of this.stages) if (s instanceof DenseStage) s.applyConstraints(this.engine);
    for (const t of ctx.scratch) t.dispose();
    this.engine.flush();
  }

  /** @internal Zero the GPU metric accumulators (recorded in order). */
  resetMetrics(): void {
    this.engine.scheduler.clear(this.metrics.buffer, this.metrics.byteOffset, this.metrics.byteLength);
  }

  /** @internal Read the accumulators: [lossSum, correct]. */
  async readMetrics(): Promise<{ lossSum: number; correct: number }> {
    const m = await this.metrics.read();
    return { lossSum: m[0]!, correct: m[ALIGN]! };
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
    const order = engine.tensor(identityOrder(data.count), [data.count], 'u32');
    const metrics = engine.zeros([2 * ALIGN]);
    const lossSum = engine.view(metrics, 0, [1]);
    const correct = engine.view(metrics, ALIGN, [1]);
    try {
      for (let start = 0; start < data.count; start += batchSize) {
        const rows = Math.min(batchSize, data.count - start);
        const ctx: StepContext = { engine, training: false, step: 0, scratch: [] };
        const { x: bx, y: by } = this.recordGather(ctx, data, order, start, rows);
        const logits = this.recordForward(ctx, bx);
        recordLoss(engine, this.loss, logits, by, this.classes, { lossSum, correct }, ctx.scratch);
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
    if (x instanceof Tensor) {
      checkTensor('predict', 'x', x, engine, { dtype: 'f32', rank: 2 });
      if (x.shape[1] !== this.inputUnits) {
        throw new ShapeError(`predict: x is [${x.shape.join(',')}]; the model takes [n, ${this.inputUnits}]`);
      }
      const ctx: StepContext = { engine, training: false, step: 0, scratch: [] };
      const logits = this.recordForward(ctx, x);
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
        const ctx: StepContext = { engine, training: false, step: 0, scratch: [] };
        const { x: bx } = this.recordGather(ctx, dataset, order, start, rows);
        const logits = this.recordForward(ctx, bx);
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
    const step = checkFinite('computeGradients', 'step', options.step ?? 1, { integer: true, min: 0 });
    const { data, owned } = this.toDataset('computeGradients', x, y);
    const engine = this.engine;
    const order = engine.tensor(identityOrder(data.count), [data.count], 'u32');
    try {
      this.resetMetrics();
      const ctx: StepContext = { engine, training, step, scratch: [] };
      const batch = this.recordGather(ctx, data, order, 0, data.count);
      this.recordGradients(ctx, batch.x, batch.y);
      for (const t of ctx.scratch) t.dispose();
      const [m, g] = await Promise.all([this.readMetrics(), this.flatGrads.read()]);
      this.resetMetrics();
      return { loss: m.lossSum / data.count, gradients: this.pack(g) };
    } finally {
      order.dispose();
      if (owned) data.dispose();
    }
  }

  private pack(flat: Float32Array): Float32Array {
    const out = new Float32Array(this.parameterCount);
    let at = 0;
    for (const p of this.parameters) {
      out.set(flat.subarray(p.offset, p.offset + p.size), at);
      at += p.size;
    }
    return out;
  }

  /** All parameters, packed back to back in `parameters` order. */
  async getWeights(): Promise<Float32Array> {
    this.assertUsable('getWeights', 'always');
    return this.pack(await this.flatParams.read());
  }

  /** Replace all parameters from a packed array (as getWeights returns). */
  setWeights(packed: Float32Array): void {
    this.assertUsable('setWeights');
    const total = this.parameterCount;
    if (!(packed instanceof Float32Array)) {
      throw new ValueError(`setWeights: expected a Float32Array of ${total} values, got ${describeValue(packed)}`);
    }
    if (packed.length !== total) throw new ShapeError(`setWeights: expected a Float32Array of ${total} values, got ${packed.length}`);
    this.writeParameters('setWeights', packed);
  }

  /** @internal Check `packed` (parameters back to back, `parameters` order) is finite, then write it. */
  writeParameters(fn: string, packed: Float32Array): void {
    let at = 0;
    for (const p of this.parameters) {
      for (let i = 0; i < p.size; i++) {
        const v = packed[at + i]!;
        if (!Number.isFinite(v)) throw new ValueError(`${fn}: tensor ${p.name} has ${v} at element ${i}; weights must be finite`);
      }
      at += p.size;
    }
    const flat = new Float32Array(this.parameterBufferLength);
    at = 0;
    for (const p of this.parameters) {
      flat.set(packed.subarray(at, at + p.size), p.offset);
      at += p.size;
    }
    this.engine.write(this.flatParams, flat);
  }

  /** Weights as a JSON-able manifest plus little-endian f32 data (format: src/nn/checkpoint.ts). */
  async saveWeights(): Promise<SavedWeights> {
    this.assertUsable('saveWeights', 'always');
    return encodeWeights(this);
  }

  /** Load weights saved by saveWeights(); the manifest must describe this model's tensors. Checked fully before any write. */
  loadWeights(saved: SavedWeights): void {
    this.assertUsable('loadWeights');
    this.engine.write(this.flatParams, decodeWeights(this, saved));
  }

  /**
   * Everything `fit` needs to resume exactly where this model is: weights,
   * optimizer state, stepCount and epochCount. Call it between epochs, e.g.
   * `onEpochEnd: async () => { saved = await model.saveCheckpoint(); }`.
   */
  async saveCheckpoint(): Promise<Checkpoint> {
    this.assertUsable('saveCheckpoint', 'at rest');
    return encodeCheckpoint(this);
  }

  /**
   * Restore a checkpoint into this model (same layers, loss, seed, optimizer kind
   * and config — checked before anything is written; on error the model is
   * unchanged). Resume with `fit(x, y, { epochs, initialEpoch: model.epochCount })`.
   */
  loadCheckpoint(checkpoint: Checkpoint): void {
    this.assertUsable('loadCheckpoint');
    applyCheckpoint(this, decodeCheckpoint(this, checkpoint));
    midEpoch.delete(this); // a consistent state again: the checkpoint's epoch end
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
    return prepare(this.pack(await this.flatParams.read()));
  }

  /**
   * Load weights from a safetensors file written by PyTorch (`layout: 'pytorch'`),
   * Keras-style tools (`'keras'`) or saveSafetensors. Every check — header,
   * dtypes (F32; F16, BF16 and F64 converted), names, shapes, offsets, finite
   * values — runs before anything is written: on error the model is unchanged.
   */
  loadSafetensors(bytes: Uint8Array | ArrayBuffer, options: SafetensorsLoadOptions = {}): void {
    this.assertUsable('loadSafetensors');
    this.writeParameters('loadSafetensors', decodeSafetensors(this, bytes, options));
  }

  /**
   * A Keras-style table of the layers: name, output shape, parameter count,
   * then the totals (exact) and the flat buffer's size with its padding.
   * Returned as text; `print` (e.g. console.log) also receives it line by line.
   */
  summary(options: { print?: (line: string) => void } = {}): string {
    checkOptions('summary', options, ['print']);
    if (options.print !== undefined && typeof options.print !== 'function') {
      throw new ValueError(`summary: print must be a function such as console.log, got ${describeValue(options.print)}`);
    }
    const text = modelSummary(this);
    if (options.print) for (const line of text.split('\n')) options.print(line);
    return text;
  }

  /** @internal Keep a GPU copy of the parameters (early stopping's best weights). */
  snapshotWeights(): void {
    this.snapshot ??= this.engine.empty([this.parameterBufferLength], 'f32');
    this.engine.scheduler.copy(this.flatParams.buffer, this.flatParams.byteOffset, this.snapshot.buffer, 0, this.flatParams.byteLength);
  }

  /** @internal Put the snapshot back. */
  restoreSnapshot(): void {
    if (!this.snapshot) return;
    this.engine.scheduler.copy(this.snapshot.buffer, 0, this.flatParams.buffer, this.flatParams.byteOffset, this.flatParams.byteLength);
    this.engine.flush();
  }

  /** Free every GPU buffer this model owns. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.snapshot?.dispose();
    this.flatParams.dispose();
    this.flatGrads.dispose();
    this.metrics.dispose();
  }
}

function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
