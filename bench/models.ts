/**
 * The networks the benchmarks train, described once as plain data so that
 * our engine and the TF.js peer build exactly the same model.
 *
 * - `mlp`: 784-512-512-10, ReLU hidden layers, NO dropout (dropout adds two
 *   cheap elementwise kernels to our step and a random-number pass to TF.js's;
 *   leaving it out keeps the comparison about the matmuls and the plumbing).
 * - `maxout`: the maxout variant of Goodfellow et al. 2013, 2 maxout layers
 *   of 240 units × 5 pieces: dense 784→1200 (linear), maxout(240, 5),
 *   dense 240→1200, maxout(240, 5), dense 240→10. No dropout either.
 * - `epoch`: 784-256-256-10 ReLU, the configuration the peer's one-epoch
 *   numbers in shared/REFERENCES.md were taken with.
 * All: softmax + cross-entropy, RMSprop (lr 0.001, rho 0.9, eps 1e-7),
 * Glorot-uniform weights, zero biases.
 */
import { dense, maxout, relu, type LayerSpec } from '../src/index.js';

export type ModelLayer =
  | { kind: 'dense'; inUnits: number; outUnits: number; activation: 'relu' | 'linear' }
  | { kind: 'maxout'; units: number; pieces: number };

export interface ModelConfig {
  name: string;
  /** One line for tables, e.g. "784-512-512-10 relu". */
  description: string;
  inputs: number;
  classes: number;
  layers: ModelLayer[];
}

export const RMSPROP = { lr: 0.001, rho: 0.9, eps: 1e-7 } as const;

const d = (inUnits: number, outUnits: number, activation: 'relu' | 'linear'): ModelLayer =>
  ({ kind: 'dense', inUnits, outUnits, activation });

export const MODELS = {
  mlp: {
    name: 'mlp', description: '784-512-512-10 relu, no dropout', inputs: 784, classes: 10,
    layers: [d(784, 512, 'relu'), d(512, 512, 'relu'), d(512, 10, 'linear')],
  },
  maxout: {
    name: 'maxout', description: '784-(1200→maxout 240×5)×2-10, no dropout', inputs: 784, classes: 10,
    layers: [d(784, 1200, 'linear'), { kind: 'maxout', units: 240, pieces: 5 },
      d(240, 1200, 'linear'), { kind: 'maxout', units: 240, pieces: 5 }, d(240, 10, 'linear')],
  },
  epoch: {
    name: 'epoch', description: '784-256-256-10 relu, no dropout', inputs: 784, classes: 10,
    layers: [d(784, 256, 'relu'), d(256, 256, 'relu'), d(256, 10, 'linear')],
  },
} satisfies Record<string, ModelConfig>;

/** Our layer specs for a config (dense + relu is fused into one matmul by Sequential). */
export function ourLayers(config: ModelConfig): LayerSpec[] {
  const layers: LayerSpec[] = [];
  for (const l of config.layers) {
    if (l.kind === 'maxout') {
      layers.push(maxout(l.units, l.pieces));
    } else {
      layers.push(dense(l.inUnits, l.outUnits));
      if (l.activation === 'relu') layers.push(relu());
    }
  }
  return layers;
}

/** Multiply-adds ×2 of one forward + backward pass per sample (for GFLOP/s of a step). */
export function stepFlopsPerSample(config: ModelConfig): number {
  let flops = 0;
  let first = true;
  for (const l of config.layers) {
    if (l.kind !== 'dense') continue;
    const mac = l.inUnits * l.outUnits;
    // forward X·W, backward dW = Xᵀ·dY, and dX = dY·Wᵀ except below the first layer
    flops += 2 * mac * (first ? 2 : 3);
    first = false;
  }
  return flops;
}
