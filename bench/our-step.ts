/**
 * Our training step as the benchmarks drive it: a Sequential model, a
 * synthetic dataset made resident on the GPU once, and a shuffled sample
 * order; each `record()` is `model.trainOnBatch(...)` — exactly what
 * `fit` calls per batch (src/nn/fit.ts): gather, forward, loss, backward,
 * one optimizer dispatch, one submit, no readback. Used by the step, kernels
 * and memory suites.
 */
import { ResidentDataset, rmsprop, Sequential, type Engine, type Tensor } from '../src/index.js';
import { permutation, type SyntheticData } from './data.js';
import { ourLayers, RMSPROP, type ModelConfig } from './models.js';
import type { Runner } from './timing.js';

export interface OurStep extends Runner {
  model: Sequential;
}

export function ourTrainingStep(engine: Engine, config: ModelConfig, batch: number, data: SyntheticData): OurStep {
  const model = new Sequential(engine, ourLayers(config), {
    optimizer: rmsprop({ lr: RMSPROP.lr, rho: RMSPROP.rho, eps: RMSPROP.eps }), seed: 1,
  });
  const dataset = ResidentDataset.upload(engine, data.images, data.labels, data.features, { classes: data.classes });
  const order: Tensor = engine.tensor(permutation(data.count, 3), [data.count], 'u32');
  const steps = Math.floor(data.count / batch);
  let step = 0;
  return {
    model,
    record: () => { model.trainOnBatch(dataset, { order, start: (step++ % steps) * batch, batchSize: batch }); },
    close: () => engine.sync(),
    dispose: () => { model.dispose(); dataset.dispose(); order.dispose(); },
  };
}
