/**
 * Reductions over rows (shaders/reductions.wgsl): column sums for bias
 * gradients, row argmax and correct counts for accuracy, and `finishLoss`,
 * the second dispatch of the loss kernels (per-row losses -> mean loss and
 * GPU-side metric accumulators).
 */
import source from '../../shaders/reductions.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { ShapeError } from '../errors.js';
import { checkNumber, checkTensor, describeShape } from '../shape.js';
import { grid1D } from '../gpu/uniforms.js';
import { checkOptions } from '../options.js';

const KERNEL = { file: 'shaders/reductions.wgsl', source };

/**
 * Rows summed by one thread of column_sums_partial. Inputs up to twice this
 * tall are summed in one pass (one thread per column); taller ones are split
 * into chunks of this many rows so more threads share the work, plus a small
 * second pass over the chunks' partial sums.
 */
const ROWS_PER_CHUNK = 128;
const MAX_GRID = 65535;

export interface ColumnSumsOptions {
  /** Write into this preallocated f32 tensor of `cols` elements (it may be a view). */
  out?: Tensor;
  /** Sum only the first `rows` rows (the real samples of a padded batch). */
  rows?: number;
}

/** Validates an optional `rows` option: an integer in [1, n]; defaults to n. */
export function checkRows(fn: string, rows: unknown, n: number): number {
  if (rows === undefined) return n;
  return checkNumber(fn, 'options.rows', rows, { integer: true, min: 1, max: n });
}

/** An optional f32 accumulator (lossSum, correct): only element 0 is used. */
export function checkAccumulator(fn: string, arg: string, t: unknown, ctx: KernelContext): Tensor | undefined {
  if (t === undefined) return undefined;
  return checkTensor(fn, arg, t, ctx, { dtype: 'f32' });
}

/** The 4-byte range of element 0 of a tensor: what an accumulator binds. */
function firstElement(t: Tensor): { buffer: GPUBuffer; offset: number; size: number } {
  return { buffer: t.buffer, offset: t.byteOffset, size: 4 };
}

export function columnSums(ctx: KernelContext, x: Tensor, options: ColumnSumsOptions = {}, fn = 'columnSums'): Tensor<'f32'> {
  checkTensor(fn, 'x', x, ctx, { dtype: 'f32', rank: 2 });
  options = checkOptions(fn, options, ['out', 'rows']);
  const [n, cols] = x.shape as [number, number];
  const rows = checkRows(fn, options.rows, n);
  if (options.out !== undefined) {
    checkTensor(fn, 'options.out', options.out, ctx, { dtype: 'f32' });
    if (options.out.size !== cols) {
      throw new ShapeError(`${fn}: options.out must have ${cols} elements (one per column of x ${describeShape(x.shape)}), got ${describeShape(options.out.shape)}`);
    }
  }
  const out = (options.out as Tensor<'f32'> | undefined) ?? ctx.empty([cols], 'f32');
  const rowsPerChunk = rows <= 2 * ROWS_PER_CHUNK ? rows : Math.max(ROWS_PER_CHUNK, Math.ceil(rows / MAX_GRID));
  const chunks = Math.ceil(rows / rowsPerChunk);
  const uniform = { rows, cols, rows_per_chunk: rowsPerChunk, chunks };
  const [blocksX, blocksZ] = grid1D(cols, 64);

  const sums = chunks === 1 ? out : ctx.empty([chunks, cols], 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'column_sums_partial',
    buffers: { x: x.binding, sums: sums.binding },
    uniform,
    workgroups: [blocksX, chunks, blocksZ],
  });
  if (chunks > 1) {
    ctx.dispatch({
      kernel: KERNEL, entryPoint: 'column_sums_finish',
      buffers: { chunk_sums: sums.binding, out: out.binding },
      uniform,
      workgroups: grid1D(cols, 64),
    });
    sums.dispose(); // safe: the pool reuses it only after this work is submitted
  }
  return out;
}

export function argmax(ctx: KernelContext, x: Tensor): Tensor<'i32'> {
  checkTensor('argmax', 'x', x, ctx, { dtype: 'f32', rank: 2 });
  const [rows, cols] = x.shape as [number, number];
  const out = ctx.empty([rows], 'i32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'row_argmax',
    buffers: { x: x.binding, argmax: out.binding },
    uniform: { rows, cols, rows_per_chunk: 0, chunks: 0 },
    workgroups: grid1D(rows, 64),
  });
  return out;
}

export function countCorrect(ctx: KernelContext, x: Tensor, labels: Tensor): Tensor<'f32'> {
  checkTensor('countCorrect', 'x', x, ctx, { dtype: 'f32', rank: 2 });
  checkTensor('countCorrect', 'labels', labels, ctx, { dtype: 'i32', rank: 1 });
  const [rows, cols] = x.shape as [number, number];
  if (labels.size !== rows) {
    throw new ShapeError(`countCorrect: labels must have one entry per row of x: x is ${describeShape(x.shape)}, labels is ${describeShape(labels.shape)}`);
  }
  const hits = ctx.empty([rows, 1], 'f32');
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'row_hits',
    buffers: { x: x.binding, labels: labels.binding, hits: hits.binding },
    uniform: { rows, cols, rows_per_chunk: 0, chunks: 0 },
    workgroups: grid1D(rows, 64),
  });
  // The count is the column sum of the [rows, 1] matrix of hits.
  const count = columnSums(ctx, hits, {}, 'countCorrect');
  hits.dispose();
  return count;
}

export interface LossTargets {
  /** [1]: receives the mean of the per-row losses. */
  loss: Tensor;
  /** Optional: sum of per-row losses is ADDED to element 0. */
  lossSum?: Tensor | undefined;
  /** Optional: sum of per-row hits is ADDED to element 0. */
  correct?: Tensor | undefined;
}

/**
 * Second dispatch of a loss: sums rowLoss (and rowHit) over the first `rows`
 * rows into targets.loss (mean) and the optional accumulators. Arguments are
 * assumed valid (the calling op checked them).
 */
export function finishLoss(ctx: KernelContext, rowLoss: Tensor, rowHit: Tensor | null, rows: number, targets: LossTargets): void {
  // Every binding must be bound: absent accumulators get a throwaway element
  // each (two writable bindings are never given the same buffer).
  const scratch: Tensor[] = [];
  const orScratch = (t: Tensor | undefined): Tensor => {
    if (t) return t;
    const s = ctx.empty([1], 'f32');
    scratch.push(s);
    return s;
  };
  ctx.dispatch({
    kernel: KERNEL, entryPoint: 'finish_loss',
    buffers: {
      row_loss: rowLoss.binding,
      // Without hits (MSE) the losses are bound again, read-only; the count lands in a throwaway.
      row_hit: (rowHit ?? rowLoss).binding,
      loss: firstElement(targets.loss),
      loss_sum: firstElement(orScratch(targets.lossSum)),
      correct: firstElement(orScratch(rowHit ? targets.correct : undefined)),
    },
    uniform: { rows, cols: 1, rows_per_chunk: 0, chunks: 0 },
    workgroups: [1],
  });
  for (const s of scratch) s.dispose();
}
