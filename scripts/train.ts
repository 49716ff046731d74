/**
 * `npm run train -- [flags]`: train an MLP on real MNIST in Node (Dawn), with a
 * live progress line, then print the test accuracy.
 *
 *   --preset keras-mlp   784-512-512-10 ReLU, dropout 0.2, RMSprop 1e-3, batch 128, 20 epochs (Keras mnist_mlp.py)
 *   --preset maxout      784-(240x5)-(240x5)-10 maxout, dropout 0.2/0.5, SGD+momentum, max-norm 1.9365, batch 100
 *   --preset small       784-64-10 ReLU, RMSprop, batch 128, 3 epochs (default)
 *   --layers 512,512  --activation relu|sigmoid|tanh  --dropout 0.2  --input-dropout 0
 *   --loss softmaxCrossEntropy|mse  --optimizer rmsprop|sgd|momentum|nesterov|adagrad|adam  --lr 0.001
 *   --epochs N  --batch-size N  --seed N  --adapter gpu|lavapipe|swiftshader  --train-size N
 *   --validation N (hold out the last N training images)  --patience N (early stopping on val loss)
 *   --l2 λ  --metrics-every N  --save weights.json (manifest; data beside it as .bin)
 */
import { createEngine, Sequential, dense, relu, sigmoid, tanh, maxout, dropout, sgd, adagrad, rmsprop, adam,
  earlyStopping, loadMnist, subset, ResidentDataset, type LayerSpec, type Optimizer, type Callback } from '../src/index.js';

type Flags = Record<string, string>;

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) flags[k] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[k] = argv[++i]!;
    else flags[k] = 'true';
  }
  return flags;
}

const PRESETS: Record<string, Flags> = {
  small: { layers: '64', activation: 'relu', dropout: '0', optimizer: 'rmsprop', lr: '0.001', epochs: '3', 'batch-size': '128' },
  'keras-mlp': { layers: '512,512', activation: 'relu', dropout: '0.2', optimizer: 'rmsprop', lr: '0.001', epochs: '20', 'batch-size': '128' },
  maxout: { maxout: '240x5,240x5', 'input-dropout': '0.2', dropout: '0.5', optimizer: 'momentum', lr: '0.1', momentum: '0.5',
    'max-norm': '1.9365', epochs: '20', 'batch-size': '100' },
};

function buildLayers(f: Flags): LayerSpec[] {
  const layers: LayerSpec[] = [];
  const drop = Number(f.dropout ?? 0);
  const inputDrop = Number(f['input-dropout'] ?? 0);
  const l2 = Number(f.l2 ?? 0);
  const maxNorm = Number(f['max-norm'] ?? 0);
  let units = 784;
  if (inputDrop > 0) layers.push(dropout(inputDrop));
  if (f.maxout) {
    for (const part of f.maxout.split(',')) {
      const [u, p] = part.split('x').map(Number) as [number, number];
      layers.push(dense(units, u * p, { l2, maxNorm }), maxout(u, p));
      if (drop > 0) layers.push(dropout(drop));
      units = u;
    }
  } else {
    const act = f.activation ?? 'relu';
    const actLayer = act === 'relu' ? relu : act === 'sigmoid' ? sigmoid : act === 'tanh' ? tanh : null;
    if (!actLayer) throw new Error(`--activation must be relu, sigmoid or tanh, got ${act}`);
    for (const h of (f.layers ?? '64').split(',').filter(Boolean).map(Number)) {
      layers.push(dense(units, h, { l2, maxNorm, init: act === 'relu' && f.init === 'he' ? 'heNormal' : 'glorotUniform' }), actLayer());
      if (drop > 0) layers.push(dropout(drop));
      units = h;
    }
  }
  layers.push(dense(units, 10, { l2, maxNorm }));
  return layers;
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

async function main() {
  const cli = parseFlags(process.argv.slice(2));
  const preset = cli.preset ?? 'small';
  if (!PRESETS[preset]) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  const f: Flags = { ...PRESETS[preset], ...cli };
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
  console.log(`model: ${layers.map((l) => l.kind === 'dense' ? `dense(${l.inUnits}→${l.outUnits})` : l.kind === 'maxout' ? `maxout(${l.units}x${l.pieces})` : l.kind === 'dropout' ? `dropout(${l.rate})` : l.kind).join(' ')}`);
  console.log(`      ${model.parameters.reduce((s, p) => s + p.size, 0).toLocaleString('en-US')} parameters, optimizer ${model.optimizer.name} ${JSON.stringify(model.optimizer.config)}, loss ${model.loss}`);
  console.log(`data: ${trainCount} training images, ${validationCount} validation, ${mnist.test.count} test; ${epochs} epochs, batch ${batchSize}, seed ${seed}`);

  const tty = process.stdout.isTTY;
  const callbacks: Callback[] = [];
  if (f.patience) callbacks.push(earlyStopping({ monitor: 'val_loss', patience: Number(f.patience) }));
  const history = await model.fit(train, {
    epochs, batchSize, validation, callbacks,
    metricsEvery: Number(f['metrics-every'] ?? 50),
    onBatchEnd: (b) => {
      const line = `epoch ${b.epoch + 1}/${epochs} step ${b.step}/${b.steps} loss ${b.loss.toFixed(4)} acc ${(100 * b.accuracy).toFixed(2)}% ` +
        `${Math.round(b.samplesPerSecond)} samples/s ETA ${fmtTime(b.etaSeconds)}`;
      if (tty) process.stdout.write(`\r${line}\x1b[K`);
    },
    onEpochEnd: async (e) => {
      const val = e.valLoss !== undefined ? ` val_loss ${e.valLoss.toFixed(4)} val_acc ${(100 * e.valAccuracy!).toFixed(2)}%` : '';
      const t = await model.evaluate(test);
      const line = `epoch ${e.epoch + 1}/${epochs}: loss ${e.loss.toFixed(4)} acc ${(100 * e.accuracy).toFixed(2)}%${val} ` +
        `test_acc ${(100 * t.accuracy).toFixed(2)}% (${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond)} samples/s)`;
      if (tty) process.stdout.write(`\r${line}\x1b[K\n`);
      else console.log(line);
    },
  });
  const result = await model.evaluate(test);
  const stats = engine.stats();
  console.log(`test: loss ${result.loss.toFixed(4)}, accuracy ${(100 * result.accuracy).toFixed(2)}% (error ${(100 - 100 * result.accuracy).toFixed(2)}%)`);
  console.log(`steps ${history.steps}${history.stoppedEarly ? ' (stopped early)' : ''}, submits ${stats.submits}, reads ${stats.reads}, dispatches ${stats.dispatches}; wall time ${fmtTime((performance.now() - t0) / 1000)}`);
  if (f.save) {
    const fs = await import('node:fs');
    const saved = await model.saveWeights();
    fs.writeFileSync(f.save, JSON.stringify(saved.manifest, null, 1));
    fs.writeFileSync(f.save.replace(/\.json$/, '') + '.bin', new Uint8Array(saved.data));
    console.log(`saved ${f.save}`);
  }
  model.dispose();
  engine.destroy();
}

main().then(() => process.exit(0), (err) => {
  console.error(`train: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
