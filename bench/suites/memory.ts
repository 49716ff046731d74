/**
 * memory suite: GPU bytes of each step configuration, from engine.stats().
 *
 * Each configuration trains on an engine of its own, so nothing left over
 * from other suites is counted. Sampled between steps, after warm-up:
 * - liveBytes: buffers held by live tensors — parameters, gradients,
 *   optimizer state, metrics, the resident dataset and its order;
 * - pooledBytes: freed buffers the pool keeps for reuse — in steady state,
 *   exactly the scratch tensors of one step (activations, masks, gradients
 *   of activations), recycled every step;
 * - peakLiveBytes: the pool's high-water mark of live bytes, and
 *   peakAllocatedBytes: of all GPU bytes it holds (live, released but not yet
 *   submitted, pooled), both from engine.stats() over the engine's life.
 * buffersCreatedPerStep should be 0: after warm-up the pool serves every
 * allocation.
 */
import { createEngine } from '../../src/index.js';
import { syntheticData } from '../data.js';
import { ourTrainingStep } from '../our-step.js';
import { summarize, type Stat } from '../stats.js';
import type { SuiteContext } from '../suite.js';
import { stepConfigs } from './step.js';

export interface MemoryFigure {
  model: string;
  description: string;
  batch: number;
  parameters: number;
  liveBytes: Stat;
  pooledBytes: Stat;
  peakLiveBytes: Stat;
  peakAllocatedBytes: Stat;
  buffersCreatedPerStep: number;
}

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function memorySuite(ctx: SuiteContext): Promise<{ configs: MemoryFigure[] }> {
  const configs: MemoryFigure[] = [];
  const sampledSteps = ctx.mode === 'full' ? 5 : 2;
  for (const { model: config, batch } of stepConfigs(ctx.mode)) {
    const engine = await createEngine(ctx.adapter ? { adapter: ctx.adapter } : {});
    try {
      const runner = ourTrainingStep(engine, config, batch, syntheticData(batch * 8, config.inputs, config.classes));
      for (let i = 0; i < 3; i++) runner.record();
      await engine.sync();
      const created = engine.stats().createdBuffers;
      const live: number[] = [];
      const pooled: number[] = [];
      const peakLive: number[] = [];
      const peakAllocated: number[] = [];
      for (let i = 0; i < sampledSteps; i++) {
        runner.record();
        await engine.sync();
        const s = engine.stats();
        live.push(s.liveBytes);
        pooled.push(s.pooledBytes);
        peakLive.push(s.peakLiveBytes);
        peakAllocated.push(s.peakAllocatedBytes);
      }
      const figure: MemoryFigure = {
        model: config.name, description: config.description, batch, parameters: runner.model.parameterCount,
        liveBytes: summarize(live), pooledBytes: summarize(pooled),
        peakLiveBytes: summarize(peakLive),
        peakAllocatedBytes: summarize(peakAllocated),
        buffersCreatedPerStep: (engine.stats().createdBuffers - created) / sampledSteps,
      };
      runner.dispose();
      configs.push(figure);
      ctx.log(`${config.name} batch ${batch}: live ${MiB(figure.liveBytes.max)}, pooled ${MiB(figure.pooledBytes.max)}, ` +
        `peak live ${MiB(figure.peakLiveBytes.max)}, peak held ${MiB(figure.peakAllocatedBytes.max)}, ` +
        `${figure.buffersCreatedPerStep} buffers created per step`);
    } finally {
      engine.destroy();
    }
  }
  return { configs };
}
