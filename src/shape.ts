/**
 * Argument checks shared by every op: shapes, dtypes, ownership. Each throws a
 * typed error naming the function and argument, before any GPU work.
 */
import { DTypeError, DisposedError, ShapeError, ValueError } from './errors.js';
import { Tensor, type DType, type TensorOwner } from './tensor.js';
import { checkFinite, describeValue } from './options.js';

export function describeShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A shape as written in messages: [2,3]; odd entries (strings, BigInts) described, never thrown on. */
function showShape(shape: unknown): string {
  if (!Array.isArray(shape)) return describeValue(shape);
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : describeValue(d))).join(',')}]`;
}

/** A shape is a non-empty array of positive integers; returns its element count. */
export function checkShape(fn: string, arg: string, shape: unknown): number {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new ShapeError(`${fn}: ${arg} must be a non-empty array of positive integers, got ${showShape(shape)}`);
  }
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw new ShapeError(`${fn}: ${arg} must contain positive integers, got ${showShape(shape)}`);
    }
    size *= d;
  }
  if (size > 2 ** 31) throw new ShapeError(`${fn}: ${arg} ${describeShape(shape)} has more than 2^31 elements`);
  return size;
}

/** The tensor is alive, belongs to this engine and (optionally) has the given dtype and rank. */
export function checkTensor(fn: string, arg: string, t: unknown, owner: TensorOwner,
  expect: { dtype?: DType | readonly DType[]; rank?: number } = {}): Tensor {
  // instanceof, not a look for 'shape' and 'owner' keys: a plain object with
  // those keys would pass that and fail later with an untyped TypeError.
  if (!(t instanceof Tensor)) throw new ValueError(`${fn}: ${arg} must be a Tensor, got ${describeValue(t)}`);
  const tensor = t;
  if (tensor.disposed) throw new DisposedError(`${fn}: ${arg} (${tensor}) was used after dispose()`);
  if (tensor.owner !== owner) throw new DisposedError(`${fn}: ${arg} (${tensor}) belongs to another engine`);
  if (expect.dtype !== undefined) {
    const allowed = typeof expect.dtype === 'string' ? [expect.dtype] : expect.dtype;
    if (!allowed.includes(tensor.dtype)) {
      throw new DTypeError(`${fn}: ${arg} must have dtype ${allowed.join(' or ')}, got ${tensor.dtype}`);
    }
  }
  if (expect.rank !== undefined && tensor.shape.length !== expect.rank) {
    throw new ShapeError(`${fn}: ${arg} must be ${expect.rank}-D, got shape ${describeShape(tensor.shape)}`);
  }
  return tensor;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkSameShape(fn: string, argA: string, a: Tensor, argB: string, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(`${fn}: ${argA} and ${argB} must have the same shape: ${argA} is ${describeShape(a.shape)}, ${argB} is ${describeShape(b.shape)}`);
  }
}

/** A finite number in [min, max) or [min, max] (the ops' name for options.ts's checkFinite). */
export function checkNumber(fn: string, arg: string, value: unknown,
  range: { min?: number; max?: number; maxExclusive?: boolean; integer?: boolean } = {}): number {
  return checkFinite(fn, arg, value, range);
}
