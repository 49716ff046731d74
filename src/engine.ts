/**
 * createEngine(): one GPU device, its kernel registry, buffer pool and
 * scheduler, and the op functions users call. Ops live in src/ops/ (one file
 * per kernel family) and see the engine only as a KernelContext
 * (src/ops/kernel-context.ts: empty, dispatch, limits, tuning); this class
 * implements that interface and wires each public op method to its op
 * function in one line. Each op is documented once, here on its public method;
 * the op functions carry only notes on how they are implemented.
 */
import { acquireDevice, adapterName, type AdapterDescription, type DeviceOptions } from './gpu/device.js';
import { BufferPool } from './gpu/buffer-pool.js';
import { KernelRegistry, type CompiledKernel, type KernelSource } from './gpu/kernel-registry.js';
import { Scheduler } from './gpu/scheduler.js';
import { Profiler, type ProfileEntry } from './gpu/profiler.js';
import { Tuner, kernelSetVersion, type TuningChoice, type TuningOption } from './gpu/autotune.js';
import { autotuneMatmul, type MatmulShapeSpec } from './ops/matmul-autotune.js';
import { Tensor, type DType } from './tensor.js';
import type { KernelContext, KernelDispatch } from './ops/kernel-context.js';
import { packUniform } from './gpu/uniforms.js';
import { checkShape, checkTensor, describeShape } from './shape.js';
import { LimitError, ShapeError, ValueError } from './errors.js';
import { checkEngineOptions } from './engine-options.js';
import { checkDType, checkTensorData } from './tensor-data.js';
import { describeValue } from './options.js';
import { ErrorScopes } from './gpu/error-scopes.js';
import { warningSink, type WarningSink } from './gpu/warnings.js';
import * as activations from './ops/activations.js';
import * as optimizerOps from './ops/optimizers.js';
import * as softmaxOps from './ops/softmax.js';
import * as lossOps from './ops/losses.js';
import * as maxoutOps from './ops/maxout.js';
import * as dropoutOps from './ops/dropout.js';
import * as reductionOps from './ops/reductions.js';
import * as matmulOps from './ops/matmul.js';

export interface EngineOptions extends DeviceOptions {
  /** Bytes of freed buffers the pool keeps for reuse (default 256 MiB). */
  maxPooledBytes?: number;
  /** Submit automatically after this many recorded dispatches (default 256). */
  maxDispatchesPerSubmit?: number;
  /**
   * Receives the engine's warnings (uncaptured GPU errors of a shared device,
   * device-lost reasons, shader compiler warnings). Default: silent; set the
   * environment variable WGSL_TENSOR_DEBUG=1 to print them instead.
   */
  onWarning?: (message: string) => void;
  /**
   * How matmul variants are chosen per shape class (src/gpu/autotune.ts):
   * 'auto' (default): `engine.autotune(shapes)` times the candidates on this
   * adapter and keeps the fastest; 'fixed': the default rule, never any timing
   * work; or a cache `{ get(key), set(key, value) }` (get may return a promise):
   * 'auto', with each class's choice and times kept in the app's store so the
   * next engine on the same adapter and kernels skips the timing.
   */
  tuning?: TuningOption;
}

export interface EngineStats {
  /** Buffers held by live tensors (and other engine-owned data). */
  liveBuffers: number;
  liveBytes: number;
  /** Freed buffers kept for reuse. */
  pooledBuffers: number;
  pooledBytes: number;
  /** GPU buffers ever created by the pool (flat after warm-up = reuse works). */
  createdBuffers: number;
  reusedBuffers: number;
  /** Most bytes ever held by live tensors at once. */
  peakLiveBytes: number;
  /** GPU bytes the pool holds now (live, released but not yet submitted, pooled) and its most ever. */
  allocatedBytes: number;
  peakAllocatedBytes: number;
  /** Live Tensor objects. */
  liveTensors: number;
  dispatches: number;
  submits: number;
  reads: number;
  /** Dispatches whose bind group was reused (a training step after its first: all), and bind groups built. */
  bindGroupHits: number;
  bindGroupsCreated: number;
  pipelines: number;
}

export type TensorData = Float32Array | Int32Array | Uint32Array | readonly number[];

let nextEngineId = 1;

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  checkEngineOptions(options);
  const acquired = await acquireDevice(options);
  return new Engine(acquired.device, acquired.adapterInfo, acquired.ownsDevice, acquired.keepAlive, options);
}

export class Engine implements KernelContext {
  readonly id = nextEngineId++;
  readonly registry: KernelRegistry;
  readonly pool: BufferPool;
  readonly scheduler: Scheduler;
  /**
   * Kernel variant choices: the matmul variant of each shape class met so far
   * (`tuning.chosen`: variant, measured times, source) and the per-adapter
   * starting guesses (src/gpu/autotune.ts, src/gpu/tuning.ts).
   */
  readonly tuning: Tuner;
  /** @internal Scopes around every GPU call, so GPU errors are reported at a read/sync, naming the op. */
  readonly errorScopes: ErrorScopes;
  /** @internal Where warnings go (options.onWarning, else silent). */
  readonly warn: WarningSink;
  private readonly liveTensors = new Set<Tensor>();
  private destroyed = false;
  /** Depth of nested public op calls, and the tensors created by the outermost one (freed if it throws). */
  private opDepth = 0;
  private createdInOp: Tensor[] = [];

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterDescription,
    private readonly ownsDevice: boolean,
    private readonly keepAlive: unknown,
    options: EngineOptions = {},
  ) {
    this.warn = warningSink(options.onWarning);
    this.errorScopes = new ErrorScopes(device);
    this.registry = new KernelRegistry(device, this.warn);
    this.pool = new BufferPool(device, this.errorScopes, options.maxPooledBytes);
    this.scheduler = new Scheduler(device, this.pool, this.registry, this.errorScopes, this.warn, options);
    this.pool.onDestroy = (buffer) => this.scheduler.bindGroups.forget(buffer);
    const tuning = options.tuning ?? 'auto';
    this.tuning = new Tuner(tuning === 'fixed' ? 'fixed' : 'auto', typeof tuning === 'object' ? tuning : null,
      adapter, kernelSetVersion(matmulOps.MATMUL_KERNEL.source), this.warn);
  }

  /** One line naming the adapter, e.g. for logs: "mesa llvmpipe (...) [node]". */
  get adapterName(): string {
    return adapterName(this.adapter);
  }

  /** Is the device usable? False after device loss or destroy(). */
  get alive(): boolean {
    return !this.destroyed && !this.scheduler.lostError;
  }

  /** Throws DeviceLostError (naming why) unless the engine is alive: for callers such as a model checking before it starts. */
  assertAlive(): void {
    this.scheduler.assertAlive();
  }

  // ---- tensors -------------------------------------------------------------

  /** Upload data as a tensor. dtype follows the typed array (number[] -> f32) unless given. */
  tensor(data: TensorData, shape: readonly number[], dtype?: DType): Tensor {
    return this.op('tensor', () => this.upload(data, shape, dtype));
  }

  private upload(data: TensorData, shape: readonly number[], dtype?: DType): Tensor {
    this.scheduler.assertAlive();
    const size = checkShape('tensor', 'shape', shape as number[]);
    const { values: typed, dtype: type } = checkTensorData('tensor', data, dtype);
    if (typed.length !== size) {
      throw new ShapeError(`tensor: data has ${typed.length} elements but shape ${describeShape(shape)} needs ${size}`);
    }
    const t = this.empty(shape, type);
    this.errorScopes.guard('tensor', () => this.device.queue.writeBuffer(t.buffer, 0, typed.buffer, typed.byteOffset, typed.byteLength));
    return t;
  }

  /** An uninitialised tensor (its kernel must write every element). */
  empty<D extends DType>(shape: readonly number[], dtype: D): Tensor<D> {
    this.scheduler.assertAlive();
    const size = checkShape('empty', 'shape', shape as number[]);
    checkDType('empty', 'dtype', dtype);
    const fn = this.scheduler.currentOp ?? 'empty';
    const maxBufferSize = this.device.limits.maxBufferSize;
    if (this.pool.sizeFor(size * 4) > maxBufferSize) {
      throw new LimitError(`${fn}: a tensor of shape ${describeShape(shape)} needs ${size * 4} bytes, over this adapter's ` +
        `maxBufferSize (${maxBufferSize} bytes)`);
    }
    const buffer = this.pool.acquire(size * 4, fn);
    const t = new Tensor<D>(this, buffer, [...shape], dtype);
    this.liveTensors.add(t);
    if (this.opDepth > 0) this.createdInOp.push(t);
    return t;
  }

  /**
   * A view of `count` elements of `base` starting at element `elementOffset`,
   * reshaped to `shape`. It shares the buffer (writes through it are seen by
   * `base`) and becomes unusable when `base` is disposed. The offset must be a
   * multiple of 64 elements (WebGPU binds storage at 256-byte offsets).
   */
  view<D extends DType>(base: Tensor<D>, elementOffset: number, shape: readonly number[]): Tensor<D> {
    checkTensor('view', 'base', base, this);
    const size = checkShape('view', 'shape', shape as number[]);
    const align = this.device.limits.minStorageBufferOffsetAlignment / 4;
    if (!Number.isInteger(elementOffset) || elementOffset < 0 || elementOffset % align !== 0) {
      throw new ValueError(`view: elementOffset must be a non-negative multiple of ${align}, got ${elementOffset}`);
    }
    if (elementOffset + size > base.size) {
      throw new ShapeError(`view: elements ${elementOffset}..${elementOffset + size} exceed base ${describeShape(base.shape)} (${base.size} elements)`);
    }
    const root = base.base ?? base;
    return new Tensor<D>(this, base.buffer, [...shape], base.dtype, base.byteOffset + elementOffset * 4, root);
  }

  /**
   * KernelContext: record one kernel launch (the ops in src/ops/ call this).
   * The pipeline is built or taken from the cache, and the uniform's fields
   * are packed by name from the layout the build reflected.
   */
  dispatch(spec: KernelDispatch): void {
    checkDispatch(spec);
    const kernel = this.registry.pipeline(spec.kernel, spec.entryPoint, spec.constants);
    this.scheduler.dispatch({
      kernel,
      buffers: spec.buffers,
      uniform: spec.uniform === undefined ? undefined : packUniform(kernel, spec.uniform),
      workgroups: spec.workgroups,
    });
  }

  /** The device's limits (KernelContext). */
  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** A tensor of zeros (cleared on the GPU, in order with recorded work). */
  zeros<D extends DType = 'f32'>(shape: readonly number[], dtype: D = 'f32' as D): Tensor<D> {
    return this.op('zeros', () => {
      const t = this.empty(shape, dtype);
      this.scheduler.clear(t.buffer, t.byteOffset, t.byteLength);
      return t;
    });
  }

  /**
   * Copy `src` into `out` (a new tensor of the same shape and dtype if not
   * given), recorded in order with the other work: no dispatch, no sync.
   */
  copy<D extends DType>(src: Tensor<D>, out?: Tensor<D>): Tensor<D> {
    return this.op('copy', () => {
      checkTensor('copy', 'src', src, this);
      if (out !== undefined) {
        checkTensor('copy', 'out', out, this, { dtype: src.dtype });
        if (out.size !== src.size) throw new ShapeError(`copy: out ${describeShape(out.shape)} must have as many elements as src ${describeShape(src.shape)}`);
        if (out.buffer === src.buffer) {
          if (out.byteOffset === src.byteOffset) return out;
          throw new ValueError('copy: out shares its GPU buffer with src (WebGPU copies between two buffers); copy into a separate tensor');
        }
      }
      const dst = out ?? this.empty(src.shape, src.dtype);
      this.scheduler.copy(src.buffer, src.byteOffset, dst.buffer, dst.byteOffset, src.byteLength);
      return dst;
    });
  }

  /** Set every element of `tensor` to zero, recorded in order with the other work (no sync). */
  clear(tensor: Tensor): void {
    this.op('clear', () => {
      checkTensor('clear', 'tensor', tensor, this);
      this.scheduler.clear(tensor.buffer, tensor.byteOffset, tensor.byteLength);
    });
  }

  /** Overwrite a tensor's data from the CPU. Pending work is submitted first, so it sees the old data. */
  write(tensor: Tensor, data: TensorData): void {
    checkTensor('write', 'tensor', tensor, this);
    const { values: typed } = checkTensorData('write', data, tensor.dtype);
    if (typed.length !== tensor.size) {
      throw new ShapeError(`write: data has ${typed.length} elements but tensor ${describeShape(tensor.shape)} has ${tensor.size}`);
    }
    if (this.scheduler.hasPendingCommands) this.scheduler.flush();
    this.errorScopes.guard('write', () =>
      this.device.queue.writeBuffer(tensor.buffer, tensor.byteOffset, typed.buffer, typed.byteOffset, typed.byteLength));
  }

  /** @internal TensorOwner: used by Tensor.read(). */
  readTensorBytes(tensor: Tensor): Promise<ArrayBuffer> {
    try {
      checkTensor('read', 'tensor', tensor, this);
      this.scheduler.assertAlive();
      return this.scheduler.read(tensor.buffer, tensor.byteLength, tensor.byteOffset);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** @internal TensorOwner: used by Tensor.dispose(). */
  releaseTensor(tensor: Tensor): void {
    if (tensor.isView) return;
    if (!this.liveTensors.delete(tensor)) return;
    if (!this.destroyed) this.pool.release(tensor.buffer);
  }

  // ---- scheduling ----------------------------------------------------------

  /** Submit recorded work now. */
  flush(): void {
    this.scheduler.flush();
  }

  /** Resolves when the GPU has finished all submitted work. */
  sync(): Promise<void> {
    return this.scheduler.sync();
  }

  /** Compile a kernel ahead of use; throws ShaderError naming file:line on bad WGSL. */
  compile(kernel: KernelSource, entryPoint: string, constants: Record<string, number> = {}): Promise<CompiledKernel> {
    this.scheduler.assertAlive();
    return this.registry.compile(kernel, entryPoint, constants);
  }

  /** True when the device has `timestamp-query`, so `profile()` can time kernels. */
  get canProfile(): boolean {
    return this.device.features.has('timestamp-query');
  }

  /**
   * GPU time of every dispatch that `record` records, in order: one entry per
   * dispatch with its shader file, entry point and milliseconds. Work recorded
   * before the call is submitted first and is not counted. Each dispatch runs
   * in its own timestamped pass while profiling (see src/gpu/profiler.ts), so
   * use it to see which kernel costs what, not to time the whole step.
   */
  async profile(record: () => void | Promise<void>): Promise<ProfileEntry[]> {
    if (typeof record !== 'function') throw new ValueError(`profile: record must be a function that records GPU work, got ${describeValue(record)}`);
    this.scheduler.assertAlive();
    if (!this.canProfile) throw new ValueError(`profile: this device has no 'timestamp-query' feature (adapter: ${this.adapterName})`);
    if (this.scheduler.profiler) throw new ValueError('profile: already profiling (profile calls do not nest)');
    this.scheduler.flush();
    const profiler = new Profiler(this.device, this.scheduler.maxDispatches);
    this.scheduler.profiler = profiler;
    try {
      try {
        await record();
      } finally {
        // Submit what `record` left pending while the profiler still owns the passes.
        try { this.scheduler.flush(); } finally { this.scheduler.profiler = null; }
      }
      return await profiler.results();
    } finally {
      profiler.destroy();
    }
  }

  stats(): EngineStats {
    const pool = this.pool.stats();
    const sched = this.scheduler.stats();
    return { ...pool, liveTensors: this.liveTensors.size, ...sched, pipelines: this.registry.pipelineCount };
  }

  /** Free every buffer this engine owns; destroys the device only if the engine created it. */
  destroy(): void {
    if (this.destroyed) return;
    try { if (!this.scheduler.lostError) this.scheduler.flush(); } catch { /* destroying anyway */ }
    for (const t of [...this.liveTensors]) t.dispose();
    this.destroyed = true;
    this.pool.destroyAll();
    this.scheduler.destroy();
    this.scheduler.markDestroyed();
    if (this.ownsDevice) this.device.destroy();
    void this.keepAlive;
  }

  /**
   * Run one public op: its name goes on the GPU errors and limit errors its
   * dispatches may cause, and if it throws part-way, the tensors it created
   * are freed (nothing is left allocated by a refused call).
   */
  private op<T>(name: string, run: () => T): T {
    if (this.opDepth > 0) return run();
    this.opDepth++;
    this.scheduler.currentOp = name;
    try {
      const result = run();
      this.createdInOp = [];
      return result;
    } catch (err) {
      for (const t of this.createdInOp) t.dispose();
      this.createdInOp = [];
      throw err;
    } finally {
      this.opDepth--;
      this.scheduler.currentOp = null;
    }
  }

  // ---- element-wise activations (shaders/activations.wgsl) --------------------

  relu(x: Tensor): Tensor<'f32'> { return this.op('relu', () => activations.activationForward(this, 'relu', x)); }
  sigmoid(x: Tensor): Tensor<'f32'> { return this.op('sigmoid', () => activations.activationForward(this, 'sigmoid', x)); }
  tanh(x: Tensor): Tensor<'f32'> { return this.op('tanh', () => activations.activationForward(this, 'tanh', x)); }
  /** dx = dy * relu'(y); y is the forward output (the input works too: same sign). */
  reluBackward(dy: Tensor, y: Tensor): Tensor<'f32'> { return this.op('reluBackward', () => activations.activationBackward(this, 'relu', dy, y)); }
  /** dx = dy * y (1 - y); y is the forward output. */
  sigmoidBackward(dy: Tensor, y: Tensor): Tensor<'f32'> { return this.op('sigmoidBackward', () => activations.activationBackward(this, 'sigmoid', dy, y)); }
  /** dx = dy * (1 - y^2); y is the forward output. */
  tanhBackward(dy: Tensor, y: Tensor): Tensor<'f32'> { return this.op('tanhBackward', () => activations.activationBackward(this, 'tanh', dy, y)); }

  // ---- matmul (src/ops/matmul.ts) ---------------------------------------------

  /**
   * C = act(op(a) op(b) + bias) as a new f32 [M, N] tensor, or written into `out`
   * (with `accumulate`: out += op(a) op(b)). op(x) is x or its transpose, read in place.
   */
  matmul(a: Tensor, b: Tensor, options: matmulOps.MatmulOptions = {}): Tensor<'f32'> {
    return this.op('matmul', () => matmulOps.matmul(this, a, b, options));
  }

  /**
   * Choose the matmul variant of each shape class in `shapes` before its first
   * use: with tuning 'auto' (or a cache), every candidate variant of a class
   * not chosen yet is timed on this adapter (GPU timestamps where
   * `canProfile`, else submit-and-wait wall time, best of a few runs) and the
   * fastest is kept; with 'fixed', the default rule's choice is recorded and
   * nothing is timed. A class keeps its variant for the engine's life, so call
   * this before training, before anything has used the classes.
   * Resolves to the choices of the given shapes (also in `engine.tuning.chosen`).
   */
  autotune(shapes: readonly MatmulShapeSpec[]): Promise<TuningChoice[]> {
    return autotuneMatmul(this, shapes);
  }

  // ---- softmax, losses, maxout, dropout, reductions (src/ops/*.ts) -------------

  /** Row-wise softmax over the last dim of a 2-D f32 [n, c] (stable: the row max is subtracted first). */
  softmax(x: Tensor): Tensor<'f32'> { return this.op('softmax', () => softmaxOps.softmax(this, x)); }
  /** dx = y ⊙ (dy − rowsum(dy ⊙ y)); y is the softmax output. */
  softmaxBackward(dy: Tensor, y: Tensor): Tensor<'f32'> { return this.op('softmaxBackward', () => softmaxOps.softmaxBackward(this, dy, y)); }
  /**
   * Fused softmax + cross-entropy of logits f32 [n, c] against labels i32 [n].
   * loss [1] = mean over the first `rows` rows of logsumexp − logit[label];
   * dlogits = (softmax − onehot) / rows, 0 for padded rows. `lossSum` / `correct`
   * (f32, element 0) get the batch's loss sum / correct count ADDED, on the GPU.
   * An out-of-range label gives that row a NaN loss and gradient.
   */
  softmaxCrossEntropy(logits: Tensor, labels: Tensor, options?: { lossSum?: Tensor; correct?: Tensor; rows?: number }): { loss: Tensor<'f32'>; dlogits: Tensor<'f32'> } {
    return this.op('softmaxCrossEntropy', () => lossOps.softmaxCrossEntropy(this, logits, labels, options));
  }
  /**
   * Keras 'mse' of pred vs target f32 [n, c]: loss [1] = mean over real rows of
   * the row's mean squared error; dpred = 2 (pred − target) / (rows · c), 0 for padded rows.
   */
  mse(pred: Tensor, target: Tensor, options?: { lossSum?: Tensor; rows?: number }): { loss: Tensor<'f32'>; dpred: Tensor<'f32'> } {
    return this.op('mse', () => lossOps.mse(this, pred, target, options));
  }
  /** [n, classes] f32 one-hot rows of labels i32 [n]. */
  oneHot(labels: Tensor, classes: number): Tensor<'f32'> { return this.op('oneHot', () => lossOps.oneHot(this, labels, classes)); }
  /** x f32 [n, units*pieces] -> y [n, units] (max of each group of `pieces` columns), argmax [n, units] u32. */
  maxout(x: Tensor, pieces: number): { y: Tensor<'f32'>; argmax: Tensor<'u32'> } { return this.op('maxout', () => maxoutOps.maxout(this, x, pieces)); }
  /** dx [n, units*pieces]: dy routed to each group's winning column. */
  maxoutBackward(dy: Tensor, argmax: Tensor, pieces: number): Tensor<'f32'> { return this.op('maxoutBackward', () => maxoutOps.maxoutBackward(this, dy, argmax, pieces)); }
  /** Inverted dropout: mask = 1/(1−rate) with probability 1−rate else 0 (Philox of seed, step, index); y = x ⊙ mask. */
  dropout(x: Tensor, options: { rate: number; seed: number; step?: number }): { y: Tensor<'f32'>; mask: Tensor<'f32'> } {
    return this.op('dropout', () => dropoutOps.dropout(this, x, options));
  }
  /** dx = dy ⊙ mask. */
  dropoutBackward(dy: Tensor, mask: Tensor): Tensor<'f32'> { return this.op('dropoutBackward', () => dropoutOps.dropoutBackward(this, dy, mask)); }
  /** x f32 [n, c] -> [c]: sum over the first `rows` rows (bias gradients); `out` receives it if given. */
  columnSums(x: Tensor, options?: { out?: Tensor; rows?: number }): Tensor<'f32'> { return this.op('columnSums', () => reductionOps.columnSums(this, x, options)); }
  /** The sum of the rows (= column sums): the design card's name for columnSums. */
  sumRows(x: Tensor, options?: { out?: Tensor; rows?: number }): Tensor<'f32'> { return this.op('sumRows', () => reductionOps.columnSums(this, x, options, 'sumRows')); }
  /** Row argmax of x f32 [n, c] -> i32 [n] (first maximum on ties). */
  argmax(x: Tensor): Tensor<'i32'> { return this.op('argmax', () => reductionOps.argmax(this, x)); }
  /** [1] f32: the number of rows of x whose argmax equals the label. */
  countCorrect(x: Tensor, labels: Tensor): Tensor<'f32'> { return this.op('countCorrect', () => reductionOps.countCorrect(this, x, labels)); }

  // ---- optimizer updates (src/ops/optimizers.ts) --------------------------------

  // Each is ONE in-place dispatch over tensors of equal element count (any shape:
  // the flat parameter buffer or a view of one layer); g below includes l2 * w.
  /** w -= lr * (g + l2 * w). */
  sgd(params: Tensor, grads: Tensor, options: optimizerOps.SgdOptions): void { this.op('sgd', () => optimizerOps.sgd(this, params, grads, options)); }
  /** Keras form: velocity = momentum * velocity - lr * g; w += velocity, or with nesterov w += momentum * velocity - lr * g. */
  momentum(params: Tensor, grads: Tensor, velocity: Tensor, options: optimizerOps.MomentumOptions): void {
    this.op('momentum', () => optimizerOps.momentum(this, params, grads, velocity, options));
  }
  /** accum += g^2; w -= lr * g / (sqrt(accum) + eps), eps default 1e-7. */
  adagrad(params: Tensor, grads: Tensor, accum: Tensor, options: optimizerOps.AdagradOptions): void {
    this.op('adagrad', () => optimizerOps.adagrad(this, params, grads, accum, options));
  }
  /** v = rho v + (1 - rho) g^2; w -= lr g / (sqrt(v) + eps), or lr g / sqrt(v + eps) with epsInsideSqrt (Keras 3). */
  rmsprop(params: Tensor, grads: Tensor, v: Tensor, options: optimizerOps.RmspropOptions): void {
    this.op('rmsprop', () => optimizerOps.rmsprop(this, params, grads, v, options));
  }
  /** Adam with bias correction for the 1-based options.step. */
  adam(params: Tensor, grads: Tensor, m: Tensor, v: Tensor, options: optimizerOps.AdamOptions): void {
    this.op('adam', () => optimizerOps.adam(this, params, grads, m, v, options));
  }
  /** In place y += alpha * x (e.g. per-layer L2: grads += l2 * weights). */
  axpy(y: Tensor, x: Tensor, alpha: number): void { this.op('axpy', () => optimizerOps.axpy(this, y, x, alpha)); }
  /** In place x *= alpha. */
  scale(x: Tensor, alpha: number): void { this.op('scale', () => optimizerOps.scale(this, x, alpha)); }
  /** In place: each column of w [in, out] whose L2 norm exceeds options.maxNorm is rescaled to exactly maxNorm. */
  maxNorm(w: Tensor, options: optimizerOps.MaxNormOptions): void { this.op('maxNorm', () => optimizerOps.maxNorm(this, w, options)); }

}

/**
 * The shape of a dispatch given to the public `engine.dispatch` (the ops always
 * give a well-formed one): a few type tests, cheap enough for every dispatch.
 * The registry and the scheduler check the rest (entry point, bindings, limits).
 */
function checkDispatch(spec: KernelDispatch): void {
  const s = spec as Partial<KernelDispatch> | null;
  if (s === null || typeof s !== 'object') throw new ValueError(`dispatch: spec must be { kernel, entryPoint, buffers, uniform?, workgroups }, got ${describeValue(spec)}`);
  if (!s.kernel || typeof s.kernel !== 'object' || typeof s.kernel.file !== 'string' || typeof s.kernel.source !== 'string') {
    throw new ValueError(`dispatch: spec.kernel must be a KernelSource { file, source, entryPoints }, got ${describeValue(s.kernel)}`);
  }
  if (typeof s.entryPoint !== 'string') throw new ValueError(`dispatch: spec.entryPoint must be a string, got ${describeValue(s.entryPoint)}`);
  if (!s.buffers || typeof s.buffers !== 'object') throw new ValueError(`dispatch: spec.buffers must be an object of buffers by binding name, got ${describeValue(s.buffers)}`);
  const w = s.workgroups;
  if (!Array.isArray(w) || w.length < 1 || w.length > 3 || !w.every((n) => n === undefined || (Number.isSafeInteger(n) && n >= 0))) {
    throw new ValueError(`dispatch: spec.workgroups must be [x, y?, z?] of non-negative integers, got ${describeValue(w)}`);
  }
}
