/**
 * Option-object checks shared by every public function that takes `{ ... }`
 * options: the object itself, its keys (an unknown key is refused with a
 * "did you mean" hint, because a misspelt option silently falling back to its
 * default is the worst kind of bug in a training run), and the common value
 * kinds. Every check throws a typed ValueError naming the function and the
 * option, before any GPU work.
 *
 * Table look-ups go through `lookup` (an own-property test), never `key in
 * table`: `in` also finds prototype keys such as 'toString' or 'constructor'.
 */
import { ValueError } from './errors.js';

/** The largest finite f32: a number beyond it becomes Infinity on the GPU. */
export const F32_MAX = 3.4028234663852886e38;

/** Common misspellings and other libraries' names for our options. */
const ALIASES: Record<string, string> = {
  learningRate: 'lr', learning_rate: 'lr', lrate: 'lr',
  optimiser: 'optimizer', epoch: 'epochs', nEpochs: 'epochs', num_epochs: 'epochs',
  batch_size: 'batchSize', batch: 'batchSize', batchsize: 'batchSize',
  validation_split: 'validationSplit', validation_data: 'validationData',
  initial_epoch: 'initialEpoch', epsilon: 'eps', beta_1: 'beta1', beta_2: 'beta2',
  decay: 'rho', weight_decay: 'l2', weightDecay: 'l2', kernel_initializer: 'init',
  kernelInitializer: 'init', initializer: 'init', activation_fn: 'activation',
  p: 'rate', dropout: 'rate', use_bias: 'bias', maxnorm: 'maxNorm', max_norm: 'maxNorm',
  acc: 'accuracy', val_acc: 'val_accuracy', min_delta: 'minDelta', restore_best_weights: 'restoreBestWeights',
};

/** Levenshtein distance, case-insensitive (for "did you mean" hints). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The known name closest to `key`, if any is close enough to be a likely typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const alias = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (alias !== undefined && known.includes(alias)) return alias;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(key, name);
    if (d < bestDistance) { best = name; bestDistance = d; }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const kind = (value as object).constructor?.name;
    if (!kind || kind === 'Object') return 'an object';
    // 'an Int32Array', 'an Object' but 'a Uint8Array' (said "you-int").
    return `${/^[AEIO]/.test(kind) ? 'an' : 'a'} ${kind}`;
  }
  if (typeof value === 'symbol') return value.toString();
  return String(value);
}

/** What a value is, for error messages: strings quoted, objects by kind. */
export { describe as describeValue };

/**
 * `options` is undefined (→ {}) or a plain object whose own keys are all in
 * `known`. Returns it typed. Unknown keys name the nearest known one.
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, known: readonly string[], arg = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${fn}: ${arg} must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = suggest(key, known);
    throw new ValueError(`${fn}: unknown option "${key}" in ${arg}${hint ? ` (did you mean "${hint}"?)` : ''}; ` +
      `expected ${known.length ? known.join(', ') : 'no options'}`);
  }
  return options;
}

/** `table[key]` if `key` is an own property of `table` (never a prototype key like 'toString'). */
export function lookup<V>(table: Readonly<Record<string, V>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** `value` is one of `choices` (own keys of a table, or a list); returns it. */
export function checkChoice<C extends string>(fn: string, arg: string, value: unknown, choices: readonly C[]): C {
  if (typeof value !== 'string' || !choices.includes(value as C)) {
    const hint = typeof value === 'string' ? suggest(value, choices) : undefined;
    throw new ValueError(`${fn}: ${arg} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}` +
      (hint ? ` (did you mean '${hint}'?)` : ''));
  }
  return value as C;
}

/** undefined → `fallback`; otherwise a real boolean. */
export function checkBoolean(fn: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${fn}: ${arg} must be true or false, got ${describe(value)}`);
  return value;
}

/** undefined → undefined; otherwise a function. */
export function checkFunction<F>(fn: string, arg: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new ValueError(`${fn}: ${arg} must be a function, got ${describe(value)}`);
  return value as F;
}

/**
 * A finite number with optional bounds; `integer` for counts; `nonZeroF32`
 * for divisors such as eps (1e-50 is a non-zero double but 0 in f32).
 */
export function checkFinite(fn: string, arg: string, value: unknown, range: {
  min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean; nonZeroF32?: boolean;
} = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(`${fn}: ${arg} must be a finite number, got ${describe(value)}`);
  }
  if (range.integer && !Number.isSafeInteger(value)) throw new ValueError(`${fn}: ${arg} must be an integer, got ${value}`);
  if (range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min)) {
    throw new ValueError(`${fn}: ${arg} must be ${range.minExclusive ? '>' : '>='} ${range.min}, got ${value}`);
  }
  if (range.max !== undefined && (range.maxExclusive ? value >= range.max : value > range.max)) {
    throw new ValueError(`${fn}: ${arg} must be ${range.maxExclusive ? '<' : '<='} ${range.max}, got ${value}`);
  }
  if (range.nonZeroF32 && Math.fround(value) === 0) {
    throw new ValueError(`${fn}: ${arg} must be non-zero in f32 (the GPU's precision), got ${value}`);
  }
  if (Math.abs(value) > F32_MAX && !range.integer) {
    throw new ValueError(`${fn}: ${arg} must fit in f32, got ${value}`);
  }
  return value;
}
