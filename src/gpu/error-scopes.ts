/**
 * GPU errors never lost, never misattributed.
 *
 * WebGPU reports most mistakes asynchronously: a bad bind group or an
 * out-of-memory buffer does not throw, it yields an invalid object and an error
 * that goes to the innermost *error scope*, or, with no scope, to the device's
 * `uncapturederror` event. A scope left pushed by mistake therefore swallows
 * every later error on the device (work silently dropped, training with loss 0),
 * and an error seen through the event cannot be told apart from the app's own.
 *
 * So every synchronous GPU call the engine makes runs inside `guard()`: scopes
 * pushed right before it and popped right after it, in a `finally`, so they are
 * popped even when the call throws, and nothing of the app's runs in between.
 * Each popped scope is a promise of an error; `check()` (awaited by reads and
 * syncs, after the GPU has caught up) turns the first one into a typed
 * GpuError naming the op, and forgets them all, so a later, unrelated call
 * never fails with a stale error.
 */
import { GpuError, WgslTensorError } from '../errors.js';

export class ErrorScopes {
  private pending: Promise<void>[] = [];
  private caught: GpuError[] = [];

  constructor(private readonly device: GPUDevice) {}

  /** Run `call` (synchronous GPU calls only) inside validation + out-of-memory scopes attributed to `what`. */
  guard<T>(what: string, call: () => T): T {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    try {
      return call();
    } catch (err) {
      // A descriptor the runtime refuses outright throws (a TypeError in Dawn): still ours, still typed.
      if (err instanceof WgslTensorError) throw err;
      throw new GpuError(`${what}: the GPU runtime refused a call: ${(err as Error)?.message ?? String(err)}`, 'validation');
    } finally {
      const validation = this.device.popErrorScope();
      const outOfMemory = this.device.popErrorScope();
      this.track(what, 'validation', validation);
      this.track(what, 'out-of-memory', outOfMemory);
    }
  }

  private track(what: string, kind: GpuError['kind'], scope: Promise<GPUError | null>): void {
    const seen = scope.then((error) => {
      if (error) this.caught.push(new GpuError(`${what}: GPU ${kind} error: ${error.message.trim()}`, kind));
    }, () => { /* the device was lost: reported as DeviceLostError by the scheduler */ });
    this.pending.push(seen);
    // Keep the list short during long runs with no read: drop settled entries now and then.
    if (this.pending.length > 4096) this.pending = [Promise.all(this.pending).then(() => undefined)];
  }

  /** The first error already known, without waiting (and forget all known ones). */
  private takeCaught(): GpuError | null {
    const first = this.caught[0] ?? null;
    if (first && this.caught.length > 1) first.message += ` (and ${this.caught.length - 1} more GPU error(s) in the same work)`;
    this.caught = [];
    return first;
  }

  /** Wait for every scope popped so far; throw the first error among them, if any. */
  async check(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    const error = this.takeCaught();
    if (error) throw error;
  }
}
