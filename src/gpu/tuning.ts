/**
 * Per-adapter starting guesses: what the kernels use before (or without) any
 * timing on the engine's own adapter (src/gpu/autotune.ts). Each was measured
 * on the adapters named below; on any other adapter, `engine.autotune` times
 * the matmul variants instead of trusting these. None changes results beyond
 * float rounding order (tests run every variant against the same CPU
 * reference). The fields are writable on `engine.tuning` so a benchmark can
 * compare settings in one run.
 */
/** The naming fields of GPUAdapterInfo (and of the engine's AdapterDescription). */
type AdapterNames = Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>;

const names = (a: AdapterNames) => `${a.vendor} ${a.architecture} ${a.device} ${a.description}`;

export interface Tuning {
  /**
   * The default rule's pick between the `+k2` matmul variants and the plain ones:
   * two k steps per loop iteration in tiled_vec4 and tiled_vec4_at (UNROLL_K2
   * in shaders/matmul.wgsl). Headless Chromium's SwiftShader (Subzero JIT),
   * same run: 1024³ 3.80 → 4.33 GFLOP/s, 256×784×512 3.59 → 4.15. Lavapipe
   * (LLVM): 13.6 → 8.9, so off there, and off on real GPUs until measured.
   */
  matmulUnrollK2: boolean;
  /**
   * Most workgroups (of 256) an optimizer update dispatches; each invocation
   * then loops over the parameters with a stride. CPU adapters pay a fixed
   * cost per workgroup and per invocation: RMSprop over 670k parameters, same
   * run, 32 x 256 looping invocations vs one invocation per parameter (the
   * earlier kernel): SwiftShader 15.5 → 12.3 ms, lavapipe 8.6 → 3.6 ms.
   * GPUs want one invocation per parameter (no cap).
   */
  elementwiseMaxWorkgroups: number;
}

export function isSwiftShader(adapter: AdapterNames): boolean {
  return /swiftshader/i.test(names(adapter));
}

/** A CPU implementation of WebGPU/Vulkan (SwiftShader, Mesa's llvmpipe/lavapipe). */
export function isCpuAdapter(adapter: AdapterNames): boolean {
  return /llvmpipe|lavapipe|swiftshader/i.test(names(adapter));
}

export function tuningFor(adapter: AdapterNames): Tuning {
  return {
    matmulUnrollK2: isSwiftShader(adapter),
    elementwiseMaxWorkgroups: isCpuAdapter(adapter) ? 32 : Number.MAX_SAFE_INTEGER,
  };
}
