/**
 * Inverted dropout (shaders/dropout.wgsl). The keep decisions come from
 * Philox-4x32-10 keyed by (seed, step, element), so a step's mask can be
 * recomputed anywhere, and src/reference/dropout.ts reproduces it bit for bit.
 */
import source from '../../shaders/dropout.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, checkSameShape, checkTensor } from '../shape.js';
import { grid1D } from '../gpu/uniforms.js';
import { checkOptions } from '../options.js';
import { dropoutScale, dropoutThreshold } from '../reference/dropout.js';

const KERNEL = { file: 'shaders/dropout.wgsl', source };
const U32_MAX = 0xffffffff;
/**
 * The largest `step` the RNG takes: Philox's counter holds it in one u32 word.
 * A model's step counter (Sequential.stepCount, saved in checkpoints) must stay
 * below it for dropout to keep drawing masks.
 */
export const MAX_DROPOUT_STEP = U32_MAX;

export interface DropoutOptions {
  /** Probability of dropping an element, in [0, 1). */
  rate: number;
  /** u32 integer: which random stream (e.g. per model and layer). */
  seed: number;
  /** u32 integer, default 0: which mask of the stream (e.g. the training step). */
  step?: number;
}

export function dropout(ctx: KernelContext, x: Tensor, options: DropoutOptions): { y: Tensor<'f32'>; mask: Tensor<'f32'> } {
  checkTensor('dropout', 'x', x, ctx, { dtype: 'f32' });
  // rate and seed are required: a missing one is refused below as 'undefined'.
  const o = checkOptions('dropout', options, ['rate', 'seed', 'step']);
  const rate = checkNumber('dropout', 'options.rate', o.rate, { min: 0, max: 1, maxExclusive: true });
  const seed = checkNumber('dropout', 'options.seed', o.seed, { integer: true, min: 0, max: U32_MAX });
  const step = checkNumber('dropout', 'options.step', o.step ?? 0, { integer: true, min: 0, max: MAX_DROPOUT_STEP });
  const y = ctx.empty(x.shape, 'f32');
  const mask = ctx.empty(x.shape, 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'forward',
    buffers: { x: x.binding, y: y.binding, mask: mask.binding },
    uniform: { n: x.size, seed, step, threshold: dropoutThreshold(rate), scale: dropoutScale(rate) },
    workgroups: grid1D(Math.ceil(x.size / 4), 64),
  });
  return { y, mask };
}

export function dropoutBackward(ctx: KernelContext, dy: Tensor, mask: Tensor): Tensor<'f32'> {
  checkTensor('dropoutBackward', 'dy', dy, ctx, { dtype: 'f32' });
  checkTensor('dropoutBackward', 'mask', mask, ctx, { dtype: 'f32' });
  checkSameShape('dropoutBackward', 'dy', dy, 'mask', mask);
  const dx = ctx.empty(dy.shape, 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'backward',
    buffers: { dy: dy.binding, fwd_mask: mask.binding, dx: dx.binding },
    uniform: { n: dy.size, seed: 0, step: 0, threshold: 0, scale: 0 },
    workgroups: grid1D(dy.size, 64),
  });
  return dx;
}
