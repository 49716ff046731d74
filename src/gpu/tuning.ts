/**
 * Per-adapter kernel choices that measurably differ between adapters.
 *
 * Every choice here was measured, not guessed, and none changes results
 * beyond float rounding order (tests run with whichever choice the adapter
 * gets, against the same CPU reference). `engine.tuning` is writable so a
 * benchmark can compare both settings in one run.
 */
import type { AdapterDescription } from './device.js';

export interface Tuning {
  /**
   * Two k steps per loop iteration in matmul's tiled_vec4 kernel (UNROLL_K2
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

export function isSwiftShader(adapter: AdapterDescription): boolean {
  return /swiftshader/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description} ${adapter.device}`);
}

/** A CPU implementation of WebGPU/Vulkan (SwiftShader, Mesa's llvmpipe/lavapipe). */
export function isCpuAdapter(adapter: AdapterDescription): boolean {
  return isSwiftShader(adapter) || /llvmpipe|lavapipe/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description} ${adapter.device}`);
}

export function tuningFor(adapter: AdapterDescription): Tuning {
  return {
    matmulUnrollK2: isSwiftShader(adapter),
    elementwiseMaxWorkgroups: isCpuAdapter(adapter) ? 32 : Number.MAX_SAFE_INTEGER,
  };
}
