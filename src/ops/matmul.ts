/**
 * Matrix multiply with fused bias + activation (shaders/matmul.wgsl):
 * C = act(op(A) op(B) + bias), or C = C_old + op(A) op(B) with `accumulate`.
 *
 * `matmul` checks its arguments, then runs the variant of its *shape class*
 * (exact M, N, K, transposes, column sums: `shapeClassKey`). A variant is a
 * kernel family (an entry point with one reason and the layouts it fits) with
 * fixed override constants: workgroup shape and k unrolling (MATMUL_VARIANTS).
 * The engine's tuner (src/gpu/autotune.ts) gives each class one variant for
 * its life: timed by `engine.autotune` (src/ops/matmul-autotune.ts), or on
 * first use by the default rule `pickVariant`. The tiled kernels compute 8x8
 * outputs per invocation in registers and are the fast path; when C has few
 * 8x8 blocks (the 10-unit layer 256x10, its weight gradient 512x10) they run
 * in small workgroups so that the few blocks still spread over the device,
 * and a C of few rows (batch-1 inference 1x784x512) runs `per_output` (one
 * dot product per invocation).
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

/** The shader; its text also versions tuning caches (a cached choice is for these kernels only). */
export const MATMUL_KERNEL = { file: 'shaders/matmul.wgsl', source };


/** Outputs per invocation along each axis of the tiled kernels. */
const TILE = 8;
/**
 * Below this many 8x8 blocks (4 workgroups of 64) the default rule leaves 8x8
 * workgroups (SKINNY_WORKGROUP or per_output instead): on a 2-core CPU
 * adapter fewer workgroups than cores leaves a core idle, and on a GPU a few
 * hundred invocations leave almost all of it idle.
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

/**
 * `forced` runs a given variant instead of the class's choice: only the
 * autotuner's timing runs pass it (the choice is then made from their times).
 */
export function matmul(ctx: KernelContext, a: Tensor, b: Tensor, options: MatmulOptions = {}, forced?: MatmulVariant): Tensor<'f32'> {
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
  const shape: MatmulShape = { m, n, k, rows, transposeA, transposeB, columnSums: sumsOut !== undefined };
  // The class's variant is fixed for the engine's life (src/gpu/autotune.ts): chosen by
  // engine.autotune's timing, or by the default rule on first use.
  const variant = forced ?? variantByName(ctx.tuning.choose(`matmul ${shapeClassKey(shape)}`, () => pickVariant(shape, ctx.tuning).name))!;
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
    kernel: MATMUL_KERNEL, entryPoint: variant.entryPoint,
    constants: {
      TRANSPOSE_A: transposeA ? 1 : 0,
      TRANSPOSE_B: transposeB ? 1 : 0,
      ACTIVATION: ACTIVATION_CODES[activation],
      HAS_BIAS: bias ? 1 : 0,
      ACCUMULATE: accumulate ? 1 : 0,
      GATE_MASK: gradMask ? 1 : 0,
      GATE_ACTIVATION: ACTIVATION_CODES[activationGrad ? activationGrad.activation : 'linear'],
      SUMS_ROW: sumsOut ? 1 : 0,
      ...(variant.unrollK2 !== undefined ? { UNROLL_K2: variant.unrollK2 ? 1 : 0 } : {}),
      ...(variant.workgroup ? { WG_X: variant.workgroup[0], WG_Y: variant.workgroup[1] } : {}),
    },
    buffers,
    uniform: { m, n, k, sums_offset: sumsOffset },
    workgroups: variantGrid(variant, shape),
  });
  return c;
}

/**
 * What picks a variant: the product's sizes and layouts. Two products with the
 * same MatmulShape are one *shape class* (see `shapeClassKey`): the engine's
 * tuner (src/gpu/autotune.ts) gives every class one variant for the engine's
 * life. The epilogue (bias, activation, accumulate, gates) does not enter: every
 * variant runs the same epilogue, so it never changes which one is fastest.
 */
export interface MatmulShape {
  m: number; n: number; k: number;
  /** Rows the dispatch covers: m, or m + 1 with the virtual ones row of columnSumsOut. */
  rows: number;
  transposeA: boolean; transposeB: boolean;
  columnSums: boolean;
}

/** The key of a shape class: exact sizes, layouts, and whether the column-sums row is on. */
export function shapeClassKey(s: MatmulShape): string {
  return `${s.m}x${s.n}x${s.k}${s.transposeA ? ' Aᵀ' : ''}${s.transposeB ? ' Bᵀ' : ''}${s.columnSums ? ' +sums' : ''}`;
}

/**
 * One way to run a product: an entry point of shaders/matmul.wgsl with fixed
 * override constants (its workgroup shape, k unrolling). The autotuner times
 * the candidates of a shape class and keeps the fastest; `name` is what it
 * records (and what a tuning cache stores), so names never change meaning.
 */
export interface MatmulVariant {
  /** Unique: the entry point, then `@XxY` for a non-default workgroup and `+k2` for two k steps per iteration. */
  name: string;
  entryPoint: string;
  reason: string;
  /** The WGSL arrays it reads A and B through (scalar or vec4); it binds only those. */
  reads: { a: 'a' | 'a_vec4'; b: 'b' | 'b4' };
  /** 8x8 outputs per invocation, this many invocations per workgroup along [n, m]; null: one output per invocation. */
  workgroup: readonly [number, number] | null;
  /** UNROLL_K2 for the entry points that take it (undefined for the others). */
  unrollK2: boolean | undefined;
  fits(shape: MatmulShape): boolean;
}

/** A grid of [x, y] workgroups for a tiled variant over `shape`. */
function tiledGrid(s: MatmulShape, [wx, wy]: readonly [number, number]): [number, number] {
  return [Math.ceil(Math.ceil(s.n / TILE) / wx), Math.ceil(Math.ceil(s.rows / TILE) / wy)];
}

/** Enough 8x8 blocks to keep the device busy with 8x8 workgroups. */
function manyBlocks(s: MatmulShape): boolean {
  return Math.ceil(s.rows / TILE) * Math.ceil(s.n / TILE) >= TILED_MIN_INVOCATIONS;
}

/** Its grid is within the per-dimension limit (a tiled variant) or 1-D/2-D by grid1D (per_output). */
function gridFits(s: MatmulShape, workgroup: readonly [number, number] | null): boolean {
  if (!workgroup) return true;
  return tiledGrid(s, workgroup).every((g) => g <= MAX_WORKGROUPS_PER_DIM);
}

/**
 * vec4 reads of B need each of its rows to start on a 16-byte boundary
 * (B not transposed, N % 4 == 0; tensors and views start at 256 bytes).
 */
const vec4B = (s: MatmulShape) => !s.transposeB && s.n % 4 === 0;

/** A kernel family: one entry point, the layouts it serves, and whether it takes UNROLL_K2. */
interface MatmulKernel {
  entryPoint: string;
  reason: string;
  reads: MatmulVariant['reads'];
  tiled: boolean;
  takesUnrollK2: boolean;
  fits(shape: MatmulShape): boolean;
}

/** The entry points, in the order the default rule tries them (the shader header says the same). */
const KERNELS: readonly MatmulKernel[] = [
  {
    entryPoint: 'tiled_vec4_at', reason: 'dW = Xᵀ dZ: op(A)\'s 8 values per k step are two vec4s of a stored row of A',
    reads: { a: 'a_vec4', b: 'b4' }, tiled: true, takesUnrollK2: true, fits: (s) => vec4B(s) && s.transposeA && s.m % 4 === 0,
  },
  {
    entryPoint: 'tiled_vec4', reason: 'B read four columns at a time (every MLP forward): 10-15% over scalar reads',
    reads: { a: 'a', b: 'b4' }, tiled: true, takesUnrollK2: true, fits: vec4B,
  },
  {
    entryPoint: 'tiled_bt_vec4', reason: 'dX = dZ Wᵀ: rows of A and of the stored B both contiguous in k, read four k at a time',
    reads: { a: 'a_vec4', b: 'b4' }, tiled: true, takesUnrollK2: false,
    fits: (s) => !s.transposeA && s.transposeB && s.k % 4 === 0 && !s.columnSums,
  },
  {
    entryPoint: 'tiled', reason: 'any layout: the fallback, scalar reads',
    reads: { a: 'a', b: 'b' }, tiled: true, takesUnrollK2: false, fits: () => true,
  },
  {
    entryPoint: 'per_output', reason: 'one dot product per output: C too small for 8x8 blocks (batch-1 inference)',
    reads: { a: 'a', b: 'b' }, tiled: false, takesUnrollK2: false, fits: () => true,
  },
];

/**
 * Workgroup shapes [along n, along m] of the tiled kernels. 8x8 is the
 * default. 16x4, 4x16 and 16x16 are candidates for the autotuner on large
 * products (a GPU usually wants more than 64 invocations per workgroup; on
 * lavapipe, noisy shared-machine runs put each of them ahead of 8x8 on some
 * training shape). The small ones are for a C of few 8x8 blocks
 * (`SKINNY_WORKGROUPS`), where 8x8 workgroups would give one or two
 * workgroups (one core busy on a CPU adapter, one SM on a GPU): 2x2 for few
 * rows and few columns (the 10-unit layer's forward 256x10 and dW 512x10), 4x1
 * for one block-row (M <= 8: batch-1 inference), 1x4 for one block-column (N <= 8).
 */
const WORKGROUPS: readonly (readonly [number, number])[] = [[8, 8], [16, 4], [4, 16], [16, 16], [2, 2], [4, 1], [1, 4]];
/** The small workgroups are candidates only when 8x8 ones would be fewer than this. */
const SKINNY_WORKGROUPS = 16;

function variantName(entryPoint: string, workgroup: readonly [number, number] | null, unrollK2: boolean | undefined): string {
  const wg = workgroup && (workgroup[0] !== 8 || workgroup[1] !== 8) ? `@${workgroup[0]}x${workgroup[1]}` : '';
  return `${entryPoint}${wg}${unrollK2 ? '+k2' : ''}`;
}

/**
 * Every variant: each kernel family at each workgroup shape; the families that
 * take UNROLL_K2 also with it on, at 8x8 only (where it was measured to help;
 * fewer candidates keep autotune quick).
 */
export const MATMUL_VARIANTS: readonly MatmulVariant[] = KERNELS.flatMap((kernel) => {
  const workgroups = kernel.tiled ? WORKGROUPS : [null];
  const unrollsAt = (wg: readonly [number, number] | null) => kernel.takesUnrollK2 ? (wg?.[0] === 8 && wg[1] === 8 ? [false, true] : [false]) : [undefined];
  return workgroups.flatMap((workgroup) => unrollsAt(workgroup).map((unrollK2): MatmulVariant => ({
    name: variantName(kernel.entryPoint, workgroup, unrollK2),
    entryPoint: kernel.entryPoint, reason: kernel.reason, reads: kernel.reads, workgroup, unrollK2,
    fits: (s) => kernel.fits(s) && gridFits(s, workgroup),
  })));
});

const BY_NAME = new Map(MATMUL_VARIANTS.map((v) => [v.name, v]));

/** The variant of this name, or undefined (e.g. a cached name from an older kernel set). */
export function variantByName(name: string): MatmulVariant | undefined {
  return BY_NAME.get(name);
}

/**
 * The variants worth timing for a shape class: every variant that fits it,
 * except the small workgroups (under 64 invocations) when 8x8 ones already
 * fill the device, and per_output when C has enough 8x8 blocks (then it only
 * repeats loads).
 */
export function candidateVariants(s: MatmulShape): MatmulVariant[] {
  const wg8 = Math.ceil(Math.ceil(s.n / TILE) / 8) * Math.ceil(Math.ceil(s.rows / TILE) / 8);
  return MATMUL_VARIANTS.filter((v) => v.fits(s)
    && (v.workgroup === null ? !manyBlocks(s) : v.workgroup[0] * v.workgroup[1] >= 64 || wg8 < SKINNY_WORKGROUPS));
}

/** The starting guesses the default rule reads (src/gpu/tuning.ts). */
export interface VariantGuesses {
  matmulUnrollK2: boolean;
}

/**
 * Below this many rows a C of few 8x8 blocks runs per_output. Measured with
 * GPU timestamps (engine.autotune), lavapipe and SwiftShader in Node, same
 * run each: 1x512x784 per_output 2.0 / 0.44 GFLOP/s, best tiled variant 1.5 /
 * 0.28; with more rows the strips win (see SKINNY_WORKGROUP).
 */
const SKINNY_MIN_ROWS = 32;
/**
 * The default workgroup of a C of few 8x8 blocks: one block wide and four tall
 * (a 32x8 strip of C per workgroup). Same runs: 256x10x512 per_output 2.1 /
 * 0.15 GFLOP/s, tiled 8x8 2.2 / 0.23, tiled 1x4 5.5 / 0.67-1.6 (2x2 close
 * behind); 512x10x256 Aᵀ (the 10-unit layer's dW) 0.9 / 0.13 -> 6.2 / 1.6.
 */
const SKINNY_WORKGROUP = [1, 4] as const;

/**
 * The default rule, used without measurements ('fixed' tuning, and for a
 * shape class no `autotune` call has timed): the first tiled family that fits,
 * with 8x8 workgroups when C has enough 8x8 blocks, else in 32x8 strips
 * (SKINNY_WORKGROUP) when C has SKINNY_MIN_ROWS rows, else per_output.
 */
export function pickVariant(s: MatmulShape, guesses: VariantGuesses = { matmulUnrollK2: false }): MatmulVariant {
  const kernel = KERNELS.find((k) => k.tiled && k.fits(s))!;
  // The per-adapter UNROLL_K2 guess was measured with 8x8 workgroups, the only ones with a `+k2` variant.
  const tiledWith = (workgroup: readonly [number, number]) => {
    const eight = workgroup[0] === 8 && workgroup[1] === 8;
    const unrollK2 = kernel.takesUnrollK2 ? eight && guesses.matmulUnrollK2 : undefined;
    return BY_NAME.get(variantName(kernel.entryPoint, workgroup, unrollK2))!;
  };
  const perOutput = BY_NAME.get('per_output')!;
  const preferred = manyBlocks(s) ? tiledWith([8, 8]) : s.rows >= SKINNY_MIN_ROWS ? tiledWith(SKINNY_WORKGROUP) : perOutput;
  return preferred.fits(s) ? preferred : perOutput;
}

/** Workgroups to dispatch for `variant` over `shape`. */
export function variantGrid(variant: MatmulVariant, s: MatmulShape): readonly [number, number] {
  return variant.workgroup ? tiledGrid(s, variant.workgroup) : grid1D(s.rows * s.n, 64) as [number, number];
}
