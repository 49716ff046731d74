/**
 * Buffer pool: GPU buffers are expensive to create and destroy, and training
 * allocates the same sizes every step. Released buffers are kept by size class
 * and handed out again, up to a cap on the bytes kept.
 *
 * Safety rule: a buffer released while a recorded-but-unsubmitted command still
 * uses it must not be handed out again before that command is submitted — a
 * `queue.writeBuffer` to its new owner would run *before* the old command and
 * corrupt its input. So releases go to a `retired` list, and the scheduler calls
 * `recycleRetired()` right after each submit.
 */

/** Usage of every tensor buffer: bound as storage, copied in and out. */
export const TENSOR_USAGE = 0x0080 /* STORAGE */ | 0x0004 /* COPY_SRC */ | 0x0008 /* COPY_DST */;

/**
 * Size classes: four steps per power of two (1, 1.25, 1.5, 1.75 × 2^k), so a
 * pooled buffer wastes at most 25% of its size; at least 256 bytes.
 */
export function sizeClass(byteLength: number): number {
  const min = 256;
  if (byteLength <= min) return min;
  const pow = 2 ** Math.floor(Math.log2(byteLength));
  const step = pow / 4;
  return Math.ceil(byteLength / step) * step;
}

export interface PoolStats {
  liveBuffers: number;
  liveBytes: number;
  pooledBuffers: number;
  pooledBytes: number;
  /** Buffers created over the pool's life: flat after warm-up means reuse works. */
  createdBuffers: number;
  reusedBuffers: number;
  /** Most bytes ever held by live tensors at once. */
  peakLiveBytes: number;
  /** GPU bytes the pool holds now: live + released-not-yet-submitted + pooled. */
  allocatedBytes: number;
  /** Most GPU bytes the pool ever held at once: the engine's memory high-water mark. */
  peakAllocatedBytes: number;
}

import type { ErrorScopes } from './error-scopes.js';

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private retired: GPUBuffer[] = [];
  private readonly live = new Set<GPUBuffer>();
  private liveBytes = 0;
  private pooledBytes = 0;
  private pooledBuffers = 0;
  private created = 0;
  private reused = 0;
  private peakLiveBytes = 0;
  private allocatedBytes = 0;
  private peakAllocatedBytes = 0;

  /**
   * Above this size a buffer gets exactly the bytes asked for (rounded to 4)
   * rather than its size class: rounding up could push a buffer that fits one
   * binding, or the adapter's largest buffer, over the limit.
   */
  private readonly largestClass: number;

  constructor(private readonly device: GPUDevice, private readonly errorScopes: ErrorScopes,
    readonly maxPooledBytes = 256 * 1024 * 1024) {
    this.largestClass = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  }

  /** Called for every buffer the pool destroys (the scheduler drops the bind groups that bind it). */
  onDestroy: ((buffer: GPUBuffer) => void) | null = null;

  private destroyBuffer(buffer: GPUBuffer): void {
    this.onDestroy?.(buffer);
    buffer.destroy();
  }

  /** The GPU bytes `acquire(byteLength)` takes. */
  sizeFor(byteLength: number): number {
    const size = sizeClass(byteLength);
    return size <= this.largestClass ? size : Math.ceil(byteLength / 4) * 4;
  }

  /** A buffer of at least `byteLength` bytes (its size is the size class). The caller checks maxBufferSize. */
  acquire(byteLength: number, what = 'wgsl-tensor'): GPUBuffer {
    const size = this.sizeFor(byteLength);
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.pooledBytes -= size;
      this.pooledBuffers--;
      this.reused++;
    } else {
      buffer = this.errorScopes.guard(what, () =>
        this.device.createBuffer({ size, usage: TENSOR_USAGE, label: `wgsl-tensor pool ${size}B` }));
      this.created++;
      this.allocatedBytes += size;
      this.peakAllocatedBytes = Math.max(this.peakAllocatedBytes, this.allocatedBytes);
    }
    this.live.add(buffer);
    this.liveBytes += size;
    this.peakLiveBytes = Math.max(this.peakLiveBytes, this.liveBytes);
    return buffer;
  }

  /** Give a buffer back; it becomes reusable after the next submit. */
  release(buffer: GPUBuffer): void {
    if (!this.live.delete(buffer)) return; // released twice: ignore
    this.liveBytes -= buffer.size;
    this.retired.push(buffer);
  }

  /** Called by the scheduler after a submit: retired buffers are now safe to reuse. */
  recycleRetired(): void {
    const retired = this.retired;
    this.retired = [];
    for (const buffer of retired) {
      if (this.pooledBytes + buffer.size > this.maxPooledBytes) {
        this.destroyBuffer(buffer);
        this.allocatedBytes -= buffer.size;
        continue;
      }
      let list = this.free.get(buffer.size);
      if (!list) this.free.set(buffer.size, (list = []));
      list.push(buffer);
      this.pooledBytes += buffer.size;
      this.pooledBuffers++;
    }
  }

  /** Destroy what the pool keeps (not live buffers). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) this.destroyBuffer(b);
    this.allocatedBytes -= this.pooledBytes;
    this.free.clear();
    this.pooledBytes = 0;
    this.pooledBuffers = 0;
  }

  /** Destroy everything, live buffers included (engine.destroy()). */
  destroyAll(): void {
    this.trim();
    for (const b of this.retired) this.destroyBuffer(b);
    for (const b of this.live) this.destroyBuffer(b);
    this.retired = [];
    this.live.clear();
    this.liveBytes = 0;
    this.allocatedBytes = 0;
  }

  stats(): PoolStats {
    return {
      liveBuffers: this.live.size,
      liveBytes: this.liveBytes,
      pooledBuffers: this.pooledBuffers,
      pooledBytes: this.pooledBytes,
      createdBuffers: this.created,
      reusedBuffers: this.reused,
      peakLiveBytes: this.peakLiveBytes,
      allocatedBytes: this.allocatedBytes,
      peakAllocatedBytes: this.peakAllocatedBytes,
    };
  }
}
