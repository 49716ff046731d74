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
}

export function isSwiftShader(adapter: AdapterDescription): boolean {
  return /swiftshader/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description} ${adapter.device}`);
}

export function tuningFor(adapter: AdapterDescription): Tuning {
  return { matmulUnrollK2: isSwiftShader(adapter) };
}
