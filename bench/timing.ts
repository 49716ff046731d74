/**
 * Timing helpers shared by benchmarks: warm up, then time back-to-back runs
 * closed by engine.sync() (which waits for the GPU), and report the median.
 */
import type { Engine } from '../src/index.js';

export interface Timing {
  /** Median seconds per call. */
  seconds: number;
  /** Every repetition's seconds per call. */
  samples: number[];
  callsPerRepetition: number;
}

const now = () => performance.now() / 1000;

/**
 * Time `call` (which records GPU work) as the median over `repetitions` of
 * `calls` back-to-back calls followed by one sync. `calls` is picked from the
 * warm-up so that one repetition lasts about `targetSeconds`.
 */
export async function timeGpu(engine: Engine, call: () => void,
  { repetitions = 5, targetSeconds = 0.3, maxCalls = 64 } = {}): Promise<Timing> {
  // Warm-up: compiles the pipeline and touches the buffers.
  call();
  await engine.sync();
  let start = now();
  call();
  await engine.sync();
  const estimate = Math.max(now() - start, 1e-6);
  const calls = Math.max(1, Math.min(maxCalls, Math.round(targetSeconds / estimate)));
  const samples: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    start = now();
    for (let i = 0; i < calls; i++) call();
    await engine.sync();
    samples.push((now() - start) / calls);
  }
  const sorted = [...samples].sort((x, y) => x - y);
  return { seconds: sorted[Math.floor(sorted.length / 2)]!, samples, callsPerRepetition: calls };
}
