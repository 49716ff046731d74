/**
 * Misuse of the tuning API: createEngine's `tuning` option and
 * engine.autotune's shape list (src/engine-options.ts, src/ops/matmul-autotune.ts).
 * Every row is refused before any tensor is made or anything is timed.
 */
import { createEngine, LimitError, ValueError } from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

export const tuningRows: Row[] = [
  { what: "createEngine: tuning 'fast'", call: () => createEngine({ tuning: 'fast' as never }), error: ValueError, message: ["createEngine: options.tuning must be 'auto', 'fixed' or a cache { get(key), set(key, value) }", 'got "fast"'] },
  { what: 'createEngine: a tuning cache without set', call: () => createEngine({ tuning: { get: () => undefined } as never }), error: ValueError, message: ['createEngine: options.tuning must be', 'got an object'] },
  { what: "createEngine: tuning 'toString'", call: () => createEngine({ tuning: 'toString' as never }), error: ValueError, message: ['createEngine: options.tuning must be', 'got "toString"'] },
  { what: 'autotune: shapes not an array', call: (f) => f.engine.autotune({ m: 2, n: 2, k: 2 } as never), error: ValueError, message: ['autotune: shapes must be an array of { m, n, k, transposeA?, transposeB?, columnSums? }', 'got an object'] },
  { what: 'autotune: m of 0', call: (f) => f.engine.autotune([{ m: 0, n: 2, k: 2 }]), error: ValueError, message: ['autotune: shapes[0].m must be >= 1, got 0'] },
  { what: 'autotune: a fractional k', call: (f) => f.engine.autotune([{ m: 2, n: 2, k: 2 }, { m: 2, n: 2, k: 1.5 }]), error: ValueError, message: ['autotune: shapes[1].k must be an integer, got 1.5'] },
  { what: 'autotune: n missing', call: (f) => f.engine.autotune([{ m: 2, k: 2 } as never]), error: ValueError, message: ['autotune: shapes[0].n must be a finite number, got undefined'] },
  { what: 'autotune: transposeA as a number', call: (f) => f.engine.autotune([{ m: 2, n: 2, k: 2, transposeA: 1 as never }]), error: ValueError, message: ['autotune: shapes[0].transposeA must be true or false, got 1'] },
  { what: 'autotune: a misspelt key', call: (f) => f.engine.autotune([{ m: 2, n: 2, k: 2, tranposeB: true } as never]), error: ValueError, message: ['autotune: unknown', 'tranposeB', 'did you mean "transposeB"?'] },
  { what: 'autotune: an operand over the binding limit', call: (f) => f.engine.autotune([{ m: 2, n: 2, k: 2 }, { m: 1e5, n: 8, k: 1e5 }]), error: LimitError, message: ['autotune: shapes[1] (100000x8x100000) needs A of 40000000000 bytes', 'maxStorageBufferBindingSize'] },
  { what: 'autotune: null as a shape', call: (f) => f.engine.autotune([null as never]), error: ValueError, message: ['autotune: shapes[0] must be an object, got null'] },
];
