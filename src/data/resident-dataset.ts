/**
 * A labelled dataset uploaded to the GPU once and kept there for all of
 * training: pixels as packed u8 (4 per u32 word), labels as i32. Each step's
 * batch is then gathered on the GPU (shaders/gather.wgsl) from the epoch's
 * shuffled order — no per-step upload.
 */
import type { Engine } from '../engine.js';
import type { Tensor, TensorOwner } from '../tensor.js';
import { ShapeError, ValueError } from '../errors.js';
import { checkTensor } from '../shape.js';
import { checkFinite, checkOptions, describeValue } from '../options.js';

export interface ResidentDatasetOptions {
  /** Multiplier applied when gathering (default 1/255 for u8 pixels, 1 for f32). */
  scale?: number;
  /** Number of classes, for label validation (default: max label + 1, at least 2). */
  classes?: number;
  /** Name used in error messages. */
  name?: string;
}

export class ResidentDataset {
  private constructor(
    readonly data: Tensor,
    readonly labels: Tensor<'i32'>,
    readonly count: number,
    readonly features: number,
    readonly format: 'u8' | 'f32',
    readonly scale: number,
    readonly classes: number,
  ) {}

  /**
   * Validate on the CPU (lengths, NaN/Infinity with the sample index, labels
   * in [0, classes)), then upload. Throws before any GPU work.
   */
  static upload(engine: Engine, x: Uint8Array | Float32Array, labels: ArrayLike<number>, features: number,
    options: ResidentDatasetOptions = {}): ResidentDataset {
    const opts = checkOptions('ResidentDataset.upload', options, ['scale', 'classes', 'name']);
    if (opts.name !== undefined && (typeof opts.name !== 'string' || opts.name === '')) {
      throw new ValueError(`ResidentDataset.upload: options.name must be a non-empty string, got ${describeValue(opts.name)}`);
    }
    const name = opts.name ?? 'dataset';
    if (!engine || typeof (engine as Partial<Engine>).tensor !== 'function') {
      throw new ValueError(`${name}: engine must be an Engine (from createEngine()), got ${describeValue(engine)}`);
    }
    // Gathering multiplies every value by scale in f32: it must be a finite, non-zero f32.
    const scale = opts.scale === undefined ? undefined : checkFinite(name, 'options.scale', opts.scale, { nonZeroF32: true });
    // Labels are stored as i32, and the loss needs at least two classes.
    const classes = opts.classes === undefined ? undefined
      : checkFinite(name, 'options.classes', opts.classes, { integer: true, min: 2, max: 2 ** 31 - 1 });
    if (!(x instanceof Uint8Array) && !(x instanceof Float32Array)) {
      throw new ValueError(`${name}: x must be a Float32Array or a Uint8Array (pixels), got ${Object.prototype.toString.call(x)}`);
    }
    if (!labels || typeof labels !== 'object' || typeof labels.length !== 'number') {
      throw new ValueError(`${name}: y must be an array of integer labels, got ${describeValue(labels)}`);
    }
    const count = labels.length;
    if (count < 1) throw new ShapeError(`${name}: y is empty; need at least one sample`);
    if (!Number.isSafeInteger(features) || features < 1) throw new ShapeError(`${name}: features must be a positive integer, got ${describeValue(features)}`);
    if (x.length !== count * features) {
      throw new ShapeError(`${name}: x and y have different lengths: x has ${x.length} values = ` +
        `${(x.length / features).toFixed(2).replace(/\.00$/, '')} samples of ${features} features, y has ${count} labels`);
    }
    if (x instanceof Float32Array) {
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(x[i]!)) {
          throw new ValueError(`${name}: x has ${x[i]} at sample ${Math.floor(i / features)}, feature ${i % features}; training data must be finite`);
        }
      }
    }
    let maxLabel = 0;
    for (let i = 0; i < count; i++) {
      const v = labels[i]!;
      if (!Number.isInteger(v)) throw new ValueError(`${name}: label ${describeValue(v)} at sample ${i} is not an integer`);
      // Without `classes`, the i32 the labels are stored in is the bound (Int32Array.from would wrap above it).
      if (v < 0 || v >= (classes ?? 2 ** 31 - 1)) {
        throw new ValueError(`${name}: label ${v} at sample ${i} is outside [0, ${classes ?? '2^31 - 1'})`);
      }
      if (v > maxLabel) maxLabel = v;
    }
    const classCount = classes ?? Math.max(2, maxLabel + 1);
    const format = x instanceof Uint8Array ? 'u8' : 'f32';
    let words: Uint32Array;
    if (x instanceof Uint8Array) {
      const padded = new Uint8Array(Math.ceil(x.length / 4) * 4);
      padded.set(x);
      words = new Uint32Array(padded.buffer); // WebGPU platforms are little-endian
    } else {
      // A copy, into an ordinary ArrayBuffer even when x is a view of a SharedArrayBuffer.
      words = new Uint32Array(x.length);
      new Float32Array(words.buffer).set(x);
    }
    const data = engine.tensor(words, [words.length], 'u32');
    const labelTensor = engine.tensor(Int32Array.from(labels), [count], 'i32') as Tensor<'i32'>;
    return new ResidentDataset(data, labelTensor, count, features, format,
      scale ?? (format === 'u8' ? 1 / 255 : 1), classCount);
  }

  /** Throws unless the dataset is still alive and was uploaded by `engine`. */
  check(fn: string, engine: TensorOwner): void {
    checkTensor(fn, 'dataset', this.data, engine);
    checkTensor(fn, 'dataset labels', this.labels, engine);
  }

  dispose(): void {
    this.data.dispose();
    this.labels.dispose();
  }
}
