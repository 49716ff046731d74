/**
 * Batch gather (shaders/gather.wgsl): the first kernel of every training step.
 */
import source from '../../shaders/gather.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, checkTensor } from '../shape.js';
import { ShapeError } from '../errors.js';
import { grid1D } from '../gpu/uniforms.js';

const KERNEL = { file: 'shaders/gather.wgsl', source };

export interface GatherSource {
  /** u8 pixels packed 4 per u32 word, or f32 values (as a u32 or f32 tensor). */
  data: Tensor;
  /** 'u8' when data holds packed bytes. */
  format: 'u8' | 'f32';
  labels: Tensor;
  count: number;
  features: number;
}

/** Writes rows [start, start+rows) of `order` into x [rows, features] and y [rows]. */
export function gatherBatch(ctx: KernelContext, src: GatherSource, order: Tensor, start: number, rows: number,
  scale: number, x: Tensor, y: Tensor): void {
  checkTensor('gatherBatch', 'order', order, ctx, { dtype: 'u32' });
  checkTensor('gatherBatch', 'labels', src.labels, ctx, { dtype: 'i32' });
  checkTensor('gatherBatch', 'x', x, ctx, { dtype: 'f32' });
  checkTensor('gatherBatch', 'y', y, ctx, { dtype: 'i32' });
  checkNumber('gatherBatch', 'start', start, { min: 0, integer: true });
  checkNumber('gatherBatch', 'rows', rows, { min: 1, integer: true });
  if (start + rows > order.size) throw new ShapeError(`gatherBatch: rows ${start}..${start + rows} exceed order (${order.size})`);
  if (x.size !== rows * src.features || y.size !== rows) {
    throw new ShapeError(`gatherBatch: x must have ${rows}x${src.features} elements and y ${rows}`);
  }
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'main', constants: { SOURCE_U8: src.format === 'u8' ? 1 : 0 },
    buffers: { source: src.data.binding, labels: src.labels.binding, order: order.binding, x: x.binding, y: y.binding },
    uniform: { rows, features: src.features, start, scale },
    workgroups: grid1D(rows * src.features, 64),
  });
}
