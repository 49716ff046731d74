/**
 * Optimizer updates (shaders/optimizers.wgsl) and the in-place scaling ops
 * around them (shaders/axpy.wgsl): axpy, scale, maxNorm. Each is ONE dispatch
 * that updates its tensors in place; every tensor is f32 and they all have the
 * same element count (any shapes: a whole model's flat parameter buffer, or a
 * view of one layer in it). Formulas: the shader headers and shared/REFERENCES.md.
 */
import optimizerSource from '../../shaders/optimizers.wgsl';
import axpySource from '../../shaders/axpy.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { ShapeError, ValueError } from '../errors.js';
import { checkNumber, checkTensor, describeShape } from '../shape.js';
import { grid1D, type UniformValues } from '../gpu/uniforms.js';
import { checkFinite, checkOptions, describeValue } from '../options.js';

const OPTIMIZER_KERNEL = { file: 'shaders/optimizers.wgsl', source: optimizerSource };
const AXPY_KERNEL = { file: 'shaders/axpy.wgsl', source: axpySource };
const WORKGROUP = 64;
/** Workgroup size of the optimizer updates (shaders/optimizers.wgsl). */
const UPDATE_WORKGROUP = 256;

export interface SgdOptions {
  lr: number;
  /** L2 weight decay: g += l2 * w before the update (default 0). */
  l2?: number;
}
export interface MomentumOptions {
  lr: number;
  /** In [0, 1). */
  momentum: number;
  /** Keras form: w += momentum * v - lr * g with the updated v (default false). */
  nesterov?: boolean;
  l2?: number;
}
export interface AdagradOptions {
  lr: number;
  /** Added to sqrt(accum) (default 1e-7). */
  eps?: number;
  l2?: number;
}
export interface RmspropOptions {
  lr: number;
  /** Decay of the mean square, in [0, 1) (default 0.9). */
  rho?: number;
  /** Default 1e-7. */
  eps?: number;
  /** Keras 3 / TF.js form w -= lr g / sqrt(v + eps) instead of / (sqrt(v) + eps) (default false). */
  epsInsideSqrt?: boolean;
  l2?: number;
}
export interface AdamOptions {
  lr: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras). */
  eps?: number;
  /** 1-based count of updates so far, including this one: drives the bias correction. */
  step: number;
  l2?: number;
}
export interface MaxNormOptions {
  /** The largest L2 norm a column may keep (> 0). */
  maxNorm: number;
  /** Which vectors are constrained: each column of w [in, out] (one output unit's incoming weights). */
  axis: 'columns';
}

// ---- argument checks ----------------------------------------------------------

/** The option keys each update takes (an unknown one is refused with a did-you-mean hint). */
const OPTION_KEYS = {
  sgd: ['lr', 'l2'],
  momentum: ['lr', 'momentum', 'nesterov', 'l2'],
  adagrad: ['lr', 'eps', 'l2'],
  rmsprop: ['lr', 'rho', 'eps', 'epsInsideSqrt', 'l2'],
  adam: ['lr', 'beta1', 'beta2', 'eps', 'step', 'l2'],
  maxNorm: ['maxNorm', 'axis'],
} as const;

/** The options object (required: lr and the like have no default here). */
function updateOptions(fn: keyof typeof OPTION_KEYS, options: unknown): Record<string, unknown> {
  if (options === undefined) throw new ValueError(`${fn}: options { ${OPTION_KEYS[fn].join(', ')} } are required`);
  return checkOptions(fn, options as Record<string, unknown>, OPTION_KEYS[fn]);
}

/** A finite number > 0 that is still > 0 in f32 (the shaders see it in f32). */
function positive(fn: string, arg: string, value: unknown): number {
  return checkFinite(fn, arg, value, { min: 0, minExclusive: true, nonZeroF32: true });
}

/** A decay factor (momentum, rho, beta): in [0, 1). */
function decay(fn: string, arg: string, value: unknown): number {
  return checkNumber(fn, arg, value, { min: 0, max: 1, maxExclusive: true });
}

function optionalFlag(fn: string, arg: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ValueError(`${fn}: ${arg} must be a boolean (true or false), got ${describeValue(value)}`);
  return value;
}

/** The shared options: lr > 0 and l2 >= 0 (default 0). */
function checkRate(fn: string, o: Record<string, unknown>): { lr: number; l2: number } {
  return {
    lr: positive(fn, 'options.lr', o['lr']),
    l2: o['l2'] === undefined ? 0 : checkNumber(fn, 'options.l2', o['l2'], { min: 0 }),
  };
}

function overlaps(a: Tensor, b: Tensor): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * The tensors of one in-place update: each alive, f32, this engine's, and all
 * of the size of the first. Written tensors (`written`) may share a buffer
 * (e.g. views of one flat state buffer) but must not overlap; a read-only
 * input (`read`) must not share a buffer with any written one at all, because
 * WebGPU forbids binding one buffer as read-only and writable in one dispatch.
 */
function checkUpdateTensors(fn: string, ctx: KernelContext, written: [string, unknown][], read: [string, unknown][]): Tensor[] {
  const all = [...written, ...read];
  const tensors = all.map(([arg, t]) => checkTensor(fn, arg, t, ctx, { dtype: 'f32' }));
  const [firstArg] = all[0]!;
  const first = tensors[0]!;
  for (let i = 1; i < tensors.length; i++) {
    const t = tensors[i]!;
    if (t.size !== first.size) {
      throw new ShapeError(`${fn}: ${all[i]![0]} must have as many elements as ${firstArg} (${first.size}, shape ${describeShape(first.shape)}), got ${t.size} (shape ${describeShape(t.shape)})`);
    }
  }
  for (let i = 0; i < written.length; i++) {
    for (let j = 0; j < i; j++) {
      if (overlaps(tensors[i]!, tensors[j]!)) {
        throw new ValueError(`${fn}: ${written[i]![0]} must be a tensor distinct from ${written[j]![0]} (they overlap in one GPU buffer)`);
      }
    }
  }
  for (let i = written.length; i < all.length; i++) {
    for (let j = 0; j < written.length; j++) {
      if (tensors[i]!.buffer === tensors[j]!.buffer) {
        throw new ValueError(`${fn}: ${all[i]![0]} must not share a GPU buffer with ${written[j]![0]}, which is updated in place`);
      }
    }
  }
  return tensors;
}

// ---- optimizer dispatch ---------------------------------------------------------

/** The Params struct of shaders/optimizers.wgsl; fields a rule does not use stay 0. */
interface OptimizerParams {
  lr: number; l2: number; eps?: number; momentum?: number;
  rho?: number; beta1?: number; beta2?: number; mhatScale?: number; vhatScale?: number;
}

function optimizerUniform(n: number, p: OptimizerParams, stride: number): UniformValues {
  const rho = p.rho ?? 0, beta1 = p.beta1 ?? 0, beta2 = p.beta2 ?? 0;
  // complements in float64 here: 1 - f32(0.999) in f32 is 1.3e-5 off (see the shader)
  return {
    n, lr: p.lr, l2: p.l2, eps: p.eps ?? 0, momentum: p.momentum ?? 0,
    rho, one_minus_rho: 1 - rho,
    beta1, one_minus_beta1: 1 - beta1,
    beta2, one_minus_beta2: 1 - beta2,
    mhat_scale: p.mhatScale ?? 0, vhat_scale: p.vhatScale ?? 0,
    stride,
  };
}

/**
 * The elements one dispatch may update: every tensor it binds must fit one
 * storage binding (maxStorageBufferBindingSize), and later chunks must start
 * at an aligned offset. A flat buffer larger than that (a big model) is
 * updated in several dispatches over consecutive chunks, so it trains
 * instead of failing; an element-wise update does not care where it is cut.
 */
function elementsPerDispatch(ctx: KernelContext): number {
  const limits = ctx.limits;
  const alignElements = limits.minStorageBufferOffsetAlignment / 4;
  return Math.floor(limits.maxStorageBufferBindingSize / 4 / alignElements) * alignElements;
}

function dispatchUpdate(ctx: KernelContext, entryPoint: string, constants: Record<string, number>,
  buffers: Record<string, Tensor>, n: number, p: OptimizerParams): void {
  const chunk = elementsPerDispatch(ctx);
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const bindings: Record<string, { buffer: GPUBuffer; offset: number; size: number }> = {};
    for (const [name, t] of Object.entries(buffers)) {
      bindings[name] = { buffer: t.buffer, offset: t.byteOffset + start * 4, size: count * 4 };
    }
    // Grid-stride: at most `maxWorkgroups` workgroups, each invocation looping (see the shader header).
    const invocations = Math.min(count, ctx.tuning.elementwiseMaxWorkgroups * UPDATE_WORKGROUP);
    const workgroups = grid1D(invocations, UPDATE_WORKGROUP);
    ctx.dispatch({
      kernel: OPTIMIZER_KERNEL, entryPoint, constants,
      buffers: bindings,
      uniform: optimizerUniform(count, p, workgroups[0] * workgroups[1] * UPDATE_WORKGROUP),
      workgroups,
    });
  }
}

export function sgd(ctx: KernelContext, params: Tensor, grads: Tensor, options: SgdOptions): void {
  checkUpdateTensors('sgd', ctx, [['params', params]], [['grads', grads]]);
  const o = updateOptions('sgd', options);
  const { lr, l2 } = checkRate('sgd', o);
  dispatchUpdate(ctx, 'sgd', {}, { weights: params, grads }, params.size, { lr, l2 });
}

export function momentum(ctx: KernelContext, params: Tensor, grads: Tensor, velocity: Tensor, options: MomentumOptions): void {
  const fn = 'momentum';
  checkUpdateTensors(fn, ctx, [['params', params], ['velocity', velocity]], [['grads', grads]]);
  const o = updateOptions(fn, options);
  const { lr, l2 } = checkRate(fn, o);
  const mu = decay(fn, 'options.momentum', o['momentum']);
  const nesterov = optionalFlag(fn, 'options.nesterov', o['nesterov']);
  dispatchUpdate(ctx, 'momentum', { NESTEROV: nesterov ? 1 : 0 }, { weights: params, grads, velocity },
    params.size, { lr, l2, momentum: mu });
}

export function adagrad(ctx: KernelContext, params: Tensor, grads: Tensor, accum: Tensor, options: AdagradOptions): void {
  const fn = 'adagrad';
  checkUpdateTensors(fn, ctx, [['params', params], ['accum', accum]], [['grads', grads]]);
  const o = updateOptions(fn, options);
  const { lr, l2 } = checkRate(fn, o);
  const eps = o['eps'] === undefined ? 1e-7 : positive(fn, 'options.eps', o['eps']);
  dispatchUpdate(ctx, 'adagrad', {}, { weights: params, grads, accum }, params.size, { lr, l2, eps });
}

export function rmsprop(ctx: KernelContext, params: Tensor, grads: Tensor, v: Tensor, options: RmspropOptions): void {
  const fn = 'rmsprop';
  checkUpdateTensors(fn, ctx, [['params', params], ['v', v]], [['grads', grads]]);
  const o = updateOptions(fn, options);
  const { lr, l2 } = checkRate(fn, o);
  const rho = o['rho'] === undefined ? 0.9 : decay(fn, 'options.rho', o['rho']);
  const eps = o['eps'] === undefined ? 1e-7 : positive(fn, 'options.eps', o['eps']);
  const epsInsideSqrt = optionalFlag(fn, 'options.epsInsideSqrt', o['epsInsideSqrt']);
  dispatchUpdate(ctx, 'rmsprop', { EPS_INSIDE_SQRT: epsInsideSqrt ? 1 : 0 }, { weights: params, grads, mean_square: v },
    params.size, { lr, l2, eps, rho });
}

/** The bias-correction factors 1 / (1 - beta^step) are computed here in float64. */
export function adam(ctx: KernelContext, params: Tensor, grads: Tensor, m: Tensor, v: Tensor, options: AdamOptions): void {
  const fn = 'adam';
  checkUpdateTensors(fn, ctx, [['params', params], ['m', m], ['v', v]], [['grads', grads]]);
  const o = updateOptions(fn, options);
  const { lr, l2 } = checkRate(fn, o);
  const beta1 = o['beta1'] === undefined ? 0.9 : decay(fn, 'options.beta1', o['beta1']);
  const beta2 = o['beta2'] === undefined ? 0.999 : decay(fn, 'options.beta2', o['beta2']);
  const eps = o['eps'] === undefined ? 1e-7 : positive(fn, 'options.eps', o['eps']);
  const step = checkNumber(fn, 'options.step', o['step'], { integer: true, min: 1 });
  dispatchUpdate(ctx, 'adam', {}, { weights: params, grads, first_moment: m, second_moment: v }, params.size, {
    lr, l2, eps, beta1, beta2,
    mhatScale: 1 / (1 - beta1 ** step),
    vhatScale: 1 / (1 - beta2 ** step),
  });
}

// ---- axpy, scale, maxNorm (shaders/axpy.wgsl) -------------------------------------

/** The Params struct of shaders/axpy.wgsl. */
function axpyUniform(p: { n?: number; alpha?: number; rows?: number; cols?: number; maxNorm?: number }): UniformValues {
  return { n: p.n ?? 0, alpha: p.alpha ?? 0, rows: p.rows ?? 0, cols: p.cols ?? 0, max_norm: p.maxNorm ?? 0 };
}

export function axpy(ctx: KernelContext, y: Tensor, x: Tensor, alpha: number): void {
  checkUpdateTensors('axpy', ctx, [['y', y]], [['x', x]]);
  checkNumber('axpy', 'alpha', alpha);
  ctx.dispatch({
    kernel: AXPY_KERNEL, entryPoint: 'axpy',
    buffers: { y: y.binding, x: x.binding },
    uniform: axpyUniform({ n: y.size, alpha }),
    workgroups: grid1D(y.size, WORKGROUP),
  });
}

export function scale(ctx: KernelContext, x: Tensor, alpha: number): void {
  checkTensor('scale', 'x', x, ctx, { dtype: 'f32' });
  checkNumber('scale', 'alpha', alpha);
  ctx.dispatch({
    kernel: AXPY_KERNEL, entryPoint: 'scale',
    buffers: { scaled: x.binding },
    uniform: axpyUniform({ n: x.size, alpha }),
    workgroups: grid1D(x.size, WORKGROUP),
  });
}

export function maxNorm(ctx: KernelContext, w: Tensor, options: MaxNormOptions): void {
  const fn = 'maxNorm';
  checkTensor(fn, 'w', w, ctx, { dtype: 'f32', rank: 2 });
  const o = updateOptions(fn, options);
  const limit = positive(fn, 'options.maxNorm', o['maxNorm']);
  if (o['axis'] !== 'columns') {
    throw new ValueError(`${fn}: options.axis must be 'columns' (each output unit's incoming weights), got ${describeValue(o['axis'])}`);
  }
  const [rows, cols] = w.shape as [number, number];
  ctx.dispatch({
    kernel: AXPY_KERNEL, entryPoint: 'max_norm_columns',
    buffers: { matrix: w.binding },
    uniform: axpyUniform({ rows, cols, maxNorm: limit }),
    workgroups: grid1D(cols, WORKGROUP),
  });
}
