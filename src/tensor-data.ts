/**
 * What `engine.tensor(data, shape, dtype?)` and `engine.write(tensor, data)`
 * accept as data, and the one rule for turning it into the bytes uploaded.
 *
 * The rule: every element must reach the GPU exactly as the caller meant it,
 * or the call is refused. So
 *   - Float32Array, Int32Array and Uint32Array are uploaded as they are, and
 *     they fix the dtype: a given dtype must agree (Float32Array data with
 *     dtype 'i32' is refused rather than silently truncated; convert it with
 *     Int32Array.from first, where the rounding is yours to see).
 *   - A plain array of numbers is converted to the dtype: any number for f32
 *     (NaN and ±Infinity exist in f32 and kernels' tests use them), but a
 *     finite number outside f32's range would become Infinity and is refused;
 *     integers in range for i32 / u32 (Int32Array.from would wrap 2^31 to -2^31
 *     and turn 1.5 into 1).
 *   - Anything else is refused: strings, null, an element that is not a number
 *     (Float32Array.from would make it NaN), BigInt arrays, Float64Array and the
 *     8/16-bit arrays (Uint8ClampedArray ...: the element size differs, convert
 *     explicitly), DataView, and views of a SharedArrayBuffer (another thread can
 *     change it during the upload, and Dawn's Node bindings, webgpu 0.6, crash
 *     the whole process with a segmentation fault in writeBuffer when given one).
 */
import { DTypeError, ValueError } from './errors.js';
import { checkChoice, describeValue, F32_MAX } from './options.js';
import type { DType } from './tensor.js';

export const DTYPES: readonly DType[] = ['f32', 'i32', 'u32'];

/** The dtype a typed array stands for, or undefined for any other value. */
function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Int32Array) return 'i32';
  if (data instanceof Uint32Array) return 'u32';
  return undefined;
}

/** `dtype` is 'f32', 'i32' or 'u32' (a DTypeError naming `fn` otherwise). */
export function checkDType(fn: string, arg: string, dtype: unknown): DType {
  try {
    return checkChoice(fn, arg, dtype, DTYPES);
  } catch (err) {
    throw new DTypeError((err as Error).message);
  }
}

function isSharedMemory(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;
}

/** Why an array element cannot be stored in `dtype`, or null when it can. */
function elementProblem(value: unknown, dtype: DType): string | null {
  if (typeof value !== 'number') return `is ${describeValue(value)}, not a number`;
  if (dtype === 'f32') {
    return Number.isFinite(value) && Math.abs(value) > F32_MAX ? `is ${value}, outside f32's range (it would become Infinity)` : null;
  }
  if (!Number.isInteger(value)) return `is ${value}, not an integer (dtype ${dtype})`;
  const [min, max] = dtype === 'i32' ? [-(2 ** 31), 2 ** 31 - 1] : [0, 2 ** 32 - 1];
  return value < min || value > max ? `is ${value}, outside ${dtype}'s range [${min}, ${max}]` : null;
}

/**
 * Checks tensor data and returns it as the typed array to upload, with its
 * dtype. `dtype` is the dtype asked for (undefined: follow the typed array,
 * f32 for a plain array). The element count is the caller's to check.
 */
export function checkTensorData(fn: string, data: unknown, dtype?: unknown): { values: Float32Array | Int32Array | Uint32Array; dtype: DType } {
  const wanted = dtype === undefined ? undefined : checkDType(fn, 'dtype', dtype);
  const own = dtypeOfArray(data);
  if (own !== undefined) {
    const typed = data as Float32Array | Int32Array | Uint32Array;
    if (wanted !== undefined && wanted !== own) {
      throw new DTypeError(`${fn}: data is ${describeValue(typed)} (${own}) but dtype is '${wanted}'; ` +
        `convert it explicitly (e.g. ${wanted === 'f32' ? 'Float32Array' : wanted === 'i32' ? 'Int32Array' : 'Uint32Array'}.from(data))`);
    }
    if (isSharedMemory(typed)) {
      throw new ValueError(`${fn}: data is a view of a SharedArrayBuffer; copy it into an ordinary ${typed.constructor.name} first (slice())`);
    }
    return { values: typed, dtype: own };
  }
  if (!Array.isArray(data)) {
    throw new ValueError(`${fn}: data must be a typed array (Float32Array, Int32Array or Uint32Array) or an array of numbers, got ${describeValue(data)}`);
  }
  const type = wanted ?? 'f32';
  // for, not forEach: a hole in a sparse array is an element too (undefined).
  for (let i = 0; i < data.length; i++) {
    const problem = elementProblem(data[i], type);
    if (problem) throw new ValueError(`${fn}: data[${i}] ${problem}`);
  }
  const ctor = type === 'f32' ? Float32Array : type === 'i32' ? Int32Array : Uint32Array;
  return { values: ctor.from(data as number[]), dtype: type };
}
