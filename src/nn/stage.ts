/**
 * A stage: the compiled form of one layer (or of a fused dense + activation,
 * or of a whole block), recording its forward and backward kernels into the
 * engine's current command batch.
 *
 * Backward fusion: the elementwise factors a stage's backward applies first —
 * a dropout mask, act'(y) of an activation — commute into the epilogue of the
 * dX = dZ·Wᵀ matmul of the dense stage ABOVE it. A chain (chain.ts) asks the
 * stages below each such stage for these `backwardGate`s, passes them to its
 * backward, and marks the gated stages `gateFused` so they do not apply them
 * again. A block (residual) offers no gate and takes none: fusions never cross
 * a block's edge.
 *
 * Tensor lifetime: every tensor a stage creates during a step goes into the
 * step's `scratch` list and is disposed once the step is recorded; the pool
 * reuses those buffers on the next step (after the submit).
 */
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';

export interface StepContext {
  engine: Engine;
  training: boolean;
  /** Global step number: feeds the dropout RNG so each step draws a new mask. */
  step: number;
  /** Tensors to dispose when the step has been recorded. */
  scratch: Tensor[];
}

/** An elementwise factor of a stage's backward that the dense stage above can apply in its dX epilogue. */
export type BackwardGate =
  | { kind: 'mask'; mask: Tensor }
  | { kind: 'activation'; activation: 'relu' | 'sigmoid' | 'tanh'; output: Tensor };

export interface Stage {
  readonly name: string;
  readonly outUnits: number;
  /** Owns parameters (itself or nested): backward must reach it. */
  readonly hasParameters: boolean;
  /** Its backward can fold the gates of the stages below into its dX (a dense stage). */
  readonly acceptsInputGates: boolean;
  /**
   * Set by the chain for the current step: the stage above already applied this
   * stage's backwardGate() to the gradient, so backward() must not apply it again.
   */
  gateFused: boolean;
  forward(ctx: StepContext, x: Tensor): Tensor;
  /**
   * Returns dX, or null when `needInputGrad` is false (nothing below needs it).
   * `inputGates`: gates of the stages below to fold into dX (when acceptsInputGates).
   */
  backward(ctx: StepContext, dy: Tensor, needInputGrad: boolean, inputGates?: BackwardGate[]): Tensor | null;
  /** The gate this stage's backward starts with in this step, if any (after forward). */
  backwardGate(): BackwardGate | null;
  /** After the optimizer's update: constraints such as max-norm. */
  afterUpdate?(engine: Engine): void;
}

/** Register a tensor made during a step for disposal when the step is recorded. */
export function track<T extends Tensor>(ctx: StepContext, t: T): T {
  ctx.scratch.push(t);
  return t;
}
