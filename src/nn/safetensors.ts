/**
 * safetensors in and out: the file format PyTorch, Keras 3 and the Hugging
 * Face tools share for weights.
 *
 *   bytes 0..8     N, the header's length: unsigned 64-bit little-endian
 *   bytes 8..8+N   a UTF-8 JSON object: name -> { dtype, shape, data_offsets: [begin, end] },
 *                  plus an optional "__metadata__": { string: string }
 *                  (padded with spaces to a multiple of 8 bytes)
 *   bytes 8+N..    the data: each tensor row-major, little-endian, at [begin, end)
 *                  relative to the start of the data; tensors tile it without gaps
 *
 * Two layouts name and shape the same weights differently:
 *   'keras'   (default)  `dense_<i>/kernel` [in, out] and `dense_<i>/bias` [out],
 *                        <i> the layer's index in `model.layers` (our own names:
 *                        `model.parameters`)
 *   'pytorch'            `<i>.weight` [out, in] and `<i>.bias` [out], as the
 *                        state_dict of a torch.nn.Sequential holding the same
 *                        layers: its indices count every module (Linear, ReLU,
 *                        Dropout), like <i> here. Kernels are transposed on the way.
 * A `names` map (file name -> the layout's name) loads files named otherwise.
 *
 * dtypes: F32 is read as is. F16 and BF16 widen to f32 exactly; F64 rounds to
 * the nearest f32, and a value beyond f32's range is refused (it would be
 * infinite). Integer and 8-bit float dtypes are refused. Everything is checked
 * before a single weight is written.
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { checkChoice, checkOptions, describeValue, F32_MAX, suggest } from '../options.js';
import type { ParameterEntry } from './layer-plan.js';

export type SafetensorsLayout = 'keras' | 'pytorch';

export interface SafetensorsSaveOptions {
  layout?: SafetensorsLayout;
  /** Extra string entries for the header's __metadata__. */
  metadata?: Record<string, string>;
}

export interface SafetensorsLoadOptions {
  layout?: SafetensorsLayout;
  /** Renames: a tensor name in the file -> the name the layout expects (e.g. { 'fc1.weight': '0.weight' }). */
  names?: Record<string, string>;
}

/** What encoding and decoding need of a model (Sequential satisfies it). */
export interface SafetensorsModel {
  readonly parameters: readonly ParameterEntry[];
  readonly parameterCount: number;
}

/** Bytes per element of every dtype the format defines; only the float ones are loadable. */
const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};
const LOADABLE = ['F32', 'F16', 'BF16', 'F64'];
/** The reference implementation's limit: a larger header is a corrupt file, not a model. */
const MAX_HEADER_BYTES = 100_000_000;

/** One model tensor as a layout names and shapes it. */
interface Expected {
  name: string;
  shape: number[];
  entry: ParameterEntry;
  /** Stored [out, in] while the model holds [in, out]. */
  transposed: boolean;
}

function expectedTensors(model: SafetensorsModel, layout: SafetensorsLayout): Expected[] {
  return model.parameters.map((entry) => {
    if (layout === 'keras') return { name: entry.name, shape: [...entry.shape], entry, transposed: false };
    // The layer records say how PyTorch names and stores each parameter (src/nn/layers/*.ts).
    return entry.pytorchTransposed
      ? { name: entry.pytorchName, shape: [entry.shape[1]!, entry.shape[0]!], entry, transposed: true }
      : { name: entry.pytorchName, shape: [...entry.shape], entry, transposed: false };
  });
}

const shapeText = (shape: readonly number[]) => `[${shape.join(',')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

// ---- saving --------------------------------------------------------------------------

/**
 * Checks the options, then returns the encoder for the packed weights (all
 * parameters back to back in `parameters` order), so a bad option fails
 * before the weights are read from the GPU.
 */
export function encodeSafetensors(model: SafetensorsModel, options: SafetensorsSaveOptions): (packed: Float32Array) => Uint8Array {
  const fn = 'saveSafetensors';
  checkOptions(fn, options, ['layout', 'metadata']);
  const layout = checkChoice(fn, 'layout', options.layout ?? 'keras', ['keras', 'pytorch'] as const);
  const extra = options.metadata ?? {};
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new ValueError(`${fn}: metadata must be an object of strings, got ${describeValue(extra)}`);
  for (const [k, v] of Object.entries(extra)) {
    if (typeof v !== 'string') throw new ValueError(`${fn}: metadata.${k} must be a string (safetensors metadata is string to string), got ${describeValue(v)}`);
  }
  const tensors = expectedTensors(model, layout);
  return (packed) => {
    const header: Record<string, unknown> = { __metadata__: { format: layout === 'pytorch' ? 'pt' : 'keras', producer: 'wgsl-tensor', ...extra } };
    let at = 0;
    for (const t of tensors) {
      header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [at, at + t.entry.size * 4] };
      at += t.entry.size * 4;
    }
    let json = new TextEncoder().encode(JSON.stringify(header));
    const padded = Math.ceil(json.length / 8) * 8; // the data then starts 8-byte aligned
    if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
    const out = new Uint8Array(8 + json.length + at);
    const view = new DataView(out.buffer);
    view.setUint32(0, json.length, true);
    view.setUint32(4, 0, true);
    out.set(json, 8);
    let byte = 8 + json.length;
    let packedAt = 0;
    for (const t of tensors) {
      const [rows, cols] = t.entry.shape.length === 2 ? [t.entry.shape[0]!, t.entry.shape[1]!] : [1, t.entry.size];
      for (let i = 0; i < t.entry.size; i++, byte += 4) {
        // stored row-major in the layout's shape; for [out, in], element (o, k) is the model's (k, o)
        const source = t.transposed ? (i % rows) * cols + Math.floor(i / rows) : i;
        view.setFloat32(byte, packed[packedAt + source]!, true);
      }
      packedAt += t.entry.size;
    }
    return out;
  };
}

// ---- loading -------------------------------------------------------------------------

interface FileTensor {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Header length, JSON and entries, checked against the file's size. */
function parseHeader(fn: string, bytes: Uint8Array): { tensors: FileTensor[]; dataStart: number } {
  if (bytes.length < 8) throw new ValueError(`${fn}: the file has ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerBytes = high * 2 ** 32 + low;
  if (high !== 0 || headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > bytes.length) {
    throw new ValueError(`${fn}: the header length ${headerBytes} runs past the end of the file (${bytes.length} bytes; truncated, or not a safetensors file)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes)));
  } catch (err) {
    throw new ValueError(`${fn}: the header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new ValueError(`${fn}: the header must be a JSON object of tensors, got ${describeValue(header)}`);
  }
  const dataStart = 8 + headerBytes;
  const dataLength = bytes.length - dataStart;
  const tensors: FileTensor[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok = info !== null && typeof info === 'object' && !Array.isArray(info) && Object.values(info).every((v) => typeof v === 'string');
      if (!ok) throw new ValueError(`${fn}: __metadata__ must be an object of strings, got ${describeValue(info)}`);
      continue;
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (t === null || typeof t !== 'object' || Array.isArray(t)) throw new ValueError(`${fn}: tensor "${name}" must be { dtype, shape, data_offsets }, got ${describeValue(info)}`);
    const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (typeof t.dtype !== 'string') throw new ValueError(`${fn}: tensor "${name}" has no dtype string, got ${describeValue(t.dtype)}`);
    if (!Array.isArray(t.shape) || !t.shape.every(isCount)) throw new ValueError(`${fn}: tensor "${name}" has shape ${JSON.stringify(t.shape)}; expected an array of integers >= 0`);
    const offsets = t.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw new ValueError(`${fn}: tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      throw new ValueError(`${fn}: tensor "${name}" has data_offsets [${begin}, ${end}] past the end of the data (${dataLength} bytes; truncated file?)`);
    }
    tensors.push({ name, dtype: t.dtype, shape: t.shape as number[], begin, end });
  }
  // Tensors must tile the data exactly, as the reference reader requires: an
  // overlap or a gap means a corrupt file.
  const byStart = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of byStart) {
    if (t.begin < at) throw new ValueError(`${fn}: tensor "${t.name}" at bytes [${t.begin}, ${t.end}) overlaps the tensor before it (which ends at ${at})`);
    if (t.begin > at) throw new ValueError(`${fn}: data bytes [${at}, ${t.begin}) belong to no tensor (corrupt data_offsets before "${t.name}")`);
    at = t.end;
  }
  if (at !== dataLength) throw new ValueError(`${fn}: the data has ${dataLength} bytes but the tensors cover ${at} (corrupt file)`);
  return { tensors, dataStart };
}

/** Element i of a tensor stored as `dtype`, as an f32-representable number. */
function reader(dtype: string, view: DataView, start: number): (i: number) => number {
  switch (dtype) {
    case 'F32': return (i) => view.getFloat32(start + 4 * i, true);
    case 'F64': return (i) => Math.fround(view.getFloat64(start + 8 * i, true));
    case 'BF16': {
      // bf16 is the top half of an f32: shift it back into place
      const word = new DataView(new ArrayBuffer(4));
      return (i) => { word.setUint32(0, view.getUint16(start + 2 * i, true) << 16); return word.getFloat32(0); };
    }
    case 'F16': return (i) => halfToFloat(view.getUint16(start + 2 * i, true));
    default: throw new Error(`unreachable dtype ${dtype}`);
  }
}

/** IEEE 754 binary16 -> number (exact). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Decodes and checks a safetensors file for `model`: returns the weights
 * packed in `parameters` order (the caller checks they are finite and writes).
 */
export function decodeSafetensors(model: SafetensorsModel, file: unknown, options: SafetensorsLoadOptions): Float32Array {
  const fn = 'loadSafetensors';
  checkOptions(fn, options, ['layout', 'names']);
  const layout = checkChoice(fn, 'layout', options.layout ?? 'keras', ['keras', 'pytorch'] as const);
  const names = options.names ?? {};
  if (names === null || typeof names !== 'object' || Array.isArray(names) || !Object.values(names).every((v) => typeof v === 'string')) {
    throw new ValueError(`${fn}: names must be an object mapping file names to ${layout} names, got ${describeValue(names)}`);
  }
  const bytes = file instanceof Uint8Array ? file : file instanceof ArrayBuffer ? new Uint8Array(file) : null;
  if (!bytes) throw new ValueError(`${fn}: bytes must be a Uint8Array or an ArrayBuffer, got ${describeValue(file)}`);

  const { tensors, dataStart } = parseHeader(fn, bytes);
  const expected = expectedTensors(model, layout);
  const byName = new Map<string, FileTensor>();
  for (const t of tensors) {
    const name = Object.hasOwn(names, t.name) ? names[t.name]! : t.name;
    if (byName.has(name)) throw new ValueError(`${fn}: two tensors of the file map to "${name}"`);
    byName.set(name, t);
  }
  const wanted = expected.map((e) => e.name);
  for (const name of byName.keys()) {
    if (!wanted.includes(name)) {
      const hint = suggest(name, wanted);
      throw new ValueError(`${fn}: tensor "${name}" in the file is not a weight of this model in the ${layout} layout` +
        `${hint ? ` (did you mean "${hint}"?)` : ''}; expected ${wanted.join(', ')}`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packed = new Float32Array(model.parameterCount);
  let at = 0;
  for (const e of expected) {
    const t = byName.get(e.name);
    if (!t) {
      throw new ValueError(`${fn}: the file has no tensor "${e.name}" ${shapeText(e.shape)} (layout '${layout}'); ` +
        `it has ${tensors.map((f) => f.name).join(', ') || 'no tensors'}`);
    }
    if (!Object.hasOwn(DTYPE_BYTES, t.dtype) || !LOADABLE.includes(t.dtype)) {
      throw new DTypeError(`${fn}: tensor "${t.name}" has dtype ${t.dtype}; weights must be F32 (F16, BF16 and F64 are converted)`);
    }
    if (!sameShape(t.shape, e.shape)) {
      const other = layout === 'keras' ? 'pytorch' : 'keras';
      const flipped = e.shape.length === 2 && sameShape(t.shape, [e.shape[1]!, e.shape[0]!]);
      throw new ShapeError(`${fn}: tensor "${t.name}" is ${shapeText(t.shape)}; the model expects ${e.name} ${shapeText(e.shape)} in the ${layout} layout` +
        (flipped ? ` (transposed: is it a file of the '${other}' layout?)` : ''));
    }
    const size = e.entry.size;
    if (t.end - t.begin !== size * DTYPE_BYTES[t.dtype]!) {
      throw new ValueError(`${fn}: tensor "${t.name}" ${t.dtype} ${shapeText(t.shape)} needs ${size * DTYPE_BYTES[t.dtype]!} bytes but data_offsets give ${t.end - t.begin}`);
    }
    const read = reader(t.dtype, view, dataStart + t.begin);
    const [rows, cols] = e.entry.shape.length === 2 ? [e.entry.shape[0]!, e.entry.shape[1]!] : [1, size];
    for (let i = 0; i < size; i++) {
      const value = read(i);
      if (t.dtype === 'F64' && Math.abs(value) > F32_MAX) {
        throw new ValueError(`${fn}: tensor "${t.name}" element ${i} does not fit in f32`);
      }
      // file element i is (o, k) of [out, in] when transposed: the model's (k, o)
      const target = e.transposed ? (i % rows) * cols + Math.floor(i / rows) : i;
      packed[at + target] = value;
    }
    at += size;
  }
  return packed;
}
