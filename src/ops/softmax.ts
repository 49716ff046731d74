/**
 * Row-wise softmax and its backward pass (shaders/softmax.wgsl).
 */
import source from '../../shaders/softmax.wgsl';
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { checkSameShape, checkTensor } from '../shape.js';
import { UniformWriter, grid1D } from '../gpu/uniforms.js';

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
    uniform: new UniformWriter().u32(rows).u32(cols).bytes(),
  };
}

/**
 * y = softmax over the last dim of x [rows, cols].
 * @param threadsPerRow internal: force a layout (tests use it to reach both).
 */
export function softmax(engine: Engine, x: Tensor, threadsPerRow?: 1 | 64): Tensor<'f32'> {
  checkTensor('softmax', 'x', x, engine, { dtype: 'f32', rank: 2 });
  const [rows, cols] = x.shape as [number, number];
  const layout = rowLayout(rows, cols, threadsPerRow);
  const y = engine.empty(x.shape, 'f32');
  engine.scheduler.dispatch({
    kernel: engine.registry.pipeline(KERNEL, 'forward', layout.constants),
    buffers: { x: x.binding, y: y.binding },
    uniform: layout.uniform,
    workgroups: layout.workgroups,
  });
  return y;
}

/** dx = y ⊙ (dy − rowsum(dy ⊙ y)), with y the softmax output. */
export function softmaxBackward(engine: Engine, dy: Tensor, y: Tensor, threadsPerRow?: 1 | 64): Tensor<'f32'> {
  checkTensor('softmaxBackward', 'dy', dy, engine, { dtype: 'f32', rank: 2 });
  checkTensor('softmaxBackward', 'y', y, engine, { dtype: 'f32', rank: 2 });
  checkSameShape('softmaxBackward', 'dy', dy, 'y', y);
  const [rows, cols] = dy.shape as [number, number];
  const layout = rowLayout(rows, cols, threadsPerRow);
  const dx = engine.empty(dy.shape, 'f32');
  engine.scheduler.dispatch({
    kernel: engine.registry.pipeline(KERNEL, 'backward', layout.constants),
    buffers: { dy: dy.binding, fwd_out: y.binding, dx: dx.binding },
    uniform: layout.uniform,
    workgroups: layout.workgroups,
  });
  return dx;
}
