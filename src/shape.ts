/**
 * Argument checks shared by every op: shapes, dtypes, ownership. Each throws a
 * typed error naming the function and argument, before any GPU work.
 */
import { DTypeError, DisposedError, ShapeError, ValueError } from './errors.js';
import type { DType, Tensor, TensorOwner } from './tensor.js';

export function describeShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A shape is a non-empty array of positive integers; returns its element count. */
export function checkShape(fn: string, arg: string, shape: unknown): number {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new ShapeError(`${fn}: ${arg} must be a non-empty array of positive integers, got ${JSON.stringify(shape)}`);
  }
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw new ShapeError(`${fn}: ${arg} must contain positive integers, got ${JSON.stringify(shape)}`);
    }
    size *= d;
  }
  if (size > 2 ** 31) throw new ShapeError(`${fn}: ${arg} ${describeShape(shape)} has more than 2^31 elements`);
  return size;
}

/** The tensor is alive, belongs to this engine and (optionally) has the given dtype and rank. */
export function checkTensor(fn: string, arg: string, t: unknown, owner: TensorOwner,
  expect: { dtype?: DType | readonly DType[]; rank?: number } = {}): Tensor {
  const tensor = t as Tensor;
  if (!tensor || typeof tensor !== 'object' || !('shape' in tensor) || !('owner' in tensor)) {
    throw new ValueError(`${fn}: ${arg} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  }
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

/** A finite number in [min, max) or [min, max]. */
export function checkNumber(fn: string, arg: string, value: unknown,
  range: { min?: number; max?: number; maxExclusive?: boolean; integer?: boolean } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${fn}: ${arg} must be a finite number, got ${String(value)}`);
  }
  if (range.integer && !Number.isInteger(value)) throw new ValueError(`${fn}: ${arg} must be an integer, got ${value}`);
  if (range.min !== undefined && value < range.min) throw new ValueError(`${fn}: ${arg} must be >= ${range.min}, got ${value}`);
  if (range.max !== undefined && (range.maxExclusive ? value >= range.max : value > range.max)) {
    throw new ValueError(`${fn}: ${arg} must be ${range.maxExclusive ? '<' : '<='} ${range.max}, got ${value}`);
  }
  return value;
}
