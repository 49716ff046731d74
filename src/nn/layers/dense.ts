/**
 * Dense (fully connected): y = x W + b, W [inUnits, outUnits], b [outUnits].
 *
 * Its stage fuses a following relu/sigmoid/tanh into the matmul's epilogue
 * (one dispatch for x W + b and the activation), and writes dW = Xᵀ dZ and
 * db = 1ᵀ dZ with ONE matmul (the bias is a weight on a constant-1 input).
 * Its dX = dZ Wᵀ matmul folds in the dropout mask and act'(y) of the stages
 * below (the chain hands them over as gates).
 */
import type { Engine } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { ShapeError } from '../../errors.js';
import { checkBoolean, checkChoice, checkFinite, checkOptions } from '../../options.js';
import { INITIALIZER_NAMES, initWeights, type Initializer } from '../init.js';
import { track, type BackwardGate, type Stage, type StepContext } from '../stage.js';
import { layerKind, type ParameterViews } from './layer-kind.js';
import { nonNegative, positiveInt } from './spec-checks.js';
import { activationBackward, isActivation, type ActivationKind } from './activation.js';

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

export const denseLayer = layerKind<DenseSpec>({
  kind: 'dense',
  title: 'Dense',
  keys: ['inUnits', 'outUnits', ...DENSE_OPTIONS],
  normalize: (fn, o) => denseSpec(fn, o['inUnits'], o['outUnits'], o as DenseOptions),
  fixedInput: (spec) => spec.inUnits,
  outputUnits(spec, inUnits, where) {
    if (spec.inUnits !== inUnits) throw new ShapeError(`Sequential: ${where} expects ${spec.inUnits} inputs but the previous layer outputs ${inUnits}`);
    return spec.outUnits;
  },
  parameters: (spec) => [
    {
      name: 'kernel', shape: [spec.inUnits, spec.outUnits],
      init: (random) => initWeights(spec.init, spec.inUnits, spec.outUnits, random),
      pytorch: { name: 'weight', transposed: true },
    },
    ...(spec.useBias ? [{ name: 'bias', shape: [spec.outUnits], pytorch: { name: 'bias', transposed: false } }] : []),
  ],
  // forward X·W, dW = Xᵀ·dZ (with db as its column sums), dX = dZ·Wᵀ
  matmulShapes: (spec, inUnits, outUnits, rows) => [
    { m: rows, n: outUnits, k: inUnits },
    { m: inUnits, n: outUnits, k: rows, transposeA: true, columnSums: spec.useBias },
    { m: rows, n: inUnits, k: outUnits, transposeB: true },
  ],
  absorbs: (_spec, next) => isActivation(next.kind),
  stage: (spec, build, absorbed) => new DenseStage(build.name, spec, build.params['kernel']!, build.params['bias'] ?? null,
    absorbed && isActivation(absorbed.kind) ? absorbed.kind : 'linear'),
});

export class DenseStage implements Stage {
  readonly hasParameters = true;
  readonly acceptsInputGates = true;
  readonly outUnits: number;
  private input: Tensor | null = null;
  private output: Tensor | null = null;
  gateFused = false;

  constructor(
    readonly name: string,
    private readonly spec: DenseSpec,
    private readonly weight: ParameterViews,
    private readonly bias: ParameterViews | null,
    readonly activation: ActivationKind | 'linear',
  ) {
    this.outUnits = spec.outUnits;
  }

  forward(ctx: StepContext, x: Tensor): Tensor {
    this.input = x;
    const y = track(ctx, ctx.engine.matmul(x, this.weight.value, {
      ...(this.bias ? { bias: this.bias.value } : {}),
      activation: this.activation,
    }));
    this.output = y;
    return y;
  }

  backwardGate(): BackwardGate | null {
    return this.activation === 'linear' ? null : { kind: 'activation', activation: this.activation, output: this.output! };
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean, inputGates: BackwardGate[] = []): Tensor | null {
    const { engine } = ctx;
    const x = this.input!;
    const y = this.output!;
    // dZ = dY ⊙ act'(Z), computed from the stored output y — unless the stage
    // above already did it in its dX epilogue (gateFused).
    let dz = dy;
    if (!this.gateFused && this.activation !== 'linear') dz = track(ctx, activationBackward(engine, this.activation, dy, y));
    // dW = Xᵀ dZ and db = 1ᵀ dZ (column sums), both from one matmul straight into
    // the flat gradient buffer, where db sits right after dW.
    engine.matmul(x, dz, {
      transposeA: true, out: this.weight.grad,
      ...(this.bias ? { columnSumsOut: this.bias.grad } : {}),
    });
    // L2: d/dW (λ/2 ‖W‖²) = λ W.
    if (this.spec.l2 > 0) engine.axpy(this.weight.grad, this.weight.value, this.spec.l2);
    if (!needInputGrad) return null;
    // dX = dZ Wᵀ (the transpose is read in place), times the gates of the stages below.
    const mask = inputGates.find((g) => g.kind === 'mask');
    const act = inputGates.find((g) => g.kind === 'activation');
    return track(ctx, engine.matmul(dz, this.weight.value, {
      transposeB: true,
      ...(mask ? { gradMask: mask.mask } : {}),
      ...(act ? { activationGrad: { activation: act.activation, output: act.output } } : {}),
    }));
  }

  /** After the optimizer step: the max-norm constraint, if any. */
  afterUpdate(engine: Engine): void {
    if (this.spec.maxNorm > 0) engine.maxNorm(this.weight.value, { maxNorm: this.spec.maxNorm, axis: 'columns' });
  }
}
