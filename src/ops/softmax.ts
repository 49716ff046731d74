/**
 * Row-wise softmax and its backward pass (shaders/softmax.wgsl).
 */
import source from '../../shaders/softmax.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { checkSameShape, checkTensor } from '../shape.js';
import { grid1D } from '../gpu/uniforms.js';

const KERNEL = { file: 'shaders/softmax.wgsl', source };

/**
 * Rows at least this long get a whole workgroup each (64 threads and a
 * barrier tree); shorter ones one thread each, with no barriers.
 */
export const WORKGROUP_ROW_MIN_COLS = 128;

/** How a [rows, cols] row-wise kernel is laid out: override constant and grid. */
function rowLayout(rows: number, cols: number, threadsPerRow?: 1 | 64) {
  const perRow = threadsPerRow ?? (cols >= WORKGROUP_ROW_MIN_COLS ? 64 : 1);
  return {
    constants: { THREADS_PER_ROW: perRow },
    // 1 thread per row: 64 rows per workgroup; 64 threads per row: one row per workgroup.
    workgroups: perRow === 1 ? grid1D(rows, 64) : grid1D(rows, 1),
    uniform: { rows, cols },
  };
}

/**
 * @param threadsPerRow internal: force a layout (tests use it to reach both).
 */
export function softmax(ctx: KernelContext, x: Tensor, threadsPerRow?: 1 | 64): Tensor<'f32'> {
  checkTensor('softmax', 'x', x, ctx, { dtype: 'f32', rank: 2 });
  const [rows, cols] = x.shape as [number, number];
  const layout = rowLayout(rows, cols, threadsPerRow);
  const y = ctx.empty(x.shape, 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'forward', constants: layout.constants,
    buffers: { x: x.binding, y: y.binding },
    uniform: layout.uniform,
    workgroups: layout.workgroups,
  });
  return y;
}

export function softmaxBackward(ctx: KernelContext, dy: Tensor, y: Tensor, threadsPerRow?: 1 | 64): Tensor<'f32'> {
  checkTensor('softmaxBackward', 'dy', dy, ctx, { dtype: 'f32', rank: 2 });
  checkTensor('softmaxBackward', 'y', y, ctx, { dtype: 'f32', rank: 2 });
  checkSameShape('softmaxBackward', 'dy', dy, 'y', y);
  const [rows, cols] = dy.shape as [number, number];
  const layout = rowLayout(rows, cols, threadsPerRow);
  const dx = ctx.empty(dy.shape, 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'backward', constants: layout.constants,
    buffers: { dy: dy.binding, fwd_out: y.binding, dx: dx.binding },
    uniform: layout.uniform,
    workgroups: layout.workgroups,
  });
  return dx;
}
