/**
 * The training step of a model: its flat parameter and gradient buffers, its
 * stages, its metric accumulators and its in-epoch state, and `record()`, the
 * one training step that `fit` runs per batch.
 *
 * One step, recorded into ONE command encoder and submitted once:
 *   gather the batch -> forward through the stages -> loss (its sum and the
 *   correct count added to GPU accumulators) -> backward through the stages
 *   (dW, db into the flat gradient buffer) -> the optimizer over the flat
 *   buffer -> constraints (max-norm)
 * with no readback: fit reads the accumulators asynchronously every few steps.
 *
 * Sequential (sequential.ts) is the public front over this; fit.ts and
 * checkpoint.ts work on it directly.
 */
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { LimitError, ValueError } from '../errors.js';
import type { ResidentDataset } from '../data/resident-dataset.js';
import { gatherBatch } from '../ops/gather.js';
import { SeededRandom } from './init.js';
import { Chain } from './chain.js';
import type { Stage, StepContext } from './stage.js';
import type { LayerSpec } from './layers/index.js';
import type { ParameterViews } from './layers/layer-kind.js';
import { ALIGN, allLayers, planModel, type ModelPlan, type ParameterEntry, type PlannedLayer } from './layer-plan.js';
import { recordLoss, type LossName } from './losses.js';
import type { Optimizer } from './optimizers.js';
import type { MatmulShapeSpec } from '../ops/matmul-autotune.js';

export interface TrainingStepOptions {
  loss: LossName;
  seed: number;
  optimizer: Optimizer;
}

export class TrainingStep {
  readonly plan: ModelPlan;
  readonly layers: readonly LayerSpec[];
  readonly loss: LossName;
  readonly seed: number;
  readonly optimizer: Optimizer;
  readonly flatParams: Tensor<'f32'>;
  readonly flatGrads: Tensor<'f32'>;
  readonly chain: Chain;
  /** Steps trained so far (the optimizer's step counter, 1-based in updates). */
  stepCount = 0;
  /** Epochs completed by fit; a checkpoint saves it for `initialEpoch`. */
  epochCount = 0;
  /**
   * True while fit is inside an epoch (or was stopped inside one): the state is
   * then between two epoch ends, where a checkpoint could not resume exactly.
   */
  midEpoch = false;
  private readonly metrics: Tensor<'f32'>;
  private readonly lossSum: Tensor;
  private readonly correct: Tensor;
  private snapshot: Tensor | null = null;

  constructor(readonly engine: Engine, layers: readonly LayerSpec[], options: TrainingStepOptions) {
    this.layers = layers;
    this.loss = options.loss;
    this.seed = options.seed;
    const plan = planModel(layers, options.seed);
    this.plan = plan;
    checkModelLimits(engine, plan);

    // Parameters are initialised on the CPU (seeded) and uploaded once.
    const random = new SeededRandom(options.seed);
    const initial = new Float32Array(plan.bufferLength);
    for (const layer of allLayers(plan.layers)) {
      layer.decls.forEach((decl, i) => {
        if (decl.init) initial.set(decl.init(random), layer.parameters[i]!.offset);
      });
    }
    // The optimizer first: it refuses to be shared by two models before anything is allocated.
    this.optimizer = options.optimizer;
    this.optimizer.init(engine, plan.bufferLength);
    this.flatParams = engine.tensor(initial, [plan.bufferLength]) as Tensor<'f32'>;
    this.flatGrads = engine.zeros([plan.bufferLength]);
    this.metrics = engine.zeros([2 * ALIGN]);
    this.lossSum = engine.view(this.metrics, 0, [1]);
    this.correct = engine.view(this.metrics, ALIGN, [1]);
    this.chain = this.buildChain(plan.layers);
  }

  get parameters(): readonly ParameterEntry[] { return this.plan.parameters; }
  get inputUnits(): number { return this.plan.inputUnits; }
  get classes(): number { return this.plan.outputUnits; }

  /** The stages of a list of planned layers: each record builds its own; a layer may absorb the next one. */
  private buildChain(layers: readonly PlannedLayer[]): Chain {
    const stages: Stage[] = [];
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const next = layers[i + 1];
      const absorbed = next && layer.kind.absorbs?.(layer.spec, next.spec) ? next : undefined;
      if (absorbed) i++;
      const params: Record<string, ParameterViews> = {};
      layer.decls.forEach((decl, k) => {
        const entry = layer.parameters[k]!;
        params[decl.name] = {
          value: this.engine.view(this.flatParams, entry.offset, entry.shape),
          grad: this.engine.view(this.flatGrads, entry.offset, entry.shape),
        };
      });
      stages.push(layer.kind.stage(layer.spec, {
        engine: this.engine, name: layer.name, inUnits: layer.inUnits, outUnits: layer.outUnits, params,
        seed: layer.seed, children: layer.children.length ? this.buildChain(layer.children) : null,
      }, absorbed?.spec));
    }
    return new Chain(stages);
  }

  /** Every matrix product a training step of `rows` rows records (for engine.autotune), without duplicates. */
  matmulShapes(rowCounts: readonly number[]): MatmulShapeSpec[] {
    const shapes = new Map<string, MatmulShapeSpec>();
    for (const rows of new Set(rowCounts)) {
      for (const layer of allLayers(this.plan.layers)) {
        for (const s of layer.kind.matmulShapes?.(layer.spec, layer.inUnits, layer.outUnits, rows) ?? []) {
          shapes.set(JSON.stringify([s.m, s.n, s.k, !!s.transposeA, !!s.transposeB, !!s.columnSums]), s);
        }
      }
    }
    return [...shapes.values()];
  }

  // ---- recording ------------------------------------------------------------------------

  /** A step context; tensors made while recording go to its scratch list. */
  context(training: boolean, step: number): StepContext {
    return { engine: this.engine, training, step, scratch: [] };
  }

  /** Gather a batch of `rows` samples from `order[start..]` (tensors go to scratch). */
  gather(ctx: StepContext, data: ResidentDataset, order: Tensor, start: number, rows: number): { x: Tensor; y: Tensor } {
    const x = this.engine.empty([rows, this.inputUnits], 'f32');
    const y = this.engine.empty([rows], 'i32');
    ctx.scratch.push(x, y);
    gatherBatch(this.engine, data, order, start, rows, data.scale, x, y);
    return { x, y };
  }

  /** Forward through every stage; returns the logits. */
  forward(ctx: StepContext, x: Tensor): Tensor {
    return this.chain.forward(ctx, x);
  }

  /** Forward, loss, backward: gradients end in flatGrads, metrics accumulate. */
  gradients(ctx: StepContext, x: Tensor, y: Tensor): void {
    const logits = this.forward(ctx, x);
    const dlogits = recordLoss(this.engine, this.loss, logits, y, this.classes,
      { lossSum: this.lossSum, correct: this.correct }, ctx.scratch);
    // Below the first stage with parameters no gradient is needed: the chain stops there.
    this.chain.backward(ctx, dlogits, false);
  }

  /** Forward and loss only (dropout off), adding into the given accumulators: evaluation. */
  recordLossOnly(ctx: StepContext, x: Tensor, y: Tensor, acc: { lossSum: Tensor; correct: Tensor }): void {
    const logits = this.forward(ctx, x);
    recordLoss(this.engine, this.loss, logits, y, this.classes, acc, ctx.scratch);
  }

  /**
   * Record one complete training step on rows [start, start+rows) of `order`
   * and submit it: exactly one submit, no readback.
   */
  record(data: ResidentDataset, order: Tensor, start: number, rows: number): void {
    this.stepCount++;
    const ctx = this.context(true, this.stepCount);
    const { x, y } = this.gather(ctx, data, order, start, rows);
    this.gradients(ctx, x, y);
    this.optimizer.apply(this.engine, this.flatParams, this.flatGrads, this.stepCount);
    this.chain.afterUpdate(this.engine);
    for (const t of ctx.scratch) t.dispose();
    this.engine.flush();
  }

  // ---- metrics ----------------------------------------------------------------------------

  /** Zero the GPU metric accumulators (recorded in order). */
  resetMetrics(): void {
    this.engine.clear(this.metrics);
  }

  /** Read the accumulators: [lossSum, correct]. */
  async readMetrics(): Promise<{ lossSum: number; correct: number }> {
    const m = await this.metrics.read();
    return { lossSum: m[0]!, correct: m[ALIGN]! };
  }

  // ---- parameters ---------------------------------------------------------------------------

  /** The flat buffer's parameters back to back, in `parameters` order (no padding). */
  pack(flat: Float32Array): Float32Array {
    const out = new Float32Array(this.plan.parameterCount);
    let at = 0;
    for (const p of this.parameters) {
      out.set(flat.subarray(p.offset, p.offset + p.size), at);
      at += p.size;
    }
    return out;
  }

  /** Check `packed` (parameters back to back, `parameters` order) is finite, then write it. */
  writeParameters(fn: string, packed: Float32Array): void {
    let at = 0;
    for (const p of this.parameters) {
      for (let i = 0; i < p.size; i++) {
        const v = packed[at + i]!;
        if (!Number.isFinite(v)) throw new ValueError(`${fn}: tensor ${p.name} has ${v} at element ${i}; weights must be finite`);
      }
      at += p.size;
    }
    const flat = new Float32Array(this.plan.bufferLength);
    at = 0;
    for (const p of this.parameters) {
      flat.set(packed.subarray(at, at + p.size), p.offset);
      at += p.size;
    }
    this.engine.write(this.flatParams, flat);
  }

  /** Keep a GPU copy of the parameters (early stopping's best weights). */
  snapshotWeights(): void {
    this.snapshot ??= this.engine.empty([this.plan.bufferLength], 'f32');
    this.engine.copy(this.flatParams, this.snapshot);
  }

  /** Put the snapshot back. */
  restoreSnapshot(): void {
    if (!this.snapshot) return;
    this.engine.copy(this.snapshot, this.flatParams);
    this.engine.flush();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.snapshot?.dispose();
    this.flatParams.dispose();
    this.flatGrads.dispose();
    this.metrics.dispose();
  }
}

/**
 * Each parameter is bound whole by its layer's kernels: past one binding,
 * WebGPU would drop every step. (The flat buffer itself may be larger: the
 * optimizer updates it in binding-sized chunks.)
 */
function checkModelLimits(engine: Engine, plan: ModelPlan): void {
  const limits = engine.limits;
  for (const entry of plan.parameters) {
    if (entry.size * 4 > limits.maxStorageBufferBindingSize) {
      throw new LimitError(`Sequential: ${entry.name} ${JSON.stringify(entry.shape)} needs ${entry.size * 4} bytes in one binding, ` +
        `over this adapter's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize} bytes); use narrower layers`);
    }
  }
  if (plan.bufferLength * 4 > limits.maxBufferSize) {
    throw new LimitError(`Sequential: the model's parameters need ${plan.bufferLength * 4} bytes in one flat buffer (${plan.bufferLength} floats), ` +
      `over this adapter's maxBufferSize (${limits.maxBufferSize} bytes); use fewer or narrower layers`);
  }
}
