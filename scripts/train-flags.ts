/**
 * The train command's flags: one table gives each flag its kind, default and
 * help line, so `--help`, the parser and the checks cannot drift apart.
 * Everything here is pure (no Node modules): the flags are checked before the
 * command loads the engine or MNIST, and the spec runs in Node and Chromium.
 */
import { suggest } from '../src/options.js';
import { cosineDecay, exponentialDecay, linearRamp, stepDecay, type Schedule } from '../src/nn/schedules.js';

/** A refused command line: the command prints it and exits with status 2 (the usual "usage" status). */
export class FlagError extends Error {
  override name = 'FlagError';
}

type Kind =
  | { type: 'int'; min: number }
  | { type: 'number'; min: number; minExclusive?: boolean; maxExclusive?: number }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'ints' } // 512,512
  | { type: 'maxout' } // 240x5,240x5
  | { type: 'text' }
  | { type: 'switch' };

interface FlagSpec {
  kind: Kind;
  /** Shown by --help; undefined = off / chosen at run time (`note` says how). */
  fallback?: string;
  note?: string;
  help: string;
}

/** Lesson 9's shared settings (the demo's lesson uses the same). */
export const LESSON9 = { width: '32', optimizer: 'adam', lr: '0.001', epochs: '8', batchSize: '64', trainSize: '10000', validation: '1000' } as const;

export const PRESETS: Record<string, Record<string, string>> = {
  small: { layers: '64', activation: 'relu', dropout: '0', optimizer: 'rmsprop', lr: '0.001', epochs: '3', 'batch-size': '128' },
  'keras-mlp': { layers: '512,512', activation: 'relu', dropout: '0.2', optimizer: 'rmsprop', lr: '0.001', epochs: '20', 'batch-size': '128' },
  // pylearn2's mnist_pi.yaml (the maxout paper's permutation-invariant MNIST) with its 250-epoch
  // schedules compressed to the run: momentum 0.5 -> 0.7 (MomentumAdjustor start 1, saturate 250).
  // Its lr decay (ExponentialDecay, lr / 1.000004 per update: x0.61 after 250 epochs) is replaced by
  // the linear decay of the paper's CIFAR-10 recipe (LinearDecayOverEpoch, which ends its run near
  // 0.06x): over a 4x shorter run, mnist_pi's decay and ramp together keep lr / (1 - momentum) at
  // 0.2 from start to end, so training would never anneal. Chosen before the run, not on test error.
  maxout: { maxout: '240x5,240x5', 'input-dropout': '0.2', dropout: '0.5', optimizer: 'momentum', lr: '0.1', momentum: '0.5',
    'max-norm': '1.9365', epochs: '60', 'batch-size': '100', 'lr-schedule': 'linear', 'lr-end': '0.05', 'momentum-end': '0.7' },
  // Lesson 9 ("20 vs 56 layers"): the same width, optimizer, learning rate and initialisation
  // for all three; only the depth and the skips differ. bench/RESULTS.md has their numbers.
  ...lesson9Presets(),
};

/** The lesson-9 presets, built from one base so they cannot drift apart. */
function lesson9Presets(): Record<string, Record<string, string>> {
  const base = { width: LESSON9.width, activation: 'relu', init: 'glorot', optimizer: LESSON9.optimizer, lr: LESSON9.lr,
    epochs: LESSON9.epochs, 'batch-size': LESSON9.batchSize, 'train-size': LESSON9.trainSize, validation: LESSON9.validation };
  return {
    'plain-20': { ...base, depth: '20' },
    'plain-56': { ...base, depth: '56' },
    'residual-56': { ...base, depth: '56', residual: 'true' },
  };
}

export const FLAGS: Record<string, FlagSpec> = {
  help: { kind: { type: 'switch' }, help: 'print this help and exit' },
  preset: { kind: { type: 'choice', choices: Object.keys(PRESETS) }, fallback: 'small',
    help: 'small: 784-64-10 ReLU, RMSprop, 3 epochs; keras-mlp: 784-512-512-10 ReLU, dropout 0.2, 20 epochs (Keras mnist_mlp.py); ' +
      'maxout: 784-(240x5)-(240x5)-10, dropout 0.2/0.5, SGD+momentum ramped 0.5->0.7, lr decayed linearly to 0.05x, max-norm, 60 epochs; ' +
      'plain-20, plain-56, residual-56: lesson 9 (20 vs 56 layers), plain ReLU MLPs of one width at depths 20 and 56, ' +
      'and the 56-layer one built from residual blocks. Other flags override the preset' },
  layers: { kind: { type: 'ints' }, fallback: '64', help: 'hidden layer sizes, comma-separated' },
  depth: { kind: { type: 'int', min: 2 }, note: 'off: --layers',
    help: 'dense layers in all, the output layer included: depth−1 hidden layers of --width units (replaces --layers)' },
  width: { kind: { type: 'int', min: 1 }, fallback: '64', help: 'units of every hidden layer (with --depth)' },
  residual: { kind: { type: 'switch' },
    help: 'with --depth: after the first hidden layer, pairs of hidden layers become residual blocks x + dense(act(dense(act(x)))); depth must be even' },
  maxout: { kind: { type: 'maxout' }, note: 'off', help: 'maxout hidden layers as UNITSxPIECES,... (replaces --layers)' },
  activation: { kind: { type: 'choice', choices: ['relu', 'sigmoid', 'tanh'] }, fallback: 'relu', help: 'hidden activation' },
  init: { kind: { type: 'choice', choices: ['glorot', 'he'] }, fallback: 'glorot', help: 'weight initialisation (he: He normal, ReLU only)' },
  dropout: { kind: { type: 'number', min: 0, maxExclusive: 1 }, fallback: '0', help: 'dropout rate after each hidden layer' },
  'input-dropout': { kind: { type: 'number', min: 0, maxExclusive: 1 }, fallback: '0', help: 'dropout rate on the input pixels' },
  loss: { kind: { type: 'choice', choices: ['softmaxCrossEntropy', 'mse'] }, fallback: 'softmaxCrossEntropy', help: 'loss' },
  optimizer: { kind: { type: 'choice', choices: ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] }, fallback: 'rmsprop', help: 'optimizer' },
  lr: { kind: { type: 'number', min: 0, minExclusive: true }, fallback: '0.001', help: 'learning rate' },
  momentum: { kind: { type: 'number', min: 0, maxExclusive: 1 }, fallback: '0.9', help: 'momentum (momentum and nesterov optimizers)' },
  'lr-schedule': { kind: { type: 'choice', choices: ['none', 'linear', 'exponential', 'cosine', 'step'] }, fallback: 'none',
    help: 'learning-rate schedule over the run: linear, exponential (per step) or cosine from --lr to --lr-end times it at the last epoch; ' +
      'step: times --lr-factor every --lr-every epochs' },
  'lr-end': { kind: { type: 'number', min: 0, minExclusive: true }, fallback: '0.05', help: 'linear/exponential/cosine: the lr multiplier reached at the end' },
  'lr-every': { kind: { type: 'int', min: 1 }, fallback: '10', help: 'step: epochs between two drops of the lr' },
  'lr-factor': { kind: { type: 'number', min: 0, minExclusive: true }, fallback: '0.5', help: 'step: the lr multiplier of each drop' },
  'momentum-end': { kind: { type: 'number', min: 0, maxExclusive: 1 }, note: 'off',
    help: 'ramp the momentum linearly from --momentum in the first epoch to this in the last (pylearn2\'s MomentumAdjustor)' },
  l2: { kind: { type: 'number', min: 0 }, fallback: '0', help: 'L2 penalty λ on every kernel' },
  'max-norm': { kind: { type: 'number', min: 0 }, fallback: '0', help: 'max-norm constraint on each unit\'s weights (0 = off)' },
  epochs: { kind: { type: 'int', min: 1 }, fallback: '3', help: 'epochs' },
  'batch-size': { kind: { type: 'int', min: 1 }, fallback: '128', help: 'samples per step' },
  seed: { kind: { type: 'int', min: 0 }, fallback: '1', help: 'seeds initialisation, shuffling and dropout' },
  adapter: { kind: { type: 'text' }, note: 'auto: a GPU, else lavapipe, else SwiftShader', help: 'gpu, lavapipe, swiftshader or an adapter name' },
  'train-size': { kind: { type: 'int', min: 1 }, note: 'all', help: 'train on the first N images' },
  validation: { kind: { type: 'int', min: 0 }, fallback: '0', help: 'hold out the last N training images for val_loss/val_accuracy' },
  patience: { kind: { type: 'int', min: 0 }, note: 'off', help: 'early stopping on val_loss after N epochs without improvement (needs --validation)' },
  'metrics-every': { kind: { type: 'int', min: 1 }, fallback: '50', help: 'read loss/accuracy back every N steps' },
  verbose: { kind: { type: 'choice', choices: ['0', '1', '2'] }, note: '1 on a terminal, 2 otherwise',
    help: '0 silent, 1 progress bar, 2 one line per epoch' },
  save: { kind: { type: 'text' }, note: 'off',
    help: 'save the weights: FILE.safetensors (see --layout), or FILE.json (manifest; data in FILE.bin). Checked writable first' },
  layout: { kind: { type: 'choice', choices: ['keras', 'pytorch'] }, fallback: 'keras', help: 'names and shapes in a .safetensors file' },
};

/** `--help`'s text: every flag with its default. */
export function helpText(): string {
  const lines = ['usage: npm run train -- [flags]', '', 'Trains an MLP on MNIST in Node (Dawn) and prints the test accuracy.', ''];
  const width = Math.max(...Object.keys(FLAGS).map((k) => k.length)) + 2;
  for (const [name, spec] of Object.entries(FLAGS)) {
    const value = spec.kind.type === 'switch' ? '' : spec.kind.type === 'choice' ? spec.kind.choices.join('|') : spec.kind.type.toUpperCase();
    const dflt = spec.kind.type === 'switch' ? '' : ` (default: ${spec.fallback ?? spec.note})`;
    lines.push(`  --${name.padEnd(width)}${value ? `${value}  ` : ''}${spec.help}${dflt}`);
  }
  lines.push('', 'A preset sets some of these defaults first; flags given on the command line override it.');
  return lines.join('\n');
}

function checkValue(name: string, raw: string): void {
  const kind = FLAGS[name]!.kind;
  const bad = (expected: string) => new FlagError(`--${name} must be ${expected}, got "${raw}"`);
  switch (kind.type) {
    case 'int': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isSafeInteger(v) || v < kind.min) throw bad(`an integer >= ${kind.min}`);
      return;
    }
    case 'number': {
      const v = Number(raw);
      const tooBig = kind.maxExclusive !== undefined && v >= kind.maxExclusive;
      const tooSmall = kind.minExclusive ? v <= kind.min : v < kind.min;
      if (raw.trim() === '' || !Number.isFinite(v) || tooSmall || tooBig) {
        throw bad(`a number ${kind.minExclusive ? '>' : '>='} ${kind.min}${kind.maxExclusive !== undefined ? ` and < ${kind.maxExclusive}` : ''}`);
      }
      return;
    }
    case 'choice':
      if (!kind.choices.includes(raw)) {
        const hint = suggest(raw, kind.choices);
        throw new FlagError(`--${name} must be one of ${kind.choices.join(', ')}, got "${raw}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
      }
      return;
    case 'ints':
      if (!/^\d+(,\d+)*$/.test(raw) || raw.split(',').some((u) => Number(u) < 1)) throw bad('positive integers separated by commas, e.g. 512,512');
      return;
    case 'maxout':
      if (!/^\d+x\d+(,\d+x\d+)*$/.test(raw) || raw.split(/[x,]/).some((u) => Number(u) < 1)) throw bad('UNITSxPIECES,... e.g. 240x5,240x5');
      return;
    case 'text':
      if (raw === '') throw bad('a value');
      return;
    case 'switch':
      return;
  }
}

/**
 * Parses `--flag value`, `--flag=value` and bare switches; refuses unknown
 * flags (with a did-you-mean hint), missing and bad values. Returns the preset
 * merged under the command line, every value checked.
 */
export function parseFlags(argv: readonly string[]): Record<string, string> {
  const given: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') throw new FlagError(`unexpected argument "${arg}" (flags look like --epochs 3)`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!Object.hasOwn(FLAGS, name)) {
      const hint = suggest(name.replace(/_/g, '-'), Object.keys(FLAGS)) ?? suggest(name, Object.keys(FLAGS));
      throw new FlagError(`unknown flag --${name}${hint ? ` (did you mean --${hint}?)` : ''}`);
    }
    if (Object.hasOwn(given, name)) throw new FlagError(`--${name} is given twice`);
    if (FLAGS[name]!.kind.type === 'switch') {
      if (eq >= 0) throw new FlagError(`--${name} takes no value`);
      given[name] = 'true';
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new FlagError(`--${name} needs a value`);
    if (eq < 0) i++;
    checkValue(name, value);
    given[name] = value;
  }
  if (given.help) return given;
  const preset = given.preset ?? FLAGS.preset!.fallback!;
  const flags: Record<string, string> = { ...PRESETS[preset]!, ...given };
  if (flags.patience !== undefined && Number(flags.validation ?? 0) === 0) throw new FlagError('--patience needs --validation N (early stopping watches val_loss)');
  if (Number(flags.validation ?? 0) >= 60000) throw new FlagError(`--validation must leave training images: MNIST has 60000, got ${flags.validation}`);
  if (flags.residual !== undefined && flags.depth === undefined) throw new FlagError('--residual needs --depth N (blocks are built from the hidden layers --depth makes)');
  if (flags.residual !== undefined && Number(flags.depth) % 2 !== 0) {
    throw new FlagError(`--residual needs an even --depth (the first hidden and the output layer, then blocks of two), got ${flags.depth}`);
  }
  // A preset's --layers gives way to --depth; one given on the command line beside it is a contradiction.
  if (flags.depth !== undefined && (given.layers !== undefined || given.maxout !== undefined)) {
    throw new FlagError('--depth replaces --layers and --maxout: give one of them');
  }
  if (flags.save !== undefined && !/\.(safetensors|json)$/.test(flags.save)) throw new FlagError(`--save must name a .safetensors or .json file, got "${flags.save}"`);
  checkScheduleFlags(flags, given);
  return flags;
}

/** Schedule flags that would be silently ignored are refused instead. */
function checkScheduleFlags(flags: Record<string, string>, given: Record<string, string>): void {
  const schedule = flags['lr-schedule'] ?? 'none';
  const uses: Record<string, readonly string[]> = { 'lr-end': ['linear', 'exponential', 'cosine'], 'lr-every': ['step'], 'lr-factor': ['step'] };
  for (const [flag, schedules] of Object.entries(uses)) {
    if (Object.hasOwn(given, flag) && !schedules.includes(schedule)) {
      throw new FlagError(`--${flag} needs --lr-schedule ${schedules.join(' or ')}, got --lr-schedule ${schedule}`);
    }
  }
  if (flags['momentum-end'] !== undefined && flags.optimizer !== 'momentum' && flags.optimizer !== 'nesterov') {
    throw new FlagError(`--momentum-end needs --optimizer momentum or nesterov (an optimizer with a momentum to ramp), got --optimizer ${flags.optimizer ?? FLAGS.optimizer!.fallback}`);
  }
}

/**
 * fit's lrSchedule and momentumSchedule from the checked flags, spread over
 * the run's `epochs` (the last epoch, index epochs−1, reaches the end values)
 * of `stepsPerEpoch` steps each.
 */
export function schedulesFromFlags(flags: Record<string, string>, epochs: number, stepsPerEpoch: number): { lrSchedule?: Schedule; momentumSchedule?: Schedule } {
  const lastEpoch = Math.max(1, epochs - 1); // a ramp needs endEpoch > startEpoch; a 1-epoch run stays at the start value
  const end = Number(flags['lr-end'] ?? FLAGS['lr-end']!.fallback);
  const out: { lrSchedule?: Schedule; momentumSchedule?: Schedule } = {};
  switch (flags['lr-schedule'] ?? 'none') {
    case 'linear': out.lrSchedule = linearRamp({ from: 1, to: end, startEpoch: 0, endEpoch: lastEpoch }); break;
    case 'cosine': out.lrSchedule = cosineDecay({ epochs: lastEpoch, min: end }); break;
    // the multiplier `end` at the run's last step
    case 'exponential': out.lrSchedule = exponentialDecay({ rate: end, steps: Math.max(1, epochs * stepsPerEpoch - 1) }); break;
    case 'step': out.lrSchedule = stepDecay({
      every: Number(flags['lr-every'] ?? FLAGS['lr-every']!.fallback), factor: Number(flags['lr-factor'] ?? FLAGS['lr-factor']!.fallback),
    }); break;
  }
  if (flags['momentum-end'] !== undefined) {
    out.momentumSchedule = linearRamp({
      from: Number(flags.momentum ?? FLAGS.momentum!.fallback), to: Number(flags['momentum-end']), startEpoch: 0, endEpoch: lastEpoch,
    });
  }
  return out;
}
