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
 *   A checksum over the manifest and the data catches bytes changed in storage
 *   or transfer, in either part (version 2; version 1 summed the data only).
 *
 * Loading decodes and checks EVERYTHING on the CPU first — format, architecture,
 * optimizer kind and config, the byte range of every tensor (inside the data,
 * no two overlapping, no byte left unused), counters in the range training can
 * continue from, checksum, finiteness — and only then writes to the GPU, so
 * on any error the model is unchanged.
 */
import type { TrainingStep } from './training-step.js';
import type { ParameterEntry } from './layer-plan.js';
import type { LayerSpec } from './layers/index.js';
import type { LossName } from './losses.js';
import { ShapeError, ValueError } from '../errors.js';
import { MAX_DROPOUT_STEP } from '../ops/dropout.js';
import { describeValue } from '../options.js';

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

/** The checkpoint format this code writes and reads. */
export const CHECKPOINT_VERSION = 2;

/**
 * The largest stepCount a checkpoint may carry: the next training step is
 * stepCount + 1, and it must still be a step the dropout RNG accepts.
 */
export const MAX_STEP_COUNT = MAX_DROPOUT_STEP - 1;

export interface CheckpointManifest {
  format: 'wgsl-tensor-checkpoint';
  version: typeof CHECKPOINT_VERSION;
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
  /**
   * FNV-1a (32-bit) of this manifest without `checksum` (as canonical JSON:
   * keys sorted, UTF-8) followed by every byte of `data`.
   */
  checksum: number;
}

export interface Checkpoint {
  manifest: CheckpointManifest;
  data: ArrayBuffer;
}

// ---- saving ------------------------------------------------------------------------


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

export async function encodeWeights(model: TrainingStep): Promise<SavedWeights> {
  const packer = new Packer();
  packer.addFlat(await model.flatParams.read(), model.parameters);
  const manifest: WeightsManifest = {
    format: 'wgsl-tensor-weights', version: 1, tensors: packer.records, layers: copyLayers(model.layers),
  };
  return { manifest, data: packer.finish() };
}

export async function encodeCheckpoint(model: TrainingStep): Promise<Checkpoint> {
  if (model.midEpoch) {
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
  const unsummed: Omit<CheckpointManifest, 'checksum'> = {
    format: 'wgsl-tensor-checkpoint',
    version: CHECKPOINT_VERSION,
    layers: copyLayers(model.layers),
    loss: model.loss,
    seed: model.seed,
    stepCount,
    epochCount,
    weights: packer.records.slice(0, model.parameters.length),
    optimizer: { name: optimizer.name, config: { ...optimizer.config }, state: packer.records.slice(model.parameters.length) },
  };
  return { manifest: { ...unsummed, checksum: checkpointChecksum(unsummed, data) }, data };
}

// ---- loading: decode and check on the CPU, then write -------------------------------

/** Decodes weights saved by saveWeights into the model's flat layout; throws before any GPU write. */
export function decodeWeights(model: TrainingStep, saved: SavedWeights): Float32Array {
  const fn = 'loadWeights';
  const m = checkManifest(fn, saved, 'wgsl-tensor-weights', 1, ['format', 'version', 'tensors', 'layers']);
  const data = checkData(fn, saved.data);
  const placed = placeRecords(fn, 'manifest.tensors', m['tensors'], model.parameters, '', data);
  checkLayout(fn, placed, data);
  const flat = new Float32Array(model.plan.bufferLength);
  readValues(fn, placed, data, flat);
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

const CHECKPOINT_FIELDS = ['format', 'version', 'layers', 'loss', 'seed', 'stepCount', 'epochCount', 'weights', 'optimizer', 'checksum'];

export function decodeCheckpoint(model: TrainingStep, checkpoint: Checkpoint): DecodedCheckpoint {
  const fn = 'loadCheckpoint';
  const m = checkManifest(fn, checkpoint, 'wgsl-tensor-checkpoint', CHECKPOINT_VERSION, CHECKPOINT_FIELDS);
  const data = checkData(fn, checkpoint.data);

  // The same architecture and training set-up, or the resumed run would differ.
  checkLayers(fn, m['layers'], model.layers);
  if (m['loss'] !== model.loss) throw new ValueError(`${fn}: checkpoint was trained with loss ${quoted(m['loss'])}, this model uses '${model.loss}'`);
  if (m['seed'] !== model.seed) {
    throw new ValueError(`${fn}: checkpoint has seed ${describeValue(m['seed'])}, this model has seed ${model.seed} (shuffles and dropout masks depend on it: create the model with the same seed)`);
  }
  // Counters training can continue from: the next step (stepCount + 1) must be one the dropout RNG takes.
  const stepCount = counter(fn, 'stepCount', m['stepCount'], MAX_STEP_COUNT,
    ` (the next step, stepCount + 1, must fit the dropout RNG's u32 step counter)`);
  const epochCount = counter(fn, 'epochCount', m['epochCount'], Number.MAX_SAFE_INTEGER, '');

  const opt = m['optimizer'] as Record<string, unknown> | null | undefined;
  const mine = model.optimizer;
  if (!opt || typeof opt !== 'object' || Array.isArray(opt)) throw new ValueError(`${fn}: manifest.optimizer must be { name, config, state }, got ${describeValue(opt)}`);
  if (opt['name'] !== mine.name) throw new ValueError(`${fn}: checkpoint's optimizer is ${quoted(opt['name'])}, this model's is '${mine.name}'`);
  const config = opt['config'];
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new ValueError(`${fn}: manifest.optimizer.config must be an object, got ${describeValue(config)}`);
  }
  for (const key of new Set([...Object.keys(config), ...Object.keys(mine.config)])) {
    const theirs = Object.hasOwn(config, key) ? (config as Record<string, unknown>)[key] : undefined;
    const ours = Object.hasOwn(mine.config, key) ? mine.config[key] : undefined;
    if (theirs !== ours) {
      throw new ValueError(`${fn}: optimizer ${mine.name} has ${key} ${describeValue(theirs)} in the checkpoint but ${describeValue(ours)} in this model`);
    }
  }

  const names = stateNames(model);
  const expected = names.length * model.parameters.length;
  const stateRecords = opt['state'];
  if (!Array.isArray(stateRecords) || stateRecords.length !== expected) {
    throw new ShapeError(`${fn}: manifest.optimizer.state has ${Array.isArray(stateRecords) ? stateRecords.length : describeValue(stateRecords)} tensors; ` +
      `${mine.name} needs ${expected} (${names.join(', ') || 'none'} for each of ${model.parameters.length} parameters)`);
  }
  const weights = placeRecords(fn, 'manifest.weights', m['weights'], model.parameters, '', data);
  const slots = names.map((name, slot) => {
    const n = model.parameters.length;
    return placeRecords(fn, 'manifest.optimizer.state', stateRecords.slice(slot * n, (slot + 1) * n), model.parameters, `${name}/`, data, slot * n);
  });
  // No state record may point at the weights' bytes (or at another's), and no byte may be left over.
  checkLayout(fn, [...weights, ...slots.flat()], data);
  // The checksum catches what the checks above cannot see (a flipped bit in a weight, a changed counter).
  const sum = checkpointChecksum(m, checkpoint.data);
  if (m['checksum'] !== sum) {
    throw new ValueError(`${fn}: data checksum is 0x${hex(sum)} (over the manifest and the data) but manifest.checksum is ` +
      `${typeof m['checksum'] === 'number' ? `0x${hex(m['checksum'])}` : describeValue(m['checksum'])} (corrupt data)`);
  }
  const params = new Float32Array(model.plan.bufferLength);
  readValues(fn, weights, data, params);
  const state = slots.map((placed) => {
    const flat = new Float32Array(model.plan.bufferLength);
    readValues(fn, placed, data, flat);
    return flat;
  });
  return { params, state, stepCount, epochCount };
}

/** Write a decoded checkpoint into the model (plain buffer writes, in order with training). */
export function applyCheckpoint(model: TrainingStep, decoded: DecodedCheckpoint): void {
  model.engine.write(model.flatParams, decoded.params);
  model.optimizer.state().forEach((t, i) => model.engine.write(t, decoded.state[i]!));
  model.stepCount = decoded.stepCount;
  model.epochCount = decoded.epochCount;
  model.midEpoch = false; // a consistent state again: the checkpoint's epoch end
}

// ---- checks shared by both ------------------------------------------------------------

/**
 * `saved` is { manifest, data } with a manifest of this format and version,
 * holding only the known fields (an unknown one would escape every check,
 * and the checksum, which covers the whole manifest).
 */
function checkManifest(fn: string, saved: unknown, format: string, version: number, fields: readonly string[]): Record<string, unknown> {
  const m = (saved as { manifest?: unknown } | null)?.manifest as Record<string, unknown> | null | undefined;
  if (!saved || typeof saved !== 'object' || !m || typeof m !== 'object' || Array.isArray(m)) {
    throw new ValueError(`${fn}: expected { manifest, data } with a '${format}' manifest, got ${describeValue(m ?? saved)}`);
  }
  if (m['format'] !== format || m['version'] !== version) {
    const other = m['format'] === format ? ` (this is version ${describeValue(m['version'])}; this wgsl-tensor reads version ${version} only: save it again)` : '';
    throw new ValueError(`${fn}: manifest.format must be '${format}' version ${version}, got ${describeValue(m['format'])} version ${describeValue(m['version'])}${other}`);
  }
  for (const key of Object.keys(m)) {
    if (!fields.includes(key)) throw new ValueError(`${fn}: manifest has an unknown field "${key}"; expected ${fields.join(', ')}`);
  }
  return m;
}

function checkData(fn: string, data: unknown): DataView {
  if (!(data instanceof ArrayBuffer)) throw new ValueError(`${fn}: data must be an ArrayBuffer, got ${Object.prototype.toString.call(data)}`);
  return new DataView(data);
}

/** A saved counter: an integer in [0, max]. */
function counter(fn: string, key: string, value: unknown, max: number, why: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValueError(`${fn}: manifest.${key} must be an integer >= 0, got ${describeValue(value)}`);
  }
  if (value > max) throw new ValueError(`${fn}: manifest.${key} must be <= ${max}${why}, got ${value}`);
  return value;
}

/** A saved name as messages show it: 'rmsprop' (anything else described). */
function quoted(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : describeValue(value);
}

/** A record checked against the parameter it stands for, with where its bytes are. */
interface PlacedRecord {
  /** For messages: 'manifest.weights[0] (dense_0/kernel)'. */
  what: string;
  name: string;
  parameter: ParameterEntry;
  byteOffset: number;
  byteLength: number;
}

/**
 * Match `records` (one per model parameter, in order) to the parameters:
 * names, shapes, dtypes, and byte ranges inside `data`. `first` numbers the
 * records in messages when they are a slice of a longer list.
 */
function placeRecords(fn: string, what: string, records: unknown, parameters: readonly ParameterEntry[], prefix: string,
  data: DataView, first = 0): PlacedRecord[] {
  if (!Array.isArray(records) || records.length !== parameters.length) {
    throw new ShapeError(`${fn}: ${what} has ${Array.isArray(records) ? records.length : describeValue(records)} tensors, the model has ${parameters.length}`);
  }
  return parameters.map((p, i) => {
    const t = records[i] as Partial<TensorRecord> | null;
    const name = prefix + p.name;
    const at = `${what}[${first + i}]`;
    if (!t || typeof t !== 'object' || t.name !== name || !Array.isArray(t.shape) || t.shape.length !== p.shape.length ||
        t.shape.some((d, k) => d !== p.shape[k]) || t.dtype !== 'f32') {
      throw new ShapeError(`${fn}: ${at} is ${describeRecord(t)}; the model expects ${name} ${JSON.stringify(p.shape)} f32`);
    }
    const { byteOffset, byteLength } = t as TensorRecord;
    if (typeof byteOffset !== 'number' || !Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0) {
      throw new ValueError(`${fn}: ${at} (${name}) has byteOffset ${describeValue(byteOffset)}; expected a multiple of 4 >= 0`);
    }
    if (byteLength !== p.size * 4) {
      throw new ValueError(`${fn}: ${at} (${name}) has byteLength ${describeValue(byteLength)}; its shape needs ${p.size * 4}`);
    }
    if (byteOffset + byteLength > data.byteLength) {
      throw new ValueError(`${fn}: tensor ${name} needs bytes ${byteOffset}..${byteOffset + byteLength} (${p.size * 4} bytes) ` +
        `but data has ${data.byteLength} (truncated or corrupt)`);
    }
    return { what: `${at} (${name})`, name, parameter: p, byteOffset, byteLength };
  });
}

/** No two records share a byte, and together they cover the data exactly (a saved file is packed back to back). */
function checkLayout(fn: string, placed: readonly PlacedRecord[], data: DataView): void {
  const sorted = [...placed].sort((a, b) => a.byteOffset - b.byteOffset);
  let used = 0;
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const previous = sorted[i - 1];
    if (previous && r.byteOffset < previous.byteOffset + previous.byteLength) {
      throw new ValueError(`${fn}: ${r.what} (bytes ${r.byteOffset}..${r.byteOffset + r.byteLength}) overlaps ` +
        `${previous.what} (bytes ${previous.byteOffset}..${previous.byteOffset + previous.byteLength}); every tensor needs bytes of its own`);
    }
    used += r.byteLength;
  }
  if (used !== data.byteLength) {
    throw new ValueError(`${fn}: data has ${data.byteLength} bytes but the manifest's tensors use ${used}; ` +
      'the data belongs to another manifest, or is corrupt');
  }
}

/** Copy each record's values into `flat` at its parameter's offset; every value must be finite. */
function readValues(fn: string, placed: readonly PlacedRecord[], data: DataView, flat: Float32Array): void {
  for (const { name, parameter: p, byteOffset } of placed) {
    for (let k = 0; k < p.size; k++) {
      const v = data.getFloat32(byteOffset + 4 * k, true);
      if (!Number.isFinite(v)) throw new ValueError(`${fn}: tensor ${name} has ${v} at element ${k}; values must be finite (corrupt file?)`);
      flat[p.offset + k] = v;
    }
  }
}

/** A record as found, for messages ('dense_0/kernel [4,8] f32'); never throws on odd values. */
function describeRecord(t: Partial<TensorRecord> | null | undefined): string {
  if (!t || typeof t !== 'object') return describeValue(t);
  const shape = Array.isArray(t.shape) ? `[${t.shape.map((d) => (typeof d === 'number' ? d : describeValue(d))).join(',')}]` : describeValue(t.shape);
  return `${typeof t.name === 'string' ? t.name : describeValue(t.name)} ${shape} ${typeof t.dtype === 'string' ? t.dtype : describeValue(t.dtype)}`;
}

/** Layers that change parameter shapes are ShapeErrors; other settings (rates, l2) ValueErrors. `init` is ignored: the weights come from the file. */
const SHAPE_KEYS = new Set(['kind', 'inUnits', 'outUnits', 'useBias', 'units', 'pieces']);

function checkLayers(fn: string, saved: unknown, layers: readonly LayerSpec[], where = ''): void {
  if (!Array.isArray(saved) || saved.length !== layers.length) {
    throw new ShapeError(`${fn}: checkpoint has ${Array.isArray(saved) ? saved.length : describeValue(saved)} layers${where ? ` in ${where}` : ''}, ` +
      `this model has ${layers.length}`);
  }
  layers.forEach((layer, i) => {
    const found: unknown = saved[i];
    const other = (found !== null && typeof found === 'object' ? found : {}) as Record<string, unknown>;
    const mine = layer as unknown as Record<string, unknown>;
    const at = `${where ? `${where} > ` : ''}layer ${i} (${layer.kind})`;
    for (const key of new Set([...Object.keys(mine), ...Object.keys(other)])) {
      const theirs = Object.hasOwn(other, key) ? other[key] : undefined;
      if (key === 'init' || theirs === mine[key]) continue;
      // A block's branch: the same checks, one level down.
      if (key === 'layers' && Array.isArray(mine[key]) && other['kind'] === layer.kind) {
        checkLayers(fn, theirs, mine[key] as LayerSpec[], at);
        continue;
      }
      const Err = SHAPE_KEYS.has(key) ? ShapeError : ValueError;
      throw new Err(`${fn}: ${at} has ${key} ${describeValue(theirs)} in the checkpoint but ${describeValue(mine[key])} in this model`);
    }
  });
}

/** A deep copy of the layer specs (plain data; a block's branch is a nested list). */
function copyLayers(layers: readonly LayerSpec[]): LayerSpec[] {
  return JSON.parse(JSON.stringify(layers)) as LayerSpec[];
}

/** Names of the optimizer's state slots ('v' for RMSprop, 'm', 'v' for Adam ...). */
function stateNames(model: TrainingStep): readonly string[] {
  const { optimizer } = model;
  return optimizer.stateNames ?? optimizer.state().map((_, i) => `state${i}`);
}

// ---- the checksum ---------------------------------------------------------------------

/**
 * JSON with object keys sorted, so the checksum does not depend on the order
 * an app's storage gives the keys back in. Values that JSON cannot hold
 * (BigInt, functions) are described instead of throwing; they never match.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') return JSON.stringify(describeValue(value));
  return JSON.stringify(value) ?? 'null';
}

/** FNV-1a of the manifest (without its checksum field) and then of the data: what manifest.checksum must hold. */
export function checkpointChecksum(manifest: object, data: ArrayBuffer): number {
  const { checksum: _ignored, ...unsummed } = manifest as Record<string, unknown>;
  const h = fnv1a(new TextEncoder().encode(canonicalJson(unsummed)));
  return fnv1a(new Uint8Array(data), h);
}

/** FNV-1a, 32-bit: a small checksum that catches changed, missing or swapped bytes; `h` continues an earlier sum. */
function fnv1a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
