/**
 * Planning a model from its layer specs, before anything touches the GPU:
 * each layer's input and output width, its name (for checkpoints, summary()
 * and safetensors), the seed of its randomness, and where each of its
 * parameters lives in the model's flat buffers. All of it comes from the layer
 * records (layers/*.ts); blocks are planned recursively, their branch getting
 * the block's input.
 *
 * Flat layout: ALL parameters live in one f32 buffer and all gradients in
 * another of the same layout, each tensor at a 64-element (256-byte) aligned
 * offset — what WebGPU needs to bind a view — so the optimizer updates the
 * whole model in one dispatch (or one per binding-sized chunk).
 */
import { ShapeError } from '../errors.js';
import type { LayerKind, ParameterDecl } from './layers/layer-kind.js';
import { layerKindOf, type LayerSpec } from './layers/index.js';

/** Elements: WebGPU binds storage at 256-byte offsets. */
export const ALIGN = 64;

/** One named parameter tensor in the flat buffer. */
export interface ParameterEntry {
  /** Keras-style path: 'dense_0/kernel', 'residual_2/dense_0/bias', 'residual_2/projection/kernel'. */
  name: string;
  /** Its name in a PyTorch state_dict of the same model: '0.weight', '2.branch.0.bias', '2.projection.weight'. */
  pytorchName: string;
  /** PyTorch stores it transposed ([out, in] for our [in, out]). */
  pytorchTransposed: boolean;
  shape: number[];
  /** Element offset in the flat (padded) buffer. */
  offset: number;
  size: number;
}

export interface PlannedLayer {
  spec: LayerSpec;
  kind: LayerKind;
  /** 'dense_3', or 'residual_2/dense_0' inside a block. */
  name: string;
  /** The module's name in PyTorch: '3', or '2.branch.0'. */
  pytorchName: string;
  inUnits: number;
  outUnits: number;
  /** 32-bit seed of the layer's own randomness (dropout), from the model seed and its position. */
  seed: number;
  /** The parameters the layer owns itself, in declaration order (a dense layer's bias right after its kernel). */
  parameters: ParameterEntry[];
  decls: ParameterDecl[];
  /** A block's branch. */
  children: PlannedLayer[];
}

export interface ModelPlan {
  layers: PlannedLayer[];
  inputUnits: number;
  outputUnits: number;
  /** Every parameter, in flat-buffer order. */
  parameters: ParameterEntry[];
  /** Trainable parameters, exactly. */
  parameterCount: number;
  /** Floats in the flat buffer: parameterCount plus alignment padding. */
  bufferLength: number;
}

/** Each layer's seed: a hash of its parent's (the model seed at the top) and its index. */
function layerSeed(parent: number, index: number, top: boolean): number {
  // Top-level layers keep the formula of the first releases, so seeded runs reproduce.
  const mixed = top ? parent ^ 0x5bd1e995 : parent ^ 0x27d4eb2f;
  return (Math.imul(mixed, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

/** The input width a list of layers fixes: that of its first layer that fixes one (nested blocks included). */
function fixedInput(specs: readonly LayerSpec[]): number | undefined {
  for (const spec of specs) {
    const kind = layerKindOf(spec);
    const childInput = kind.children ? fixedInput(kind.children(spec).layers as LayerSpec[]) : undefined;
    const fixed = kind.fixedInput?.(spec, childInput);
    if (fixed !== undefined) return fixed;
  }
  return undefined;
}

export function planModel(specs: readonly LayerSpec[], seed: number): ModelPlan {
  const inputUnits = fixedInput(specs);
  if (inputUnits === undefined) {
    throw new ShapeError('Sequential: needs a dense layer (the first dense layer, possibly inside a block, fixes the input size)');
  }

  // 1. Widths, names, seeds and parameter declarations, recursively.
  const planList = (list: readonly LayerSpec[], inUnits: number,
    parent: { name: string; pytorch: string; seed: number; where: string } | null): PlannedLayer[] => {
    let units = inUnits;
    return list.map((spec, i) => {
      const kind = layerKindOf(spec);
      const name = parent ? `${parent.name}/${spec.kind}_${i}` : `${spec.kind}_${i}`;
      const where = parent ? `${parent.where} > layer ${i} (${spec.kind})` : `layer ${i} (${spec.kind})`;
      const pytorchName = parent ? `${parent.pytorch}.${i}` : `${i}`;
      const layerSeedValue = layerSeed(parent ? parent.seed : seed, i, !parent);
      const nested = kind.children?.(spec);
      const children = nested
        ? planList(nested.layers as LayerSpec[], units, { name, pytorch: `${pytorchName}.${nested.pytorchPrefix}`, seed: layerSeedValue, where })
        : [];
      const childUnits = nested ? (children.length ? children[children.length - 1]!.outUnits : units) : undefined;
      const outUnits = kind.outputUnits(spec, units, where, childUnits);
      const decls = kind.parameters?.(spec, units, outUnits) ?? [];
      const planned: PlannedLayer = {
        spec, kind, name, pytorchName, inUnits: units, outUnits, seed: layerSeedValue, parameters: [], decls, children,
      };
      units = outUnits;
      return planned;
    });
  };
  const layers = planList(specs, inputUnits, null);
  const outputUnits = layers[layers.length - 1]!.outUnits;
  if (outputUnits < 2) throw new ShapeError(`Sequential: the last layer outputs ${outputUnits} unit; classification needs at least 2`);

  // 2. Places in the flat buffer, depth first: a layer's own parameters, then its children's.
  const parameters: ParameterEntry[] = [];
  let offset = 0;
  for (const layer of allLayers(layers)) {
    for (const d of layer.decls) {
      const size = d.shape.reduce((a, b) => a * b, 1);
      const entry: ParameterEntry = {
        name: `${layer.name}/${d.name}`, pytorchName: `${layer.pytorchName}.${d.pytorch.name}`,
        pytorchTransposed: d.pytorch.transposed, shape: [...d.shape], offset, size,
      };
      offset += Math.ceil(size / ALIGN) * ALIGN;
      layer.parameters.push(entry);
      parameters.push(entry);
    }
  }
  return {
    layers, inputUnits, outputUnits, parameters,
    parameterCount: parameters.reduce((sum, e) => sum + e.size, 0),
    bufferLength: offset,
  };
}

/** Every planned layer, depth first (a block before its branch). */
export function* allLayers(layers: readonly PlannedLayer[]): Generator<PlannedLayer> {
  for (const l of layers) {
    yield l;
    yield* allLayers(l.children);
  }
}
