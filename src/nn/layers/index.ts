/**
 * The layer table: every kind of layer a model can hold, one record each
 * (layer-kind.ts says what a record holds). Adding a layer kind is one new
 * file next to this one and one line in LAYER_KINDS.
 *
 * Specs are plain data: what the factories (dense(784, 256), relu(), ...)
 * return, what users may also write by hand ({ kind: 'dense', inUnits: 4,
 * outUnits: 3 }) and what comes back from a saved file. `checkLayerSpec`
 * gives such an object the same checks as its factory and fills in the
 * factory's defaults: a missing or misspelt `init` must not silently become
 * zero weights.
 */
import { ValueError } from '../../errors.js';
import { checkChoice, checkOptions, describeValue, lookup } from '../../options.js';
import type { LayerKind, LayerSpecBase } from './layer-kind.js';
import { denseLayer, type DenseSpec } from './dense.js';
import { reluLayer, sigmoidLayer, tanhLayer, type ActivationSpec } from './activation.js';
import { maxoutLayer, type MaxoutSpec } from './maxout.js';
import { dropoutLayer, type DropoutSpec } from './dropout.js';
import { makeResidual, residualLayer, type ResidualSpec as ResidualOf } from './residual.js';

export const LAYER_KINDS: Readonly<Record<string, LayerKind>> = {
  dense: denseLayer,
  relu: reluLayer,
  sigmoid: sigmoidLayer,
  tanh: tanhLayer,
  maxout: maxoutLayer,
  dropout: dropoutLayer,
  residual: residualLayer,
};
const KIND_NAMES = Object.keys(LAYER_KINDS);

/** A residual block: its branch is a list of layers (blocks may nest). */
export type ResidualSpec = ResidualOf<LayerSpec>;

export type LayerSpec = DenseSpec | ActivationSpec | MaxoutSpec | DropoutSpec | ResidualSpec;

export { dense, type DenseSpec, type DenseOptions } from './dense.js';
export { relu, sigmoid, tanh, type ActivationKind, type ActivationSpec } from './activation.js';
export { maxout, type MaxoutSpec } from './maxout.js';
export { dropout, type DropoutSpec } from './dropout.js';
export type { Initializer } from '../init.js';

/** The record of a (checked) spec's kind. */
export function layerKindOf(spec: LayerSpecBase): LayerKind {
  return lookup(LAYER_KINDS, spec.kind)!;
}

/** A spec at `where`, checked like its factory would check it, as a fresh spec with every default filled in. */
function checkSpec(spec: unknown, where: string): LayerSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ValueError(`${where} must be a layer spec such as dense(784, 10) or { kind: 'relu' }, got ${describeValue(spec)}`);
  }
  const o = spec as Record<string, unknown>;
  const kind = lookup(LAYER_KINDS, o['kind']);
  if (!kind) checkChoice(where, 'kind', o['kind'], KIND_NAMES); // throws, with a did-you-mean hint
  checkOptions(where, o, ['kind', ...kind!.keys], `a ${String(o['kind'])} spec`);
  return kind!.normalize(`${where} (${String(o['kind'])})`, o, checkSpec) as LayerSpec;
}

/**
 * Layer `index` of a model's layer list, checked (unknown keys, types,
 * ranges, nested layers) and returned with every default filled in.
 * Sequential calls it for each layer before using any.
 */
export function checkLayerSpec(spec: unknown, index: number): LayerSpec {
  return checkSpec(spec, `Sequential: layers[${index}]`);
}

/**
 * A residual block: output = branch(x) + x, or + x P (a learned projection,
 * no bias) when the branch changes the width. Blocks nest.
 *   residual([dense(256, 256), relu(), dense(256, 256)])
 */
export function residual(layers: LayerSpec[], options?: Record<string, never>): ResidualSpec {
  return makeResidual(layers, options, checkSpec) as ResidualSpec;
}
