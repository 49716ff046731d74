/**
 * Misuse of the dataset helpers: ResidentDataset.upload's options and
 * arguments (NaN scale, fractional classes, labels that are not numbers or
 * do not fit the i32 they are stored in, arrays of the wrong kind) and the
 * IDX encoder/parser's arguments.
 */
import { ResidentDataset, encodeIdx, parseIdx, ShapeError, ValueError } from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

const idxLabels = () => encodeIdx([2], Uint8Array.from([1, 2]));

export const dataRows: Row[] = [
  { what: 'upload: NaN scale', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, { scale: NaN })), error: ValueError, message: ['dataset: options.scale must be a finite number, got NaN'] },
  { what: 'upload: scale 0 in f32', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, { scale: 1e-50 })), error: ValueError, message: ['dataset: options.scale must be non-zero in f32'] },
  { what: 'upload: scale as a string', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, { scale: '1' as never })), error: ValueError, message: ['dataset: options.scale must be a finite number, got "1"'] },
  { what: 'upload: fractional classes', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, { classes: 2.5 })), error: ValueError, message: ['dataset: options.classes must be an integer, got 2.5'] },
  { what: 'upload: one class', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, { classes: 1 })), error: ValueError, message: ['dataset: options.classes must be >= 2, got 1'] },
  { what: 'upload: a misspelt option', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, { clases: 3 } as never)), error: ValueError, message: ['ResidentDataset.upload: unknown option "clases"', 'did you mean "classes"?'] },
  { what: 'upload: null options', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, null as never)), error: ValueError, message: ['ResidentDataset.upload: options must be an object, got null'] },
  { what: 'upload: a name that is not a string', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4, { name: 42 as never })), error: ValueError, message: ['ResidentDataset.upload: options.name must be a non-empty string, got 42'] },
  { what: 'upload: fractional features', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, f.y, 4.5)), error: ShapeError, message: ['dataset: features must be a positive integer, got 4.5'] },
  { what: 'upload: labels as strings', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, ['0', '1', '2', '0', '1', '2'] as never, 4)), error: ValueError, message: ['dataset: label "0" at sample 0 is not an integer'] },
  { what: "upload: a label past i32's range", call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, [0, 1, 2, 0, 1, 2 ** 31], 4)), error: ValueError, message: ['dataset: label 2147483648 at sample 5 is outside [0, 2^31 - 1)'] },
  { what: 'upload: null labels', call: (f) => f.own(ResidentDataset.upload(f.engine, f.x, null as never, 4)), error: ValueError, message: ['dataset: y must be an array of integer labels, got null'] },
  { what: 'upload: a Uint8ClampedArray x', call: (f) => f.own(ResidentDataset.upload(f.engine, new Uint8ClampedArray(24) as never, f.y, 4)), error: ValueError, message: ['dataset: x must be a Float32Array or a Uint8Array'] },
  { what: 'upload: a Float64Array x', call: (f) => f.own(ResidentDataset.upload(f.engine, new Float64Array(24) as never, f.y, 4)), error: ValueError, message: ['dataset: x must be a Float32Array or a Uint8Array'] },
  { what: 'upload: not an engine', call: (f) => f.own(ResidentDataset.upload({} as never, f.x, f.y, 4)), error: ValueError, message: ['dataset: engine must be an Engine', 'got an object'] },

  // IDX helpers
  { what: 'encodeIdx: data shorter than the dims', call: () => encodeIdx([2, 2], new Uint8Array(3)), error: ValueError, message: ['encodeIdx: dims [2,2] need 4 bytes of data, got 3'] },
  { what: 'encodeIdx: a fractional dim', call: () => encodeIdx([1.5], new Uint8Array(1)), error: ValueError, message: ['encodeIdx: dims[0] must be an integer, got 1.5'] },
  { what: 'encodeIdx: no dims', call: () => encodeIdx([], new Uint8Array(0)), error: ValueError, message: ['encodeIdx: dims must be an array of 1 to 255 sizes'] },
  { what: 'encodeIdx: data not bytes', call: () => encodeIdx([2], [1, 2] as never), error: ValueError, message: ['encodeIdx: data must be a Uint8Array, got an array'] },
  { what: 'parseIdx: a name that is not a string', call: () => parseIdx(idxLabels(), 42 as never), error: ValueError, message: ['parseIdx: what must be a string', 'got 42'] },
  { what: 'parseIdx: a fractional expected rank', call: () => parseIdx(idxLabels(), 'labels', 1.5), error: ValueError, message: ['parseIdx: expectedRank must be an integer, got 1.5'] },
];
