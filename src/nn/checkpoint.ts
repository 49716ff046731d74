/**
 * The files a Sequential model saves: weights, and checkpoints to resume training.
 *
 * Both are a JSON-able manifest plus one ArrayBuffer of little-endian f32 values,
 * so an app can store the manifest as JSON and the data as a binary blob.
 *
 * - Weights (saveWeights/loadWeights): every parameter tensor, packed back to
 *   back in `model.parameters` order (no padding of the GPU layout).
 * - A checkpoint (saveCheckpoint/loadCheckpoint) is what `fit` needs to carry on
 *   exactly where it stopped, bit for bit: the weights, the optimizer's name,
 *   config and state tensors (RMSprop's v, Adam's m and v, ...) packed the same
 *   way, the step counter (it seeds the dropout masks and Adam's bias
 *   correction) and the number of epochs done (it seeds each epoch's shuffle).
 *   A checksum over the data catches bytes changed in storage or transfer.
 *
 * Loading decodes and checks EVERYTHING on the CPU first — format, architecture,
 * optimizer kind and config, sizes, checksum, finiteness — and only then writes
 * to the GPU, so on any error the model is unchanged.
 */
import type { Sequential, ParameterEntry } from './sequential.js';
import type { LayerSpec } from './layers.js';
import type { LossName } from './losses.js';
import { ShapeError, ValueError } from '../errors.js';

// ---- the formats ---------------------------------------------------------------------

/** Where one tensor's bytes are in the data buffer. */
export interface TensorRecord {
  name: string;
  shape: number[];
  dtype: 'f32';
  byteOffset: number;
  byteLength: number;
}

export interface WeightsManifest {
  format: 'wgsl-tensor-weights';
  version: 1;
  /** Little-endian f32, tensors packed back to back in this order. */
  tensors: TensorRecord[];
  layers: LayerSpec[];
}

export interface SavedWeights {
  manifest: WeightsManifest;
  data: ArrayBuffer;
}

export interface CheckpointManifest {
  format: 'wgsl-tensor-checkpoint';
  version: 1;
  layers: LayerSpec[];
  loss: LossName;
  /** The model's seed: shuffles and dropout masks depend on it, so resuming needs the same one. */
  seed: number;
  /** Training steps done (model.stepCount). */
  stepCount: number;
  /** Epochs done (model.epochCount): resume with `fit(..., { initialEpoch: epochCount })`. */
  epochCount: number;
  /** The parameter tensors, in `model.parameters` order. */
  weights: TensorRecord[];
  optimizer: {
    name: string;
    config: Record<string, number | boolean>;
    /** One record per state slot per parameter tensor, named `<slot>/<parameter name>`. */
    state: TensorRecord[];
  };
  /** FNV-1a (32-bit) of every byte of `data`. */
  checksum: number;
}

export interface Checkpoint {
  manifest: CheckpointManifest;
  data: ArrayBuffer;
}

// ---- saving ------------------------------------------------------------------------

/**
 * Models inside an epoch of fit (marked by fit.ts). fit resumes at epoch
 * starts, so a checkpoint taken mid-epoch (say from onBatchEnd) could not be
 * resumed exactly: refuse it rather than save something subtly wrong.
 */
export const midEpoch = new WeakSet<Sequential>();

/** Packs flat tensors (GPU layout, with padding) into one little-endian buffer. */
class Packer {
  readonly records: TensorRecord[] = [];
  private readonly chunks: Float32Array[] = [];
  private bytes = 0;

  /** Append each parameter's slice of `flat` (laid out like the model's flat parameter buffer). */
  addFlat(flat: Float32Array, parameters: readonly ParameterEntry[], prefix = ''): void {
    for (const p of parameters) {
      this.records.push({ name: prefix + p.name, shape: [...p.shape], dtype: 'f32', byteOffset: this.bytes, byteLength: p.size * 4 });
      this.chunks.push(flat.subarray(p.offset, p.offset + p.size));
      this.bytes += p.size * 4;
    }
  }

  finish(): ArrayBuffer {
    const data = new ArrayBuffer(this.bytes);
    const view = new DataView(data);
    let at = 0;
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.length; i++, at += 4) view.setFloat32(at, chunk[i]!, true);
    }
    return data;
  }
}

export async function encodeWeights(model: Sequential): Promise<SavedWeights> {
  const packer = new Packer();
  packer.addFlat(await model.flatParams.read(), model.parameters);
  const manifest: WeightsManifest = {
    format: 'wgsl-tensor-weights', version: 1, tensors: packer.records, layers: model.layers.map((l) => ({ ...l })),
  };
  return { manifest, data: packer.finish() };
}

export async function encodeCheckpoint(model: Sequential): Promise<Checkpoint> {
  if (midEpoch.has(model)) {
    throw new ValueError(`saveCheckpoint: called in the middle of epoch ${model.epochCount} (from onBatchEnd?); ` +
      'save at an epoch end (onEpochEnd or a callback), where fit can resume');
  }
  // The reads copy the buffers as they are now, queued behind the training work
  // already recorded; take the counters now too, so all belong to the same step.
  const { optimizer, stepCount, epochCount } = model;
  const names = stateNames(model);
  const [params, ...state] = await Promise.all([model.flatParams.read(), ...optimizer.state().map((t) => t.read() as Promise<Float32Array>)]);
  const packer = new Packer();
  packer.addFlat(params!, model.parameters);
  state.forEach((flat, slot) => packer.addFlat(flat, model.parameters, `${names[slot]}/`));
  const data = packer.finish();
  const manifest: CheckpointManifest = {
    format: 'wgsl-tensor-checkpoint',
    version: 1,
    layers: model.layers.map((l) => ({ ...l })),
    loss: model.loss,
    seed: model.seed,
    stepCount,
    epochCount,
    weights: packer.records.slice(0, model.parameters.length),
    optimizer: { name: optimizer.name, config: { ...optimizer.config }, state: packer.records.slice(model.parameters.length) },
    checksum: fnv1a(new Uint8Array(data)),
  };
  return { manifest, data };
}

// ---- loading: decode and check on the CPU, then write -------------------------------

/** Decodes weights saved by saveWeights into the model's flat layout; throws before any GPU write. */
export function decodeWeights(model: Sequential, saved: SavedWeights): Float32Array {
  const fn = 'loadWeights';
  const m = saved?.manifest;
  if (!m || m.format !== 'wgsl-tensor-weights' || m.version !== 1) {
    throw new ValueError(`${fn}: manifest.format must be 'wgsl-tensor-weights' version 1, got ${JSON.stringify(m && { format: m.format, version: m.version })}`);
  }
  const data = checkData(fn, saved.data);
  const flat = new Float32Array(model.parameterBufferLength);
  readTensors(fn, 'manifest.tensors', m.tensors, model.parameters, '', data, flat);
  return flat;
}

/** Everything loadCheckpoint will write, decoded and checked. */
export interface DecodedCheckpoint {
  params: Float32Array;
  /** One flat array per optimizer state tensor, in `optimizer.state()` order. */
  state: Float32Array[];
  stepCount: number;
  epochCount: number;
}

export function decodeCheckpoint(model: Sequential, checkpoint: Checkpoint): DecodedCheckpoint {
  const fn = 'loadCheckpoint';
  const m = checkpoint?.manifest;
  if (!m || typeof m !== 'object' || m.format !== 'wgsl-tensor-checkpoint' || m.version !== 1) {
    throw new ValueError(`${fn}: manifest.format must be 'wgsl-tensor-checkpoint' version 1, got ${JSON.stringify(m && { format: m.format, version: m.version })}`);
  }
  const data = checkData(fn, checkpoint.data);

  // The same architecture and training set-up, or the resumed run would differ.
  checkLayers(fn, m.layers, model.layers);
  if (m.loss !== model.loss) throw new ValueError(`${fn}: checkpoint was trained with loss '${m.loss}', this model uses '${model.loss}'`);
  if (m.seed !== model.seed) {
    throw new ValueError(`${fn}: checkpoint has seed ${m.seed}, this model has seed ${model.seed} (shuffles and dropout masks depend on it: create the model with the same seed)`);
  }
  for (const key of ['stepCount', 'epochCount'] as const) {
    if (!Number.isInteger(m[key]) || m[key] < 0) throw new ValueError(`${fn}: manifest.${key} must be an integer >= 0, got ${String(m[key])}`);
  }

  const opt = m.optimizer;
  const mine = model.optimizer;
  if (!opt || typeof opt !== 'object') throw new ValueError(`${fn}: manifest.optimizer is missing`);
  if (opt.name !== mine.name) throw new ValueError(`${fn}: checkpoint's optimizer is '${opt.name}', this model's is '${mine.name}'`);
  const keys = new Set([...Object.keys(opt.config ?? {}), ...Object.keys(mine.config)]);
  for (const key of keys) {
    if (opt.config?.[key] !== mine.config[key]) {
      throw new ValueError(`${fn}: optimizer ${mine.name} has ${key} ${String(opt.config?.[key])} in the checkpoint but ${String(mine.config[key])} in this model`);
    }
  }

  const params = new Float32Array(model.parameterBufferLength);
  readTensors(fn, 'manifest.weights', m.weights, model.parameters, '', data, params);
  const names = stateNames(model);
  const expected = names.length * model.parameters.length;
  if (!Array.isArray(opt.state) || opt.state.length !== expected) {
    throw new ShapeError(`${fn}: manifest.optimizer.state has ${Array.isArray(opt.state) ? opt.state.length : String(opt.state)} tensors; ` +
      `${mine.name} needs ${expected} (${names.join(', ') || 'none'} for each of ${model.parameters.length} parameters)`);
  }
  const state = names.map((name, slot) => {
    const flat = new Float32Array(model.parameterBufferLength);
    const records = opt.state.slice(slot * model.parameters.length, (slot + 1) * model.parameters.length);
    readTensors(fn, 'manifest.optimizer.state', records, model.parameters, `${name}/`, data, flat);
    return flat;
  });
  // Last: the checksum catches what the checks above cannot see (a flipped bit in a weight).
  const sum = fnv1a(new Uint8Array(checkpoint.data));
  if (m.checksum !== sum) {
    throw new ValueError(`${fn}: data checksum is 0x${hex(sum)} but manifest.checksum is ` +
      `${typeof m.checksum === 'number' ? `0x${hex(m.checksum)}` : String(m.checksum)} (corrupt data)`);
  }
  return { params, state, stepCount: m.stepCount, epochCount: m.epochCount };
}

/** Write a decoded checkpoint into the model (plain buffer writes, in order with training). */
export function applyCheckpoint(model: Sequential, decoded: DecodedCheckpoint): void {
  model.engine.write(model.flatParams, decoded.params);
  model.optimizer.state().forEach((t, i) => model.engine.write(t, decoded.state[i]!));
  model.stepCount = decoded.stepCount;
  model.epochCount = decoded.epochCount;
}

// ---- checks shared by both ------------------------------------------------------------

function checkData(fn: string, data: unknown): DataView {
  if (!(data instanceof ArrayBuffer)) throw new ValueError(`${fn}: data must be an ArrayBuffer, got ${Object.prototype.toString.call(data)}`);
  return new DataView(data);
}

/**
 * Read `records` (one per model parameter, in order) from `data` into `flat` at
 * each parameter's offset. Checks names, shapes, dtypes, byte ranges and that
 * every value is finite.
 */
function readTensors(fn: string, what: string, records: unknown, parameters: readonly ParameterEntry[], prefix: string,
  data: DataView, flat: Float32Array): void {
  if (!Array.isArray(records) || records.length !== parameters.length) {
    throw new ShapeError(`${fn}: ${what} has ${Array.isArray(records) ? records.length : String(records)} tensors, the model has ${parameters.length}`);
  }
  parameters.forEach((p, i) => {
    const t = records[i] as Partial<TensorRecord> | null;
    const name = prefix + p.name;
    if (!t || typeof t !== 'object' || t.name !== name || JSON.stringify(t.shape) !== JSON.stringify(p.shape) || t.dtype !== 'f32') {
      throw new ShapeError(`${fn}: ${what}[${i}] is ${t?.name} ${JSON.stringify(t?.shape)} ${t?.dtype}; the model expects ${name} ${JSON.stringify(p.shape)} f32`);
    }
    const { byteOffset, byteLength } = t as TensorRecord;
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0 || byteLength !== p.size * 4 ||
        byteOffset + byteLength > data.byteLength) {
      throw new ValueError(`${fn}: tensor ${name} needs bytes ${byteOffset}..${byteOffset + byteLength} (${p.size * 4} bytes) ` +
        `but data has ${data.byteLength} (truncated or corrupt)`);
    }
    for (let k = 0; k < p.size; k++) {
      const v = data.getFloat32(byteOffset + 4 * k, true);
      if (!Number.isFinite(v)) throw new ValueError(`${fn}: tensor ${name} has ${v} at element ${k}; values must be finite (corrupt file?)`);
      flat[p.offset + k] = v;
    }
  });
}

/** Layers that change parameter shapes are ShapeErrors; other settings (rates, l2) ValueErrors. `init` is ignored: the weights come from the file. */
const SHAPE_KEYS = new Set(['kind', 'inUnits', 'outUnits', 'useBias', 'units', 'pieces']);

function checkLayers(fn: string, saved: unknown, layers: readonly LayerSpec[]): void {
  if (!Array.isArray(saved) || saved.length !== layers.length) {
    throw new ShapeError(`${fn}: checkpoint has ${Array.isArray(saved) ? saved.length : String(saved)} layers, this model has ${layers.length}`);
  }
  layers.forEach((layer, i) => {
    const other = (saved[i] ?? {}) as Record<string, unknown>;
    const mine = layer as unknown as Record<string, unknown>;
    for (const key of new Set([...Object.keys(mine), ...Object.keys(other)])) {
      if (key === 'init' || other[key] === mine[key]) continue;
      const Err = SHAPE_KEYS.has(key) ? ShapeError : ValueError;
      throw new Err(`${fn}: layer ${i} (${layer.kind}) has ${key} ${JSON.stringify(other[key])} in the checkpoint but ${JSON.stringify(mine[key])} in this model`);
    }
  });
}

/** Names of the optimizer's state slots ('v' for RMSprop, 'm', 'v' for Adam ...). */
function stateNames(model: Sequential): readonly string[] {
  const { optimizer } = model;
  return optimizer.stateNames ?? optimizer.state().map((_, i) => `state${i}`);
}

/** FNV-1a, 32-bit: a small checksum that catches changed, missing or swapped bytes. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
