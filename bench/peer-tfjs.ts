/**
 * The peer: TensorFlow.js 4.22, with its WebGPU backend (on the same adapter
 * as our engine: both ask the page's navigator.gpu) and its WASM backend (the
 * CPU reference point: XNNPACK kernels, SIMD, threads when the page is
 * cross-origin isolated — scripts/static-server.mjs sends COOP/COEP).
 *
 * Bundled on its own (scripts/bench.mjs) and imported only by the browser
 * page, so the Node bundle and the library never depend on TF.js.
 *
 * The work mirrors ours:
 * - matmul: tf.fused.matMul with the same transposes, bias and activation;
 * - training step: the same layers (dense = fused matMul + bias + relu,
 *   maxout = reshape [n, units, pieces] + max over pieces), softmax
 *   cross-entropy, tf.train.rmsprop(lr 0.001, decay 0.9, momentum 0,
 *   eps 1e-7), the batch gathered on the device from a resident dataset by a
 *   shuffled index order (as our gather kernel does), via optimizer.minimize.
 * Timing closes each repetition with `await tensor.data()` on the last result
 * (a matmul's output, or the last step's loss): that readback is included,
 * nothing is subtracted. TF.js has one global backend, so each suite calls
 * `activate()` before using a peer.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone has no gradients: register them for optimizer.minimize.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { LabeledImages } from '../src/index.js';
import type { SyntheticData } from './data.js';
import { permutation, randomFloats } from './data.js';
import { RMSPROP, type ModelConfig } from './models.js';
import type { EpochResult, Peer, PeerInfo } from './peer.js';
import type { MatmulCase } from './suites/matmul.js';
import type { Runner } from './timing.js';

export interface TfjsPeerOptions {
  /** URL of @tensorflow/tfjs-backend-wasm/dist/ as served to the page (ends with '/'). */
  wasmPath: string;
  /** WASM threads (default: navigator.hardwareConcurrency). */
  threads?: number;
}

const now = () => performance.now() / 1000;

interface DenseParams { w: tf.Variable; b: tf.Variable }

/** Glorot-uniform weights and zero biases, as our Sequential initialises. */
function createParams(model: ModelConfig, seed: number): DenseParams[] {
  const params: DenseParams[] = [];
  for (const l of model.layers) {
    if (l.kind !== 'dense') continue;
    const limit = Math.sqrt(6 / (l.inUnits + l.outUnits));
    const w = randomFloats(l.inUnits * l.outUnits, seed + params.length).map((v) => v * 2 * limit);
    params.push({ w: tf.variable(tf.tensor2d(w, [l.inUnits, l.outUnits])), b: tf.variable(tf.zeros([l.outUnits])) });
  }
  return params;
}

function forward(model: ModelConfig, params: DenseParams[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  let i = 0;
  for (const l of model.layers) {
    if (l.kind === 'dense') {
      const p = params[i++]!;
      h = tf.fused.matMul({ a: h, b: p.w, bias: p.b, activation: l.activation }) as tf.Tensor2D;
    } else {
      h = tf.max(tf.reshape(h, [-1, l.units, l.pieces]), 2) as tf.Tensor2D;
    }
  }
  return h;
}

function disposeParams(params: DenseParams[]): void {
  for (const p of params) { p.w.dispose(); p.b.dispose(); }
}

/**
 * A model plus a dataset resident on the backend: `step(start, rows)` trains
 * on order[start .. start+rows) and returns the loss (a scalar tensor).
 */
class Trainer {
  readonly params: DenseParams[];
  readonly optimizer = tf.train.rmsprop(RMSPROP.lr, RMSPROP.rho, 0, RMSPROP.eps);
  private readonly vars: tf.Variable[];
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor1D;
  order: tf.Tensor1D;

  constructor(readonly model: ModelConfig, images: Uint8Array, labels: ArrayLike<number>, count: number) {
    this.params = createParams(model, 11);
    this.vars = this.params.flatMap((p) => [p.w, p.b]);
    const pixels = new Float32Array(images.length);
    for (let i = 0; i < images.length; i++) pixels[i] = images[i]! / 255;
    this.x = tf.tensor2d(pixels, [count, model.inputs]);
    this.y = tf.tensor1d(Int32Array.from(labels), 'int32');
    this.order = tf.tensor1d(Int32Array.from(permutation(count, 3)), 'int32');
  }

  reshuffle(seed: number): void {
    this.order.dispose();
    this.order = tf.tensor1d(Int32Array.from(permutation(this.y.size, seed)), 'int32');
  }

  step(start: number, rows: number): tf.Scalar {
    return this.optimizer.minimize(() => {
      const idx = tf.slice(this.order, [start], [rows]);
      const logits = forward(this.model, this.params, tf.gather(this.x, idx));
      const onehot = tf.oneHot(tf.gather(this.y, idx), this.model.classes);
      return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
    }, true, this.vars)!;
  }

  dispose(): void {
    disposeParams(this.params);
    this.optimizer.dispose();
    this.x.dispose();
    this.y.dispose();
    this.order.dispose();
  }
}

class TfjsPeer implements Peer {
  constructor(readonly info: PeerInfo, private readonly backend: string, readonly slow: boolean) {}

  async activate(): Promise<void> {
    if (tf.getBackend() !== this.backend && !(await tf.setBackend(this.backend))) {
      throw new Error(`TF.js: backend ${this.backend} failed to initialise`);
    }
  }

  matmul(c: MatmulCase): Runner {
    const a = tf.tensor2d(randomFloats(c.m * c.k, 1), c.transposeA ? [c.k, c.m] : [c.m, c.k]);
    const b = tf.tensor2d(randomFloats(c.k * c.n, 2), c.transposeB ? [c.n, c.k] : [c.k, c.n]);
    const bias = c.bias ? tf.tensor1d(randomFloats(c.n, 3)) : undefined;
    let last: tf.Tensor | null = null;
    return {
      record: () => {
        last?.dispose();
        last = tf.fused.matMul({
          a, b, transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false,
          ...(bias ? { bias } : {}), activation: c.activation ?? 'linear',
        });
      },
      close: async () => { await last?.data(); },
      dispose: () => { last?.dispose(); a.dispose(); b.dispose(); bias?.dispose(); },
    };
  }

  trainingStep(model: ModelConfig, batch: number, data: SyntheticData): Runner {
    const trainer = new Trainer(model, data.images, data.labels, data.count);
    const steps = Math.floor(data.count / batch);
    let step = 0;
    let loss: tf.Scalar | null = null;
    return {
      record: () => {
        loss?.dispose();
        loss = trainer.step((step++ % steps) * batch, batch);
      },
      close: async () => { await loss?.data(); },
      dispose: () => { loss?.dispose(); trainer.dispose(); },
    };
  }

  async trainEpoch(model: ModelConfig, train: LabeledImages, test: LabeledImages, batch: number): Promise<EpochResult> {
    const trainer = new Trainer(model, train.images, train.labels, train.count);
    const testX = tf.tensor2d(Float32Array.from(test.images, (v) => v / 255), [test.count, model.inputs]);
    const testY = tf.tensor1d(Int32Array.from(test.labels), 'int32');
    try {
      trainer.reshuffle(1000003);
      // The upload above is not timed (ours is uploaded before fit is timed, too).
      await trainer.order.data();
      const started = now();
      const steps = Math.ceil(train.count / batch);
      let loss: tf.Scalar | null = null;
      for (let s = 0; s < steps; s++) {
        loss?.dispose();
        loss = trainer.step(s * batch, Math.min(batch, train.count - s * batch));
      }
      await loss!.data();
      loss!.dispose();
      const trainSeconds = now() - started;

      const evalStart = now();
      let correct = tf.scalar(0);
      for (let start = 0; start < test.count; start += 1000) {
        const rows = Math.min(1000, test.count - start);
        const next = tf.tidy(() => {
          const logits = forward(model, trainer.params, tf.slice(testX, [start, 0], [rows, model.inputs]));
          const hits = tf.equal(tf.argMax(logits, 1), tf.slice(testY, [start], [rows]));
          return tf.add(correct, tf.sum(tf.cast(hits, 'float32')));
        });
        correct.dispose();
        correct = next as tf.Scalar;
      }
      const hits = (await correct.data())[0]!;
      correct.dispose();
      return { trainSeconds, evaluateSeconds: now() - evalStart, testAccuracy: hits / test.count, steps };
    } finally {
      trainer.dispose();
      testX.dispose();
      testY.dispose();
    }
  }
}

/** Initialise both backends and describe them. */
export async function createTfjsPeers(options: TfjsPeerOptions): Promise<Peer[]> {
  const peers: Peer[] = [];

  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend failed to initialise');
  const webgpu = tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } };
  peers.push(new TfjsPeer({
    name: 'tfjs-webgpu', label: 'TF.js WebGPU', version: tf.version_core,
    details: { adapterVendor: webgpu.adapterInfo?.vendor ?? '', adapterArchitecture: webgpu.adapterInfo?.architecture ?? '' },
  }, 'webgpu', true));

  setWasmPaths(options.wasmPath);
  const cores = (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 1;
  // Ask for one thread per core. TF.js may use fewer (its getThreadsCount() has
  // reported 1 on a 2-core machine whatever was asked: tensorflow/tfjs#6081),
  // so the report records both what was asked and what TF.js says it uses.
  setThreadsCount(options.threads ?? cores);
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js: the wasm backend failed to initialise');
  peers.push(new TfjsPeer({
    name: 'tfjs-wasm', label: 'TF.js WASM', version: version_wasm,
    details: {
      threads: getThreadsCount(),
      simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      multithreadSupport: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
      crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
      hardwareConcurrency: cores,
      requestedThreads: options.threads ?? cores,
    },
  }, 'wasm', false));
  return peers;
}
