/**
 * `npm run train -- [flags]`: train an MLP on real MNIST in Node (Dawn), with
 * Keras's progress output, then print the test accuracy. `--help` lists every
 * flag with its default (scripts/train-flags.ts); a bad command line is refused
 * with status 2 before anything loads, and a --save path is checked writable
 * before training starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createEngine, Sequential, dense, relu, sigmoid, tanh, maxout, dropout, residual, sgd, adagrad, rmsprop, adam,
  earlyStopping, loadMnist, subset, ResidentDataset, type LayerSpec, type Optimizer, type Callback } from '../src/index.js';
import { FlagError, helpText, parseFlags, schedulesFromFlags } from './train-flags.js';

type Flags = Record<string, string>;

/** Fails now, not after an hour of training, if the weights could not be written. */
function checkWritable(file: string): void {
  const targets = file.endsWith('.json') ? [file, file.replace(/\.json$/, '.bin')] : [file];
  for (const target of targets) {
    const dir = path.dirname(path.resolve(target));
    if (fs.existsSync(target)) {
      if (fs.statSync(target).isDirectory()) throw new FlagError(`--save: ${target} is a directory`);
      try { fs.accessSync(target, fs.constants.W_OK); } catch { throw new FlagError(`--save: ${target} exists and is not writable`); }
    } else {
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new FlagError(`--save: the directory ${dir} does not exist`);
      try { fs.accessSync(dir, fs.constants.W_OK); } catch { throw new FlagError(`--save: the directory ${dir} is not writable`); }
    }
  }
}

function buildLayers(f: Flags): LayerSpec[] {
  const layers: LayerSpec[] = [];
  const drop = Number(f.dropout ?? 0);
  const inputDrop = Number(f['input-dropout'] ?? 0);
  const l2 = Number(f.l2 ?? 0);
  const maxNorm = Number(f['max-norm'] ?? 0);
  let units = 784;
  if (inputDrop > 0) layers.push(dropout(inputDrop));
  if (f.depth) return [...layers, ...deepStack(f, l2, maxNorm, drop)];
  if (f.maxout) {
    for (const part of f.maxout.split(',')) {
      const [u, p] = part.split('x').map(Number) as [number, number];
      layers.push(dense(units, u * p, { l2, maxNorm }), maxout(u, p));
      if (drop > 0) layers.push(dropout(drop));
      units = u;
    }
  } else {
    const act = f.activation ?? 'relu';
    const actLayer = hiddenActivation(f);
    for (const h of (f.layers ?? '64').split(',').filter(Boolean).map(Number)) {
      layers.push(dense(units, h, { l2, maxNorm, init: act === 'relu' && f.init === 'he' ? 'heNormal' : 'glorotUniform' }), actLayer());
      if (drop > 0) layers.push(dropout(drop));
      units = h;
    }
  }
  layers.push(dense(units, 10, { l2, maxNorm }));
  return layers;
}

/**
 * --depth D --width W: D dense layers in all (the output layer included, as
 * "56 layers" counts them). Plain: D−1 hidden layers of W units, each
 * followed by its activation. --residual: the same D dense layers — the first
 * hidden layer (784 -> W), (D−2)/2 blocks x + dense(act(dense(act(x)))), the
 * output — with the activations moved inside the blocks ("pre-activation",
 * He et al. 2016, "Identity mappings in deep residual networks"): nothing
 * sits on the skip path, so each block adds a correction to an untouched x.
 * (With the activation after the sum, relu(x + F(x)), the signal grows block
 * after block: at initialisation the logits' RMS was 12–82 instead of 3–6,
 * and training started far behind: bench/RESULTS.md, lesson 9.)
 */
function deepStack(f: Flags, l2: number, maxNorm: number, drop: number): LayerSpec[] {
  const depth = Number(f.depth);
  const width = Number(f.width ?? 64);
  const act = hiddenActivation(f);
  const init = act === relu && f.init === 'he' ? 'heNormal' : 'glorotUniform';
  const hidden = (inUnits: number) => dense(inUnits, width, { l2, maxNorm, init });
  const activation = () => (drop > 0 ? [act(), dropout(drop)] : [act()]);
  const layers: LayerSpec[] = [hidden(784)];
  if (f.residual) {
    for (let b = 0; b < (depth - 2) / 2; b++) layers.push(residual([...activation(), hidden(width), ...activation(), hidden(width)]));
  } else {
    for (let i = 1; i < depth - 1; i++) layers.push(...activation(), hidden(width));
  }
  layers.push(...activation(), dense(width, 10, { l2, maxNorm }));
  return layers;
}

function hiddenActivation(f: Flags): () => LayerSpec {
  const act = f.activation ?? 'relu';
  const actLayer = act === 'relu' ? relu : act === 'sigmoid' ? sigmoid : act === 'tanh' ? tanh : null;
  if (!actLayer) throw new Error(`--activation must be relu, sigmoid or tanh, got ${act}`);
  return actLayer;
}

function buildOptimizer(f: Flags): Optimizer {
  const lr = f.lr ? Number(f.lr) : undefined;
  switch (f.optimizer ?? 'rmsprop') {
    case 'sgd': return sgd({ lr });
    case 'momentum': return sgd({ lr, momentum: Number(f.momentum ?? 0.9) });
    case 'nesterov': return sgd({ lr, momentum: Number(f.momentum ?? 0.9), nesterov: true });
    case 'adagrad': return adagrad({ lr });
    case 'rmsprop': return rmsprop({ lr });
    case 'adam': return adam({ lr });
    default: throw new Error(`--optimizer must be sgd, momentum, nesterov, adagrad, rmsprop or adam, got ${f.optimizer}`);
  }
}

const fmtTime = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`);

async function main(f: Flags) {
  const epochs = Number(f.epochs);
  const batchSize = Number(f['batch-size']);
  const seed = Number(f.seed ?? 1);

  const t0 = performance.now();
  const engine = await createEngine(f.adapter ? { adapter: f.adapter } : {});
  console.log(`adapter: ${engine.adapterName}`);
  const mnist = await loadMnist();
  const validationCount = Number(f.validation ?? 0);
  const trainCount = Math.min(Number(f['train-size'] ?? mnist.train.count), mnist.train.count - validationCount);
  const trainSet = subset(mnist.train, 0, trainCount);
  const train = ResidentDataset.upload(engine, trainSet.images, trainSet.labels, 784, { classes: 10, name: 'MNIST train' });
  const test = ResidentDataset.upload(engine, mnist.test.images, mnist.test.labels, 784, { classes: 10, name: 'MNIST test' });
  const valSet = validationCount > 0 ? subset(mnist.train, mnist.train.count - validationCount, validationCount) : null;
  const validation = valSet ? ResidentDataset.upload(engine, valSet.images, valSet.labels, 784, { classes: 10, name: 'MNIST validation' }) : undefined;

  const layers = buildLayers(f);
  const model = new Sequential(engine, layers, {
    loss: (f.loss as 'softmaxCrossEntropy' | 'mse' | undefined) ?? 'softmaxCrossEntropy', optimizer: buildOptimizer(f), seed,
  });
  model.summary({ print: (line) => console.log(line) });
  console.log(`optimizer ${model.optimizer.name} ${JSON.stringify(model.optimizer.config)}, loss ${model.loss}`);
  console.log(`data: ${trainCount} training images, ${validationCount} validation, ${mnist.test.count} test; ${epochs} epochs, batch ${batchSize}, seed ${seed}`);

  const callbacks: Callback[] = [];
  if (f.patience) callbacks.push(earlyStopping({ monitor: 'val_loss', patience: Number(f.patience) }));
  const schedules = schedulesFromFlags(f, epochs, Math.ceil(trainCount / batchSize));
  if (f['lr-schedule'] && f['lr-schedule'] !== 'none') {
    console.log(`lr schedule ${f['lr-schedule']}: multiplier ${schedules.lrSchedule!(0, 0)} in the first epoch, ` +
      `${schedules.lrSchedule!(epochs - 1, Math.ceil(trainCount / batchSize) * epochs - 1).toPrecision(4)} in the last`);
  }
  if (schedules.momentumSchedule) console.log(`momentum ${schedules.momentumSchedule(0, 0)} in the first epoch, ramped linearly to ${schedules.momentumSchedule(epochs - 1, 0)} in the last`);
  const history = await model.fit(train, {
    epochs, batchSize, validation, callbacks, ...schedules,
    metricsEvery: Number(f['metrics-every'] ?? 50),
    ...(f.verbose !== undefined ? { verbose: Number(f.verbose) as 0 | 1 | 2 } : {}),
  });
  const result = await model.evaluate(test);
  const stats = engine.stats();
  console.log(`test: loss ${result.loss.toFixed(4)}, accuracy ${(100 * result.accuracy).toFixed(2)}% (error ${(100 - 100 * result.accuracy).toFixed(2)}%)`);
  console.log(`steps ${history.steps}${history.stoppedEarly ? ' (stopped early)' : ''}, submits ${stats.submits}, reads ${stats.reads}, dispatches ${stats.dispatches}; wall time ${fmtTime((performance.now() - t0) / 1000)}`);
  if (f.save) {
    if (f.save.endsWith('.safetensors')) {
      fs.writeFileSync(f.save, await model.saveSafetensors({ layout: f.layout as 'keras' | 'pytorch' }));
    } else {
      const saved = await model.saveWeights();
      fs.writeFileSync(f.save, JSON.stringify(saved.manifest, null, 1));
      fs.writeFileSync(f.save.replace(/\.json$/, '') + '.bin', new Uint8Array(saved.data));
    }
    console.log(`saved ${f.save}`);
  }
  model.dispose();
  engine.destroy();
}

let flags: Flags;
try {
  flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(helpText());
    process.exit(0);
  }
  if (flags.save) checkWritable(flags.save);
} catch (err) {
  console.error(`train: ${(err as Error).message}\nrun \`npm run train -- --help\` for the flags`);
  process.exit(2);
}
main(flags).then(() => process.exit(0), (err) => {
  console.error(`train: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
