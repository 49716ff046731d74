/**
 * Learning-rate and momentum schedules for `fit` (`lrSchedule`, `momentumSchedule`).
 *
 * A schedule is a plain function `(epoch, step) => value`:
 *   - `epoch` is the 0-based epoch being trained (as in callbacks);
 *   - `step` is the model's global 0-based step: the number of steps the model
 *     had trained before this one (`model.stepCount` before the step runs),
 *     counted across fit calls and across a checkpoint and resume.
 * It depends on nothing else, so a run resumed from a checkpoint (which
 * restores stepCount and epochCount) gets exactly the same values as an
 * uninterrupted one. fit may call it more than once for a step: keep it pure.
 *
 * What the value means:
 *   - lrSchedule returns a MULTIPLIER of the optimizer's own `lr` (as PyTorch's
 *     LambdaLR and pylearn2's decay factors do): `sgd({ lr: 0.1 })` with a
 *     schedule returning 0.5 trains that step with lr 0.05. The optimizer stays
 *     the one place the base rate is set, and a checkpoint's optimizer config
 *     still describes the run.
 *   - momentumSchedule returns the MOMENTUM ITSELF, in [0, 1) (as pylearn2's
 *     MomentumAdjustor sets it): a ramp from 0.5 to 0.7 returns 0.5 … 0.7.
 * fit checks every value before the step that uses it is recorded (src/nn/fit.ts).
 *
 * The value reaches the GPU through the optimizer's dispatch uniforms, written
 * with the rest of the step's uniforms: no extra dispatch, submit or readback.
 *
 * The factories below cover the usual shapes; each checks its options at the call.
 */
import { ValueError } from '../errors.js';
import { checkFinite, checkOptions, describeValue, F32_MAX } from '../options.js';
import type { Optimizer, StepValues } from './optimizers.js';

/** `(epoch, step) => value`: see the header for what epoch, step and the value mean. */
export type Schedule = (epoch: number, step: number) => number;

function positiveInteger(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValueError(`${fn}: ${arg} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

function nonNegativeInteger(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValueError(`${fn}: ${arg} must be an integer >= 0, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Step decay (Keras's classic "drop the rate every N epochs"): the multiplier
 * is `factor ** floor(epoch / every)`: 1 for the first `every` epochs, then
 * `factor`, then `factor²`, …
 */
export function stepDecay(options: { every: number; factor: number }): Schedule {
  const o = checkOptions('stepDecay', options, ['every', 'factor']);
  const every = positiveInteger('stepDecay', 'every', o.every);
  const factor = checkFinite('stepDecay', 'factor', o.factor, { min: 0, minExclusive: true });
  return (epoch) => factor ** Math.floor(epoch / every);
}

/**
 * Exponential decay per step (Keras's ExponentialDecay, pylearn2's
 * ExponentialDecay): the multiplier is `rate ** (step / steps)`, i.e. `rate`
 * every `steps` steps, smoothly, never below `min` (default 0). pylearn2's
 * `decay_factor: 1.000004` (lr divided by it every update) is
 * `exponentialDecay({ rate: 1 / 1.000004, steps: 1 })`.
 */
export function exponentialDecay(options: { rate: number; steps: number; min?: number }): Schedule {
  const o = checkOptions('exponentialDecay', options, ['rate', 'steps', 'min']);
  const rate = checkFinite('exponentialDecay', 'rate', o.rate, { min: 0, minExclusive: true });
  const steps = positiveInteger('exponentialDecay', 'steps', o.steps);
  const min = o.min === undefined ? 0 : checkFinite('exponentialDecay', 'min', o.min, { min: 0 });
  return (_epoch, step) => Math.max(min, rate ** (step / steps));
}

/**
 * Cosine decay (Loshchilov & Hutter's SGDR without restarts; Keras's
 * CosineDecay): the multiplier falls from 1 to `min` (default 0) along half a
 * cosine over `epochs` epochs (one value per epoch) or over `steps` steps
 * (a new value every step) — give exactly one of the two — and stays at `min`.
 */
export function cosineDecay(options: { epochs?: number; steps?: number; min?: number }): Schedule {
  const o = checkOptions('cosineDecay', options, ['epochs', 'steps', 'min']);
  if ((o.epochs === undefined) === (o.steps === undefined)) {
    throw new ValueError(`cosineDecay: give exactly one of epochs or steps (the length of the decay), got ${
      o.epochs === undefined ? 'neither' : 'both'}`);
  }
  const min = o.min === undefined ? 0 : checkFinite('cosineDecay', 'min', o.min, { min: 0 });
  const cosine = (t: number) => min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(t, 1)));
  if (o.epochs !== undefined) {
    const epochs = positiveInteger('cosineDecay', 'epochs', o.epochs);
    return (epoch) => cosine(epoch / epochs);
  }
  const steps = positiveInteger('cosineDecay', 'steps', o.steps);
  return (_epoch, step) => cosine(step / steps);
}

/**
 * A linear ramp by epoch (pylearn2's MomentumAdjustor and LinearDecayOverEpoch):
 * `from` up to epoch `startEpoch`, then a straight line to `to` at epoch
 * `endEpoch`, then `to`. Epochs are 0-based here, so pylearn2's `start: 1,
 * saturate: 250` (1-based) is `startEpoch: 0, endEpoch: 249`. One value per
 * epoch, as in pylearn2. Use it as a momentum schedule (absolute values,
 * e.g. from 0.5 to 0.7) or as a learning-rate schedule (multipliers, e.g.
 * from 1 to 0.05).
 */
export function linearRamp(options: { from: number; to: number; startEpoch?: number; endEpoch: number }): Schedule {
  const o = checkOptions('linearRamp', options, ['from', 'to', 'startEpoch', 'endEpoch']);
  const from = checkFinite('linearRamp', 'from', o.from);
  const to = checkFinite('linearRamp', 'to', o.to);
  const startEpoch = o.startEpoch === undefined ? 0 : nonNegativeInteger('linearRamp', 'startEpoch', o.startEpoch);
  const endEpoch = nonNegativeInteger('linearRamp', 'endEpoch', o.endEpoch);
  if (endEpoch <= startEpoch) {
    throw new ValueError(`linearRamp: endEpoch must be > startEpoch (${startEpoch}), got ${endEpoch}`);
  }
  return (epoch) => {
    const t = Math.min(Math.max((epoch - startEpoch) / (endEpoch - startEpoch), 0), 1);
    return from + (to - from) * t;
  };
}

// ---- what fit does with them --------------------------------------------------------------

/**
 * fit's schedules bound to a model's optimizer: `at(epoch, step)` gives the
 * step's values (absolute lr and momentum), each checked — a value that is not
 * a number, NaN, out of range or not representable in f32 (the uniforms are
 * f32) is a ValueError naming the schedule, the epoch and the step.
 */
export class StepSchedules {
  private constructor(
    private readonly baseLr: number,
    private readonly lrSchedule: Schedule | undefined,
    private readonly momentumSchedule: Schedule | undefined,
  ) {}

  /** Checks the options and that the optimizer can take them; null when neither schedule is given. */
  static from(fn: string, optimizer: Optimizer, lrSchedule: unknown, momentumSchedule: unknown): StepSchedules | null {
    const lr = checkSchedule(fn, 'lrSchedule', lrSchedule);
    const momentum = checkSchedule(fn, 'momentumSchedule', momentumSchedule);
    if (!lr && !momentum) return null;
    for (const [arg, given] of [['lrSchedule', lr], ['momentumSchedule', momentum]] as const) {
      if (!given) continue;
      const what = arg === 'lrSchedule' ? 'lr' : 'momentum';
      const refusal = optimizer.useStepValues && optimizer.scheduleRefusal
        ? optimizer.scheduleRefusal(what)
        : `the optimizer "${optimizer.name}" takes no per-step values (it has no useStepValues/scheduleRefusal)`;
      if (refusal !== null) throw new ValueError(`${fn}: ${arg} cannot drive this optimizer: ${refusal}`);
    }
    return new StepSchedules(optimizer.config['lr'] as number, lr, momentum);
  }

  /** The values of the step after `step` steps, in 0-based `epoch`. */
  at(fn: string, epoch: number, step: number): StepValues {
    const values: StepValues = {};
    if (this.lrSchedule) {
      const multiplier = this.lrSchedule(epoch, step);
      const lr = typeof multiplier === 'number' ? this.baseLr * multiplier : NaN;
      if (typeof multiplier !== 'number' || !(lr > 0) || Math.fround(lr) === 0 || lr > F32_MAX) {
        throw new ValueError(`${fn}: lrSchedule(epoch ${epoch}, step ${step}) returned ${describeValue(multiplier)}; it must return a ` +
          `multiplier of the optimizer's lr (${this.baseLr}) > 0 whose product is a non-zero f32` +
          (typeof multiplier === 'number' && Number.isFinite(multiplier) ? ` (the product is ${lr})` : ''));
      }
      values.lr = lr;
    }
    if (this.momentumSchedule) {
      const momentum = this.momentumSchedule(epoch, step);
      // 0.99999999 is < 1 in float64 but rounds to 1 in the f32 uniform, where the velocity would never decay.
      if (typeof momentum !== 'number' || !(momentum >= 0) || !(Math.fround(momentum) < 1)) {
        throw new ValueError(`${fn}: momentumSchedule(epoch ${epoch}, step ${step}) returned ${describeValue(momentum)}; ` +
          'it must return the momentum itself, in [0, 1) (also once rounded to f32)');
      }
      values.momentum = momentum;
    }
    return values;
  }
}

function checkSchedule(fn: string, arg: string, value: unknown): Schedule | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new ValueError(`${fn}: ${arg} must be a function (epoch, step) => number, e.g. stepDecay({ every: 10, factor: 0.5 }), got ${describeValue(value)}`);
  }
  return value as Schedule;
}
