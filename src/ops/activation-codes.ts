/**
 * The activation table's codes, as every shader reads them: the WGSL side is
 * the prelude's constants (ACTIVATION_LINEAR ... ACTIVATION_TANH in
 * shaders/common/activations.wgsl), which each shader gets in front of its
 * own text. One numbering for the element-wise kernels (shaders/activations.wgsl)
 * and the matmul epilogue and backward gate (shaders/matmul.wgsl); the
 * shader-prelude spec checks that these numbers equal the WGSL constants.
 */
import type { EpilogueActivation } from '../reference/activations.js';

export const ACTIVATION_CODES: Readonly<Record<EpilogueActivation, number>> = Object.freeze({
  linear: 0,
  relu: 1,
  sigmoid: 2,
  tanh: 3,
});
