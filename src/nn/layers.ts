/**
 * Layer specifications: what users write in `new Sequential(engine, [...])`.
 * They are plain data; Sequential turns them into stages (src/nn/stages.ts)
 * once the input size of each is known.
 *
 * A spec can also be written by hand ({ kind: 'dense', inUnits: 4, outUnits: 3 })
 * or come back from a saved file, so `checkLayerSpec` gives such an object the
 * same checks as the factories and fills in the factories' defaults: a missing
 * or misspelt `init` must not silently become zero weights.
 */
import { ShapeError, ValueError } from '../errors.js';
import { checkBoolean, checkChoice, checkFinite, checkOptions, describeValue, lookup } from '../options.js';
import { INITIALIZER_NAMES, type Initializer } from './init.js';

export type { Initializer };
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
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ValueError(`${fn}: ${arg} must be a positive integer, got ${describeValue(v)}`);
  return v;
}

/** A finite number >= 0 (that fits in f32: the kernels get it as f32). */
function nonNegative(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`${fn}: ${arg} must be a finite number >= 0, got ${describeValue(v)}`);
  return checkFinite(fn, arg, v);
}

const DENSE_OPTIONS = ['init', 'l2', 'maxNorm', 'useBias'] as const;
export type DenseOptions = { init?: Initializer; l2?: number; maxNorm?: number; useBias?: boolean };

/** The checks of dense(), for the factory and for plain specs alike; `fn` names the caller in messages. */
function denseSpec(fn: string, inUnits: unknown, outUnits: unknown, options: DenseOptions): DenseSpec {
  const inputs = positiveInt(fn, 'inUnits', inUnits);
  const outputs = positiveInt(fn, 'outUnits', outUnits);
  // The weight matrix is one tensor: the engine's tensors hold at most 2^31 elements.
  if (inputs * outputs > 2 ** 31) throw new ShapeError(`${fn}: a [${inputs},${outputs}] weight matrix would have more than 2^31 elements`);
  const init = options.init === undefined ? 'glorotUniform' : checkChoice(fn, 'init', options.init, INITIALIZER_NAMES);
  const l2 = options.l2 === undefined ? 0 : nonNegative(fn, 'l2', options.l2);
  let maxNorm = options.maxNorm === undefined ? 0 : nonNegative(fn, 'maxNorm', options.maxNorm);
  // 0 is "off"; any other limit must stay > 0 in f32, where the constraint kernel applies it.
  if (maxNorm !== 0) maxNorm = checkFinite(fn, 'maxNorm', maxNorm, { nonZeroF32: true });
  const useBias = checkBoolean(fn, 'useBias', options.useBias, true);
  return { kind: 'dense', inUnits: inputs, outUnits: outputs, init, l2, maxNorm, useBias };
}

/** A fully connected layer y = x W + b, W [inUnits, outUnits]. */
export function dense(inUnits: number, outUnits: number, options: DenseOptions = {}): DenseSpec {
  return denseSpec('dense', inUnits, outUnits, checkOptions('dense', options, DENSE_OPTIONS));
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
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`dropout: rate must be in [0, 1), got ${describeValue(rate)}`);
  return { kind: 'dropout', rate };
}

/**
 * How each kind of spec is checked: its keys besides `kind`, and the factory
 * that rebuilds it (with defaults) from a plain object. `fn` names the caller.
 */
const LAYER_KINDS: Record<LayerSpec['kind'], { keys: readonly string[]; build(fn: string, o: Record<string, unknown>): LayerSpec }> = {
  dense: {
    keys: ['inUnits', 'outUnits', ...DENSE_OPTIONS],
    build: (fn, o) => denseSpec(fn, o['inUnits'], o['outUnits'], o as DenseOptions),
  },
  relu: { keys: [], build: () => relu() },
  sigmoid: { keys: [], build: () => sigmoid() },
  tanh: { keys: [], build: () => tanh() },
  maxout: {
    keys: ['units', 'pieces'],
    build: (fn, o) => ({ kind: 'maxout', units: positiveInt(fn, 'units', o['units']), pieces: positiveInt(fn, 'pieces', o['pieces']) }),
  },
  dropout: {
    keys: ['rate'],
    build: (fn, o) => {
      const rate = o['rate'];
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`${fn}: rate must be in [0, 1), got ${describeValue(rate)}`);
      return { kind: 'dropout', rate };
    },
  },
};
const KIND_NAMES = Object.keys(LAYER_KINDS) as LayerSpec['kind'][];

/**
 * Layer `index` of a model's layer list, checked like its factory would check
 * it (unknown keys, types, ranges) and returned as a fresh spec with every
 * default filled in. Sequential calls it for each layer before using any.
 */
export function checkLayerSpec(spec: unknown, index: number): LayerSpec {
  const where = `Sequential: layers[${index}]`;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ValueError(`${where} must be a layer spec such as dense(784, 10) or { kind: 'relu' }, got ${describeValue(spec)}`);
  }
  const o = spec as Record<string, unknown>;
  const kind = lookup(LAYER_KINDS, o['kind']);
  if (!kind) checkChoice(where, 'kind', o['kind'], KIND_NAMES); // throws, with a did-you-mean hint
  checkOptions(where, o, ['kind', ...kind!.keys], `a ${String(o['kind'])} spec`);
  return kind!.build(`${where} (${String(o['kind'])})`, o);
}
