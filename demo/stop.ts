/**
 * The Stop button. `model.stopTraining = true` (Keras's way) only takes
 * effect between epochs, which on a CPU adapter can be a minute away. fit
 * documents that a callback that throws ends the run at once, with everything
 * fit allocated freed and the model usable — so the Stop callback throws a
 * RunStopped, and the page treats that error as a clean stop, not a failure.
 * fit gives the page a turn of the event loop at every metrics read-back
 * (every few steps), so a click lands within a few steps.
 */
import type { Callback } from '../src/index.js';

/** A run ended by the user. */
export class RunStopped extends Error {
  override name = 'RunStopped';
  constructor() {
    super('stopped by the user');
  }
}

/** A callback that ends fit at the next batch or epoch boundary once `requested()` is true. */
export function stopCallback(requested: () => boolean): Callback {
  const check = () => { if (requested()) throw new RunStopped(); };
  return { onBatchBegin: check, onBatchEnd: check, onEpochBegin: check, onEpochEnd: check };
}
