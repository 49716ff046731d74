/**
 * Element-wise activations (shaders/activations.wgsl): relu, sigmoid, tanh and
 * their backward passes. Backward takes the forward output y (see the shader).
 */
import source from '../../shaders/activations.wgsl';
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { checkSameShape, checkTensor } from '../shape.js';
import { UniformWriter, grid1D } from '../gpu/uniforms.js';
import type { ActivationName } from '../reference/activations.js';

const KERNEL = { file: 'shaders/activations.wgsl', source };
export const ACTIVATION_CODES: Record<ActivationName, number> = { relu: 0, sigmoid: 1, tanh: 2 };

export function activationForward(engine: Engine, name: ActivationName, x: Tensor): Tensor<'f32'> {
  checkTensor(name, 'x', x, engine, { dtype: 'f32' });
  const y = engine.empty(x.shape, 'f32');
  engine.scheduler.dispatch({
    kernel: engine.registry.pipeline(KERNEL, 'forward', { ACTIVATION: ACTIVATION_CODES[name] }),
    buffers: { x: x.binding, y: y.binding },
    uniform: new UniformWriter().u32(x.size).bytes(),
    workgroups: grid1D(x.size, 64),
  });
  return y;
}

export function activationBackward(engine: Engine, name: ActivationName, dy: Tensor, y: Tensor): Tensor<'f32'> {
  const fn = `${name}Backward`;
  checkTensor(fn, 'dy', dy, engine, { dtype: 'f32' });
  checkTensor(fn, 'y', y, engine, { dtype: 'f32' });
  checkSameShape(fn, 'dy', dy, 'y', y);
  const dx = engine.empty(dy.shape, 'f32');
  engine.scheduler.dispatch({
    kernel: engine.registry.pipeline(KERNEL, 'backward', { ACTIVATION: ACTIVATION_CODES[name] }),
    buffers: { dy: dy.binding, fwd_out: y.binding, dx: dx.binding },
    uniform: new UniformWriter().u32(dy.size).bytes(),
    workgroups: grid1D(dy.size, 64),
  });
  return dx;
}
