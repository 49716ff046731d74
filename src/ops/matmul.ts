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
 */
import source from '../../shaders/matmul.wgsl';
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, describeShape, sameShape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';
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
}

const ACTIVATIONS = Object.keys(MATMUL_ACTIVATION_CODES);
const OPTION_NAMES = new Set(['transposeA', 'transposeB', 'bias', 'activation', 'out', 'accumulate']);

function checkFlag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ValueError(`matmul: ${name} must be a boolean, got ${String(value)}`);
  return value;
}

export function matmul(engine: Engine, a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor<'f32'> {
  // ---- validate everything before any GPU work ----
  checkTensor('matmul', 'a', a, engine, { dtype: 'f32', rank: 2 });
  checkTensor('matmul', 'b', b, engine, { dtype: 'f32', rank: 2 });
  if (options === null || typeof options !== 'object') throw new ValueError(`matmul: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw new ValueError(`matmul: unknown option "${key}" (expected ${[...OPTION_NAMES].join(', ')})`);
  }
  const transposeA = checkFlag('transposeA', options.transposeA);
  const transposeB = checkFlag('transposeB', options.transposeB);
  const accumulate = checkFlag('accumulate', options.accumulate);
  const activation = options.activation ?? 'linear';
  if (!ACTIVATIONS.includes(activation)) {
    throw new ValueError(`matmul: activation must be one of ${ACTIVATIONS.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(activation)}`);
  }
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

  // ---- dispatch ----
  const c = (out as Tensor<'f32'> | undefined) ?? engine.empty([m, n], 'f32');
  const constants = {
    TRANSPOSE_A: transposeA ? 1 : 0,
    TRANSPOSE_B: transposeB ? 1 : 0,
    ACTIVATION: MATMUL_ACTIVATION_CODES[activation],
    HAS_BIAS: bias ? 1 : 0,
    ACCUMULATE: accumulate ? 1 : 0,
  };
  const uniform = new UniformWriter().u32(m).u32(n).u32(k).bytes();
  // Without a bias the binding still needs a readable buffer; the kernel never reads it.
  const buffers = { a: a.binding, b: b.binding, bias: (bias ?? a).binding, c: c.binding };
  const blocksM = Math.ceil(m / TILE);
  const blocksN = Math.ceil(n / TILE);
  const groupsM = Math.ceil(blocksM / WORKGROUP);
  const groupsN = Math.ceil(blocksN / WORKGROUP);
  const useTiled = blocksM * blocksN >= TILED_MIN_INVOCATIONS
    && groupsM <= MAX_WORKGROUPS_PER_DIM && groupsN <= MAX_WORKGROUPS_PER_DIM;
  // vec4 reads of B need each of its rows to start on a 16-byte boundary (views start at 256 bytes).
  const vec4B = !transposeB && n % 4 === 0;
  if (useTiled && vec4B) {
    engine.scheduler.dispatch({
      kernel: engine.registry.pipeline(KERNEL, 'tiled_vec4', constants),
      buffers: { a: a.binding, b4: b.binding, bias: (bias ?? a).binding, c: c.binding }, uniform, workgroups: [groupsN, groupsM],
    });
  } else if (useTiled) {
    engine.scheduler.dispatch({
      kernel: engine.registry.pipeline(KERNEL, 'tiled', constants), buffers, uniform, workgroups: [groupsN, groupsM],
    });
  } else {
    engine.scheduler.dispatch({
      kernel: engine.registry.pipeline(KERNEL, 'per_output', constants), buffers, uniform, workgroups: grid1D(m * n, 64),
    });
  }
  return c;
}
