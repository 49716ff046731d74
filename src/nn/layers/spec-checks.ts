/** Value checks shared by the layer records (each throws a ValueError naming `fn` and the argument). */
import { ValueError } from '../../errors.js';
import { checkFinite, describeValue } from '../../options.js';

export function positiveInt(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ValueError(`${fn}: ${arg} must be a positive integer, got ${describeValue(v)}`);
  return v;
}

/** A finite number >= 0 (that fits in f32: the kernels get it as f32). */
export function nonNegative(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`${fn}: ${arg} must be a finite number >= 0, got ${describeValue(v)}`);
  return checkFinite(fn, arg, v);
}

/** A dropout rate: in [0, 1). */
export function dropoutRate(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: rate must be in [0, 1), got ${describeValue(v)}`);
  return v;
}
