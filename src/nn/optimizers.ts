/**
 * Optimizers for Sequential: each holds its state as flat GPU tensors the size
 * of the model's flat parameter buffer, and applies its rule with ONE dispatch
 * per step (the kernels are in shaders/optimizers.wgsl). Defaults and formulas:
 * shared/REFERENCES.md (Keras defaults: eps 1e-7).
 */
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { ValueError } from '../errors.js';
import { checkFinite, checkOptions, describeValue } from '../options.js';

export interface Optimizer {
  readonly name: string;
  readonly config: Readonly<Record<string, number | boolean>>;
  /** Allocate state for `size` parameters (zeros). */
  init(engine: Engine, size: number): void;
  /** One update of params from grads; `step` is 1-based. */
  apply(engine: Engine, params: Tensor, grads: Tensor, step: number): void;
  /**
   * fit's schedules (src/nn/schedules.ts): the values the following updates
   * use instead of the config's `lr` (and `momentum`); null goes back to the
   * config. They travel in the update's dispatch uniforms, so a scheduled step
   * costs no extra dispatch, submit or readback.
   */
  useStepValues?(values: StepValues | null): void;
  /** Why a schedule of `what` cannot drive this optimizer (a sentence), or null when it can. */
  scheduleRefusal?(what: 'lr' | 'momentum'): string | null;
  /** The state tensors, for checkpoints (each the size of the flat parameter buffer). */
  state(): Tensor[];
  /** A name per state tensor, used in checkpoints ('v' for RMSprop, 'm' and 'v' for Adam). */
  readonly stateNames?: readonly string[];
  dispose(): void;
}

/** One step's scheduled values, in place of the optimizer's config (absolute values, already checked). */
export interface StepValues {
  lr?: number;
  momentum?: number;
}

/** A finite number > 0 that stays > 0 in f32 (the kernels see it in f32: eps 1e-50 would be 0 there). */
function positive(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`${fn}: ${arg} must be a finite number > 0, got ${describeValue(v)}`);
  return checkFinite(fn, arg, v, { nonZeroF32: true });
}

/** A decay factor (momentum, rho, beta): in [0, 1). */
function unitInterval(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: ${arg} must be in [0, 1), got ${describeValue(v)}`);
  return v;
}

function boolean(fn: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueError(`${fn}: ${arg} must be true or false, got ${typeof v === 'string' ? v : describeValue(v)}`);
  return v;
}

abstract class StatefulOptimizer implements Optimizer {
  protected tensors: Tensor[] = [];
  /** Set by init(): the state belongs to one model, so a second model must not share it. */
  private owned = false;
  abstract readonly name: string;
  abstract readonly config: Readonly<Record<string, number | boolean>>;
  abstract readonly stateNames: readonly string[];

  init(engine: Engine, size: number): void {
    if (this.owned) {
      throw new ValueError(`Sequential: this ${this.name} optimizer already belongs to another model; create one optimizer per model`);
    }
    this.owned = true;
    for (let i = 0; i < this.stateNames.length; i++) this.tensors.push(engine.zeros([size]));
  }

  abstract apply(engine: Engine, params: Tensor, grads: Tensor, step: number): void;

  /** The scheduled values of the coming updates (empty: the config's). */
  protected stepValues: StepValues = {};

  useStepValues(values: StepValues | null): void {
    this.stepValues = values ?? {};
  }

  /** The step's learning rate: the scheduled one, else the config's. */
  protected lr(): number {
    return this.stepValues.lr ?? (this.config['lr'] as number);
  }

  /** Every optimizer here has an lr; only SGD with momentum has a momentum to schedule. */
  scheduleRefusal(what: 'lr' | 'momentum'): string | null {
    return what === 'lr' ? null
      : `${this.name} has no momentum to schedule; a momentum schedule needs sgd({ lr, momentum }) with momentum > 0`;
  }

  state(): Tensor[] {
    return this.tensors;
  }

  dispose(): void {
    for (const t of this.tensors) t.dispose();
    this.tensors = [];
    this.owned = false;
  }
}

class Sgd extends StatefulOptimizer {
  readonly name = 'sgd';
  readonly stateNames: readonly string[];
  constructor(readonly config: { lr: number; momentum: number; nesterov: boolean }) {
    super();
    this.stateNames = config.momentum > 0 ? ['velocity'] : [];
  }
  apply(engine: Engine, params: Tensor, grads: Tensor): void {
    const { momentum, nesterov } = this.config;
    const lr = this.lr();
    if (momentum > 0) engine.momentum(params, grads, this.tensors[0]!, { lr, momentum: this.stepValues.momentum ?? momentum, nesterov });
    else engine.sgd(params, grads, { lr });
  }
  override scheduleRefusal(what: 'lr' | 'momentum'): string | null {
    // Without momentum SGD keeps no velocity: there is nothing a momentum could apply to.
    return what === 'momentum' && this.config.momentum === 0
      ? 'this sgd has momentum 0 and keeps no velocity; a momentum schedule needs sgd({ lr, momentum }) with momentum > 0 (its starting value)'
      : null;
  }
}

class Adagrad extends StatefulOptimizer {
  readonly name = 'adagrad';
  readonly stateNames = ['accum'];
  constructor(readonly config: { lr: number; eps: number }) { super(); }
  apply(engine: Engine, params: Tensor, grads: Tensor): void {
    engine.adagrad(params, grads, this.tensors[0]!, { ...this.config, lr: this.lr() });
  }
}

class RmsProp extends StatefulOptimizer {
  readonly name = 'rmsprop';
  readonly stateNames = ['v'];
  constructor(readonly config: { lr: number; rho: number; eps: number; epsInsideSqrt: boolean }) { super(); }
  apply(engine: Engine, params: Tensor, grads: Tensor): void {
    engine.rmsprop(params, grads, this.tensors[0]!, { ...this.config, lr: this.lr() });
  }
}

class Adam extends StatefulOptimizer {
  readonly name = 'adam';
  readonly stateNames = ['m', 'v'];
  constructor(readonly config: { lr: number; beta1: number; beta2: number; eps: number }) { super(); }
  apply(engine: Engine, params: Tensor, grads: Tensor, step: number): void {
    engine.adam(params, grads, this.tensors[0]!, this.tensors[1]!, { ...this.config, lr: this.lr(), step });
  }
  override scheduleRefusal(what: 'lr' | 'momentum'): string | null {
    // beta1 is the decay of a moving average whose bias correction assumes it fixed: not a momentum to ramp.
    return what === 'momentum'
      ? 'adam has no momentum to schedule (its beta1 is a fixed moving-average decay that the bias correction depends on); ' +
        'a momentum schedule needs sgd({ lr, momentum }) with momentum > 0'
      : null;
  }
}

/** An option's value, or its default when absent (only when absent: null is a wrong value, not a missing one). */
function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** SGD, with optional (Nesterov) momentum. Keras default lr 0.01. */
export function sgd(options: { lr?: number; momentum?: number; nesterov?: boolean } = {}): Optimizer {
  const o = checkOptions('sgd', options, ['lr', 'momentum', 'nesterov']);
  return new Sgd({
    lr: positive('sgd', 'lr', orDefault(o.lr, 0.01)),
    momentum: unitInterval('sgd', 'momentum', orDefault(o.momentum, 0)),
    nesterov: boolean('sgd', 'nesterov', orDefault(o.nesterov, false)),
  });
}

/** Adagrad (Duchi et al. 2011): a += g²; w −= lr g / (√a + eps). */
export function adagrad(options: { lr?: number; eps?: number } = {}): Optimizer {
  const o = checkOptions('adagrad', options, ['lr', 'eps']);
  return new Adagrad({ lr: positive('adagrad', 'lr', orDefault(o.lr, 0.01)), eps: positive('adagrad', 'eps', orDefault(o.eps, 1e-7)) });
}

/** RMSprop (Hinton): v = ρv + (1−ρ)g²; w −= lr g / (√v + eps). Keras default lr 0.001, ρ 0.9. */
export function rmsprop(options: { lr?: number; rho?: number; eps?: number; epsInsideSqrt?: boolean } = {}): Optimizer {
  const o = checkOptions('rmsprop', options, ['lr', 'rho', 'eps', 'epsInsideSqrt']);
  return new RmsProp({
    lr: positive('rmsprop', 'lr', orDefault(o.lr, 0.001)),
    rho: unitInterval('rmsprop', 'rho', orDefault(o.rho, 0.9)),
    eps: positive('rmsprop', 'eps', orDefault(o.eps, 1e-7)),
    epsInsideSqrt: boolean('rmsprop', 'epsInsideSqrt', orDefault(o.epsInsideSqrt, false)),
  });
}

/** Adam (Kingma & Ba 2015) with bias correction. */
export function adam(options: { lr?: number; beta1?: number; beta2?: number; eps?: number } = {}): Optimizer {
  const o = checkOptions('adam', options, ['lr', 'beta1', 'beta2', 'eps']);
  return new Adam({
    lr: positive('adam', 'lr', orDefault(o.lr, 0.001)),
    beta1: unitInterval('adam', 'beta1', orDefault(o.beta1, 0.9)),
    beta2: unitInterval('adam', 'beta2', orDefault(o.beta2, 0.999)),
    eps: positive('adam', 'eps', orDefault(o.eps, 1e-7)),
  });
}
