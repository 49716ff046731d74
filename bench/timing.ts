/**
 * How every benchmark here is timed, ours and the peer's alike.
 *
 * A `Runner` splits one unit of work into `record()` (enqueue it: for a GPU
 * engine that only records commands) and `close()` (wait until everything
 * recorded so far has really finished). One repetition is `calls` records
 * followed by ONE close, and its time divided by `calls` is one sample.
 * Closing once per repetition, not once per call, is what a real program
 * does (a training loop does not wait for the GPU after each step) and keeps
 * the fixed cost of a round trip to the GPU out of short kernels' numbers.
 *
 * The first call is a warm-up (shader compilation, buffer allocation, JIT):
 * it is never counted. Its time (or a second warm-up's, when the first was
 * quick) picks `calls` so one repetition lasts about `targetSeconds`, and
 * slow workloads get fewer repetitions so that one case stays within
 * `budgetSeconds` — but never fewer than `minRepetitions`.
 */
import { summarize, type Stat } from './stats.js';

export interface Runner {
  /** Enqueue one unit of work (one matmul, one training step). */
  record(): void;
  /** Resolve when every recorded unit has finished (engine.sync(), or a readback). */
  close(): Promise<void>;
  /** Free what the runner allocated. */
  dispose(): void;
}

export interface TimingOptions {
  repetitions?: number;
  minRepetitions?: number;
  targetSeconds?: number;
  budgetSeconds?: number;
  maxCalls?: number;
  /** Called after each repetition's close (e.g. to read engine counters). */
  onRepetition?: (calls: number) => void;
  /** Called right before each repetition's first record. */
  beforeRepetition?: () => void;
}

export interface Timing {
  /** Seconds per call over the repetitions. */
  seconds: Stat;
  callsPerRepetition: number;
}

const now = () => performance.now() / 1000;

export async function timeRunner(runner: Runner, options: TimingOptions = {}): Promise<Timing> {
  const { repetitions = 5, minRepetitions = 3, targetSeconds = 0.3, budgetSeconds = 20, maxCalls = 64 } = options;
  let start = now();
  runner.record();
  await runner.close();
  let estimate = now() - start;
  // A fast first call may have been dominated by compilation: measure once more.
  if (estimate < 1) {
    start = now();
    runner.record();
    await runner.close();
    estimate = now() - start;
  }
  estimate = Math.max(estimate, 1e-6);
  const calls = Math.max(1, Math.min(maxCalls, Math.round(targetSeconds / estimate)));
  const affordable = Math.floor(budgetSeconds / (estimate * calls));
  const reps = Math.max(minRepetitions, Math.min(repetitions, affordable));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    options.beforeRepetition?.();
    start = now();
    for (let i = 0; i < calls; i++) runner.record();
    await runner.close();
    samples.push((now() - start) / calls);
    options.onRepetition?.(calls);
  }
  return { seconds: summarize(samples), callsPerRepetition: calls };
}
