/**
 * Profiler: GPU time of each dispatch from the `timestamp-query` feature.
 *
 * Normally the scheduler puts every dispatch of a batch into ONE compute pass.
 * Timestamps can only be written at the beginning and end of a pass, so while
 * profiling each dispatch gets a pass of its own, with two timestamp slots:
 *   query 2i   = GPU clock when dispatch i starts,
 *   query 2i+1 = GPU clock when it ends   (nanoseconds, u64).
 * At each submit the query set is resolved into a buffer, copied to a
 * MAP_READ staging buffer, and read back asynchronously; `results()` waits for
 * every submitted batch and turns the pairs into milliseconds.
 *
 * Splitting passes changes scheduling a little (the GPU may no longer overlap
 * neighbouring dispatches), so profile times add up to slightly more than an
 * unprofiled step. They are for "which kernel costs what", not for the
 * headline ms/step: that is timed without the profiler.
 */
import type { CompiledKernel } from './kernel-registry.js';

const QUERY_RESOLVE = 0x0200; // GPUBufferUsage.QUERY_RESOLVE
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const MAP_READ = 0x0001;

export interface ProfileEntry {
  /** Shader file, e.g. "shaders/matmul.wgsl". */
  kernel: string;
  entryPoint: string;
  /** GPU time between the start and end of the dispatch's pass. */
  gpuMs: number;
}

export class Profiler {
  private readonly querySet: GPUQuerySet;
  private readonly capacity: number;
  /** Kernels of the batch being recorded, in dispatch order. */
  private batch: CompiledKernel[] = [];
  private readonly pending: Promise<ProfileEntry[]>[] = [];

  /** `maxDispatches`: the most dispatches one submit can hold (the scheduler's batch limit). */
  constructor(private readonly device: GPUDevice, maxDispatches: number) {
    this.capacity = maxDispatches;
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * maxDispatches, label: 'wgsl-tensor profiler' });
  }

  /** The descriptor for the pass of the next dispatch (call once per dispatch). */
  passFor(kernel: CompiledKernel): GPUComputePassDescriptor {
    const i = this.batch.length;
    if (i >= this.capacity) throw new Error('wgsl-tensor profiler: more dispatches in one submit than the query set holds');
    this.batch.push(kernel);
    return { timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } };
  }

  /** Just before `encoder.finish()`: copy this batch's timestamps out, to be read after the submit. */
  resolve(encoder: GPUCommandEncoder): void {
    const kernels = this.batch;
    this.batch = [];
    if (kernels.length === 0) return;
    const bytes = kernels.length * 2 * 8;
    const resolved = this.device.createBuffer({ size: bytes, usage: QUERY_RESOLVE | COPY_SRC });
    const staging = this.device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, kernels.length * 2, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, bytes);
    // mapAsync may only be called after the submit: start it on the next microtask.
    this.pending.push(Promise.resolve().then(async () => {
      try {
        await staging.mapAsync(MAP_READ);
        const ns = new BigUint64Array(staging.getMappedRange().slice(0));
        staging.unmap();
        return kernels.map((k, i) => ({
          kernel: k.file,
          entryPoint: k.entryPoint,
          // end - start; a clock that went backwards (seen on some drivers) counts as 0.
          gpuMs: ns[2 * i + 1]! > ns[2 * i]! ? Number(ns[2 * i + 1]! - ns[2 * i]!) / 1e6 : 0,
        }));
      } finally {
        resolved.destroy();
        staging.destroy();
      }
    }));
  }

  /** Every dispatch profiled so far, in order (waits for the GPU). */
  async results(): Promise<ProfileEntry[]> {
    const batches = await Promise.all(this.pending);
    return batches.flat();
  }

  destroy(): void {
    this.querySet.destroy();
  }
}
