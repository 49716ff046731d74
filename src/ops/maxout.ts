/**
 * Maxout units (shaders/maxout.wgsl): forward keeps the winning piece's index
 * so backward can route the gradient to it.
 */
import source from '../../shaders/maxout.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { ShapeError } from '../errors.js';
import { checkNumber, checkTensor, describeShape } from '../shape.js';
import { grid1D } from '../gpu/uniforms.js';

const KERNEL = { file: 'shaders/maxout.wgsl', source };

export function maxout(ctx: KernelContext, x: Tensor, pieces: number): { y: Tensor<'f32'>; argmax: Tensor<'u32'> } {
  checkTensor('maxout', 'x', x, ctx, { dtype: 'f32', rank: 2 });
  checkNumber('maxout', 'pieces', pieces, { integer: true, min: 1 });
  const [n, cols] = x.shape as [number, number];
  if (cols % pieces !== 0) {
    throw new ShapeError(`maxout: pieces (${pieces}) must divide the columns of x ${describeShape(x.shape)}`);
  }
  const units = cols / pieces;
  const y = ctx.empty([n, units], 'f32');
  const argmax = ctx.empty([n, units], 'u32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'forward',
    buffers: { x: x.binding, y: y.binding, argmax: argmax.binding },
    uniform: { outputs: n * units, pieces },
    workgroups: grid1D(n * units, 64),
  });
  return { y, argmax };
}

export function maxoutBackward(ctx: KernelContext, dy: Tensor, argmax: Tensor, pieces: number): Tensor<'f32'> {
  const fn = 'maxoutBackward';
  checkTensor(fn, 'dy', dy, ctx, { dtype: 'f32', rank: 2 });
  checkTensor(fn, 'argmax', argmax, ctx, { dtype: 'u32', rank: 2 });
  checkNumber(fn, 'pieces', pieces, { integer: true, min: 1 });
  if (dy.shape[0] !== argmax.shape[0] || dy.shape[1] !== argmax.shape[1]) {
    throw new ShapeError(`${fn}: dy and argmax must have the same shape: dy is ${describeShape(dy.shape)}, argmax is ${describeShape(argmax.shape)}`);
  }
  const [n, units] = dy.shape as [number, number];
  if (dy.size * pieces > 2 ** 31) throw new ShapeError(`${fn}: dx [${n},${units * pieces}] would have more than 2^31 elements`);
  const dx = ctx.empty([n, units * pieces], 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'backward',
    buffers: { dy: dy.binding, winner: argmax.binding, dx: dx.binding },
    uniform: { outputs: n * units, pieces },
    workgroups: grid1D(n * units * pieces, 64),
  });
  return dx;
}
