/**
 * Scheduler: records dispatches into one command encoder (inside one compute
 * pass where it can) and submits at explicit points — `flush()`, a read, or a
 * batch limit — not once per op. A training step is therefore one submit.
 *
 * Uniform parameters (sizes, scalars) go into a CPU-side arena with one
 * aligned slot per dispatch; the whole arena is written to its GPU buffer with
 * a single `writeBuffer` just before the submit, so a step of 20 dispatches
 * costs one upload of parameters, not 20.
 *
 * Readback copies into a MAP_READ staging buffer, submits, and awaits
 * `mapAsync` — asynchronous, and it rejects (never hangs) if the device is lost.
 */
import type { BufferPool } from './buffer-pool.js';
import type { CompiledKernel, KernelRegistry } from './kernel-registry.js';
import { DeviceLostError, LimitError, WgslTensorError } from '../errors.js';
import type { Profiler } from './profiler.js';
import type { ErrorScopes } from './error-scopes.js';
import type { WarningSink } from './warnings.js';
import { BindGroupCache } from './bind-group-cache.js';

const UNIFORM_USAGE = 0x0040 /* UNIFORM */ | 0x0008 /* COPY_DST */;
const STAGING_USAGE = 0x0001 /* MAP_READ */ | 0x0008 /* COPY_DST */;
const MAP_READ = 0x0001;

/** A buffer argument of a dispatch: a whole buffer, or a byte range of one. */
export type BufferBinding = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

export interface DispatchSpec {
  kernel: CompiledKernel;
  /** Storage buffers by the WGSL variable name they bind to. */
  buffers: Record<string, BufferBinding>;
  /** Bytes for the kernel's one `var<uniform>` (at most `maxUniformBytes`). */
  uniform?: ArrayBuffer | ArrayBufferView;
  workgroups: readonly [number, number?, number?];
}

export interface SchedulerStats {
  dispatches: number;
  submits: number;
  reads: number;
  /** Dispatches whose bind group came from the cache (bind-group-cache.ts), and bind groups built. */
  bindGroupHits: number;
  bindGroupsCreated: number;
}

export interface SchedulerOptions {
  /** Submit automatically after this many recorded dispatches. */
  maxDispatchesPerSubmit?: number;
}

/** Most op names an error message lists for one submit. */
const MAX_NAMED_OPS = 6;

export class Scheduler {
  readonly maxUniformBytes = 256;
  private readonly slotStride: number;
  private readonly arenaCpu: Uint8Array;
  private readonly arenaGpu: GPUBuffer;
  private slotsUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly stagingFree: GPUBuffer[] = [];
  readonly maxDispatches: number;
  private counters = { dispatches: 0, submits: 0, reads: 0 };
  /** Bind groups built once per (pipeline, bound buffers) and reused: a step's recording then creates none. */
  readonly bindGroups = new BindGroupCache();
  /** The public op being recorded (set by Engine), so GPU errors and limit errors can name it. */
  currentOp: string | null = null;
  private readonly onUncapturedError: (event: Event) => void;
  /** Ops recorded into the pending command encoder, for errors found at submit. */
  private readonly batchOps = new Set<string>();
  /** While set, every dispatch gets its own timestamped pass (see profiler.ts). */
  profiler: Profiler | null = null;
  /** Set once the device is lost; every call then throws it. */
  lostError: DeviceLostError | null = null;
  private readonly lostPromise: Promise<never>;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    private readonly registry: KernelRegistry,
    private readonly errorScopes: ErrorScopes,
    warn: WarningSink,
    options: SchedulerOptions = {},
  ) {
    this.maxDispatches = options.maxDispatchesPerSubmit ?? 256;
    this.slotStride = Math.max(this.maxUniformBytes, device.limits.minUniformBufferOffsetAlignment);
    this.arenaCpu = new Uint8Array(this.slotStride * this.maxDispatches);
    this.arenaGpu = device.createBuffer({ size: this.arenaCpu.byteLength, usage: UNIFORM_USAGE, label: 'wgsl-tensor uniforms' });
    this.lostPromise = device.lost.then((info) => {
      if (!this.lostError) warn(`the GPU device was lost (${info.reason || 'unknown'}): ${info.message || 'no message'}`);
      this.lostError ??= new DeviceLostError(
        `wgsl-tensor: the GPU device was lost (${info.reason || 'unknown'}: ${info.message || 'no message'}); ` +
        'create a new engine to continue');
      throw this.lostError;
    });
    this.lostPromise.catch(() => { /* observed by reads; avoid unhandled rejection */ });
    // Our own GPU calls run inside error scopes (error-scopes.ts), so what
    // reaches this event is not ours (the app's, on a shared device): it goes to
    // onWarning, and preventDefault keeps the runtime from printing it (Dawn's
    // Node bindings print every uncaptured error on stdout otherwise).
    this.onUncapturedError = (event: Event) => {
      event.preventDefault?.();
      warn(`uncaptured GPU error (not from wgsl-tensor's scoped calls): ${(event as GPUUncapturedErrorEvent).error.message}`);
    };
    device.addEventListener?.('uncapturederror', this.onUncapturedError);
  }

  /** Throw if the device is lost: called at the top of every public operation. */
  assertAlive(): void {
    if (this.lostError) throw this.lostError;
  }

  /** Shader errors the GPU compiler reported after a synchronous pipeline build: thrown once at the next flush or read. */
  private throwShaderErrors(): void {
    const err = this.registry.takeError();
    if (err) throw err;
  }

  /** After a wait on the GPU: throw the first GPU error of the work submitted so far (GpuError naming the op). */
  private async throwGpuErrors(): Promise<void> {
    try {
      await this.errorScopes.check();
    } catch (err) {
      // A bind group the GPU refused may sit in the cache: build them anew.
      this.bindGroups.clear();
      throw err;
    }
    this.throwShaderErrors();
  }

  private get opName(): string {
    return this.currentOp ?? 'wgsl-tensor';
  }

  /**
   * Every buffer binding within maxStorageBufferBindingSize and the grid within
   * maxComputeWorkgroupsPerDimension, checked before anything is recorded: past
   * them WebGPU would drop the whole submit, and a training step would "run"
   * with no effect.
   */
  private checkLimits(spec: DispatchSpec): void {
    const limits = this.device.limits;
    for (const b of spec.kernel.bindings) {
      if (b.kind === 'uniform') continue;
      const given = spec.buffers[b.name];
      if (!given) continue;
      const size = isBufferRange(given) ? given.size ?? given.buffer.size - (given.offset ?? 0) : given.size;
      if (size > limits.maxStorageBufferBindingSize) {
        throw new LimitError(`${this.opName}: ${spec.kernel.file} binds "${b.name}" with ${size} bytes, over this adapter's ` +
          `maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize} bytes)`);
      }
    }
    for (const count of spec.workgroups) {
      if (count !== undefined && count > limits.maxComputeWorkgroupsPerDimension) {
        throw new LimitError(`${this.opName}: ${spec.kernel.file} needs a grid of ${spec.workgroups.join(' x ')} workgroups, over this ` +
          `adapter's maxComputeWorkgroupsPerDimension (${limits.maxComputeWorkgroupsPerDimension})`);
      }
    }
  }

  stats(): SchedulerStats {
    return { ...this.counters, ...this.bindGroups.stats() };
  }

  /** Any command (dispatch, copy, clear) recorded and not yet submitted. */
  get hasPendingCommands(): boolean {
    return this.encoder !== null;
  }

  private getEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'wgsl-tensor batch' });
    return this.encoder;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /** Record one dispatch. Binding names are checked against the shader's reflected bindings. */
  dispatch(spec: DispatchSpec): void {
    this.assertAlive();
    this.checkLimits(spec);
    const { kernel } = spec;
    const entries: { binding: number; resource: GPUBufferBinding }[] = [];
    for (const b of kernel.bindings) {
      if (b.kind === 'uniform') {
        const bytes = spec.uniform;
        if (!bytes) throw new Error(`${kernel.file}:${kernel.entryPoint}: uniform "${b.name}" needs data`);
        const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (view.byteLength > this.maxUniformBytes) throw new Error(`${kernel.file}: uniform "${b.name}" is ${view.byteLength} bytes; at most ${this.maxUniformBytes}`);
        const offset = this.slotsUsed * this.slotStride;
        this.arenaCpu.fill(0, offset, offset + this.slotStride);
        this.arenaCpu.set(view, offset);
        entries.push({ binding: b.binding, resource: { buffer: this.arenaGpu, offset, size: Math.max(16, Math.ceil(view.byteLength / 16) * 16) } });
      } else {
        const given = spec.buffers[b.name];
        if (!given) throw new Error(`${kernel.file}:${kernel.entryPoint}: no buffer for binding "${b.name}"`);
        entries.push({ binding: b.binding, resource: isBufferRange(given) ? given : { buffer: given, offset: 0, size: given.size } });
      }
    }
    const op = this.opName;
    // Built once per pipeline and set of bound buffers (inside error scopes), then reused.
    const bindGroup = this.bindGroups.get(kernel.key, entries, () => this.errorScopes.guard(op, () =>
      this.device.createBindGroup({ layout: kernel.layout, entries, label: `${op} (${kernel.file}:${kernel.entryPoint})` })));
    // Encoding errors surface at finish(), which flush() runs inside error scopes.
    if (this.profiler) {
      this.endPass();
      this.pass = this.getEncoder().beginComputePass(this.profiler.passFor(kernel));
    }
    this.pass ??= this.getEncoder().beginComputePass();
    this.pass.setPipeline(kernel.pipeline);
    this.pass.setBindGroup(0, bindGroup);
    const [x, y = 1, z = 1] = spec.workgroups;
    this.pass.dispatchWorkgroups(x, y, z);
    this.batchOps.add(op);
    this.slotsUsed++;
    this.counters.dispatches++;
    if (this.slotsUsed >= this.maxDispatches) this.flush();
  }

  /** Record a buffer-to-buffer copy in order with the dispatches. */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void {
    this.assertAlive();
    this.errorScopes.guard(this.opName, () => {
      this.endPass();
      this.getEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, size);
    });
    this.batchOps.add(this.opName);
  }

  /** Record a fill with zeros, in order with the dispatches. */
  clear(buffer: GPUBuffer, byteOffset: number, byteLength: number): void {
    this.assertAlive();
    this.errorScopes.guard(this.opName, () => {
      this.endPass();
      this.getEncoder().clearBuffer(buffer, byteOffset, Math.ceil(byteLength / 4) * 4);
    });
    this.batchOps.add(this.opName);
  }

  /** After engine.destroy(): every call throws. */
  markDestroyed(): void {
    this.lostError ??= new DeviceLostError('wgsl-tensor: this engine was destroyed; create a new one');
  }

  /** Submit everything recorded so far (no-op when nothing is recorded). */
  flush(): void {
    this.assertAlive();
    this.throwShaderErrors();
    if (!this.encoder) {
      // Nothing recorded is pending, so every use of a released buffer is already submitted: reusable now.
      this.pool.recycleRetired();
      return;
    }
    // Encoding errors surface at finish(): name the ops this submit carries.
    const ops = [...this.batchOps];
    const what = ops.length <= MAX_NAMED_OPS ? ops.join(', ') : `${ops.slice(0, MAX_NAMED_OPS).join(', ')} and ${ops.length - MAX_NAMED_OPS} more ops`;
    const encoder = this.encoder;
    const used = this.slotsUsed;
    this.encoder = null;
    this.slotsUsed = 0;
    this.batchOps.clear();
    this.errorScopes.guard(what || this.opName, () => {
      this.endPass();
      this.profiler?.resolve(encoder);
      if (used > 0) this.device.queue.writeBuffer(this.arenaGpu, 0, this.arenaCpu, 0, used * this.slotStride);
      this.device.queue.submit([encoder.finish()]);
    });
    this.counters.submits++;
    this.pool.recycleRetired();
  }

  /** Copy `byteLength` bytes of `buffer` back to the CPU (submits pending work). */
  async read(buffer: GPUBuffer, byteLength: number, byteOffset = 0): Promise<ArrayBuffer> {
    this.assertAlive();
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.takeStaging(size);
    this.copy(buffer, byteOffset, staging, 0, size);
    this.flush();
    this.counters.reads++;
    try {
      await Promise.race([staging.mapAsync(MAP_READ, 0, size), this.lostPromise]);
    } catch (err) {
      throw await this.lostOr(err);
    }
    const copy = staging.getMappedRange(0, size).slice(0, byteLength);
    staging.unmap();
    this.stagingFree.push(staging);
    await this.throwGpuErrors();
    return copy;
  }

  /** Resolves when the GPU has finished all submitted work. */
  async sync(): Promise<void> {
    this.flush();
    try {
      await Promise.race([this.device.queue.onSubmittedWorkDone(), this.lostPromise]);
    } catch (err) {
      throw await this.lostOr(err);
    }
    await this.throwGpuErrors();
  }

  /**
   * The error to report for a failed wait on the GPU: DeviceLostError if the
   * device is (turns out to be) lost, else `err`. When the device goes, the
   * browser can fail a pending mapAsync with its own AbortError before
   * `device.lost` resolves, so an unexplained failure waits a moment for it.
   */
  private async lostOr(err: unknown): Promise<unknown> {
    if (!this.lostError && !(err instanceof WgslTensorError)) {
      await Promise.race([this.lostPromise.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    return this.lostError ?? err;
  }

  private takeStaging(size: number): GPUBuffer {
    const i = this.stagingFree.findIndex((b) => b.size >= size && b.size <= size * 4);
    if (i >= 0) return this.stagingFree.splice(i, 1)[0]!;
    if (this.stagingFree.length > 8) this.stagingFree.shift()!.destroy();
    return this.errorScopes.guard(`${this.opName} (read)`, () =>
      this.device.createBuffer({ size: Math.max(256, size), usage: STAGING_USAGE, label: 'wgsl-tensor staging' }));
  }

  destroy(): void {
    // An app's own device outlives the engine: its listener must not keep the engine reachable.
    this.device.removeEventListener?.('uncapturederror', this.onUncapturedError);
    this.encoder = null;
    this.pass = null;
    for (const b of this.stagingFree) b.destroy();
    this.stagingFree.length = 0;
    this.arenaGpu.destroy();
  }
}

function isBufferRange(b: BufferBinding): b is { buffer: GPUBuffer; offset?: number; size?: number } {
  return (b as { buffer?: unknown }).buffer !== undefined && typeof (b as GPUBuffer).mapAsync !== 'function';
}
