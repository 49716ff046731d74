/**
 * The lessons of "tips for training deep networks", as presets: each trains two
 * or more configurations on the same MNIST subset and draws them on the same
 * chart. Sizes are kept small so a lesson runs in a minute or two even on a
 * CPU WebGPU adapter; "epochs" and "trainSize" can be raised from the page.
 */
import {
  dense, relu, sigmoid, maxout, dropout, residual, sgd, adagrad, rmsprop, adam, earlyStopping,
  type LayerSpec, type Optimizer, type Callback, type LossName,
} from '../src/index.js';
import type { RunNumbers } from './recipe.js';

export interface LessonConfig {
  label: string;
  color: string;
  layers: () => LayerSpec[];
  optimizer: () => Optimizer;
  loss?: LossName;
  batchSize: number;
  callbacks?: () => Callback[];
}

export interface Lesson {
  id: string;
  title: string;
  /** What to look for, in plain language. */
  explain: string;
  epochs: number;
  trainSize: number;
  /** x axis of the curves: epochs, or wall-clock seconds (batch-size lesson). */
  xAxis?: 'epoch' | 'seconds';
  /** Extra panel: per-layer gradient norms, or maxout activation plots. */
  extra?: 'gradientNorms' | 'maxoutShapes';
  /**
   * The two charts: loss and accuracy (each with training solid, validation
   * dashed), or training loss and validation loss side by side.
   */
  panels?: 'lossAndAccuracy' | 'trainingAndValidation';
  /** What the reader should conclude, from the run's own numbers; shown under the charts when the run ends. */
  conclusion?: (runs: RunNumbers[]) => string;
  configs: LessonConfig[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

/** `depth` hidden layers of `width` units, then the output layer. */
function deep(act: () => LayerSpec, width: number, depth: number): LayerSpec[] {
  const layers: LayerSpec[] = [];
  let units = 784;
  for (let i = 0; i < depth; i++) { layers.push(dense(units, width), act()); units = width; }
  layers.push(dense(units, 10));
  return layers;
}

/**
 * Lesson 9's network: plain MLPs of one width, and the deep one again built
 * from residual blocks. `npm run train -- --preset plain-20 | plain-56 |
 * residual-56` trains the same nets in Node (a spec checks that the settings
 * agree); bench/RESULTS.md has their numbers over three seeds.
 */
export const LESSON9 = { width: 32, shallow: 20, deep: 56, lr: 0.001, batchSize: 64 } as const;

/** `layers` dense layers in all, as "56 layers" counts them: the first hidden layer, the rest, the output. */
function plainNet(layers: number): LayerSpec[] {
  return deep(relu, LESSON9.width, layers - 1);
}

/**
 * The same count of dense layers: the first hidden layer, then blocks
 * x + dense(relu(dense(relu(x)))), then relu and the output. The ReLUs sit
 * inside the blocks ("pre-activation", He et al. 2016), so the skip path
 * carries x untouched from block to block; with relu(x + F(x)) instead, the
 * signal grows block after block (the logits' RMS at initialisation was 12–82
 * instead of 3–6) and the net starts far behind (bench/RESULTS.md, lesson 9).
 */
function residualNet(layers: number): LayerSpec[] {
  const w = LESSON9.width;
  const net: LayerSpec[] = [dense(784, w)];
  for (let b = 0; b < (layers - 2) / 2; b++) net.push(residual([relu(), dense(w, w), relu(), dense(w, w)]));
  net.push(relu(), dense(w, 10));
  return net;
}

/** A training loss this many times another's is clearly worse, not noise. */
const CLEARLY_WORSE = 1.2;

/** Lesson 9's caption: the numbers of this run, then what they mean. */
function depthConclusion(runs: RunNumbers[]): string {
  const [shallow, plainDeep, skips] = runs;
  if (!shallow || !plainDeep || !skips || [shallow, plainDeep, skips].some((r) => r.epochs === 0)) {
    return 'Run all three to compare their training losses.';
  }
  const loss = (r: RunNumbers) => `${r.trainLoss.toFixed(3)} (${(100 * r.trainAccuracy).toFixed(1)}% right)`;
  // a margin, so two nets that both sit at chance (loss ln 10 = 2.303) are not read as one worse than the other
  const degraded = plainDeep.trainLoss > CLEARLY_WORSE * shallow.trainLoss;
  const skipsHelp = skips.trainLoss * CLEARLY_WORSE < plainDeep.trainLoss;
  return `Training loss after the last epoch: ${shallow.label} ${loss(shallow)}, ${plainDeep.label} ${loss(plainDeep)}, ` +
    `${skips.label} ${loss(skips)}. ` +
    (degraded
      ? `The deeper plain net is worse on the very images it trained on, so this is not overfitting — dropout or L2 would make it worse still. ` +
        `It is trained badly: through ${LESSON9.deep} layers the signal and the gradient fade. `
      : `In this run the deeper plain net did not end clearly worse on its training set (too few epochs or images to show it); the full lesson shows the gap. `) +
    (skipsHelp
      ? `The same ${LESSON9.deep} layers with identity skips train ${skips.trainLoss <= shallow.trainLoss ? 'at least as well as the shallow net' : 'far better than the plain deep net'}: ` +
        'each block only learns a correction to its input, and the gradient reaches the first layers through the skips. '
      : '') +
    'Look at the training curve before reaching for regularisation.';
}

export const LESSONS: Lesson[] = [
  {
    id: 'loss', title: '1. Softmax + cross-entropy vs square loss', epochs: 5, trainSize: 2000,
    explain: 'Same sigmoid network, same optimizer. Cross-entropy\'s gradient on the logits is simply (p − onehot): it stays large while the answer is wrong. The square loss on softmax outputs multiplies that by the softmax\'s slope, which is tiny when the output saturates on a wrong class, so it starts slowly and can stall.',
    configs: [
      { label: 'cross-entropy', color: COLORS[0]!, layers: () => [dense(784, 128), sigmoid(), dense(128, 10)], optimizer: () => sgd({ lr: 0.1 }), loss: 'softmaxCrossEntropy', batchSize: 32 },
      { label: 'square loss (MSE)', color: COLORS[1]!, layers: () => [dense(784, 128), sigmoid(), dense(128, 10)], optimizer: () => sgd({ lr: 0.1 }), loss: 'mse', batchSize: 32 },
    ],
  },
  {
    id: 'depth', title: '2. Deep vs shallow-and-wide, same number of parameters', epochs: 5, trainSize: 2000,
    explain: 'Both nets have about 59,000 parameters: three hidden layers of 64, or one of 75. Depth lets later layers reuse features built by earlier ones (modularity), so for the same budget the deep net usually fits and generalises at least as well.',
    configs: [
      { label: 'deep 64-64-64', color: COLORS[0]!, layers: () => deep(relu, 64, 3), optimizer: () => adam(), batchSize: 32 },
      { label: 'shallow 75', color: COLORS[1]!, layers: () => deep(relu, 75, 1), optimizer: () => adam(), batchSize: 32 },
    ],
  },
  {
    id: 'vanishing', title: '3. Sigmoid vs ReLU in a deep net (vanishing gradients)', epochs: 4, trainSize: 2000, extra: 'gradientNorms',
    explain: 'Seven layers of 64 units. A sigmoid\'s slope is at most 1/4, so the gradient shrinks layer after layer on its way back: the first layers (left bars) barely learn. ReLU passes the gradient through unchanged wherever a unit is active, so every layer learns.',
    configs: [
      { label: 'sigmoid ×6', color: COLORS[1]!, layers: () => deep(sigmoid, 64, 6), optimizer: () => sgd({ lr: 0.1 }), batchSize: 32 },
      { label: 'relu ×6', color: COLORS[0]!, layers: () => deep(relu, 64, 6), optimizer: () => sgd({ lr: 0.1 }), batchSize: 32 },
    ],
  },
  {
    id: 'maxout', title: '4. Maxout vs ReLU', epochs: 5, trainSize: 2000, extra: 'maxoutShapes',
    explain: 'A maxout unit outputs the max of k linear pieces, so it learns its own convex, piecewise-linear activation (ReLU is the special case max(x, 0)). The small plots show activations the maxout layer learned, along a direction through its input.',
    configs: [
      { label: 'maxout 64×2', color: COLORS[2]!, layers: () => [dense(784, 128), maxout(64, 2), dense(64, 10)], optimizer: () => adam(), batchSize: 32 },
      { label: 'relu 64', color: COLORS[0]!, layers: () => [dense(784, 64), relu(), dense(64, 10)], optimizer: () => adam(), batchSize: 32 },
    ],
  },
  {
    id: 'batch', title: '5. Batch size: 1 vs 10 vs 100 vs the whole set', epochs: 3, trainSize: 1000, xAxis: 'seconds',
    explain: 'Plotted against wall-clock time. Batch 1 makes many noisy updates per epoch but each is a separate GPU step; the whole set makes one very stable update per epoch. In between (10–100) the GPU is used in parallel and the updates are both frequent and stable.',
    configs: [1, 10, 100, 1000].map((b, i) => ({
      label: b === 1000 ? 'whole set' : `batch ${b}`, color: COLORS[i]!, layers: () => [dense(784, 64), relu(), dense(64, 10)],
      optimizer: () => sgd({ lr: b === 1 ? 0.01 : b === 10 ? 0.05 : 0.2 }), batchSize: b,
    })),
  },
  {
    id: 'optimizers', title: '6. SGD vs Adagrad vs RMSprop vs Adam', epochs: 5, trainSize: 2000,
    explain: 'Same network and data. Adagrad divides each weight\'s step by the root of its summed squared gradients; RMSprop uses a moving average instead, so the step does not shrink forever; Adam adds momentum to RMSprop. Plain SGD needs a well-tuned learning rate.',
    configs: [
      { label: 'SGD 0.05', color: COLORS[0]!, layers: () => [dense(784, 128), relu(), dense(128, 10)], optimizer: () => sgd({ lr: 0.05 }), batchSize: 32 },
      { label: 'Adagrad 0.01', color: COLORS[1]!, layers: () => [dense(784, 128), relu(), dense(128, 10)], optimizer: () => adagrad({ lr: 0.01 }), batchSize: 32 },
      { label: 'RMSprop 0.001', color: COLORS[2]!, layers: () => [dense(784, 128), relu(), dense(128, 10)], optimizer: () => rmsprop({ lr: 0.001 }), batchSize: 32 },
      { label: 'Adam 0.001', color: COLORS[3]!, layers: () => [dense(784, 128), relu(), dense(128, 10)], optimizer: () => adam({ lr: 0.001 }), batchSize: 32 },
    ],
  },
  {
    id: 'regularisation', title: '7. Early stopping vs L2 regularisation', epochs: 15, trainSize: 500,
    explain: 'On 500 images a big net overfits: training loss keeps falling while validation loss (dashed) turns up. Early stopping halts at the best validation epoch and restores those weights; L2 keeps the weights small so the curves stay close.',
    configs: [
      { label: 'no regularisation', color: COLORS[1]!, layers: () => [dense(784, 256), relu(), dense(256, 10)], optimizer: () => adam(), batchSize: 32 },
      { label: 'L2 0.002', color: COLORS[0]!, layers: () => [dense(784, 256, { l2: 0.002 }), relu(), dense(256, 10, { l2: 0.002 })], optimizer: () => adam(), batchSize: 32 },
      { label: 'early stopping', color: COLORS[2]!, layers: () => [dense(784, 256), relu(), dense(256, 10)], optimizer: () => adam(), batchSize: 32,
        callbacks: () => [earlyStopping({ monitor: 'val_loss', patience: 2 })] },
    ],
  },
  {
    id: 'dropout', title: '8. Dropout on a small training set', epochs: 15, trainSize: 500,
    explain: 'Dropout zeroes a random half of the hidden units at every step (and scales the rest up), so no unit can rely on particular others. Training accuracy rises more slowly, but the gap between training and validation accuracy shrinks.',
    configs: [
      { label: 'no dropout', color: COLORS[1]!, layers: () => [dense(784, 256), relu(), dense(256, 256), relu(), dense(256, 10)], optimizer: () => adam(), batchSize: 32 },
      { label: 'dropout 0.5', color: COLORS[0]!, layers: () => [dense(784, 256), relu(), dropout(0.5), dense(256, 256), relu(), dropout(0.5), dense(256, 10)], optimizer: () => adam(), batchSize: 32 },
    ],
  },
  {
    id: 'degradation', title: `9. ${LESSON9.shallow} vs ${LESSON9.deep} layers`, epochs: 5, trainSize: 4000, panels: 'trainingAndValidation',
    explain: `Plain ReLU nets of ${LESSON9.width} units per layer, ${LESSON9.shallow} and ${LESSON9.deep} layers deep, then the ${LESSON9.deep}-layer net built ` +
      'from residual blocks (two layers plus an identity skip around them). Same initialisation, optimizer and data. Watch the left chart: if the deeper ' +
      'net\'s TRAINING loss stays higher, depth made it harder to train, not prone to overfit.',
    conclusion: depthConclusion,
    configs: [
      { label: `plain ${LESSON9.shallow}`, color: COLORS[0]!, layers: () => plainNet(LESSON9.shallow), optimizer: () => adam({ lr: LESSON9.lr }), batchSize: LESSON9.batchSize },
      { label: `plain ${LESSON9.deep}`, color: COLORS[1]!, layers: () => plainNet(LESSON9.deep), optimizer: () => adam({ lr: LESSON9.lr }), batchSize: LESSON9.batchSize },
      { label: `residual ${LESSON9.deep}`, color: COLORS[2]!, layers: () => residualNet(LESSON9.deep), optimizer: () => adam({ lr: LESSON9.lr }), batchSize: LESSON9.batchSize },
    ],
  },
];
