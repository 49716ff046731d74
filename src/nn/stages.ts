/**
 * Stages: the compiled form of the layer list, each recording its forward and
 * backward kernels into the engine's current command batch.
 *
 * Fusion: a dense layer directly followed by relu/sigmoid/tanh becomes ONE
 * DenseStage whose matmul applies bias and activation in its epilogue, and
 * whose backward turns dY into dZ with one activation-backward kernel.
 *
 * Tensor lifetime: every tensor a stage creates during a step goes into the
 * step's `scratch` list and is disposed once the step is recorded; the pool
 * reuses those buffers on the next step (after the submit).
 */
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import type { ActivationKind } from './layers.js';

export interface StepContext {
  engine: Engine;
  training: boolean;
  /** Global step number: feeds the dropout RNG so each step draws a new mask. */
  step: number;
  /** Tensors to dispose when the step has been recorded. */
  scratch: Tensor[];
}

/** Where a dense layer's parameters and gradients live (views into flat buffers). */
export interface DenseParams {
  weight: Tensor; // [in, out]
  bias: Tensor | null; // [out]
  weightGrad: Tensor;
  biasGrad: Tensor | null;
}

export interface Stage {
  readonly name: string;
  readonly outUnits: number;
  forward(ctx: StepContext, x: Tensor): Tensor;
  /** Returns dX, or null when `needInputGrad` is false (the first stage). */
  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null;
}

function track<T extends Tensor>(ctx: StepContext, t: T): T {
  ctx.scratch.push(t);
  return t;
}

export class DenseStage implements Stage {
  private input: Tensor | null = null;
  private output: Tensor | null = null;

  constructor(
    readonly name: string,
    readonly inUnits: number,
    readonly outUnits: number,
    readonly params: DenseParams,
    readonly activation: ActivationKind | 'linear',
    readonly l2: number,
    readonly maxNorm: number,
  ) {}

  forward(ctx: StepContext, x: Tensor): Tensor {
    this.input = x;
    const y = track(ctx, ctx.engine.matmul(x, this.params.weight, {
      ...(this.params.bias ? { bias: this.params.bias } : {}),
      activation: this.activation,
    }));
    this.output = y;
    return y;
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null {
    const { engine } = ctx;
    const x = this.input!;
    const y = this.output!;
    // dZ = dY ⊙ act'(Z), computed from the stored output y.
    let dz = dy;
    if (this.activation === 'relu') dz = track(ctx, engine.reluBackward(dy, y));
    else if (this.activation === 'sigmoid') dz = track(ctx, engine.sigmoidBackward(dy, y));
    else if (this.activation === 'tanh') dz = track(ctx, engine.tanhBackward(dy, y));
    // dW = Xᵀ dZ and db = Σ_rows dZ, written straight into the flat gradient buffer.
    engine.matmul(x, dz, { transposeA: true, out: this.params.weightGrad });
    if (this.params.biasGrad) engine.columnSums(dz, { out: this.params.biasGrad });
    // L2: d/dW (λ/2 ‖W‖²) = λ W.
    if (this.l2 > 0) engine.axpy(this.params.weightGrad, this.params.weight, this.l2);
    // dX = dZ Wᵀ (the transpose is read in place).
    return needInputGrad ? track(ctx, engine.matmul(dz, this.params.weight, { transposeB: true })) : null;
  }

  /** After the optimizer step: the max-norm constraint, if any. */
  applyConstraints(engine: Engine): void {
    if (this.maxNorm > 0) engine.maxNorm(this.params.weight, { maxNorm: this.maxNorm, axis: 'columns' });
  }
}

export class ActivationStage implements Stage {
  private output: Tensor | null = null;
  constructor(readonly name: string, readonly outUnits: number, readonly activation: ActivationKind) {}

  forward(ctx: StepContext, x: Tensor): Tensor {
    const e = ctx.engine;
    this.output = track(ctx, this.activation === 'relu' ? e.relu(x) : this.activation === 'sigmoid' ? e.sigmoid(x) : e.tanh(x));
    return this.output;
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null {
    if (!needInputGrad) return null;
    const e = ctx.engine;
    const y = this.output!;
    return track(ctx, this.activation === 'relu' ? e.reluBackward(dy, y)
      : this.activation === 'sigmoid' ? e.sigmoidBackward(dy, y) : e.tanhBackward(dy, y));
  }
}

export class MaxoutStage implements Stage {
  private argmax: Tensor | null = null;
  constructor(readonly name: string, readonly outUnits: number, readonly pieces: number) {}

  forward(ctx: StepContext, x: Tensor): Tensor {
    const { y, argmax } = ctx.engine.maxout(x, this.pieces);
    this.argmax = track(ctx, argmax);
    return track(ctx, y);
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null {
    return needInputGrad ? track(ctx, ctx.engine.maxoutBackward(dy, this.argmax!, this.pieces)) : null;
  }
}

export class DropoutStage implements Stage {
  private mask: Tensor | null = null;
  constructor(readonly name: string, readonly outUnits: number, readonly rate: number, readonly seed: number) {}

  forward(ctx: StepContext, x: Tensor): Tensor {
    if (!ctx.training || this.rate === 0) {
      this.mask = null;
      return x; // inference: dropout is the identity (inverted dropout already rescaled in training)
    }
    const { y, mask } = ctx.engine.dropout(x, { rate: this.rate, seed: this.seed, step: ctx.step });
    this.mask = track(ctx, mask);
    return track(ctx, y);
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null {
    if (!needInputGrad) return null;
    return this.mask ? track(ctx, ctx.engine.dropoutBackward(dy, this.mask)) : dy;
  }
}
