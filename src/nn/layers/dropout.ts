/**
 * Inverted dropout (Srivastava et al. 2014): in training each unit is kept
 * with probability 1 − rate and scaled by 1/(1 − rate), so inference needs no
 * rescaling and is the identity. Masks come from a counter-based RNG (Philox
 * of the layer's seed, the step and the index): reproducible, and the same on
 * the CPU reference.
 */
import type { Tensor } from '../../tensor.js';
import { track, type BackwardGate, type Stage, type StepContext } from '../stage.js';
import { layerKind } from './layer-kind.js';
import { dropoutRate } from './spec-checks.js';

export interface DropoutSpec { kind: 'dropout'; rate: number }

/** Inverted dropout: active only in training (fit); identity in evaluate/predict. */
export function dropout(rate: number): DropoutSpec {
  return { kind: 'dropout', rate: dropoutRate('dropout', rate) };
}

export const dropoutLayer = layerKind<DropoutSpec>({
  kind: 'dropout',
  title: 'Dropout',
  keys: ['rate'],
  normalize: (fn, o) => ({ kind: 'dropout', rate: dropoutRate(fn, o['rate']) }),
  outputUnits: (_spec, inUnits) => inUnits,
  stage: (spec, build) => new DropoutStage(build.name, build.outUnits, spec.rate, build.seed),
});

export class DropoutStage implements Stage {
  readonly hasParameters = false;
  readonly acceptsInputGates = false;
  private mask: Tensor | null = null;
  gateFused = false;
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

  /** In training the mask is the gate; at inference (or rate 0) dropout is the identity. */
  backwardGate(): BackwardGate | null {
    return this.mask ? { kind: 'mask', mask: this.mask } : null;
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null {
    if (!needInputGrad) return null;
    return this.mask && !this.gateFused ? track(ctx, ctx.engine.dropoutBackward(dy, this.mask)) : dy;
  }
}
