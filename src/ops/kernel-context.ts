/**
 * What an op needs from the engine to record its kernel, and nothing more.
 *
 * Every op in src/ops/ takes a KernelContext, not the whole Engine: it
 * allocates its outputs with `empty`, records its kernel with `dispatch`,
 * reads the device's `limits` and the `tuning` (variant choices), and checks that
 * its tensors belong to it (a KernelContext is the TensorOwner that
 * `checkTensor` compares against). `Engine` implements this interface; the
 * ops never import `src/engine.ts`, so the dependency runs one way
 * (engine -> ops -> tensor -> gpu; see .dependency-cruiser.cjs).
 */
import type { DType, Tensor, TensorOwner } from '../tensor.js';
import type { KernelSource } from '../gpu/kernel-registry.js';
import type { BufferBinding } from '../gpu/scheduler.js';
import type { Tuner } from '../gpu/autotune.js';
import type { UniformValues } from '../gpu/uniforms.js';

/** One kernel launch, described by names: the context builds the pipeline and packs the uniform. */
export interface KernelDispatch {
  /** The WGSL file (an imported `.wgsl` and its path). */
  kernel: KernelSource;
  /** The `@compute` entry point to run. */
  entryPoint: string;
  /** Override constants; each combination is its own cached pipeline. */
  constants?: Record<string, number>;
  /** The storage buffers, by the WGSL variable name they bind to. */
  buffers: Record<string, BufferBinding>;
  /** The uniform struct's fields by name (every field, see packUniform in src/gpu/uniforms.ts). */
  uniform?: UniformValues;
  /** Workgroups along x, y, z. */
  workgroups: readonly [number, number?, number?];
}

export interface KernelContext extends TensorOwner {
  /** An uninitialised tensor (the kernel must write every element); freed again if the public op throws. */
  empty<D extends DType>(shape: readonly number[], dtype: D): Tensor<D>;
  /** Record one kernel launch into the current command batch (nothing waits for the GPU). */
  dispatch(spec: KernelDispatch): void;
  /** The device's limits (binding sizes, offset alignment, workgroup counts). */
  readonly limits: GPUSupportedLimits;
  /** Kernel variant choices: per shape class (src/gpu/autotune.ts) and the per-adapter starting guesses (src/gpu/tuning.ts). */
  readonly tuning: Tuner;
}
