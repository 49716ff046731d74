/**
 * epoch suite: one full epoch of MNIST (60,000 images, batch 128) with
 * `model.fit`, then `model.evaluate` on the 10,000 test images: wall seconds
 * and test accuracy. The model is 784-256-256-10 ReLU with RMSprop, the
 * configuration of the peer's one-epoch figures in shared/REFERENCES.md.
 *
 * Uploading the dataset is not timed (fit on a ResidentDataset, as a program
 * training several epochs would). fit reads the loss back every 50 steps, as
 * it does for users. Tiny runs train on the first 1,024 images and test on
 * 1,000. TF.js WebGPU needs minutes per epoch on a CPU adapter: in quick
 * runs its epoch is extrapolated from its step time (steps × median ms/step,
 * marked `extrapolated`, with no accuracy); tiny runs skip it.
 */
import { ResidentDataset, rmsprop, Sequential, subset, type LabeledImages } from '../../src/index.js';
import { mnist, syntheticData } from '../data.js';
import { MODELS, ourLayers, RMSPROP } from '../models.js';
import { single, mapStat, type Stat } from '../stats.js';
import { forEachPeer, SKIP, timingFor, type Skipped, type SuiteContext } from '../suite.js';
import { timeRunner } from '../timing.js';

export const EPOCH_BATCH = 128;

export interface EpochFigure {
  trainSamples: number;
  steps: number;
  trainSeconds: Stat;
  samplesPerSecond: Stat;
  evaluateSeconds: Stat;
  testAccuracy: Stat;
}

export interface ExtrapolatedEpoch {
  extrapolated: true;
  trainSamples: number;
  steps: number;
  /** steps × the median of msPerStep. */
  trainSeconds: Stat;
  msPerStep: Stat;
}

export interface EpochResult {
  model: string;
  description: string;
  batch: number;
  testSamples: number;
  ours: EpochFigure;
  peers: Record<string, EpochFigure | ExtrapolatedEpoch | Skipped>;
}

const now = () => performance.now() / 1000;

export async function epochSuite(ctx: SuiteContext): Promise<EpochResult> {
  const { engine } = ctx;
  const config = MODELS.epoch;
  const data = await mnist(ctx.mnistUrl);
  const tiny = ctx.mode === 'tiny';
  const train: LabeledImages = tiny ? subset(data.train, 0, 1024) : data.train;
  const test: LabeledImages = tiny ? subset(data.test, 0, 1000) : data.test;
  const steps = Math.ceil(train.count / EPOCH_BATCH);

  const model = new Sequential(engine, ourLayers(config), { optimizer: rmsprop({ ...RMSPROP }), seed: 1 });
  const trainSet = ResidentDataset.upload(engine, train.images, train.labels, train.features, { classes: 10 });
  const testSet = ResidentDataset.upload(engine, test.images, test.labels, test.features, { classes: 10 });
  let ours: EpochFigure;
  try {
    await engine.sync();
    let start = now();
    await model.fit(trainSet, { epochs: 1, batchSize: EPOCH_BATCH, verbose: 0 });
    const trainSeconds = now() - start;
    start = now();
    const { accuracy } = await model.evaluate(testSet);
    ours = {
      trainSamples: train.count, steps, trainSeconds: single(trainSeconds), samplesPerSecond: single(train.count / trainSeconds),
      evaluateSeconds: single(now() - start), testAccuracy: single(accuracy),
    };
  } finally {
    model.dispose();
    trainSet.dispose();
    testSet.dispose();
  }
  ctx.log(`ours: ${ours.trainSeconds.median.toFixed(1)} s for ${steps} steps, test accuracy ${(100 * ours.testAccuracy.median).toFixed(2)}%`);

  const peers = await forEachPeer<EpochFigure | ExtrapolatedEpoch | Skipped>(ctx, async (peer) => {
    if (peer.slow && ctx.mode === 'tiny') return { skipped: SKIP.slowPeerTiny };
    if (peer.slow && ctx.mode !== 'full') {
      const runner = peer.trainingStep(config, EPOCH_BATCH, syntheticData(EPOCH_BATCH * 8, config.inputs, config.classes));
      let t;
      try { t = await timeRunner(runner, timingFor(ctx.mode, true)); } finally { runner.dispose(); }
      const result: ExtrapolatedEpoch = {
        extrapolated: true, trainSamples: train.count, steps,
        trainSeconds: mapStat(t.seconds, (s) => s * steps), msPerStep: mapStat(t.seconds, (s) => s * 1e3),
      };
      ctx.log(`${peer.info.name}: ~${result.trainSeconds.median.toFixed(0)} s (extrapolated from ${result.msPerStep.median.toFixed(0)} ms/step)`);
      return result;
    }
    const r = await peer.trainEpoch(config, train, test, EPOCH_BATCH);
    ctx.log(`${peer.info.name}: ${r.trainSeconds.toFixed(1)} s, test accuracy ${(100 * r.testAccuracy).toFixed(2)}%`);
    return {
      trainSamples: train.count, steps: r.steps, trainSeconds: single(r.trainSeconds), samplesPerSecond: single(train.count / r.trainSeconds),
      evaluateSeconds: single(r.evaluateSeconds), testAccuracy: single(r.testAccuracy),
    };
  });
  return { model: config.name, description: config.description, batch: EPOCH_BATCH, testSamples: test.count, ours, peers };
}
