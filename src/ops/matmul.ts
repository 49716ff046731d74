/**
 * Matrix multiply with fused bias + activation (shaders/matmul.wgsl):
 * C = act(op(A) op(B) + bias), or C = C_old + op(A) op(B) with `accumulate`.
 *
 * `matmul` checks its arguments, then `pickVariant` picks one kernel from
 * MATMUL_VARIANTS: each a named entry point of the shader with the one reason
 * it exists and the shapes it fits (first fit wins). The tiled kernels compute
 * 8x8 outputs per invocation in registers and are the fast path. When C is so
 * small that 8x8 blocks give fewer than TILED_MIN_INVOCATIONS invocations
 * (batch-1 inference 1x784x512, the 10-unit output layer 256x512x10, its weight
 * gradient 512x256x10), most lanes would sit idle or recompute clamped
 * duplicates, so `per_output` (one dot product per invocation) is used instead.
 *
 * Backward fusions, used by the training step:
 * - `gradMask` / `activationGrad` multiply dX = dY Wᵀ by the dropout mask and
 *   by act'(y) of the layer below in the epilogue, replacing a dropout-backward
 *   and an activation-backward dispatch.
 * - `columnSumsOut` also writes Σ_k op(B)[k, n]: for dW = Xᵀ dZ that is the bias
 *   gradient db, so one dispatch gives both dW and db.
 */
import source from '../../shaders/matmul.wgsl';
import type { KernelContext } from './kernel-context.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, describeShape, sameShape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';
import { checkChoice, checkOptions, describeValue } from '../options.js';
import { grid1D } from '../gpu/uniforms.js';
import type { BufferBinding } from '../gpu/scheduler.js';
import { ACTIVATION_CODES } from './activation-codes.js';
import type { EpilogueActivation } from '../reference/activations.js';

const KERNEL = { file: 'shaders/matmul.wgsl', source };


/** Outputs per invocation along each axis of the tiled kernel, and invocations per workgroup axis. */
const TILE = 8;
const WORKGROUP = 8;
/**
 * Below this many tiled invocations (4 workgroups of 64) use per_output: on a
 * 2-core CPU adapter fewer workgroups than cores leaves a core idle, and on a
 * GPU a few hundred invocations leave almost all of it idle.
 */
const TILED_MIN_INVOCATIONS = 256;
const MAX_WORKGROUPS_PER_DIM = 65535;

export interface MatmulOptions {
  /** Read A as stored [K, M] and use its transpose (in place, nothing is copied). */
  transposeA?: boolean;
  /** Read B as stored [N, K] and use its transpose. */
  transposeB?: boolean;
  /** f32 [N], added to every row before the activation. */
  bias?: Tensor;
  /** Applied in the epilogue: 'linear' (default), 'relu', 'sigmoid', 'tanh'. */
  activation?: EpilogueActivation;
  /** Write into this preallocated f32 [M, N] tensor (may be a view) instead of a new one. */
  out?: Tensor;
  /** With `out`: C = C_old + op(A) op(B) (gradient accumulation). Only with linear activation and no bias. */
  accumulate?: boolean;
  /** Backward epilogue: C *= gradMask elementwise (f32 [M, N], e.g. a dropout mask). */
  gradMask?: Tensor;
  /**
   * Backward epilogue: C *= act'(y) elementwise, from the forward output y
   * (f32 [M, N]) of a relu, sigmoid or tanh layer. Applied after `gradMask`.
   */
  activationGrad?: { activation: 'relu' | 'sigmoid' | 'tanh'; output: Tensor };
  /**
   * Also write s[n] = Σ_k op(B)[k, n] into this f32 [N] tensor: as if op(A) had an
   * extra row of ones. With a = X (transposeA), b = dZ and out = dW, s is the bias
   * gradient db. It must be a view into the same buffer as `out`, placed after it
   * (Sequential lays each dense layer's weight and bias gradients out that way),
   * because one dispatch writes both. Only with linear activation and no bias.
   */
  columnSumsOut?: Tensor;
}

const ACTIVATIONS = Object.keys(ACTIVATION_CODES) as EpilogueActivation[];
const OPTION_NAMES = ['transposeA', 'transposeB', 'bias', 'activation', 'out', 'accumulate',
  'gradMask', 'activationGrad', 'columnSumsOut'];
/** The activations whose derivative the backward gate can apply (GATE_ACTIVATION: a code of the same table). */
const GATE_ACTIVATIONS = ['relu', 'sigmoid', 'tanh'] as const;

function checkFlag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ValueError(`matmul: ${name} must be a boolean (true or false), got ${describeValue(value)}`);
  return value;
}

export function matmul(ctx: KernelContext, a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor<'f32'> {
  // ---- validate everything before any GPU work ----
  checkTensor('matmul', 'a', a, ctx, { dtype: 'f32', rank: 2 });
  checkTensor('matmul', 'b', b, ctx, { dtype: 'f32', rank: 2 });
  options = checkOptions('matmul', options, OPTION_NAMES);
  const transposeA = checkFlag('transposeA', options.transposeA);
  const transposeB = checkFlag('transposeB', options.transposeB);
  const accumulate = checkFlag('accumulate', options.accumulate);
  const activation = options.activation === undefined ? 'linear' : checkChoice('matmul', 'activation', options.activation, ACTIVATIONS);
  const [m, ka] = transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [kb, n] = transposeB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (ka !== kb) {
    const how = transposeA || transposeB ? ` (op(a) is [${m},${ka}], op(b) is [${kb},${n}])` : '';
    throw new ShapeError(`matmul: inner dimensions differ: a is ${describeShape(a.shape)}, b is ${describeShape(b.shape)}${how}`);
  }
  const k = ka;
  const bias = options.bias;
  if (bias !== undefined) {
    checkTensor('matmul', 'bias', bias, ctx, { dtype: 'f32', rank: 1 });
    if (bias.shape[0] !== n) throw new ShapeError(`matmul: bias must have ${n} elements (the columns of the result), got ${describeShape(bias.shape)}`);
  }
  const out = options.out;
  if (out !== undefined) {
    checkTensor('matmul', 'out', out, ctx, { dtype: 'f32', rank: 2 });
    if (!sameShape(out.shape, [m, n])) throw new ShapeError(`matmul: out must have shape [${m},${n}], got ${describeShape(out.shape)}`);
    // WebGPU forbids binding one buffer as writable and readable in the same dispatch.
    for (const [name, t] of [['a', a], ['b', b], ['bias', bias]] as const) {
      if (t && t.buffer === out.buffer) throw new ValueError(`matmul: out shares its GPU buffer with ${name}; write into a separate tensor`);
    }
  }
  if (accumulate) {
    if (!out) throw new ValueError('matmul: accumulate needs an out tensor to accumulate into');
    if (activation !== 'linear' || bias) throw new ValueError(`matmul: accumulate works only with activation 'linear' and no bias`);
  }
  // Backward gates: each an f32 [M, N] tensor read at the output's index.
  const gradMask = options.gradMask;
  if (gradMask !== undefined) {
    checkTensor('matmul', 'gradMask', gradMask, ctx, { dtype: 'f32', rank: 2 });
    if (!sameShape(gradMask.shape, [m, n])) throw new ShapeError(`matmul: gradMask must have shape [${m},${n}] (the result's), got ${describeShape(gradMask.shape)}`);
  }
  const activationGrad = options.activationGrad;
  if (activationGrad !== undefined) {
    if (activationGrad === null || typeof activationGrad !== 'object' || Array.isArray(activationGrad)) {
      throw new ValueError(`matmul: activationGrad must be { activation: 'relu' | 'sigmoid' | 'tanh', output }, got ${describeValue(activationGrad)}`);
    }
    checkOptions('matmul', activationGrad, ['activation', 'output'], 'activationGrad');
    if (!(GATE_ACTIVATIONS as readonly unknown[]).includes(activationGrad.activation)) {
      throw new ValueError(`matmul: activationGrad must be { activation: ${GATE_ACTIVATIONS.map((a) => `'${a}'`).join(' | ')}, output }, ` +
        `got activation ${describeValue(activationGrad.activation)}`);
    }
    checkTensor('matmul', 'activationGrad.output', activationGrad.output, ctx, { dtype: 'f32', rank: 2 });
    if (!sameShape(activationGrad.output.shape, [m, n])) {
      throw new ShapeError(`matmul: activationGrad.output must have shape [${m},${n}] (the result's), got ${describeShape(activationGrad.output.shape)}`);
    }
  }
  const sumsOut = options.columnSumsOut;
  let sumsOffset = 0;
  if (sumsOut !== undefined) {
    checkTensor('matmul', 'columnSumsOut', sumsOut, ctx, { dtype: 'f32', rank: 1 });
    if (sumsOut.shape[0] !== n) throw new ShapeError(`matmul: columnSumsOut must have ${n} elements (the columns of the result), got ${describeShape(sumsOut.shape)}`);
    if (!out || sumsOut.buffer !== out.buffer || sumsOut.byteOffset < out.byteOffset + out.byteLength) {
      throw new ValueError('matmul: columnSumsOut must be a view into the same buffer as out, placed after out ' +
        '(one dispatch writes both)');
    }
    if (activation !== 'linear' || bias) throw new ValueError(`matmul: columnSumsOut works only with activation 'linear' and no bias`);
    if (gradMask || activationGrad) throw new ValueError('matmul: columnSumsOut cannot be combined with gradMask or activationGrad');
    sumsOffset = (sumsOut.byteOffset - out.byteOffset) / 4;
  }
  if (out) {
    for (const [name, t] of [['gradMask', gradMask], ['activationGrad.output', activationGrad?.output]] as const) {
      if (t && t.buffer === out.buffer) throw new ValueError(`matmul: out shares its GPU buffer with ${name}; write into a separate tensor`);
    }
  }

  // ---- dispatch ----
  const c = (out as Tensor<'f32'> | undefined) ?? ctx.empty([m, n], 'f32');
  // The grid covers the virtual ones row too.
  const rows = sumsOut ? m + 1 : m;
  const variant = pickVariant({ m, n, k, rows, transposeA, transposeB, columnSums: sumsOut !== undefined });
  // With column sums, `c` spans from C's start to the end of the sums (one binding writes both).
  const cBinding = sumsOut
    ? { buffer: c.buffer, offset: c.byteOffset, size: sumsOut.byteOffset + sumsOut.byteLength - c.byteOffset }
    : c.binding;
  const buffers: Record<string, BufferBinding> = {
    [variant.reads.a]: a.binding, [variant.reads.b]: b.binding, c: cBinding,
    // The shared epilogue reads these only when its override says so; unread, any readable buffer will do.
    bias: (bias ?? a).binding, gate_mask: (gradMask ?? a).binding, gate_y: (activationGrad?.output ?? a).binding,
  };
  ctx.dispatch({
    kernel: KERNEL, entryPoint: variant.entryPoint,
    constants: {
      TRANSPOSE_A: transposeA ? 1 : 0,
      TRANSPOSE_B: transposeB ? 1 : 0,
      ACTIVATION: ACTIVATION_CODES[activation],
      HAS_BIAS: bias ? 1 : 0,
      ACCUMULATE: accumulate ? 1 : 0,
      GATE_MASK: gradMask ? 1 : 0,
      GATE_ACTIVATION: ACTIVATION_CODES[activationGrad ? activationGrad.activation : 'linear'],
      SUMS_ROW: sumsOut ? 1 : 0,
      ...(variant.unrollK2 ? { UNROLL_K2: ctx.tuning.matmulUnrollK2 ? 1 : 0 } : {}),
    },
    buffers,
    uniform: { m, n, k, sums_offset: sumsOffset },
    workgroups: variant.tiled
      ? [Math.ceil(Math.ceil(n / TILE) / WORKGROUP), Math.ceil(Math.ceil(rows / TILE) / WORKGROUP)]
      : grid1D(rows * n, 64),
  });
  return c;
}

/** What picks a variant: the product's sizes and layouts. */
export interface MatmulShape {
  m: number; n: number; k: number;
  /** Rows the dispatch covers: m, or m + 1 with the virtual ones row of columnSumsOut. */
  rows: number;
  transposeA: boolean; transposeB: boolean;
  columnSums: boolean;
}

/** One entry point of shaders/matmul.wgsl: its name, why it exists, and the shapes it serves. */
export interface MatmulVariant {
  entryPoint: string;
  reason: string;
  /** The WGSL arrays it reads A and B through (scalar or vec4); it binds only those. */
  reads: { a: 'a' | 'a_vec4'; b: 'b' | 'b4' };
  /** 8x8 outputs per invocation (a 2-D grid of 8x8 workgroups), else one output per invocation. */
  tiled: boolean;
  /** Takes the per-adapter UNROLL_K2 choice (src/gpu/tuning.ts). */
  unrollK2: boolean;
  fits(shape: MatmulShape): boolean;
}

/** Enough 8x8 blocks to keep the device busy, and a grid within the per-dimension limit. */
function tiles(s: MatmulShape): boolean {
  const blocksM = Math.ceil(s.rows / TILE);
  const blocksN = Math.ceil(s.n / TILE);
  return blocksM * blocksN >= TILED_MIN_INVOCATIONS
    && Math.ceil(blocksM / WORKGROUP) <= MAX_WORKGROUPS_PER_DIM && Math.ceil(blocksN / WORKGROUP) <= MAX_WORKGROUPS_PER_DIM;
}

/**
 * vec4 reads of B need each of its rows to start on a 16-byte boundary
 * (B not transposed, N % 4 == 0; tensors and views start at 256 bytes).
 */
const vec4B = (s: MatmulShape) => !s.transposeB && s.n % 4 === 0;

/** The variants, in the order they are tried (the shader header says the same). */
export const MATMUL_VARIANTS: readonly MatmulVariant[] = [
  {
    entryPoint: 'per_output', reason: 'C too small for 8x8 blocks to fill the device (batch-1 inference, 10-unit layers)',
    reads: { a: 'a', b: 'b' }, tiled: false, unrollK2: false, fits: (s) => !tiles(s),
  },
  {
    entryPoint: 'tiled_vec4_at', reason: 'dW = Xᵀ dZ: op(A)\'s 8 values per k step are two vec4s of a stored row of A',
    reads: { a: 'a_vec4', b: 'b4' }, tiled: true, unrollK2: true, fits: (s) => vec4B(s) && s.transposeA && s.m % 4 === 0,
  },
  {
    entryPoint: 'tiled_vec4', reason: 'B read four columns at a time (every MLP forward): 10-15% over scalar reads',
    reads: { a: 'a', b: 'b4' }, tiled: true, unrollK2: true, fits: vec4B,
  },
  {
    entryPoint: 'tiled_bt_vec4', reason: 'dX = dZ Wᵀ: rows of A and of the stored B both contiguous in k, read four k at a time',
    reads: { a: 'a_vec4', b: 'b4' }, tiled: true, unrollK2: false,
    fits: (s) => !s.transposeA && s.transposeB && s.k % 4 === 0 && !s.columnSums,
  },
  {
    entryPoint: 'tiled', reason: 'any layout: the fallback, scalar reads',
    reads: { a: 'a', b: 'b' }, tiled: true, unrollK2: false, fits: () => true,
  },
];

/** The first variant that fits (the last one fits every shape). */
export function pickVariant(shape: MatmulShape): MatmulVariant {
  return MATMUL_VARIANTS.find((v) => v.fits(shape))!;
}
