/**
 * Residual block (He et al. 2016): y = F(x) + x, F a branch of layers.
 *
 * The fix for "a 56-layer net trains worse than a 20-layer one": the branch
 * only has to learn a correction to the identity, and the gradient reaches
 * the layers below through the skip unchanged, however deep the stack.
 * When the branch changes the width, the skip is a learned projection
 * x P (P [in, out], no bias) instead of the identity.
 *
 * Forward: y = copy(F(x)), then y += x (axpy) or y += x P (the matmul's
 * `accumulate`): one dispatch either way.
 * Backward: dL/dx = dL/dx through the branch + dy (or dy Pᵀ): the gradient
 * splits between the two paths and the two parts are summed, again with one
 * axpy or one accumulating matmul; dP = xᵀ dy. The backward fusions (dropout
 * mask, act'(y) folded into a dense stage's dX) stay inside the branch: a
 * block offers no gate to the stage above it and takes none from below.
 */
import type { Engine } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { ValueError } from '../../errors.js';
import { checkOptions, describeValue } from '../../options.js';
import { initWeights } from '../init.js';
import type { Chain } from '../chain.js';
import { track, type BackwardGate, type Stage, type StepContext } from '../stage.js';
import { layerKind, type LayerSpecBase, type ParameterViews } from './layer-kind.js';

export interface ResidualSpec<L extends LayerSpecBase = LayerSpecBase> {
  kind: 'residual';
  /** The branch F, applied to the block's input. */
  layers: L[];
}

function checkBranch(fn: string, layers: unknown, nested: (spec: unknown, where: string) => LayerSpecBase): LayerSpecBase[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new ValueError(`${fn}: layers must be a non-empty array of layers (the branch), got ${describeValue(layers)}`);
  }
  return layers.map((spec, i) => nested(spec, `${fn} layers[${i}]`));
}

export const residualLayer = layerKind<ResidualSpec>({
  kind: 'residual',
  title: 'Residual',
  keys: ['layers'],
  normalize: (fn, o, nested) => ({ kind: 'residual', layers: checkBranch(fn, o['layers'], nested) }),
  children: (spec) => ({ layers: spec.layers, pytorchPrefix: 'branch' }),
  fixedInput: (_spec, childInput) => childInput,
  outputUnits: (_spec, _inUnits, _where, childUnits) => childUnits!,
  parameters: (_spec, inUnits, outUnits) => inUnits === outUnits ? [] : [{
    name: 'projection/kernel', shape: [inUnits, outUnits],
    init: (random) => initWeights('glorotUniform', inUnits, outUnits, random),
    pytorch: { name: 'projection.weight', transposed: true },
  }],
  // the projection's products, when there is one: forward x·P, dP = xᵀ·dy, dx += dy·Pᵀ
  matmulShapes: (_spec, inUnits, outUnits, rows) => inUnits === outUnits ? [] : [
    { m: rows, n: outUnits, k: inUnits },
    { m: inUnits, n: outUnits, k: rows, transposeA: true },
    { m: rows, n: inUnits, k: outUnits, transposeB: true },
  ],
  stage: (_spec, build) => new ResidualStage(build.name, build.outUnits, build.children!, build.params['projection/kernel'] ?? null),
});

/** The factory: `residual([dense(256, 256), relu(), dense(256, 256)])`, checked like Sequential checks its layers. */
export function makeResidual(layers: LayerSpecBase[], options: Record<string, never> | undefined,
  nested: (spec: unknown, where: string) => LayerSpecBase): ResidualSpec {
  checkOptions('residual', options, []);
  return { kind: 'residual', layers: checkBranch('residual', layers, nested) };
}

export class ResidualStage implements Stage {
  readonly hasParameters: boolean;
  readonly acceptsInputGates = false;
  gateFused = false;
  private input: Tensor | null = null;

  constructor(readonly name: string, readonly outUnits: number, private readonly branch: Chain,
    private readonly projection: ParameterViews | null) {
    this.hasParameters = projection !== null || branch.hasParameters;
  }

  forward(ctx: StepContext, x: Tensor): Tensor {
    const e = ctx.engine;
    this.input = x;
    const branchOut = this.branch.forward(ctx, x);
    // A copy, not the branch's own output: its stages may keep that tensor for their backward.
    const y = track(ctx, e.copy(branchOut));
    if (this.projection) e.matmul(x, this.projection.value, { out: y, accumulate: true });
    else e.axpy(y, x, 1);
    return y;
  }

  /** Fusions never cross a block's edge. */
  backwardGate(): BackwardGate | null {
    return null;
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null {
    const e = ctx.engine;
    if (this.projection) e.matmul(this.input!, dy, { transposeA: true, out: this.projection.grad });
    const throughBranch = this.branch.backward(ctx, dy, needInputGrad);
    if (!needInputGrad) return null;
    // Sum the two paths in place on the branch's fresh result; a branch that
    // passed dy straight through (no stage changed it) gets a copy instead.
    const dx = throughBranch && throughBranch !== dy ? throughBranch : track(ctx, e.copy(dy));
    if (this.projection) e.matmul(dy, this.projection.value, { transposeB: true, out: dx, accumulate: true });
    else e.axpy(dx, dy, 1);
    return dx;
  }

  afterUpdate(engine: Engine): void {
    this.branch.afterUpdate(engine);
  }
}
