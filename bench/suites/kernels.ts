/**
 * kernels suite: where the GPU time of one training step goes, kernel by
 * kernel, from `timestamp-query` (engine.profile, src/gpu/profiler.ts).
 *
 * While profiling, every dispatch runs in a compute pass of its own with a
 * timestamp at its start and end, so the sum of the kernels is a little more
 * than an unprofiled step (neighbouring dispatches cannot overlap): read the
 * percentages, and take ms/step from the step suite. Dispatches are grouped
 * by shader file and entry point ("matmul.wgsl tiled_vec4"), so the three
 * forward matmuls of a step show as one row with count 3.
 */
import { syntheticData } from '../data.js';
import { ourTrainingStep } from '../our-step.js';
import { summarize, type Stat } from '../stats.js';
import { SKIP, type Skipped, type SuiteContext } from '../suite.js';
import { stepConfigs } from './step.js';

export interface KernelRow {
  /** Shader file name and entry point. */
  kernel: string;
  /** Dispatches of this kernel per step. */
  count: number;
  /** Their summed GPU time per step, over the profiled steps. */
  ms: Stat;
  /** Share of the summed GPU time of the profiled steps. */
  percent: number;
}

export interface KernelBreakdown {
  model: string;
  batch: number;
  profiledSteps: number;
  /** Sum of every dispatch's GPU time per step. */
  stepGpuMs: Stat;
  kernels: KernelRow[];
}

export async function kernelsSuite(ctx: SuiteContext): Promise<{ configs: KernelBreakdown[] } | Skipped> {
  const { engine } = ctx;
  if (!engine.canProfile) {
    ctx.log(`skipped: the adapter has no timestamp-query (${engine.adapterName})`);
    return { skipped: SKIP.noTimestampQuery };
  }
  const profiledSteps = ctx.mode === 'tiny' ? 2 : 5;
  const configs: KernelBreakdown[] = [];
  for (const { model, batch } of stepConfigs(ctx.mode)) {
    const runner = ourTrainingStep(engine, model, batch, syntheticData(batch * 8, model.inputs, model.classes));
    try {
      // Warm-up outside the profile: pipelines compiled, buffer pool filled.
      for (let i = 0; i < 3; i++) runner.record();
      await engine.sync();
      const perKernel = new Map<string, number[]>();
      const counts = new Map<string, number>();
      const totals: number[] = [];
      for (let s = 0; s < profiledSteps; s++) {
        const entries = await engine.profile(() => runner.record());
        const stepMs = new Map<string, number>();
        const stepCount = new Map<string, number>();
        for (const e of entries) {
          const key = `${e.kernel.split('/').pop()} ${e.entryPoint}`;
          stepMs.set(key, (stepMs.get(key) ?? 0) + e.gpuMs);
          stepCount.set(key, (stepCount.get(key) ?? 0) + 1);
        }
        for (const [key, ms] of stepMs) {
          if (!perKernel.has(key)) perKernel.set(key, []);
          perKernel.get(key)!.push(ms);
          counts.set(key, stepCount.get(key)!);
        }
        totals.push(entries.reduce((sum, e) => sum + e.gpuMs, 0));
      }
      const stepGpuMs = summarize(totals);
      const allMs = totals.reduce((a, b) => a + b, 0);
      const kernels = [...perKernel].map(([kernel, samples]) => ({
        kernel, count: counts.get(kernel)!, ms: summarize(samples),
        // Over all profiled steps together, so that the shares add up to 100%.
        percent: (100 * samples.reduce((a, b) => a + b, 0)) / allMs,
      })).sort((a, b) => b.ms.median - a.ms.median);
      configs.push({ model: model.name, batch, profiledSteps, stepGpuMs, kernels });
      ctx.log(`${model.name} batch ${batch}: ${stepGpuMs.median.toFixed(2)} ms of GPU time per step (profiled)`);
      for (const k of kernels) {
        ctx.log(`  ${k.kernel.padEnd(40)} ×${String(k.count).padEnd(3)} ${k.ms.median.toFixed(3).padStart(9)} ms ${k.percent.toFixed(1).padStart(5)}%`);
      }
    } finally {
      runner.dispose();
    }
  }
  return { configs };
}
