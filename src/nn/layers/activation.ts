/**
 * Element-wise activations: relu, sigmoid, tanh. After a dense layer they are
 * absorbed into its matmul (dense.ts); standing alone (after a maxout, a
 * dropout, a block) they are a stage of their own, whose act'(y) the dense
 * stage above folds into its dX when it can.
 */
import type { Engine } from '../../engine.js';
import type { Tensor } from '../../tensor.js';
import { track, type BackwardGate, type Stage, type StepContext } from '../stage.js';
import { layerKind, type LayerKind } from './layer-kind.js';

export type ActivationKind = 'relu' | 'sigmoid' | 'tanh';
export interface ActivationSpec { kind: ActivationKind }

const ACTIVATIONS: readonly string[] = ['relu', 'sigmoid', 'tanh'];

export function isActivation(kind: string): kind is ActivationKind {
  return ACTIVATIONS.includes(kind);
}

/** dx = dy ⊙ act'(y), from the activation's forward output y. */
export function activationBackward(engine: Engine, kind: ActivationKind, dy: Tensor, y: Tensor): Tensor {
  return kind === 'relu' ? engine.reluBackward(dy, y) : kind === 'sigmoid' ? engine.sigmoidBackward(dy, y) : engine.tanhBackward(dy, y);
}

export function relu(): ActivationSpec { return { kind: 'relu' }; }
export function sigmoid(): ActivationSpec { return { kind: 'sigmoid' }; }
export function tanh(): ActivationSpec { return { kind: 'tanh' }; }

function activationLayer(kind: ActivationKind, title: string): LayerKind {
  return layerKind<ActivationSpec>({
    kind,
    title,
    keys: [],
    normalize: () => ({ kind }),
    outputUnits: (_spec, inUnits) => inUnits,
    stage: (_spec, build) => new ActivationStage(build.name, build.outUnits, kind),
  });
}

export const reluLayer = activationLayer('relu', 'ReLU');
export const sigmoidLayer = activationLayer('sigmoid', 'Sigmoid');
export const tanhLayer = activationLayer('tanh', 'Tanh');

export class ActivationStage implements Stage {
  readonly hasParameters = false;
  readonly acceptsInputGates = false;
  private output: Tensor | null = null;
  gateFused = false;
  constructor(readonly name: string, readonly outUnits: number, readonly activation: ActivationKind) {}

  forward(ctx: StepContext, x: Tensor): Tensor {
    const e = ctx.engine;
    this.output = track(ctx, this.activation === 'relu' ? e.relu(x) : this.activation === 'sigmoid' ? e.sigmoid(x) : e.tanh(x));
    return this.output;
  }

  backwardGate(): BackwardGate | null {
    return { kind: 'activation', activation: this.activation, output: this.output! };
  }

  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean): Tensor | null {
    if (!needInputGrad) return null;
    if (this.gateFused) return dy;
    return track(ctx, activationBackward(ctx.engine, this.activation, dy, this.output!));
  }
}
