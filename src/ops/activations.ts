/**
 * Element-wise activations (shaders/activations.wgsl): relu, sigmoid, tanh and
 * their backward passes. Backward takes the forward output y (see the shader).
 * ACTIVATION is a code of the shared activation table (./activation-codes.ts).
 */
import source from '../../shaders/activations.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { checkSameShape, checkTensor } from '../shape.js';
import { grid1D } from '../gpu/uniforms.js';
import type { ActivationName } from '../reference/activations.js';
import { ACTIVATION_CODES } from './activation-codes.js';

const KERNEL = { file: 'shaders/activations.wgsl', source };

export function activationForward(ctx: KernelContext, name: ActivationName, x: Tensor): Tensor<'f32'> {
  checkTensor(name, 'x', x, ctx, { dtype: 'f32' });
  const y = ctx.empty(x.shape, 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'forward', constants: { ACTIVATION: ACTIVATION_CODES[name] },
    buffers: { x: x.binding, y: y.binding },
    uniform: { n: x.size },
    workgroups: grid1D(x.size, 64),
  });
  return y;
}

export function activationBackward(ctx: KernelContext, name: ActivationName, dy: Tensor, y: Tensor): Tensor<'f32'> {
  const fn = `${name}Backward`;
  checkTensor(fn, 'dy', dy, ctx, { dtype: 'f32' });
  checkTensor(fn, 'y', y, ctx, { dtype: 'f32' });
  checkSameShape(fn, 'dy', dy, 'y', y);
  const dx = ctx.empty(dy.shape, 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'backward', constants: { ACTIVATION: ACTIVATION_CODES[name] },
    buffers: { dy: dy.binding, fwd_out: y.binding, dx: dx.binding },
    uniform: { n: dy.size },
    workgroups: grid1D(dy.size, 64),
  });
  return dx;
}
