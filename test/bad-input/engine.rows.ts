/**
 * Misuse of createEngine's options and of the data given to engine.tensor /
 * engine.write: every row must be refused before a device is asked for or a
 * buffer is written (src/engine-options.ts, src/tensor-data.ts).
 */
import { createEngine, DTypeError, ShapeError, ValueError } from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

/** Only where SharedArrayBuffer exists (a browser page must be cross-origin isolated for it). */
const sharedMemoryRows: Row[] = typeof SharedArrayBuffer === 'undefined' ? [] : [
  { what: 'tensor: a view of a SharedArrayBuffer', call: (f) => f.engine.tensor(new Float32Array(new SharedArrayBuffer(8)), [2]), error: ValueError, message: ['tensor: data is a view of a SharedArrayBuffer'] },
];

export const engineRows: Row[] = [
  // createEngine options
  { what: 'createEngine: fractional maxDispatchesPerSubmit', call: () => createEngine({ maxDispatchesPerSubmit: 1.5 }), error: ValueError, message: ['createEngine: options.maxDispatchesPerSubmit must be an integer, got 1.5'] },
  { what: 'createEngine: maxDispatchesPerSubmit 0', call: () => createEngine({ maxDispatchesPerSubmit: 0 }), error: ValueError, message: ['createEngine: options.maxDispatchesPerSubmit must be >= 1, got 0'] },
  { what: 'createEngine: NaN maxDispatchesPerSubmit', call: () => createEngine({ maxDispatchesPerSubmit: NaN }), error: ValueError, message: ['createEngine: options.maxDispatchesPerSubmit must be a finite number, got NaN'] },
  { what: 'createEngine: maxDispatchesPerSubmit past the profiler', call: () => createEngine({ maxDispatchesPerSubmit: 100000 }), error: ValueError, message: ['createEngine: options.maxDispatchesPerSubmit must be <= 2048, got 100000'] },
  { what: 'createEngine: negative maxPooledBytes', call: () => createEngine({ maxPooledBytes: -1 }), error: ValueError, message: ['createEngine: options.maxPooledBytes must be >= 0, got -1'] },
  { what: 'createEngine: maxPooledBytes as a string', call: () => createEngine({ maxPooledBytes: '1e6' as never }), error: ValueError, message: ['createEngine: options.maxPooledBytes must be a finite number, got "1e6"'] },
  { what: 'createEngine: an adapter that is not a string', call: () => createEngine({ adapter: 42 as never }), error: ValueError, message: ['createEngine: options.adapter must be a non-empty string', 'got 42'] },
  { what: "createEngine: powerPreference 'toString'", call: () => createEngine({ powerPreference: 'toString' as never }), error: ValueError, message: ["createEngine: options.powerPreference must be one of 'low-power', 'high-performance'", 'got "toString"'] },
  { what: 'createEngine: a device that is not a GPUDevice', call: () => createEngine({ device: {} as never }), error: ValueError, message: ['createEngine: options.device must be a GPUDevice', 'got an object'] },
  { what: 'createEngine: a misspelt option', call: () => createEngine({ adaptor: 'gpu' } as never), error: ValueError, message: ['createEngine: unknown option "adaptor"', 'did you mean "adapter"?'] },
  { what: 'createEngine: null options', call: () => createEngine(null as never), error: ValueError, message: ['createEngine: options must be an object, got null'] },
  { what: 'createEngine: an array as options', call: () => createEngine([] as never), error: ValueError, message: ['createEngine: options must be an object, got an array'] },

  // tensor data and dtype names
  { what: 'tensor: a string as data', call: (f) => f.engine.tensor('abc' as never, [3]), error: ValueError, message: ['tensor: data must be a typed array', 'got "abc"'] },
  { what: 'tensor: null data', call: (f) => f.engine.tensor(null as never, [1]), error: ValueError, message: ['tensor: data must be a typed array', 'got null'] },
  { what: 'tensor: a BigInt64Array', call: (f) => f.engine.tensor(new BigInt64Array(2) as never, [2]), error: ValueError, message: ['tensor: data must be a typed array', 'got a BigInt64Array'] },
  { what: 'tensor: a Uint8ClampedArray', call: (f) => f.engine.tensor(new Uint8ClampedArray(4) as never, [4]), error: ValueError, message: ['tensor: data must be a typed array', 'got a Uint8ClampedArray'] },
  { what: 'tensor: a Float64Array', call: (f) => f.engine.tensor(new Float64Array(2) as never, [2]), error: ValueError, message: ['tensor: data must be a typed array', 'got a Float64Array'] },
  { what: 'tensor: a DataView', call: (f) => f.engine.tensor(new DataView(new ArrayBuffer(8)) as never, [2]), error: ValueError, message: ['tensor: data must be a typed array', 'got a DataView'] },
  ...sharedMemoryRows,
  { what: 'tensor: a string element', call: (f) => f.engine.tensor([1, 'a', 3] as never, [3]), error: ValueError, message: ['tensor: data[1] is "a", not a number'] },
  { what: 'tensor: an undefined element', call: (f) => f.engine.tensor([1, undefined] as never, [2]), error: ValueError, message: ['tensor: data[1] is undefined, not a number'] },
  { what: 'tensor: a hole in a sparse array', call: (f) => f.engine.tensor(new Array(3) as never, [3]), error: ValueError, message: ['tensor: data[0] is undefined, not a number'] },
  { what: "tensor: a number past f32's range", call: (f) => f.engine.tensor([1e39], [1]), error: ValueError, message: ["tensor: data[0] is 1e+39, outside f32's range"] },
  { what: 'tensor: a fraction for i32', call: (f) => f.engine.tensor([1, 1.5], [2], 'i32'), error: ValueError, message: ['tensor: data[1] is 1.5, not an integer (dtype i32)'] },
  { what: "tensor: 2^31 for i32", call: (f) => f.engine.tensor([2 ** 31], [1], 'i32'), error: ValueError, message: ["tensor: data[0] is 2147483648, outside i32's range"] },
  { what: 'tensor: a negative number for u32', call: (f) => f.engine.tensor([-1], [1], 'u32'), error: ValueError, message: ["tensor: data[0] is -1, outside u32's range"] },
  { what: 'tensor: Float32Array data with dtype i32', call: (f) => f.engine.tensor(new Float32Array(2), [2], 'i32'), error: DTypeError, message: ["tensor: data is a Float32Array (f32) but dtype is 'i32'", 'Int32Array.from(data)'] },
  { what: "tensor: dtype 'f64'", call: (f) => f.engine.tensor([1], [1], 'f64' as never), error: DTypeError, message: ["tensor: dtype must be one of 'f32', 'i32', 'u32'", 'got "f64"'] },
  { what: "tensor: dtype 'toString'", call: (f) => f.engine.tensor([1], [1], 'toString' as never), error: DTypeError, message: ['tensor: dtype must be one of', 'got "toString"'] },
  { what: 'tensor: a BigInt in the shape', call: (f) => f.engine.tensor([1], [1n] as never), error: ShapeError, message: ['tensor: shape must contain positive integers, got [1n]'] },
  { what: "zeros: dtype 'f64'", call: (f) => f.engine.zeros([2], 'f64' as never), error: DTypeError, message: ["empty: dtype must be one of 'f32', 'i32', 'u32'", 'got "f64"'] },
  { what: 'empty: no dtype', call: (f) => f.engine.empty([2], undefined as never), error: DTypeError, message: ['empty: dtype must be one of', 'got undefined'] },
  { what: 'profile: record not a function', call: (f) => f.engine.profile(42 as never), error: ValueError, message: ['profile: record must be a function', 'got 42'] },
  { what: 'write: Int32Array data into an f32 tensor', call: (f) => f.engine.write(f.a, new Int32Array(6)), error: DTypeError, message: ["write: data is an Int32Array (i32) but dtype is 'f32'"] },
  { what: 'write: a fraction into an i32 tensor', call: (f) => f.engine.write(f.labels, [0.5, 1]), error: ValueError, message: ['write: data[0] is 0.5, not an integer (dtype i32)'] },
  { what: 'write: a string as data', call: (f) => f.engine.write(f.a, 'abcdef' as never), error: ValueError, message: ['write: data must be a typed array', 'got "abcdef"'] },
  { what: 'dispatch: an empty spec', call: (f) => f.engine.dispatch({} as never), error: ValueError, message: ['dispatch: spec.kernel must be a KernelSource', 'got undefined'] },
  { what: 'dispatch: workgroups not integers', call: (f) => f.engine.dispatch({ kernel: { file: 'x.wgsl', source: '' }, entryPoint: 'main', buffers: {}, workgroups: [1.5] as never }), error: ValueError, message: ['dispatch: spec.workgroups must be [x, y?, z?] of non-negative integers'] },
];
