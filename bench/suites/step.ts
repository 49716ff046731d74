/**
 * step suite: one whole training step (gather a batch, forward, softmax
 * cross-entropy, backward, RMSprop) in ms/step and samples/s, for the MLP and
 * the maxout net of bench/models.ts (neither with dropout) at batch 256.
 *
 * Ours is timed over K back-to-back `model.trainOnBatch` calls closed by one
 * `engine.sync()` (K picked so a repetition lasts ~0.3–0.5 s), after warm-up
 * steps. The engine's counters (`engine.stats()`) give dispatches, submits
 * and reads per step over the same K steps: the design promises one submit
 * and no readback per step.
 */
import { stepFlopsPerSample, MODELS, type ModelConfig } from '../models.js';
import { syntheticData } from '../data.js';
import { ourTrainingStep } from '../our-step.js';
import { mapStat, summarize, type Stat } from '../stats.js';
import { forEachPeer, SKIP, timingFor, type Skipped, type SuiteContext } from '../suite.js';
import { timeRunner, type Runner, type TimingOptions } from '../timing.js';

export interface StepFigure {
  ms: Stat;
  samplesPerSecond: Stat;
  /** Model GFLOP/s: the step's matmul flops (forward + both backward products) / seconds. */
  gflops: Stat;
  stepsPerRepetition: number;
}

export interface OurStepFigure extends StepFigure {
  dispatchesPerStep: number;
  submitsPerStep: number;
  readsPerStep: number;
  /**
   * CPU milliseconds to record and submit one step (performance.now() around
   * trainOnBatch, no GPU wait), over every step of the timed repetitions.
   */
  recordMs: Stat;
  /** Bind groups built per step after warm-up (0: the step replays cached ones). */
  bindGroupsCreatedPerStep: number;
}

export interface StepConfigResult {
  model: string;
  description: string;
  batch: number;
  ours: OurStepFigure;
  peers: Record<string, StepFigure | Skipped>;
}

export const STEP_BATCH = 256;

/** The step configurations of a mode: tiny trains the MLP on a small batch. */
export function stepConfigs(mode: 'full' | 'quick' | 'tiny'): { model: ModelConfig; batch: number }[] {
  if (mode === 'tiny') return [{ model: MODELS.mlp, batch: 32 }];
  return [{ model: MODELS.mlp, batch: STEP_BATCH }, { model: MODELS.maxout, batch: STEP_BATCH }];
}

async function measure(runner: Runner, batch: number, flopsPerSample: number, timing: TimingOptions): Promise<StepFigure> {
  try {
    const t = await timeRunner(runner, timing);
    return {
      ms: mapStat(t.seconds, (s) => s * 1e3),
      samplesPerSecond: mapStat(t.seconds, (s) => batch / s),
      gflops: mapStat(t.seconds, (s) => (batch * flopsPerSample) / s / 1e9),
      stepsPerRepetition: t.callsPerRepetition,
    };
  } finally {
    runner.dispose();
  }
}

export async function stepSuite(ctx: SuiteContext): Promise<{ configs: StepConfigResult[] }> {
  const { engine } = ctx;
  const configs: StepConfigResult[] = [];
  for (const { model, batch } of stepConfigs(ctx.mode)) {
    // 8 batches of synthetic data: the order wraps around, as epochs do.
    const data = syntheticData(batch * 8, model.inputs, model.classes);
    const flopsPerSample = stepFlopsPerSample(model);

    const runner = ourTrainingStep(engine, model, batch, data);
    // A few extra steps first: the buffer pool fills during the first steps.
    for (let i = 0; i < 3; i++) runner.record();
    await engine.sync();
    let before = engine.stats();
    const counts = { dispatchesPerStep: 0, submitsPerStep: 0, readsPerStep: 0, bindGroupsCreatedPerStep: 0 };
    // The CPU time of each recorded step (trainOnBatch: record + submit, no GPU wait), in the timed repetitions only.
    const cpuTimes: number[] = [];
    let timing = false;
    const timed = {
      ...runner,
      record: () => {
        const t0 = performance.now();
        runner.record();
        if (timing) cpuTimes.push(performance.now() - t0);
      },
    };
    const figure = await measure(timed, batch, flopsPerSample, {
      ...timingFor(ctx.mode, false),
      beforeRepetition: () => { before = engine.stats(); timing = true; },
      onRepetition: (steps) => {
        const after = engine.stats();
        counts.dispatchesPerStep = (after.dispatches - before.dispatches) / steps;
        counts.submitsPerStep = (after.submits - before.submits) / steps;
        counts.readsPerStep = (after.reads - before.reads) / steps;
        counts.bindGroupsCreatedPerStep = (after.bindGroupsCreated - before.bindGroupsCreated) / steps;
        timing = false;
      },
    });
    const ours: OurStepFigure = { ...figure, ...counts, recordMs: summarize(cpuTimes) };

    const peers = await forEachPeer<StepFigure | Skipped>(ctx, async (peer) => {
      // TF.js WebGPU compiles for ~30 s before its first step on SwiftShader: CI's tiny run cannot afford it.
      if (peer.slow && ctx.mode === 'tiny') return { skipped: SKIP.slowPeerTiny };
      if (peer.slow && ctx.mode === 'quick' && model !== MODELS.mlp) return { skipped: SKIP.slowPeerQuick };
      return measure(peer.trainingStep(model, batch, data), batch, flopsPerSample, timingFor(ctx.mode, peer.slow));
    });
    configs.push({ model: model.name, description: model.description, batch, ours, peers });
    const peerText = Object.entries(peers).map(([name, p]) => `${name} ${'skipped' in p ? 'skipped' : `${p.ms.median.toFixed(1)} ms`}`).join('  ');
    ctx.log(`${model.name} (${model.description}) batch ${batch}: ${ours.ms.median.toFixed(2)} ms/step, ` +
      `${ours.samplesPerSecond.median.toFixed(0)} samples/s, record+submit ${ours.recordMs.median.toFixed(3)} ms CPU, ${ours.dispatchesPerStep} dispatches, ` +
      `${ours.submitsPerStep} submits, ${ours.readsPerStep} reads per step  ${peerText}`.trimEnd());
  }
  return { configs };
}
