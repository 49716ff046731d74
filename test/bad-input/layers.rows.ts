/**
 * Misuse of the layer factories (dense, maxout, dropout): options with
 * unknown keys, initialiser names that are not initialisers (prototype keys
 * included), penalties and limits out of range, sizes of the wrong type.
 */
import { dense, maxout, dropout, ShapeError, ValueError } from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

export const layerRows: Row[] = [
  { what: "dense: init 'bogus'", call: () => dense(4, 3, { init: 'bogus' as never }), error: ValueError, message: ["dense: init must be one of 'glorotUniform', 'heNormal', 'heUniform', 'zeros'", 'got "bogus"'] },
  { what: "dense: init 'toString'", call: () => dense(4, 3, { init: 'toString' as never }), error: ValueError, message: ['dense: init must be one of', 'got "toString"'] },
  { what: 'dense: a near-miss initialiser name', call: () => dense(4, 3, { init: 'glorotuniform' as never }), error: ValueError, message: ['dense: init must be one of', "did you mean 'glorotUniform'?"] },
  { what: 'dense: kernel_initializer instead of init', call: () => dense(4, 3, { kernel_initializer: 'heNormal' } as never), error: ValueError, message: ['dense: unknown option "kernel_initializer"', 'did you mean "init"?'] },
  { what: 'dense: use_bias instead of useBias', call: () => dense(4, 3, { use_bias: false } as never), error: ValueError, message: ['dense: unknown option "use_bias"', 'did you mean "useBias"?'] },
  { what: 'dense: null options', call: () => dense(4, 3, null as never), error: ValueError, message: ['dense: options must be an object, got null'] },
  { what: 'dense: l2 NaN', call: () => dense(4, 3, { l2: NaN }), error: ValueError, message: ['dense: l2 must be a finite number >= 0, got NaN'] },
  { what: 'dense: l2 as a string', call: () => dense(4, 3, { l2: '0.01' as never }), error: ValueError, message: ['dense: l2 must be a finite number >= 0, got "0.01"'] },
  { what: 'dense: negative maxNorm', call: () => dense(4, 3, { maxNorm: -1 }), error: ValueError, message: ['dense: maxNorm must be a finite number >= 0, got -1'] },
  { what: 'dense: maxNorm 0 in f32', call: () => dense(4, 3, { maxNorm: 1e-50 }), error: ValueError, message: ['dense: maxNorm must be non-zero in f32'] },
  { what: 'dense: useBias a string', call: () => dense(4, 3, { useBias: 'no' as never }), error: ValueError, message: ['dense: useBias must be true or false, got "no"'] },
  { what: 'dense: units as a string', call: () => dense('4' as never, 3), error: ValueError, message: ['dense: inUnits must be a positive integer, got "4"'] },
  { what: 'dense: a weight matrix past 2^31 elements', call: () => dense(65536, 65537), error: ShapeError, message: ['dense: a [65536,65537] weight matrix would have more than 2^31 elements'] },
  { what: 'maxout layer: fractional units', call: () => maxout(2.5, 2), error: ValueError, message: ['maxout: units must be a positive integer, got 2.5'] },
  { what: 'maxout layer: NaN pieces', call: () => maxout(4, NaN), error: ValueError, message: ['maxout: pieces must be a positive integer, got NaN'] },
  { what: 'dropout layer: rate as a string', call: () => dropout('0.5' as never), error: ValueError, message: ['dropout: rate must be in [0, 1), got "0.5"'] },
  { what: 'dropout layer: rate Infinity', call: () => dropout(Infinity), error: ValueError, message: ['dropout: rate must be in [0, 1), got Infinity'] },
];
