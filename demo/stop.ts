/**
 * The Stop button, Keras's way: the Stop callback sets `model.stopTraining`
 * from the next batch hook, and fit ends after that batch (its partial epoch
 * logged, as Keras does). fit gives the page a turn of the event loop at every
 * metrics read-back (every few steps), so a click lands within a few steps.
 * The run then resolves normally; the page turns "stop was requested" into a
 * RunStopped, which it reports as a clean stop, not a failure, and which also
 * ends a lesson's loop over its configurations.
 */
import type { Callback, CallbackModel } from '../src/index.js';

/** A run ended by the user. */
export class RunStopped extends Error {
  override name = 'RunStopped';
  constructor() {
    super('stopped by the user');
  }
}

/** A callback that ends fit after the current batch once `requested()` is true. */
export function stopCallback(requested: () => boolean): Callback {
  let model: CallbackModel | null = null;
  const check = () => { if (requested() && model) model.stopTraining = true; };
  return { setModel: (m) => { model = m; }, onBatchBegin: check, onBatchEnd: check, onEpochBegin: check, onEpochEnd: check };
}
