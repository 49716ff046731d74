/**
 * Matrix multiply with fused bias + activation (shaders/matmul.wgsl):
 * C = act(op(A) op(B) + bias), or C = C_old + op(A) op(B) with `accumulate`.
 *
 * Kernel choice (see the shader header): the `tiled` kernel computes 8x8
 * outputs per invocation in registers and is the fast path. When C is so small
 * that 8x8 blocks give fewer than TILED_MIN_INVOCATIONS invocations (batch-1
 * inference 1x784x512, the 10-unit output layer 256x512x10, its weight
 * gradient 512x256x10), most lanes would sit idle or recompute clamped
 * duplicates, so `per_output` (one dot product per invocation) is used instead.
 *
 * Backward fusions, used by the training step (src/nn/stages.ts):
 * - `gradMask` / `activationGrad` multiply dX = dY Wᵀ by the dropout mask and
 *   by act'(y) of the layer below in the epilogue, replacing a dropout-backward
 *   and an activation-backward dispatch.
 * - `columnSumsOut` also writes Σ_k op(B)[k, n]: for dW = Xᵀ dZ that is the bias
 *   gradient db, so one dispatch gives both dW and db.
 */
import source from '../../shaders/matmul.wgsl';
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, describeShape, sameShape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';
import { checkChoice, checkOptions, describeValue, lookup } from '../options.js';
import { UniformWriter, grid1D } from '../gpu/uniforms.js';
import type { EpilogueActivation } from '../reference/activations.js';

const KERNEL = { file: 'shaders/matmul.wgsl', source };

/** ACTIVATION override values of shaders/matmul.wgsl (0 is linear, unlike shaders/activations.wgsl). */
export const MATMUL_ACTIVATION_CODES: Record<EpilogueActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

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

const ACTIVATIONS = Object.keys(MATMUL_ACTIVATION_CODES) as EpilogueActivation[];
const OPTION_NAMES = ['transposeA', 'transposeB', 'bias', 'activation', 'out', 'accumulate',
  'gradMask', 'activationGrad', 'columnSumsOut'];
/** GATE_ACTIVATION override values of shaders/matmul.wgsl. */
const GATE_ACTIVATION_CODES = { relu: 1, sigmoid: 2, tanh: 3 } as const;
const GATE_ACTIVATIONS = Object.keys(GATE_ACTIVATION_CODES) as (keyof typeof GATE_ACTIVATION_CODES)[];

function checkFlag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ValueError(`matmul: ${name} must be a boolean (true or false), got ${describeValue(value)}`);
  return value;
}

export function matmul(engine: Engine, a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor<'f32'> {
  // ---- validate everything before any GPU work ----
  checkTensor('matmul', 'a', a, engine, { dtype: 'f32', rank: 2 });
  checkTensor('matmul', 'b', b, engine, { dtype: 'f32', rank: 2 });
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
    checkTensor('matmul', 'bias', bias, engine, { dtype: 'f32', rank: 1 });
    if (bias.shape[0] !== n) throw new ShapeError(`matmul: bias must have ${n} elements (the columns of the result), got ${describeShape(bias.shape)}`);
  }
  const out = options.out;
  if (out !== undefined) {
    checkTensor('matmul', 'out', out, engine, { dtype: 'f32', rank: 2 });
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
    checkTensor('matmul', 'gradMask', gradMask, engine, { dtype: 'f32', rank: 2 });
    if (!sameShape(gradMask.shape, [m, n])) throw new ShapeError(`matmul: gradMask must have shape [${m},${n}] (the result's), got ${describeShape(gradMask.shape)}`);
  }
  const activationGrad = options.activationGrad;
  if (activationGrad !== undefined) {
    if (activationGrad === null || typeof activationGrad !== 'object' || Array.isArray(activationGrad)) {
      throw new ValueError(`matmul: activationGrad must be { activation: 'relu' | 'sigmoid' | 'tanh', output }, got ${describeValue(activationGrad)}`);
    }
    checkOptions('matmul', activationGrad, ['activation', 'output'], 'activationGrad');
    if (lookup(GATE_ACTIVATION_CODES, activationGrad.activation) === undefined) {
      throw new ValueError(`matmul: activationGrad must be { activation: ${GATE_ACTIVATIONS.map((a) => `'${a}'`).join(' | ')}, output }, ` +
        `got activation ${describeValue(activationGrad.activation)}`);
    }
    checkTensor('matmul', 'activationGrad.output', activationGrad.output, engine, { dtype: 'f32', rank: 2 });
    if (!sameShape(activationGrad.output.shape, [m, n])) {
      throw new ShapeError(`matmul: activationGrad.output must have shape [${m},${n}] (the result's), got ${describeShape(activationGrad.output.shape)}`);
    }
  }
  const sumsOut = options.columnSumsOut;
  let sumsOffset = 0;
  if (sumsOut !== undefined) {
    checkTensor('matmul', 'columnSumsOut', sumsOut, engine, { dtype: 'f32', rank: 1 });
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
  const c = (out as Tensor<'f32'> | undefined) ?? engine.empty([m, n], 'f32');
  const constants = {
    TRANSPOSE_A: transposeA ? 1 : 0,
    TRANSPOSE_B: transposeB ? 1 : 0,
    ACTIVATION: MATMUL_ACTIVATION_CODES[activation],
    HAS_BIAS: bias ? 1 : 0,
    ACCUMULATE: accumulate ? 1 : 0,
    GATE_MASK: gradMask ? 1 : 0,
    GATE_ACTIVATION: activationGrad ? GATE_ACTIVATION_CODES[activationGrad.activation] : 0,
    SUMS_ROW: sumsOut ? 1 : 0,
  };
  const uniform = new UniformWriter().u32(m).u32(n).u32(k).u32(sumsOffset).bytes();
  // With column sums, `c` spans from C's start to the end of the sums (one binding writes both).
  const cBinding = sumsOut
    ? { buffer: c.buffer, offset: c.byteOffset, size: sumsOut.byteOffset + sumsOut.byteLength - c.byteOffset }
    : c.binding;
  // Unused bindings still need a readable buffer; the kernel never reads them.
  const shared = {
    a: a.binding, bias: (bias ?? a).binding, c: cBinding,
    gate_mask: (gradMask ?? a).binding, gate_y: (activationGrad?.output ?? a).binding,
  };
  const buffers = { ...shared, b: b.binding };
  // The grid covers the virtual ones row too.
  const rows = sumsOut ? m + 1 : m;
  const blocksM = Math.ceil(rows / TILE);
  const blocksN = Math.ceil(n / TILE);
  const groupsM = Math.ceil(blocksM / WORKGROUP);
  const groupsN = Math.ceil(blocksN / WORKGROUP);
  const useTiled = blocksM * blocksN >= TILED_MIN_INVOCATIONS
    && groupsM <= MAX_WORKGROUPS_PER_DIM && groupsN <= MAX_WORKGROUPS_PER_DIM;
  // vec4 reads of B need each of its rows to start on a 16-byte boundary (views start at 256 bytes).
  const vec4B = !transposeB && n % 4 === 0;
  // With A stored [K, M] and M % 4 == 0, tiled_vec4 reads op(A)'s 8 rows as two vec4s (the dW form).
  const aVec4 = transposeA && m % 4 === 0;
  const { a: _unusedA, ...withoutA } = shared; // tiled_bt_vec4 reads A only as vec4
  if (useTiled && vec4B) {
    engine.scheduler.dispatch({
      kernel: engine.registry.pipeline(KERNEL, 'tiled_vec4', {
        ...constants, UNROLL_K2: engine.tuning.matmulUnrollK2 ? 1 : 0, A_T_VEC4: aVec4 ? 1 : 0,
      }),
      // Both loads are in the shader (an override picks one), so both bindings are filled;
      // the unused vec4 view gets B, whose size is a multiple of 16 bytes here.
      buffers: { ...shared, a_vec4: (aVec4 ? a : b).binding, b4: b.binding },
      uniform, workgroups: [groupsN, groupsM],
    });
  } else if (useTiled && !transposeA && transposeB && k % 4 === 0 && !sumsOut) {
    // rows of A and of the stored B are contiguous in k (and start 16-byte aligned): vec4 along k
    engine.scheduler.dispatch({
      kernel: engine.registry.pipeline(KERNEL, 'tiled_bt_vec4', constants),
      buffers: { ...withoutA, a_vec4: a.binding, b4: b.binding }, uniform, workgroups: [groupsN, groupsM],
    });
  } else if (useTiled) {
    engine.scheduler.dispatch({
      kernel: engine.registry.pipeline(KERNEL, 'tiled', constants), buffers, uniform, workgroups: [groupsN, groupsM],
    });
  } else {
    engine.scheduler.dispatch({
      kernel: engine.registry.pipeline(KERNEL, 'per_output', constants), buffers, uniform, workgroups: grid1D(rows * n, 64),
    });
  }
  return c;
}
