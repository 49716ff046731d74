/**
 * safetensors in and out. The fixtures are written byte by byte from the
 * format's description (8-byte little-endian header length, JSON header,
 * little-endian data), in memory, so the spec runs in Node and Chromium alike.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { expectBitEqual } from './helpers/compare.js';
import { Sequential, dense, relu, dropout, DTypeError, ShapeError, ValueError, type Engine } from '../src/index.js';

type Dtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32';
interface FixtureTensor { name: string; dtype: Dtype; shape: number[]; values: number[] | Uint16Array }

/** Bytes of one tensor, little-endian. F16/BF16 values are given as raw 16-bit patterns. */
function tensorBytes(t: FixtureTensor): Uint8Array {
  const size = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4 }[t.dtype];
  const out = new Uint8Array(t.values.length * size);
  const view = new DataView(out.buffer);
  Array.from(t.values).forEach((v, i) => {
    if (t.dtype === 'F32') view.setFloat32(i * 4, v, true);
    else if (t.dtype === 'F64') view.setFloat64(i * 8, v, true);
    else if (t.dtype === 'I32') view.setInt32(i * 4, v, true);
    else view.setUint16(i * 2, v, true);
  });
  return out;
}

/**
 * A safetensors file: u64 LE header length, the JSON header, the data.
 * `edit` may change the header object (or return a string) before encoding;
 * `headerLength` overrides the length written in the first 8 bytes.
 */
function safetensorsFile(tensors: FixtureTensor[], options: {
  edit?: (header: Record<string, unknown>) => unknown; headerLength?: number; metadata?: Record<string, unknown>;
} = {}): Uint8Array {
  const header: Record<string, unknown> = options.metadata ? { __metadata__: options.metadata } : {};
  const chunks = tensors.map(tensorBytes);
  let at = 0;
  tensors.forEach((t, i) => {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + chunks[i]!.length] };
    at += chunks[i]!.length;
  });
  const edited = options.edit ? options.edit(header) ?? header : header;
  const json = new TextEncoder().encode(typeof edited === 'string' ? edited : JSON.stringify(edited));
  const file = new Uint8Array(8 + json.length + at);
  const length = options.headerLength ?? json.length;
  for (let b = 0; b < 8; b++) file[b] = Math.floor(length / 2 ** (8 * b)) & 0xff; // little-endian u64
  file.set(json, 8);
  let offset = 8 + json.length;
  for (const c of chunks) { file.set(c, offset); offset += c.length; }
  return file;
}

/** The header of a file, parsed by hand (to check what saveSafetensors wrote). */
function readHeader(file: Uint8Array): { length: number; header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> } {
  let length = 0;
  for (let b = 7; b >= 0; b--) length = length * 256 + file[b]!;
  return { length, header: JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + length))) };
}

describe('safetensors', function () {
  this.timeout(60_000);
  let engine: Engine;
  const made: Sequential[] = [];
  /** dense(3,4) relu dropout dense(4,2): torch.nn.Sequential(Linear(3,4), ReLU(), Dropout(), Linear(4,2)). */
  const model = () => {
    const m = new Sequential(engine, [dense(3, 4), relu(), dropout(0.5), dense(4, 2)], { seed: 1 });
    made.push(m);
    return m;
  };
  before(async () => { engine = await getEngine(); });
  afterEach(() => { for (const m of made.splice(0)) m.dispose(); });

  // PyTorch weights: W0 [out=4, in=3], b0 [4], W3 [2, 4], b3 [2]
  const W0 = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]].map((r) => r.map((v) => v / 10));
  const b0 = [0.5, -0.5, 0.25, -0.25];
  const W3 = [[1, -1, 0.5, 2], [-2, 0.5, 1, -1]];
  const b3 = [0.125, -0.125];
  const torchTensors = (): FixtureTensor[] => [
    { name: '0.weight', dtype: 'F32', shape: [4, 3], values: W0.flat() },
    { name: '0.bias', dtype: 'F32', shape: [4], values: b0 },
    { name: '3.weight', dtype: 'F32', shape: [2, 4], values: W3.flat() },
    { name: '3.bias', dtype: 'F32', shape: [2], values: b3 },
  ];
  /** The same weights in our packed order: kernels [in, out] (the transposes). */
  const transpose = (w: number[][]) => w[0]!.map((_, k) => w.map((row) => row[k]!));
  const expectedPacked = Float32Array.from([...transpose(W0).flat(), ...b0, ...transpose(W3).flat(), ...b3]);

  it("layout 'pytorch': names <index>.weight [out, in] / .bias, transposed into the model; predict computes x Wᵀ + b as PyTorch does", async () => {
    const m = model();
    m.loadSafetensors(safetensorsFile(torchTensors(), { metadata: { format: 'pt' } }), { layout: 'pytorch' });
    expectBitEqual(await m.getWeights(), expectedPacked, 'packed weights');
    const x = [0.3, -1, 2];
    const h = W0.map((row, o) => Math.max(0, row.reduce((s, w, k) => s + w * x[k]!, b0[o]!)));
    const logits = W3.map((row, o) => row.reduce((s, w, k) => s + w * h[k]!, b3[o]!));
    const { data } = await m.predict(Float32Array.from(x), { output: 'logits' });
    logits.forEach((v, i) => expect(data[i]).to.be.closeTo(v, 1e-5));
  });

  it("layout 'keras' (default): dense_<index>/kernel [in, out] and /bias; a names map renames", async () => {
    const m = model();
    const keras: FixtureTensor[] = [
      { name: 'dense_0/kernel', dtype: 'F32', shape: [3, 4], values: transpose(W0).flat() },
      { name: 'dense_0/bias', dtype: 'F32', shape: [4], values: b0 },
      { name: 'dense_3/kernel', dtype: 'F32', shape: [4, 2], values: transpose(W3).flat() },
      { name: 'dense_3/bias', dtype: 'F32', shape: [2], values: b3 },
    ];
    m.loadSafetensors(safetensorsFile(keras));
    expectBitEqual(await m.getWeights(), expectedPacked, 'keras layout');
    const renamed = torchTensors().map((t) => ({ ...t, name: t.name.replace('0.', 'fc1.').replace('3.', 'fc2.') }));
    const other = model();
    other.loadSafetensors(safetensorsFile(renamed).buffer as ArrayBuffer, {
      layout: 'pytorch', names: { 'fc1.weight': '0.weight', 'fc1.bias': '0.bias', 'fc2.weight': '3.weight', 'fc2.bias': '3.bias' },
    });
    expectBitEqual(await other.getWeights(), expectedPacked, 'renamed');
  });

  it('F16 and BF16 widen exactly; F64 rounds to the nearest f32', async () => {
    const m = model();
    // F16: 1.0 = 0x3c00, -2 = 0xc000, 0.333251953125 = 0x3555, 2^-24 (smallest subnormal) = 0x0001
    // BF16: 1.0 = 0x3f80, 3.140625 = 0x4049
    const half = Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001, 0x3c00, 0xc000, 0x3555, 0x0001, 0x3c00, 0xc000, 0x3555, 0x0001]);
    const file = safetensorsFile([
      { name: '0.weight', dtype: 'F16', shape: [4, 3], values: half },
      { name: '0.bias', dtype: 'BF16', shape: [4], values: Uint16Array.from([0x3f80, 0x4049, 0x3f80, 0x4049]) },
      { name: '3.weight', dtype: 'F64', shape: [2, 4], values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] },
      { name: '3.bias', dtype: 'F32', shape: [2], values: [1, 2] },
    ]);
    m.loadSafetensors(file, { layout: 'pytorch' });
    const w = await m.getWeights();
    const halfValues = [1, -2, 0.333251953125, 2 ** -24];
    const W0h = [0, 1, 2, 3].map((o) => [0, 1, 2].map((k) => halfValues[(o * 3 + k) % 4]!));
    expect(Array.from(w.subarray(0, 12))).to.deep.equal(transpose(W0h).flat());
    expect(Array.from(w.subarray(12, 16))).to.deep.equal([1, 3.140625, 1, 3.140625]);
    const W3d = [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]];
    expect(Array.from(w.subarray(16, 24))).to.deep.equal(transpose(W3d).flat().map(Math.fround));
  });

  it('round trip: saveSafetensors (pytorch) writes [out, in] F32 tensors with an aligned header; loading it gives the same weights and predictions', async () => {
    const a = model();
    a.setWeights(expectedPacked);
    const file = await a.saveSafetensors({ layout: 'pytorch', metadata: { note: 'round trip' } });
    const { length, header } = readHeader(file);
    expect(length % 8).to.equal(0);
    expect((header as Record<string, unknown>).__metadata__).to.deep.equal({ format: 'pt', producer: 'wgsl-tensor', note: 'round trip' });
    expect(header['0.weight']).to.deep.equal({ dtype: 'F32', shape: [4, 3], data_offsets: [0, 48] });
    expect(header['3.bias']).to.deep.equal({ dtype: 'F32', shape: [2], data_offsets: [96, 104] });
    expect(file.length).to.equal(8 + length + 104);
    // the stored 0.weight is PyTorch's W0, row-major, little-endian
    const view = new DataView(file.buffer, file.byteOffset + 8 + length);
    expect(Array.from({ length: 12 }, (_, i) => view.getFloat32(4 * i, true))).to.deep.equal(Array.from(Float32Array.from(W0.flat())));
    const b = model();
    b.loadSafetensors(file, { layout: 'pytorch' });
    expectBitEqual(await b.getWeights(), await a.getWeights(), 'round trip');
    // keras layout round trip too
    const c = model();
    c.loadSafetensors(await a.saveSafetensors());
    expectBitEqual(await c.getWeights(), expectedPacked, 'keras round trip');
    expect(Object.keys(readHeader(await a.saveSafetensors()).header)).to.deep.equal(['__metadata__', 'dense_0/kernel', 'dense_0/bias', 'dense_3/kernel', 'dense_3/bias']);
  });

  describe('a bad file is a typed error before anything is written', () => {
    const good = torchTensors;
    const replace = (name: string, change: Partial<FixtureTensor>) => good().map((t) => (t.name === name ? { ...t, ...change } : t));
    const cases: [string, () => Uint8Array | unknown, typeof ValueError, string][] = [
      ['fewer than 8 bytes', () => new Uint8Array(5), ValueError, 'loadSafetensors: the file has 5 bytes; a safetensors file starts with an 8-byte header length'],
      ['header length past the end', () => safetensorsFile(good(), { headerLength: 10_000 }), ValueError, 'the header length 10000 runs past the end of the file'],
      ['header length above 2^32', () => safetensorsFile(good(), { headerLength: 2 ** 40 }), ValueError, 'runs past the end of the file'],
      ['header not JSON', () => safetensorsFile(good(), { edit: (h) => JSON.stringify(h).slice(0, -1) }), ValueError, 'the header is not valid UTF-8 JSON'],
      ['header a JSON array', () => safetensorsFile(good(), { edit: () => '[]' }), ValueError, 'the header must be a JSON object of tensors, got an array'],
      ['an I32 tensor', () => safetensorsFile(replace('0.bias', { dtype: 'I32', values: [1, 2, 3, 4] })), DTypeError, 'tensor "0.bias" has dtype I32; weights must be F32 (F16, BF16 and F64 are converted)'],
      ['an unknown dtype', () => safetensorsFile(good(), { edit: (h) => { (h['0.bias'] as { dtype: string }).dtype = 'F128'; } }), DTypeError, 'has dtype F128'],
      ['a transposed (keras-layout) kernel', () => safetensorsFile(replace('0.weight', { shape: [3, 4] })), ShapeError, 'tensor "0.weight" is [3,4]; the model expects 0.weight [4,3] in the pytorch layout (transposed: is it a file of the \'keras\' layout?)'],
      ['a kernel of another size', () => safetensorsFile(replace('3.weight', { shape: [2, 5], values: new Array(10).fill(0) })), ShapeError, 'tensor "3.weight" is [2,5]; the model expects 3.weight [2,4]'],
      ['a missing tensor', () => safetensorsFile(good().slice(0, 3)), ValueError, 'the file has no tensor "3.bias" [2]'],
      ['an extra tensor', () => safetensorsFile([...good(), { name: '5.weight', dtype: 'F32', shape: [1], values: [0] }]), ValueError, 'tensor "5.weight" in the file is not a weight of this model in the pytorch layout'],
      ['overlapping data_offsets', () => safetensorsFile(good(), { edit: (h) => { (h['0.bias'] as { data_offsets: number[] }).data_offsets = [40, 56]; } }), ValueError, 'overlaps the tensor before it'],
      ['data_offsets past the end', () => safetensorsFile(good(), { edit: (h) => { (h['3.bias'] as { data_offsets: number[] }).data_offsets = [96, 200]; } }), ValueError, 'tensor "3.bias" has data_offsets [96, 200] past the end of the data (104 bytes'],
      ['bytes of no tensor', () => safetensorsFile(good(), { edit: (h) => { delete h['3.bias']; } }), ValueError, 'the data has 104 bytes but the tensors cover 96'],
      ['data_offsets not matching the shape', () => safetensorsFile(good(), { edit: (h) => { (h['0.bias'] as { shape: number[] }).shape = [4]; (h['0.bias'] as { dtype: string }).dtype = 'F64'; } }), ValueError, 'tensor "0.bias" F64 [4] needs 32 bytes but data_offsets give 16'],
      ['bad data_offsets', () => safetensorsFile(good(), { edit: (h) => { (h['0.bias'] as { data_offsets: unknown }).data_offsets = [48, -1]; } }), ValueError, 'has data_offsets [48,-1]; expected [begin, end]'],
      ['a non-string __metadata__ value', () => safetensorsFile(good(), { metadata: { epochs: 3 } }), ValueError, '__metadata__ must be an object of strings'],
      ['a NaN weight', () => safetensorsFile(replace('3.bias', { values: [NaN, 0] })), ValueError, 'loadSafetensors: tensor dense_3/bias has NaN at element 0; weights must be finite'],
      ['an F64 beyond f32', () => safetensorsFile(replace('3.bias', { dtype: 'F64', values: [1e300, 0] })), ValueError, 'tensor "3.bias" element 0 does not fit in f32'],
      ['not bytes', () => 'AAAA', ValueError, 'loadSafetensors: bytes must be a Uint8Array or an ArrayBuffer, got "AAAA"'],
    ];
    for (const [what, file, type, message] of cases) {
      it(what, async () => {
        const m = model();
        const before = await m.getWeights();
        const stats = engine.stats();
        const err = await thrown(() => m.loadSafetensors(file() as Uint8Array, { layout: 'pytorch' }));
        expect(err, String(err)).to.be.instanceOf(type);
        expect(err.message).to.include(message);
        expect(engine.stats().dispatches).to.equal(stats.dispatches);
        expectBitEqual(await m.getWeights(), before, 'model unchanged');
      });
    }
  });
});
