/**
 * fit's `verbose` output, as Keras prints it:
 *
 *   verbose 1 (a terminal):  Epoch 2/3
 *                            120/469 ━━━━━╺━━━━━━━━━━━━━━ ETA 2s 5ms/step - accuracy: 0.9412 - loss: 0.2011
 *     redrawn in place a few times a second, finished at the epoch's end as
 *                            469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - accuracy: 0.9468 - loss: 0.1800 - val_accuracy: 0.9655 - val_loss: 0.1123
 *   verbose 2 (or 1 on a stream that is not a terminal): only the finished line of each epoch.
 *
 * It is an ordinary callback: the numbers come from the batch logs, i.e. from
 * fit's asynchronous metric reads, so drawing never makes the CPU wait for the GPU.
 */
import type { BatchLogs, Callback, EpochLogs, FitParams } from './callbacks.js';

/** Where progress goes: process.stdout in Node, or anything with `write` (tests inject one). */
export interface ProgressStream {
  write(text: string): unknown;
  /** True when the stream is a terminal that understands '\r' redraws. */
  isTTY?: boolean;
}

/** Redraw at most this often (ms): often enough to look live, rarely enough to cost nothing. */
const REDRAW_MS = 150;
const BAR_WIDTH = 20;

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Whole seconds below a minute, then m:ss, then h:mm:ss (Keras's style). */
export function formatSeconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "accuracy: 0.9412 - loss: 0.2011 - val_accuracy: …" in Keras's order (sorted by name). */
export function formatMetrics(metrics: Record<string, number | undefined>): string {
  return Object.keys(metrics).filter((k) => metrics[k] !== undefined).sort()
    .map((k) => `${k}: ${metrics[k]!.toFixed(4)}`).join(' - ');
}

function bar(done: number, total: number): string {
  const filled = Math.floor((BAR_WIDTH * done) / total);
  if (filled >= BAR_WIDTH) return '━'.repeat(BAR_WIDTH);
  return '━'.repeat(filled) + '╺' + ' '.repeat(BAR_WIDTH - filled - 1);
}

export class ProgressBar implements Callback {
  private params!: FitParams;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private batchMetrics: Record<string, number | undefined> = {};

  constructor(private readonly stream: ProgressStream, private readonly verbose: 1 | 2) {}

  /** Redraw in place only on a terminal; elsewhere a line per epoch. */
  private get live(): boolean {
    return this.verbose === 1 && this.stream.isTTY === true;
  }

  setParams(params: FitParams): void {
    this.params = params;
  }

  onEpochBegin(epoch: number): void {
    this.stream.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    this.epochStart = now();
    this.lastDraw = -Infinity;
    this.batchMetrics = {};
  }

  onBatchEnd(batch: number, logs: BatchLogs): void {
    if (!this.live) return;
    if (logs.metricsBatches > 0) this.batchMetrics = { loss: logs.loss, accuracy: logs.accuracy };
    const t = now();
    const done = batch + 1;
    if (t - this.lastDraw < REDRAW_MS || done === this.params.steps) return;
    this.lastDraw = t;
    const perStep = (t - this.epochStart) / done;
    const eta = (perStep * (this.params.steps - done)) / 1000;
    const metrics = formatMetrics(this.batchMetrics);
    this.stream.write(`\r${this.counter(done)} ${bar(done, this.params.steps)} ETA ${formatSeconds(eta)} ` +
      `${perStep.toFixed(0)}ms/step${metrics ? ` - ${metrics}` : ''}\x1b[K`);
  }

  onEpochEnd(_epoch: number, logs: EpochLogs): void {
    const seconds = (now() - this.epochStart) / 1000;
    const perStep = (1000 * seconds) / this.params.steps;
    const steps = this.params.steps;
    const metrics = formatMetrics({ ...logs });
    const line = this.verbose === 1
      ? `${this.counter(steps)} ${bar(steps, steps)} ${formatSeconds(seconds)} ${perStep.toFixed(0)}ms/step - ${metrics}`
      : `${this.counter(steps)} - ${formatSeconds(seconds)} - ${perStep.toFixed(0)}ms/step - ${metrics}`;
    this.stream.write(`${this.live ? '\r' : ''}${line}${this.live ? '\x1b[K' : ''}\n`);
  }

  private counter(done: number): string {
    const total = String(this.params.steps);
    return `${String(done).padStart(total.length)}/${total}`;
  }
}

/**
 * The stream verbose output goes to when fit is given none: Node's stdout
 * where there is one (found without importing anything Node-only, so the
 * browser bundle stays clean), else the console, a line at a time.
 */
export function defaultProgressStream(): ProgressStream {
  const stdout = (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  if (stdout && typeof stdout.write === 'function') return stdout;
  let pending = '';
  return {
    write(text: string) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) console.log(line);
    },
    isTTY: false,
  };
}

/** Node on a terminal: 1; Node otherwise: 2; a browser (no process.stdout): 0. */
export function defaultVerbose(): 0 | 1 | 2 {
  const stdout = (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  if (!stdout || typeof stdout.write !== 'function') return 0;
  return stdout.isTTY ? 1 : 2;
}
