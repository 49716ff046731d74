/**
 * Layer specifications: what users write in `new Sequential(engine, [...])`.
 * They are plain data; Sequential turns them into stages (src/nn/stages.ts)
 * once the input size of each is known.
 */
import { ValueError } from '../errors.js';

export type Initializer = 'glorotUniform' | 'heNormal' | 'heUniform' | 'zeros';
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh';

export interface DenseSpec {
  kind: 'dense';
  inUnits: number;
  outUnits: number;
  init: Initializer;
  /** L2 penalty λ: adds λ·W to dW (the bias is not decayed). */
  l2: number;
  /** Max-norm constraint on each unit's incoming weights (0 = off). */
  maxNorm: number;
  useBias: boolean;
}
export interface ActivationSpec { kind: ActivationKind }
export interface MaxoutSpec { kind: 'maxout'; units: number; pieces: number }
export interface DropoutSpec { kind: 'dropout'; rate: number }

export type LayerSpec = DenseSpec | ActivationSpec | MaxoutSpec | DropoutSpec;

function positiveInt(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`${fn}: ${arg} must be a positive integer, got ${String(v)}`);
  return v;
}

/** A fully connected layer y = x W + b, W [inUnits, outUnits]. */
export function dense(inUnits: number, outUnits: number,
  options: { init?: Initializer; l2?: number; maxNorm?: number; useBias?: boolean } = {}): DenseSpec {
  positiveInt('dense', 'inUnits', inUnits);
  positiveInt('dense', 'outUnits', outUnits);
  const init = options.init ?? 'glorotUniform';
  if (!['glorotUniform', 'heNormal', 'heUniform', 'zeros'].includes(init)) {
    throw new ValueError(`dense: init must be 'glorotUniform', 'heNormal', 'heUniform' or 'zeros', got ${String(init)}`);
  }
  const l2 = options.l2 ?? 0;
  if (!Number.isFinite(l2) || l2 < 0) throw new ValueError(`dense: l2 must be a finite number >= 0, got ${l2}`);
  const maxNorm = options.maxNorm ?? 0;
  if (!Number.isFinite(maxNorm) || maxNorm < 0) throw new ValueError(`dense: maxNorm must be a finite number >= 0, got ${maxNorm}`);
  return { kind: 'dense', inUnits, outUnits, init, l2, maxNorm, useBias: options.useBias ?? true };
}

export function relu(): ActivationSpec { return { kind: 'relu' }; }
export function sigmoid(): ActivationSpec { return { kind: 'sigmoid' }; }
export function tanh(): ActivationSpec { return { kind: 'tanh' }; }

/** Maxout: input [n, units·pieces] -> [n, units], unit j = max of columns j·pieces .. j·pieces+pieces−1. */
export function maxout(units: number, pieces: number): MaxoutSpec {
  return { kind: 'maxout', units: positiveInt('maxout', 'units', units), pieces: positiveInt('maxout', 'pieces', pieces) };
}

/** Inverted dropout: active only in training (fit); identity in evaluate/predict. */
export function dropout(rate: number): DropoutSpec {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`dropout: rate must be in [0, 1), got ${String(rate)}`);
  return { kind: 'dropout', rate };
}
