/**
 * What a kind of layer is, as data: one record per kind (src/nn/layers/*.ts),
 * listed once in the table of src/nn/layers/index.ts. Everything the model
 * needs to know about a layer comes from its record — how a spec is checked,
 * which input width it fixes, its output width, the parameters it owns with
 * their initialisers and names, which following layer it absorbs, and the
 * stage that records its forward and backward — so the model code never asks
 * `kind === 'dense'`, and adding a layer is one file plus one line in the table.
 */
import type { Engine } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import type { SeededRandom } from '../init.js';
import type { Chain } from '../chain.js';
import type { Stage } from '../stage.js';
import type { MatmulShapeSpec } from '../../ops/matmul-autotune.js';

/** Every spec is plain, JSON-able data with a `kind`. */
export interface LayerSpecBase {
  readonly kind: string;
}

/** A parameter tensor a layer owns. */
export interface ParameterDecl {
  /** Name within the layer ('kernel', 'bias', 'projection/kernel'): the model's name is `<layer path>/<name>`. */
  name: string;
  shape: number[];
  /** Its seeded initial values; absent: zeros. */
  init?: (random: SeededRandom) => Float32Array;
  /** Its name within the layer in a PyTorch state_dict ('weight', 'projection.weight'), and whether PyTorch stores its transpose ([out, in]). */
  pytorch: { name: string; transposed: boolean };
}

/** Where a parameter lives: views into the model's flat parameter and gradient buffers. */
export interface ParameterViews {
  value: Tensor;
  grad: Tensor;
}

/** What a record gets to build its stage. */
export interface StageBuild {
  engine: Engine;
  /** The layer's path-like name, e.g. 'dense_3' or 'residual_2/dense_0'. */
  name: string;
  inUnits: number;
  outUnits: number;
  /** The layer's parameters by their ParameterDecl name. */
  params: Readonly<Record<string, ParameterViews>>;
  /** A 32-bit seed for the layer's own randomness (dropout masks), from the model seed and the layer's position. */
  seed: number;
  /** The built stages of the layer's nested layers (a block's branch), or null. */
  children: Chain | null;
}

export interface LayerKind<S extends LayerSpecBase = LayerSpecBase> {
  readonly kind: S['kind'];
  /** The type column of summary(). */
  readonly title: string;
  /** The spec's keys besides `kind` (unknown keys are refused with a hint). */
  readonly keys: readonly string[];
  /** A plain object (keys already checked) as a complete spec with defaults, checked like the factory; `nested` checks a nested spec. */
  normalize(where: string, o: Record<string, unknown>, nested: (spec: unknown, where: string) => LayerSpecBase): S;
  /** Nested layers (a block's branch), which receive this layer's input; `pytorchPrefix` names their module in PyTorch. */
  children?(spec: S): { layers: readonly LayerSpecBase[]; pytorchPrefix: string };
  /** The input width this layer fixes, if any (dense: inUnits); `childInput`: what its children fix. */
  fixedInput?(spec: S, childInput: number | undefined): number | undefined;
  /** The output width for `inUnits` inputs (`childUnits`: its children's output); a ShapeError naming `where` if they do not fit. */
  outputUnits(spec: S, inUnits: number, where: string, childUnits: number | undefined): number;
  /** The parameters this layer owns itself (not its children's). */
  parameters?(spec: S, inUnits: number, outUnits: number): ParameterDecl[];
  /**
   * The matrix products its stage records for a batch of `rows` (forward and
   * backward), so `fit` can have the engine time them (engine.autotune) before
   * the first step. Children's are asked separately.
   */
  matmulShapes?(spec: S, inUnits: number, outUnits: number, rows: number): MatmulShapeSpec[];
  /** True if this layer takes `next` into its own stage (dense absorbs a following activation into its matmul's epilogue). */
  absorbs?(spec: S, next: LayerSpecBase): boolean;
  stage(spec: S, build: StageBuild, absorbed: LayerSpecBase | undefined): Stage;
}

/** Widen a record's spec type for the table (each record is checked against its own spec type where it is written). */
export function layerKind<S extends LayerSpecBase>(kind: LayerKind<S>): LayerKind {
  return kind as unknown as LayerKind;
}
