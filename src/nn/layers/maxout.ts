/**
 * Maxout (Goodfellow et al. 2013): input [n, units·pieces] -> [n, units],
 * unit j = max of columns j·pieces .. j·pieces+pieces−1. A learned piecewise
 * linear activation: the dense layer below it learns the pieces.
 */
import type { Tensor } from '../../tensor.js';
import { ShapeError } from '../../errors.js';
import { track, type BackwardGate, type Stage, type StepContext } from '../stage.js';
import { layerKind } from './layer-kind.js';
import { positiveInt } from './spec-checks.js';

export interface MaxoutSpec { kind: 'maxout'; units: number; pieces: number }

export function maxout(units: number, pieces: number): MaxoutSpec {
  return { kind: 'maxout', units: positiveInt('maxout', 'units', units), pieces: positiveInt('maxout', 'pieces', pieces) };
}

export const maxoutLayer = layerKind<MaxoutSpec>({
  kind: 'maxout',
  title: 'Maxout',
  keys: ['units', 'pieces'],
  normalize: (fn, o) => ({ kind: 'maxout', units: positiveInt(fn, 'units', o['units']), pieces: positiveInt(fn, 'pieces', o['pieces']) }),
  outputUnits(spec, inUnits, where) {
    if (spec.units * spec.pieces !== inUnits) {
      throw new ShapeError(`Sequential: ${where} needs ${spec.units}×${spec.pieces} = ${spec.units * spec.pieces} inputs but the previous layer outputs ${inUnits}`);
    }
    return spec.units;
  },
  stage: (spec, build) => new MaxoutStage(build.name, spec.units, spec.pieces),
});

export class MaxoutStage implements Stage {
  readonly hasParameters = false;
  readonly acceptsInputGates = false;
  private argmax: Tensor | null = null;
  gateFused = false;
  /** Maxout's backward is a scatter (to the winning piece), not an elementwise factor. */
  backwardGate(): BackwardGate | null { return null; }

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
