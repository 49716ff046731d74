/**
 * The demo page: trains MNIST live through the public API only.
 * Data comes from the IDX files served by `npm run demo` at ./data/.
 */
import {
  createEngine, Sequential, ResidentDataset, parseMnistPair, MNIST_FILES, subset,
  dense, relu, sigmoid, maxout, dropout, sgd, adagrad, rmsprop, adam,
  type Engine, type LabeledImages, type LayerSpec, type Optimizer, type Callback, type EpochLogs,
} from '../src/index.js';
import { LineChart } from './chart.js';
import { drawBars } from './bar-chart.js';
import { DrawPad } from './draw-pad.js';
import { LESSONS, type Lesson } from './lessons.js';
import { recipeVerdict, type RunNumbers, type Verdict } from './recipe.js';
import { RunStopped, stopCallback } from './stop.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

interface DemoState {
  engine: Engine | null;
  train: LabeledImages | null;
  test: LabeledImages | null;
  model: Sequential | null;
  busy: boolean;
  stopRequested: boolean;
  lastRun: {
    lessonId?: string; epochs: number; finished: boolean; error?: string;
    /** Ended by the Stop button (not an error). */
    stopped?: boolean;
    /** The recipe's verdict on each configuration, from the run's own numbers. */
    verdicts?: Verdict[];
  } | null;
}

const state: DemoState = { engine: null, train: null, test: null, model: null, busy: false, stopRequested: false, lastRun: null };
const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), 'loss (solid: training, dashed: validation)',
  { yTitle: 'loss', yScale: 'auto' });
const accChart = new LineChart($<HTMLCanvasElement>('acc-chart'), 'accuracy (solid: training, dashed: validation)',
  { yTitle: 'accuracy', yMin: 0, yMax: 1 });

/** The lesson charts: loss and accuracy, or training loss beside validation loss (lesson.panels). */
function lessonCharts(lesson: Lesson | null): [LineChart, LineChart] {
  const [left, right] = [$<HTMLCanvasElement>('lesson-loss'), $<HTMLCanvasElement>('lesson-acc')];
  if (lesson?.panels === 'trainingAndValidation') {
    return [new LineChart(left, 'training loss', { yTitle: 'training loss', yScale: 'auto' }),
      new LineChart(right, 'validation loss', { yTitle: 'validation loss', yScale: 'auto' })];
  }
  return [new LineChart(left, 'loss (solid: training, dashed: validation)', { yTitle: 'loss', yScale: 'auto' }),
    new LineChart(right, 'accuracy (solid: training, dashed: validation)', { yTitle: 'accuracy', yMin: 0, yMax: 1 })];
}
let [lessonLeft, lessonRight] = lessonCharts(null);

/** While a run trains: Train and the lesson buttons off (one run at a time), the Stop buttons on. */
function setBusy(busy: boolean): void {
  state.busy = busy;
  ($('train') as HTMLButtonElement).disabled = busy;
  document.querySelectorAll<HTMLButtonElement>('#lesson-buttons button').forEach((b) => { b.disabled = busy; });
  for (const id of ['stop', 'lesson-stop']) ($(id) as HTMLButtonElement).disabled = !busy;
}

/** Draws one epoch's numbers: lesson and Train panels differ in which chart shows what. */
type EpochPlot = (x: number, logs: EpochLogs) => void;

function lossAndAccuracyPlot(charts: [LineChart, LineChart], label: string, color: string): EpochPlot {
  const [lc, ac] = charts;
  return (x, e) => {
    // one legend line per configuration; the legend says once what solid and dashed mean
    lc.add(`${label} training`, color, x, e.loss, false, label);
    ac.add(`${label} training`, color, x, e.accuracy, false, label);
    if (e.val_loss !== undefined) {
      lc.add(`${label} validation`, color, x, e.val_loss, true, label);
      ac.add(`${label} validation`, color, x, e.val_accuracy!, true, label);
    }
  };
}

function trainingAndValidationPlot(charts: [LineChart, LineChart], label: string, color: string): EpochPlot {
  const [train, val] = charts;
  return (x, e) => {
    train.add(label, color, x, e.loss);
    if (e.val_loss !== undefined) val.add(label, color, x, e.val_loss);
  };
}

function setProgress(id: string, fraction: number): void {
  $(id).style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function gpuMemory(): string {
  const s = state.engine!.stats();
  return `GPU memory ${mib(s.liveBytes)} live + ${mib(s.pooledBytes)} pooled`;
}

/** fetch with a progress callback (bytes received / total). */
async function fetchBytes(url: string, onProgress: (received: number) => void): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(received);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

async function loadData(): Promise<void> {
  const files = [MNIST_FILES.trainImages, MNIST_FILES.trainLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels];
  const sizes = [47040016, 60008, 7840016, 10008];
  const total = sizes.reduce((a, b) => a + b, 0);
  const got = [0, 0, 0, 0];
  const bytes = await Promise.all(files.map((f, i) => fetchBytes(`data/${f}`, (r) => {
    got[i] = r;
    const sum = got.reduce((a, b) => a + b, 0);
    setProgress('data-progress', sum / total);
    $('data-status').textContent = `loading MNIST: ${mib(sum)} of ${mib(total)}`;
  })));
  state.train = parseMnistPair(bytes[0]!, bytes[1]!, 'MNIST train');
  state.test = parseMnistPair(bytes[2]!, bytes[3]!, 'MNIST test');
  setProgress('data-progress', 1);
  $('data-status').textContent = `MNIST loaded: ${state.train.count} training and ${state.test.count} test images (the last 5,000 training images are used for validation)`;
}

function modelLayers(kind: string): LayerSpec[] {
  switch (kind) {
    case 'keras': return [dense(784, 512), relu(), dropout(0.2), dense(512, 512), relu(), dropout(0.2), dense(512, 10)];
    case 'maxout': return [dropout(0.2), dense(784, 1200, { maxNorm: 1.9365 }), maxout(240, 5), dropout(0.5),
      dense(240, 1200, { maxNorm: 1.9365 }), maxout(240, 5), dropout(0.5), dense(240, 10, { maxNorm: 1.9365 })];
    case 'sigmoid': return [dense(784, 128), sigmoid(), dense(128, 128), sigmoid(), dense(128, 10)];
    default: return [dense(784, 128), relu(), dense(128, 10)];
  }
}

function optimizerFor(kind: string): Optimizer {
  switch (kind) {
    case 'adam': return adam();
    case 'adagrad': return adagrad({ lr: 0.01 });
    case 'sgd': return sgd({ lr: 0.1 });
    case 'momentum': return sgd({ lr: 0.05, momentum: 0.9 });
    default: return rmsprop();
  }
}

/** Training and validation sets, uploaded once per run. */
function uploadSets(trainSize: number) {
  const engine = state.engine!;
  const trainSet = subset(state.train!, 0, Math.min(trainSize, 55000));
  const valSet = subset(state.train!, 55000, trainSize <= 2000 ? 1000 : 5000);
  const train = ResidentDataset.upload(engine, trainSet.images, trainSet.labels, 784, { classes: 10, name: 'train' });
  try {
    return { train, validation: ResidentDataset.upload(engine, valSet.images, valSet.labels, 784, { classes: 10, name: 'validation' }) };
  } catch (err) {
    train.dispose(); // nothing left on the GPU when the second upload fails
    throw err;
  }
}

interface RunOptions {
  label: string;
  color: string;
  layers: LayerSpec[];
  optimizer: Optimizer;
  loss?: 'softmaxCrossEntropy' | 'mse';
  epochs: number;
  batchSize: number;
  trainSize: number;
  plot: EpochPlot;
  /** Filled in after each epoch, so a stopped run still has the numbers of the epochs it finished. */
  numbers: RunNumbers;
  progressId: string;
  statusId: string;
  xAxis?: 'epoch' | 'seconds';
  callbacks?: Callback[];
  keepModel?: boolean;
  /** Called with the model's weights before its first step (the weight images show what training changed). */
  beforeTraining?: (model: Sequential) => Promise<void>;
}

/** Empty numbers for a configuration about to train. */
const noNumbers = (label: string): RunNumbers => ({ label, epochs: 0, trainLoss: NaN, trainAccuracy: NaN });

async function runTraining(o: RunOptions): Promise<Sequential> {
  const engine = state.engine!;
  const { train, validation } = uploadSets(o.trainSize);
  let model: Sequential;
  try {
    model = new Sequential(engine, o.layers, { optimizer: o.optimizer, loss: o.loss ?? 'softmaxCrossEntropy', seed: 1 });
  } catch (err) {
    train.dispose();
    validation.dispose();
    throw err;
  }
  const started = performance.now();
  try {
    await o.beforeTraining?.(model);
    const steps = Math.ceil(train.count / o.batchSize);
    let currentEpoch = 0;
    let epochStarted = performance.now();
    let shownBatches = -1;
    const progress: Callback = {
      onEpochBegin: (epoch) => { currentEpoch = epoch; epochStarted = performance.now(); shownBatches = -1; },
      // Batch logs carry the newest metrics read back asynchronously: redraw when they change.
      onBatchEnd: (batch, b) => {
        if (b.metricsBatches === shownBatches || b.loss === undefined) return;
        shownBatches = b.metricsBatches;
        setProgress(o.progressId, (currentEpoch + (batch + 1) / steps) / o.epochs);
        const msPerStep = (performance.now() - epochStarted) / (batch + 1);
        $(o.statusId).textContent = `${o.label}: epoch ${currentEpoch + 1}/${o.epochs}, step ${batch + 1}/${steps}, loss ${b.loss.toFixed(4)}, ` +
          `accuracy ${(100 * b.accuracy!).toFixed(1)}%, ${Math.round((1000 * o.batchSize) / msPerStep)} samples/s, ${msPerStep.toFixed(1)} ms/step — ${gpuMemory()}`;
      },
      onEpochEnd: async (epoch, e) => {
        if (state.stopRequested) return; // a stopped run's partial epoch is not drawn
        const x = o.xAxis === 'seconds' ? (performance.now() - started) / 1000 : epoch + 1;
        o.plot(x, e);
        const n = o.numbers;
        Object.assign(n, { epochs: epoch + 1, trainLoss: e.loss, trainAccuracy: e.accuracy, valLoss: e.val_loss, valAccuracy: e.val_accuracy });
        if (e.val_loss !== undefined) n.bestValLoss = Math.min(n.bestValLoss ?? Infinity, e.val_loss);
        // let the page paint and handle input between epochs
        await new Promise((r) => setTimeout(r, 0));
      },
    };
    // The stop callback goes first, so a stopped run draws nothing more.
    await model.fit(train, {
      epochs: o.epochs, batchSize: o.batchSize, validation, callbacks: [stopCallback(() => state.stopRequested), ...(o.callbacks ?? []), progress], verbose: 0,
      metricsEvery: Math.max(1, Math.min(20, Math.ceil(200 / o.batchSize))),
    });
    if (state.stopRequested) throw new RunStopped();
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    train.dispose();
    validation.dispose();
  }
  if (!o.keepModel) model.dispose();
  return model;
}

/** The recipe's verdicts as a list under a heading, in `boxId`. */
function showRecipe(boxId: string, verdicts: Verdict[]): void {
  const box = $(boxId);
  box.replaceChildren();
  box.hidden = verdicts.length === 0;
  if (verdicts.length === 0) return;
  const head = document.createElement('b');
  head.textContent = 'The recipe, from this run\'s numbers: bad on the training set → change the training; ' +
    'good on training but bad on validation → regularise.';
  const list = document.createElement('ul');
  for (const v of verdicts) {
    const item = document.createElement('li');
    item.dataset.branch = v.branch;
    item.textContent = v.text;
    list.append(item);
  }
  box.append(head, list);
}

/** How a run ended, for the status line: a Stop is not an error. */
function endedBy(err: unknown): { stopped: boolean; message: string } {
  if (err instanceof RunStopped) return { stopped: true, message: 'stopped' };
  return { stopped: false, message: `failed: ${(err as Error).message}` };
}

// ---- the "Train" panel ---------------------------------------------------------------

async function trainClicked(overrides: { epochs?: number; trainSize?: number } = {}): Promise<void> {
  if (state.busy) return;
  setBusy(true);
  state.stopRequested = false;
  const epochs = overrides.epochs ?? Number(($('epochs') as HTMLInputElement).value);
  state.lastRun = { epochs, finished: false };
  lossChart.clear();
  accChart.clear();
  for (const c of [lossChart, accChart]) c.setXRange(0, epochs, 'epoch');
  showRecipe('train-recipe', []);
  const modelKind = ($('model') as HTMLSelectElement).value;
  const label = ($('model') as HTMLSelectElement).selectedOptions[0]?.textContent ?? modelKind;
  const numbers = noNumbers(label);
  try {
    state.model?.dispose();
    state.model = null;
    let initial: Float32Array | null = null;
    state.model = await runTraining({
      label, color: '#1f77b4', layers: modelLayers(modelKind),
      optimizer: optimizerFor(($('optimizer') as HTMLSelectElement).value), epochs,
      batchSize: Number(($('batch') as HTMLInputElement).value),
      trainSize: overrides.trainSize ?? Number(($('train-size') as HTMLInputElement).value),
      plot: lossAndAccuracyPlot([lossChart, accChart], label, '#1f77b4'), numbers,
      progressId: 'epoch-progress', statusId: 'train-status', keepModel: true,
      beforeTraining: async (model) => { initial = await firstLayerKernel(model); },
    });
    const t = await state.model.evaluate(subset(state.test!, 0, 10000).images, state.test!.labels);
    $('train-status').textContent += ` — test accuracy ${(100 * t.accuracy).toFixed(2)}%`;
    await drawFirstLayerWeights(state.model, initial);
    await updatePrediction();
    state.lastRun.finished = true;
  } catch (err) {
    const end = endedBy(err);
    state.lastRun.stopped = end.stopped;
    if (!end.stopped) state.lastRun.error = (err as Error).message;
    $('train-status').textContent = `${end.message} after ${numbers.epochs} of ${epochs} epochs`;
  } finally {
    state.lastRun.verdicts = [recipeVerdict(numbers)];
    showRecipe('train-recipe', state.lastRun.verdicts);
    setBusy(false);
  }
}

// ---- "Try it": drawing pad and weights -------------------------------------------------

const pad = new DrawPad($<HTMLCanvasElement>('pad'), () => { void updatePrediction(); });
let lastProbabilities: number[] = [];

async function updatePrediction(): Promise<number[]> {
  const model = state.model;
  const box = $('probs');
  if (!model) { box.textContent = 'Train a model first.'; return []; }
  const probs = Array.from((await model.predict(pad.pixels())).data);
  lastProbabilities = probs;
  box.innerHTML = '';
  const best = probs.indexOf(Math.max(...probs));
  probs.forEach((p, digit) => {
    const label = document.createElement('b');
    label.textContent = String(digit);
    const barBox = document.createElement('div');
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.style.width = `${Math.round(p * 140)}px`;
    if (digit === best) bar.style.background = '#2ca02c';
    barBox.append(bar);
    const pct = document.createElement('span');
    pct.textContent = `${(100 * p).toFixed(1)}%`;
    box.append(label, barBox, pct);
  });
  return probs;
}

/** The first layer's kernel [784, units] (getWeights starts with it); null when the model starts otherwise (maxout's input dropout). */
async function firstLayerKernel(model: Sequential): Promise<Float32Array | null> {
  const first = model.parameters[0]!;
  if (first.shape[0] !== 784 || first.shape.length !== 2) return null;
  return (await model.getWeights()).slice(0, first.size);
}

/**
 * One 28×28 image per first-layer unit. What is drawn is what training
 * changed — the weights minus their random initial values — because after a
 * few epochs the initial noise is still larger than the learned strokes (and
 * pixels that are black in every image never change at all). Each unit is
 * scaled to its own range (the 98th percentile of |change|, so a few extreme
 * pixels do not wash the rest out): units that learned little are as visible
 * as the busiest.
 */
async function drawFirstLayerWeights(model: Sequential, initial: Float32Array | null): Promise<void> {
  const first = model.parameters[0]!;
  const units = first.shape[1]!;
  const trained = await firstLayerKernel(model);
  if (!trained) return;
  const w = initial ? trained.map((v, i) => v - initial[i]!) : trained;
  const canvas = $<HTMLCanvasElement>('weights');
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // 32 units at twice their size, 8 to a row, fill the 448×224 canvas
  const cols = 8, scale = 2, gap = 2;
  const cell = 28 * scale;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 28;
  const tileCtx = tile.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  const shown = Math.min(units, 32);
  for (let u = 0; u < shown; u++) {
    const magnitudes = Float32Array.from({ length: 784 }, (_, p) => Math.abs(w[p * units + u]!)).sort();
    const range = Math.max(magnitudes[Math.floor(0.98 * 783)]!, 1e-12);
    const img = tileCtx.createImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = Math.max(-1, Math.min(1, w[p * units + u]! / range));
      img.data[p * 4] = v > 0 ? 255 : Math.round(255 * (1 + v));
      img.data[p * 4 + 1] = Math.round(255 * (1 - Math.abs(v)));
      img.data[p * 4 + 2] = v < 0 ? 255 : Math.round(255 * (1 - v));
      img.data[p * 4 + 3] = 255;
    }
    tileCtx.putImageData(img, 0, 0);
    ctx.drawImage(tile, (u % cols) * cell + gap / 2, Math.floor(u / cols) * cell + gap / 2, cell - gap, cell - gap);
  }
}

// ---- lessons ----------------------------------------------------------------------------

async function gradientNorms(model: Sequential): Promise<number[]> {
  const val = subset(state.train!, 55000, 256);
  const { gradients } = await model.computeGradients(Float32Array.from(val.images, (v) => v / 255), val.labels);
  const norms: number[] = [];
  let at = 0;
  for (const p of model.parameters) {
    if (p.name.endsWith('/kernel')) {
      let s = 0;
      for (let i = at; i < at + p.size; i++) s += gradients[i]! ** 2;
      norms.push(Math.sqrt(s / p.size));
    }
    at += p.size;
  }
  return norms;
}

async function drawMaxoutShapes(model: Sequential, canvas: HTMLCanvasElement): Promise<void> {
  canvas.hidden = false;
  const kernel = model.parameters[0]!;
  const weights = await model.getWeights();
  const units = kernel.shape[1]!;
  const pieces = 2;
  // direction: from the mean "1" image to the mean "0" image, through the data
  const imgs = subset(state.train!, 0, 500);
  const mean = (digit: number) => {
    const m = new Float64Array(784); let n = 0;
    for (let i = 0; i < imgs.count; i++) if (imgs.labels[i] === digit) { n++; for (let p = 0; p < 784; p++) m[p]! += imgs.images[i * 784 + p]! / 255; }
    return m.map((v) => v / Math.max(n, 1));
  };
  const a = mean(1), b = mean(0);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#222';
  ctx.font = '13px system-ui, sans-serif';
  ctx.fillText('learned maxout activations along the line from a mean "1" to a mean "0"', 10, 16);
  for (let k = 0; k < 8; k++) {
    const unit = k * 7 % (units / pieces);
    const lines: [number, number][] = [];
    for (let q = 0; q < pieces; q++) {
      const col = unit * pieces + q;
      let slope = 0;
      let base = weights[kernel.size + col]!; // getWeights packs the bias right after the kernel
      for (let p = 0; p < 784; p++) { const wv = weights[p * units + col]!; base += wv * a[p]!; slope += wv * (b[p]! - a[p]!); }
      lines.push([slope, base]);
    }
    const ox = 10 + (k % 4) * 128, oy = 30 + Math.floor(k / 4) * 112, size = 110;
    ctx.strokeStyle = '#ddd';
    ctx.strokeRect(ox, oy, size, size - 10);
    const ts = Array.from({ length: 41 }, (_, i) => -0.5 + (2 * i) / 40);
    const ys = ts.map((t) => Math.max(...lines.map(([s, c]) => s * t + c)));
    const lo = Math.min(...ys), hi = Math.max(...ys) + 1e-6;
    ctx.strokeStyle = '#2ca02c';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ts.forEach((t, i) => {
      const x = ox + ((t + 0.5) / 2) * size;
      const y = oy + size - 12 - ((ys[i]! - lo) / (hi - lo)) * (size - 20);
      i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}

async function runLesson(lesson: Lesson, overrides: { epochs?: number; trainSize?: number } = {}): Promise<void> {
  if (state.busy) return;
  setBusy(true);
  state.stopRequested = false;
  const epochs = overrides.epochs ?? lesson.epochs;
  const trainSize = overrides.trainSize ?? lesson.trainSize;
  state.lastRun = { lessonId: lesson.id, epochs, finished: false };
  document.querySelectorAll('#lesson-buttons button').forEach((b) => b.classList.toggle('active', (b as HTMLElement).dataset.lesson === lesson.id));
  $('lesson-explain').textContent = lesson.explain;
  $('lesson-conclusion').hidden = true;
  showRecipe('lesson-recipe', []);
  [lessonLeft, lessonRight] = lessonCharts(lesson);
  const seconds = lesson.xAxis === 'seconds';
  // seconds: the range grows with the run; epochs: the whole run's range from the first point on
  for (const c of [lessonLeft, lessonRight]) c.setXRange(0, seconds ? 1 : epochs, seconds ? 'seconds since the start of each run' : 'epoch');
  const extra = $<HTMLCanvasElement>('lesson-extra');
  extra.hidden = !lesson.extra;
  const norms: { label: string; color: string; values: number[] }[] = [];
  const runs: RunNumbers[] = [];
  try {
    for (const [i, config] of lesson.configs.entries()) {
      if (state.stopRequested) throw new RunStopped();
      $('lesson-status').textContent = `training ${config.label} (${i + 1} of ${lesson.configs.length})`;
      const numbers = noNumbers(config.label);
      runs.push(numbers);
      const plot = lesson.panels === 'trainingAndValidation' ? trainingAndValidationPlot : lossAndAccuracyPlot;
      const model = await runTraining({
        label: config.label, color: config.color, layers: config.layers(), optimizer: config.optimizer(), loss: config.loss,
        epochs, batchSize: Math.min(config.batchSize, trainSize), trainSize,
        plot: plot([lessonLeft, lessonRight], config.label, config.color), numbers,
        progressId: 'lesson-progress', statusId: 'lesson-status', xAxis: lesson.xAxis,
        callbacks: config.callbacks?.(), keepModel: !!lesson.extra,
      });
      try {
        if (lesson.extra === 'gradientNorms') {
          norms.push({ label: config.label, color: config.color, values: await gradientNorms(model) });
          drawBars(extra, 'gradient of each layer\'s weights after training', 'RMS gradient', 'layer (1: next to the input)', norms);
        } else if (lesson.extra === 'maxoutShapes' && config.label.startsWith('maxout')) {
          await drawMaxoutShapes(model, extra);
        }
      } finally {
        if (lesson.extra) model.dispose();
      }
    }
    $('lesson-status').textContent = `done: ${lesson.title}`;
    state.lastRun.finished = true;
  } catch (err) {
    const end = endedBy(err);
    state.lastRun.stopped = end.stopped;
    if (!end.stopped) state.lastRun.error = (err as Error).message;
    $('lesson-status').textContent = `${end.message}: ${lesson.title}`;
  } finally {
    // the recipe judges every configuration that finished at least one epoch, a stopped run's too
    state.lastRun.verdicts = runs.filter((r) => r.epochs > 0).map(recipeVerdict);
    showRecipe('lesson-recipe', state.lastRun.verdicts);
    if (lesson.conclusion && state.lastRun.finished) {
      $('lesson-conclusion').textContent = lesson.conclusion(runs);
      $('lesson-conclusion').hidden = false;
    }
    setBusy(false);
  }
}

// ---- start -----------------------------------------------------------------------------

async function start(): Promise<void> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    $('no-webgpu').hidden = false;
    $('no-webgpu-detail').textContent = 'This browser does not expose navigator.gpu, so the demo cannot run its compute shaders.';
    $('status').textContent = 'WebGPU unavailable';
    return;
  }
  let engine: Engine;
  try {
    engine = await createEngine();
  } catch (err) {
    $('no-webgpu').hidden = false;
    $('no-webgpu-detail').textContent = `navigator.gpu exists but no adapter/device could be created: ${(err as Error).message}`;
    $('status').textContent = 'WebGPU unavailable';
    return;
  }
  state.engine = engine;
  $('app').hidden = false;
  $('status').textContent = `adapter: ${engine.adapterName}`;
  for (const lesson of LESSONS) {
    const b = document.createElement('button');
    b.textContent = lesson.title;
    b.dataset.lesson = lesson.id;
    b.addEventListener('click', () => { void runLesson(lesson); });
    $('lesson-buttons').append(b);
  }
  $('train').addEventListener('click', () => { void trainClicked(); });
  for (const id of ['stop', 'lesson-stop']) $(id).addEventListener('click', () => { state.stopRequested = true; });
  $('clear-pad').addEventListener('click', () => { pad.clear(); void updatePrediction(); });
  await loadData();
}

/** Hooks for the end-to-end test (and the curious, from the console). */
const demo = {
  ready: start(),
  state,
  lessons: LESSONS,
  runLesson: (id: string, overrides: { epochs?: number; trainSize?: number } = {}) => runLesson(LESSONS.find((l) => l.id === id)!, overrides),
  train: trainClicked,
  chartPoints: () => ({ train: lossChart.pointCount + accChart.pointCount, lesson: lessonLeft.pointCount + lessonRight.pointCount }),
  /** The lesson charts' series (name, colour, points) and whether each axis is logarithmic. */
  lessonSeries: () => [lessonLeft, lessonRight].map((c) => ({
    title: c.title, logY: c.logY, series: c.series.map((s) => ({ name: s.name, color: s.color, points: s.points.length })),
  })),
  drawAndPredict: async (points: [number, number][]) => { pad.clear(); pad.drawPath(points); return updatePrediction(); },
  lastProbabilities: () => lastProbabilities,
};
(window as unknown as { demo: typeof demo }).demo = demo;
