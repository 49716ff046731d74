/**
 * Misuse of the engine's ops: option objects (unknown keys with a hint, null,
 * arrays), option values of the wrong type, NaN/∞, out of range, fractions
 * where integers are meant, prototype keys as choices, and things that are
 * not tensors where tensors are meant.
 */
import { DTypeError, ValueError } from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

export const opsRows: Row[] = [
  // not tensors
  { what: 'relu: a plain object with tensor-like keys', call: (f) => f.engine.relu({ shape: [2], owner: f.engine } as never), error: ValueError, message: ['relu: x must be a Tensor, got an object'] },
  { what: 'matmul: null a', call: (f) => f.engine.matmul(null as never, f.b), error: ValueError, message: ['matmul: a must be a Tensor, got null'] },
  { what: 'softmax: a Float32Array instead of a tensor', call: (f) => f.engine.softmax(new Float32Array(6) as never), error: ValueError, message: ['softmax: x must be a Tensor, got a Float32Array'] },

  // matmul
  { what: 'matmul: null options', call: (f) => f.engine.matmul(f.a, f.b, null as never), error: ValueError, message: ['matmul: options must be an object, got null'] },
  { what: 'matmul: an array as options', call: (f) => f.engine.matmul(f.a, f.b, [] as never), error: ValueError, message: ['matmul: options must be an object, got an array'] },
  { what: 'matmul: a misspelt option', call: (f) => f.engine.matmul(f.a, f.b, { transposeb: true } as never), error: ValueError, message: ['matmul: unknown option "transposeb"', 'did you mean "transposeB"?'] },
  { what: 'matmul: transposeA a string', call: (f) => f.engine.matmul(f.a, f.b, { transposeA: 'yes' as never }), error: ValueError, message: ['matmul: transposeA must be a boolean', 'got "yes"'] },
  { what: "matmul: activation 'toString'", call: (f) => f.engine.matmul(f.a, f.b, { activation: 'toString' as never }), error: ValueError, message: ['matmul: activation must be one of', 'got "toString"'] },
  { what: "matmul: activationGrad.activation 'constructor'", call: (f) => f.engine.matmul(f.a, f.b, { activationGrad: { activation: 'constructor' as never, output: f.engine.view(f.a, 0, [2, 2]) } }), error: ValueError, message: ['matmul: activationGrad must be', 'got activation "constructor"'] },
  { what: 'matmul: an unknown key in activationGrad', call: (f) => f.engine.matmul(f.a, f.b, { activationGrad: { activation: 'relu', output: f.a, outputs: f.a } as never }), error: ValueError, message: ['matmul: unknown option "outputs" in activationGrad', 'did you mean "output"?'] },

  // losses and reductions
  { what: 'softmaxCrossEntropy: a misspelt option', call: (f) => f.engine.softmaxCrossEntropy(f.a, f.labels, { row: 1 } as never), error: ValueError, message: ['softmaxCrossEntropy: unknown option "row"', 'did you mean "rows"?'] },
  { what: 'softmaxCrossEntropy: fractional rows', call: (f) => f.engine.softmaxCrossEntropy(f.a, f.labels, { rows: 1.5 }), error: ValueError, message: ['softmaxCrossEntropy: options.rows must be an integer, got 1.5'] },
  { what: 'softmaxCrossEntropy: NaN rows', call: (f) => f.engine.softmaxCrossEntropy(f.a, f.labels, { rows: NaN }), error: ValueError, message: ['softmaxCrossEntropy: options.rows must be a finite number, got NaN'] },
  { what: 'softmaxCrossEntropy: lossSum not a tensor', call: (f) => f.engine.softmaxCrossEntropy(f.a, f.labels, { lossSum: [0] as never }), error: ValueError, message: ['softmaxCrossEntropy: options.lossSum must be a Tensor, got an array'] },
  { what: 'mse: an option only the cross-entropy has', call: (f) => f.engine.mse(f.a, f.a, { correct: f.m } as never), error: ValueError, message: ['mse: unknown option "correct"', 'expected lossSum, rows'] },
  { what: 'mse: null options', call: (f) => f.engine.mse(f.a, f.a, null as never), error: ValueError, message: ['mse: options must be an object, got null'] },
  { what: 'columnSums: a string as options', call: (f) => f.engine.columnSums(f.a, 'rows' as never), error: ValueError, message: ['columnSums: options must be an object, got "rows"'] },
  { what: 'sumRows: a miscapitalised option', call: (f) => f.engine.sumRows(f.a, { Out: f.m } as never), error: ValueError, message: ['sumRows: unknown option "Out"', 'did you mean "out"?'] },
  { what: 'sumRows: rows 0', call: (f) => f.engine.sumRows(f.a, { rows: 0 }), error: ValueError, message: ['sumRows: options.rows must be >= 1, got 0'] },
  { what: 'oneHot: NaN classes', call: (f) => f.engine.oneHot(f.labels, NaN), error: ValueError, message: ['oneHot: classes must be a finite number, got NaN'] },
  { what: 'oneHot: classes as a string', call: (f) => f.engine.oneHot(f.labels, '3' as never), error: ValueError, message: ['oneHot: classes must be a finite number, got "3"'] },
  { what: 'maxout: Infinity pieces', call: (f) => f.engine.maxout(f.a, Infinity), error: ValueError, message: ['maxout: pieces must be a finite number, got Infinity'] },
  { what: 'maxoutBackward: zero pieces', call: (f) => f.engine.maxoutBackward(f.a, f.u, 0), error: ValueError, message: ['maxoutBackward: pieces must be >= 1, got 0'] },

  // dropout op
  { what: 'dropout op: p instead of rate', call: (f) => f.engine.dropout(f.a, { p: 0.5, seed: 1 } as never), error: ValueError, message: ['dropout: unknown option "p"', 'did you mean "rate"?'] },
  { what: 'dropout op: no rate', call: (f) => f.engine.dropout(f.a, { seed: 1 } as never), error: ValueError, message: ['dropout: options.rate must be a finite number, got undefined'] },
  { what: 'dropout op: rate as a string', call: (f) => f.engine.dropout(f.a, { rate: '0.5' as never, seed: 1 }), error: ValueError, message: ['dropout: options.rate must be a finite number, got "0.5"'] },
  { what: 'dropout op: null options', call: (f) => f.engine.dropout(f.a, null as never), error: ValueError, message: ['dropout: options must be an object, got null'] },
  { what: 'dropout op: fractional step', call: (f) => f.engine.dropout(f.a, { rate: 0.5, seed: 1, step: 1.5 }), error: ValueError, message: ['dropout: options.step must be an integer, got 1.5'] },
  { what: 'dropout op: step past the u32 counter', call: (f) => f.engine.dropout(f.a, { rate: 0.5, seed: 1, step: 2 ** 32 }), error: ValueError, message: ['dropout: options.step must be <= 4294967295, got 4294967296'] },
  { what: 'dropout op: NaN seed', call: (f) => f.engine.dropout(f.a, { rate: 0.5, seed: NaN }), error: ValueError, message: ['dropout: options.seed must be a finite number, got NaN'] },

  // optimizer updates
  { what: 'sgd op: learningRate instead of lr', call: (f) => f.engine.sgd(f.a, f.b, { learningRate: 0.1 } as never), error: ValueError, message: ['sgd: unknown option "learningRate"', 'did you mean "lr"?'] },
  { what: 'sgd op: no options', call: (f) => f.engine.sgd(f.a, f.b, undefined as never), error: ValueError, message: ['sgd: options { lr, l2 } are required'] },
  { what: 'sgd op: lr NaN', call: (f) => f.engine.sgd(f.a, f.b, { lr: NaN }), error: ValueError, message: ['sgd: options.lr must be a finite number, got NaN'] },
  { what: 'sgd op: lr 0 in f32', call: (f) => f.engine.sgd(f.a, f.b, { lr: 1e-50 }), error: ValueError, message: ['sgd: options.lr must be non-zero in f32', 'got 1e-50'] },
  { what: 'sgd op: lr beyond f32', call: (f) => f.engine.sgd(f.a, f.b, { lr: 1e39 }), error: ValueError, message: ['sgd: options.lr must fit in f32, got 1e+39'] },
  { what: 'sgd op: l2 Infinity', call: (f) => f.engine.sgd(f.a, f.b, { lr: 0.1, l2: Infinity }), error: ValueError, message: ['sgd: options.l2 must be a finite number, got Infinity'] },
  { what: 'momentum op: no momentum', call: (f) => f.engine.momentum(f.a, f.b, f.m, { lr: 0.1 } as never), error: ValueError, message: ['momentum: options.momentum must be a finite number, got undefined'] },
  { what: 'momentum op: nesterov 1', call: (f) => f.engine.momentum(f.a, f.b, f.m, { lr: 0.1, momentum: 0.9, nesterov: 1 as never }), error: ValueError, message: ['momentum: options.nesterov must be a boolean', 'got 1'] },
  { what: 'adagrad op: eps 0 in f32', call: (f) => f.engine.adagrad(f.a, f.b, f.m, { lr: 0.1, eps: 1e-50 }), error: ValueError, message: ['adagrad: options.eps must be non-zero in f32'] },
  { what: 'rmsprop op: epsilon instead of eps', call: (f) => f.engine.rmsprop(f.a, f.b, f.m, { lr: 0.1, epsilon: 1e-7 } as never), error: ValueError, message: ['rmsprop: unknown option "epsilon"', 'did you mean "eps"?'] },
  { what: 'rmsprop op: rho 1', call: (f) => f.engine.rmsprop(f.a, f.b, f.m, { lr: 0.1, rho: 1 }), error: ValueError, message: ['rmsprop: options.rho must be < 1, got 1'] },
  { what: 'rmsprop op: epsInsideSqrt a string', call: (f) => f.engine.rmsprop(f.a, f.b, f.m, { lr: 0.1, epsInsideSqrt: 'true' as never }), error: ValueError, message: ['rmsprop: options.epsInsideSqrt must be a boolean', 'got "true"'] },
  { what: 'adam op: beta_1 instead of beta1', call: (f) => f.engine.adam(f.a, f.b, f.m, f.v, { lr: 0.1, step: 1, beta_1: 0.9 } as never), error: ValueError, message: ['adam: unknown option "beta_1"', 'did you mean "beta1"?'] },
  { what: 'adam op: fractional step', call: (f) => f.engine.adam(f.a, f.b, f.m, f.v, { lr: 0.1, step: 1.5 }), error: ValueError, message: ['adam: options.step must be an integer, got 1.5'] },
  { what: 'adam op: an array as options', call: (f) => f.engine.adam(f.a, f.b, f.m, f.v, [] as never), error: ValueError, message: ['adam: options must be an object, got an array'] },
  { what: 'axpy: alpha Infinity', call: (f) => f.engine.axpy(f.a, f.b, Infinity), error: ValueError, message: ['axpy: alpha must be a finite number, got Infinity'] },
  { what: 'scale: alpha as a string', call: (f) => f.engine.scale(f.a, '2' as never), error: ValueError, message: ['scale: alpha must be a finite number, got "2"'] },
  { what: "maxNorm: axis 'toString'", call: (f) => f.engine.maxNorm(f.a, { maxNorm: 1, axis: 'toString' as never }), error: ValueError, message: ["maxNorm: options.axis must be 'columns'", 'got "toString"'] },
  { what: 'maxNorm: max_norm instead of maxNorm', call: (f) => f.engine.maxNorm(f.a, { max_norm: 1, axis: 'columns' } as never), error: ValueError, message: ['maxNorm: unknown option "max_norm"', 'did you mean "maxNorm"?'] },
  { what: 'maxNorm: limit 0', call: (f) => f.engine.maxNorm(f.a, { maxNorm: 0, axis: 'columns' }), error: ValueError, message: ['maxNorm: options.maxNorm must be > 0, got 0'] },
  { what: 'maxNorm: u32 w', call: (f) => f.engine.maxNorm(f.u, { maxNorm: 1, axis: 'columns' }), error: DTypeError, message: ['maxNorm: w must have dtype f32, got u32'] },
];
