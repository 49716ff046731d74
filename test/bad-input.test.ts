/**
 * Bad input across the whole public API, in one table.
 *
 * Each row is a call that must be refused. For every row the test checks that
 *   - it throws (or its promise rejects) with the typed error of the row,
 *   - the message contains every fragment (the function, the argument, what was expected),
 *   - nothing reached the GPU: dispatch and submit counts and live tensors are unchanged,
 *   - the engine still computes afterwards (a relu gives the right answer).
 * Corrupt files are made in memory (no fs): the same spec runs in Node and Chromium.
 */
import { expect } from 'chai';
import { getEngine, newEngine } from './helpers/engine.js';
import {
  Sequential, ResidentDataset, dense, relu, maxout, dropout, sgd, adagrad, rmsprop, adam, earlyStopping,
  parseIdx, encodeIdx, parseMnistPair, subset,
  ShapeError, ValueError, DTypeError, DisposedError,
  type Engine, type LabeledImages,
} from '../src/index.js';

import type { Fixture, Row } from './helpers/bad-input-table.js';
import { extraRows } from './bad-input/index.js';

// ---- helpers to corrupt files in memory ------------------------------------------------

const idxImages = () => encodeIdx([2, 2, 2], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
const idxLabels = () => encodeIdx([2], Uint8Array.from([1, 2]));
function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value;
  return copy;
}
/** A copy of `data` with one f32 replaced (little-endian). */
function withFloat(data: ArrayBuffer, index: number, value: number): ArrayBuffer {
  const copy = data.slice(0);
  new DataView(copy).setFloat32(index * 4, value, true);
  return copy;
}
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

// ---- the table ---------------------------------------------------------------------------

const rows: Row[] = [
  // tensors and shapes
  { what: 'tensor: a zero dim', call: (f) => f.engine.tensor([], [0, 3]), error: ShapeError, message: ['tensor: shape', 'positive integers', '[0,3]'] },
  { what: 'tensor: a negative dim', call: (f) => f.engine.tensor([1, 2], [-2]), error: ShapeError, message: ['tensor: shape', 'positive integers', '[-2]'] },
  { what: 'tensor: a non-integer dim', call: (f) => f.engine.tensor([1, 2, 3], [1.5, 2]), error: ShapeError, message: ['tensor: shape', 'positive integers', '[1.5,2]'] },
  { what: 'tensor: a NaN dim', call: (f) => f.engine.zeros([NaN]), error: ShapeError, message: ['empty: shape', 'positive integers'] },
  { what: 'tensor: an empty shape', call: (f) => f.engine.tensor([1], []), error: ShapeError, message: ['tensor: shape must be a non-empty array'] },
  { what: 'tensor: data length differs from the shape', call: (f) => f.engine.tensor([1, 2, 3, 4, 5], [2, 3]), error: ShapeError, message: ['tensor: data has 5 elements', 'shape [2,3] needs 6'] },
  { what: 'tensor: unknown dtype', call: (f) => f.engine.tensor([1], [1], 'f16' as never), error: DTypeError, message: ['tensor: dtype must be', 'f16'] },
  { what: 'tensor: data not an array', call: (f) => f.engine.tensor(42 as never, [1]), error: ValueError, message: ['tensor: data must be a typed array'] },
  { what: 'write: data length differs', call: (f) => f.engine.write(f.a, [1, 2]), error: ShapeError, message: ['write: data has 2 elements', 'tensor [2,3] has 6'] },
  { what: 'view: offset not aligned', call: (f) => f.engine.view(f.a, 3, [2]), error: ValueError, message: ['view: elementOffset', 'multiple of', 'got 3'] },
  { what: 'view: past the end', call: (f) => f.engine.view(f.a, 0, [7]), error: ShapeError, message: ['view:', 'exceed base [2,3]'] },

  // ops: shapes, dtypes, ranks, options
  { what: 'matmul: inner dimensions differ', call: (f) => f.engine.matmul(f.a, f.a), error: ShapeError, message: ['matmul: inner dimensions differ', 'a is [2,3], b is [2,3]'] },
  { what: 'matmul: u32 input b', call: (f) => f.engine.matmul(f.a, f.u), error: DTypeError, message: ['matmul: b must have dtype f32, got u32'] },
  { what: 'matmul: i32 input a', call: (f) => f.engine.matmul(f.labels, f.b), error: DTypeError, message: ['matmul: a must have dtype f32, got i32'] },
  { what: 'matmul: a 1-D f32 input', call: (f) => f.engine.matmul(f.engine.view(f.a, 0, [6]), f.b), error: ShapeError, message: ['matmul: a must be 2-D', '[6]'] },
  { what: 'matmul: bias of the wrong length', call: (f) => f.engine.matmul(f.a, f.b, { bias: f.engine.view(f.a, 0, [3]) }), error: ShapeError, message: ['matmul: bias must have 2 elements', 'got [3]'] },
  { what: 'matmul: unknown activation', call: (f) => f.engine.matmul(f.a, f.b, { activation: 'gelu' as never }), error: ValueError, message: ['matmul: activation must be one of', '"gelu"'] },
  { what: 'matmul: unknown option', call: (f) => f.engine.matmul(f.a, f.b, { transpose: true } as never), error: ValueError, message: ['matmul: unknown option "transpose"'] },
  { what: 'relu: i32 input', call: (f) => f.engine.relu(f.labels), error: DTypeError, message: ['relu: x must have dtype f32, got i32'] },
  { what: 'reluBackward: shapes differ', call: (f) => f.engine.reluBackward(f.a, f.b), error: ShapeError, message: ['reluBackward: dy and y must have the same shape', 'dy is [2,3], y is [3,2]'] },
  { what: 'softmax: 1-D input', call: (f) => f.engine.softmax(f.engine.view(f.a, 0, [6])), error: ShapeError, message: ['softmax: x must be 2-D'] },
  { what: 'softmaxCrossEntropy: f32 labels', call: (f) => f.engine.softmaxCrossEntropy(f.a, f.engine.view(f.a, 0, [2])), error: DTypeError, message: ['softmaxCrossEntropy: labels must have dtype i32, got f32'] },
  { what: 'softmaxCrossEntropy: one label per row', call: (f) => f.engine.softmaxCrossEntropy(f.b, f.labels), error: ShapeError, message: ['softmaxCrossEntropy: labels must have one entry per row', 'logits is [3,2], labels is [2]'] },
  { what: 'softmaxCrossEntropy: rows 0', call: (f) => f.engine.softmaxCrossEntropy(f.a, f.labels, { rows: 0 }), error: ValueError, message: ['softmaxCrossEntropy: options.rows must be >= 1, got 0'] },
  { what: 'oneHot: zero classes', call: (f) => f.engine.oneHot(f.labels, 0), error: ValueError, message: ['oneHot: classes must be >= 1, got 0'] },
  { what: 'maxout: pieces do not divide the columns', call: (f) => f.engine.maxout(f.a, 2), error: ShapeError, message: ['maxout: pieces (2) must divide the columns of x [2,3]'] },
  { what: 'maxout: non-integer pieces', call: (f) => f.engine.maxout(f.a, 1.5), error: ValueError, message: ['maxout: pieces must be an integer, got 1.5'] },
  { what: 'dropout op: rate 1', call: (f) => f.engine.dropout(f.a, { rate: 1, seed: 1 }), error: ValueError, message: ['dropout: options.rate must be < 1, got 1'] },
  { what: 'dropout op: rate -0.1', call: (f) => f.engine.dropout(f.a, { rate: -0.1, seed: 1 }), error: ValueError, message: ['dropout: options.rate must be >= 0, got -0.1'] },
  { what: 'dropout op: rate NaN', call: (f) => f.engine.dropout(f.a, { rate: NaN, seed: 1 }), error: ValueError, message: ['dropout: options.rate must be a finite number, got NaN'] },
  { what: 'dropout op: negative seed', call: (f) => f.engine.dropout(f.a, { rate: 0.5, seed: -1 }), error: ValueError, message: ['dropout: options.seed must be >= 0, got -1'] },
  { what: 'columnSums: rows beyond the tensor', call: (f) => f.engine.columnSums(f.a, { rows: 3 }), error: ValueError, message: ['columnSums: options.rows must be <= 2, got 3'] },
  { what: 'sgd op: lr 0', call: (f) => f.engine.sgd(f.a, f.b, { lr: 0 }), error: ValueError, message: ['sgd: options.lr must be > 0, got 0'] },
  { what: 'sgd op: grads of another size', call: (f) => f.engine.sgd(f.a, f.engine.view(f.b, 0, [5]), { lr: 0.1 }), error: ShapeError, message: ['sgd: grads must have as many elements as params (6', 'got 5'] },
  { what: 'sgd op: params and grads share a buffer', call: (f) => f.engine.sgd(f.a, f.a, { lr: 0.1 }), error: ValueError, message: ['sgd: grads must not share a GPU buffer with params'] },
  { what: 'adam op: beta1 1', call: (f) => f.engine.adam(f.a, f.b, f.m, f.v, { lr: 0.1, beta1: 1, beta2: 0.9, eps: 1e-7, step: 1 }), error: ValueError, message: ['adam: options.beta1 must be < 1, got 1'] },
  { what: 'adam op: step 0', call: (f) => f.engine.adam(f.a, f.b, f.m, f.v, { lr: 0.1, beta1: 0.9, beta2: 0.9, eps: 1e-7, step: 0 }), error: ValueError, message: ['adam: options.step must be >= 1, got 0'] },

  // disposed tensors
  { what: 'relu: a disposed tensor', call: (f) => f.engine.relu(f.disposed), error: DisposedError, message: ['relu: x', 'used after dispose()'] },
  { what: 'matmul: a disposed tensor', call: (f) => f.engine.matmul(f.a, f.disposed), error: DisposedError, message: ['matmul: b', 'used after dispose()'] },
  { what: 'read: a disposed tensor', call: (f) => f.disposed.read(), error: DisposedError, message: ['read: tensor', 'used after dispose()'] },
  { what: 'write: a disposed tensor', call: (f) => f.engine.write(f.disposed, [1, 2, 3, 4, 5, 6]), error: DisposedError, message: ['write: tensor', 'used after dispose()'] },
  { what: 'a disposed model', call: (f) => f.disposedModel.fit(f.x, f.y), error: DisposedError, message: ['fit: this model was disposed'] },
  { what: 'a disposed dataset', call: (f) => { const d = ResidentDataset.upload(f.engine, f.x, f.y, 4); d.dispose(); return f.model.evaluate(d); }, error: DisposedError, message: ['evaluate: dataset', 'used after dispose()'] },

  // a tensor of another engine, given to every op (each must refuse it)
  ...foreignRows(),

  // layers
  { what: 'dense: zero units', call: () => dense(0, 3), error: ValueError, message: ['dense: inUnits must be a positive integer, got 0'] },
  { what: 'dense: negative units', call: () => dense(4, -3), error: ValueError, message: ['dense: outUnits must be a positive integer, got -3'] },
  { what: 'dense: non-integer units', call: () => dense(2.5, 3), error: ValueError, message: ['dense: inUnits must be a positive integer, got 2.5'] },
  { what: 'dense: negative l2', call: () => dense(2, 3, { l2: -1 }), error: ValueError, message: ['dense: l2 must be a finite number >= 0, got -1'] },
  { what: 'maxout layer: zero pieces', call: () => maxout(4, 0), error: ValueError, message: ['maxout: pieces must be a positive integer, got 0'] },
  { what: 'dropout layer: rate 1', call: () => dropout(1), error: ValueError, message: ['dropout: rate must be in [0, 1), got 1'] },
  { what: 'dropout layer: rate -0.5', call: () => dropout(-0.5), error: ValueError, message: ['dropout: rate must be in [0, 1), got -0.5'] },
  { what: 'dropout layer: rate NaN', call: () => dropout(NaN), error: ValueError, message: ['dropout: rate must be in [0, 1), got NaN'] },
  { what: 'Sequential: layers that do not fit together', call: (f) => f.own(new Sequential(f.engine, [dense(4, 8), relu(), dense(6, 3)])), error: ShapeError, message: ['Sequential: layer 2 (dense) expects 6 inputs but the previous layer outputs 8'] },
  { what: 'Sequential: maxout that does not fit', call: (f) => new Sequential(f.engine, [dense(4, 9), maxout(4, 2), dense(4, 3)]), error: ShapeError, message: ['Sequential: layer 1 (maxout) needs 4×2 = 8 inputs but the previous layer outputs 9'] },
  { what: 'Sequential: no layers', call: (f) => new Sequential(f.engine, []), error: ValueError, message: ['Sequential: layers must be a non-empty array'] },
  { what: 'Sequential: one output unit', call: (f) => new Sequential(f.engine, [dense(4, 1)]), error: ShapeError, message: ['Sequential: the last layer outputs 1 unit', 'at least 2'] },
  { what: 'Sequential: unknown loss', call: (f) => new Sequential(f.engine, [dense(4, 3)], { loss: 'hinge' as never }), error: ValueError, message: ["Sequential: loss must be 'softmaxCrossEntropy' or 'mse', got hinge"] },
  { what: 'Sequential: non-integer seed', call: (f) => new Sequential(f.engine, [dense(4, 3)], { seed: 0.5 }), error: ValueError, message: ['Sequential: seed must be an integer, got 0.5'] },
  { what: 'Sequential: an optimizer already used by another model', call: (f) => new Sequential(f.engine, [dense(4, 3)], { optimizer: f.model.optimizer }), error: ValueError, message: ['Sequential: this rmsprop optimizer already belongs to another model'] },

  // optimizer hyper-parameters
  { what: 'sgd: lr 0', call: () => sgd({ lr: 0 }), error: ValueError, message: ['sgd: lr must be a finite number > 0, got 0'] },
  { what: 'sgd: lr NaN', call: () => sgd({ lr: NaN }), error: ValueError, message: ['sgd: lr must be a finite number > 0, got NaN'] },
  { what: 'sgd: momentum 1', call: () => sgd({ momentum: 1 }), error: ValueError, message: ['sgd: momentum must be in [0, 1), got 1'] },
  { what: 'sgd: nesterov not a boolean', call: () => sgd({ nesterov: 'yes' as never }), error: ValueError, message: ['sgd: nesterov must be true or false, got yes'] },
  { what: 'adagrad: eps 0', call: () => adagrad({ eps: 0 }), error: ValueError, message: ['adagrad: eps must be a finite number > 0, got 0'] },
  { what: 'rmsprop: rho -0.1', call: () => rmsprop({ rho: -0.1 }), error: ValueError, message: ['rmsprop: rho must be in [0, 1), got -0.1'] },
  { what: 'rmsprop: lr Infinity', call: () => rmsprop({ lr: Infinity }), error: ValueError, message: ['rmsprop: lr must be a finite number > 0, got Infinity'] },
  { what: 'adam: beta2 1.5', call: () => adam({ beta2: 1.5 }), error: ValueError, message: ['adam: beta2 must be in [0, 1), got 1.5'] },
  { what: 'adam: negative lr', call: () => adam({ lr: -0.001 }), error: ValueError, message: ['adam: lr must be a finite number > 0, got -0.001'] },
  { what: 'earlyStopping: negative patience', call: () => earlyStopping({ patience: -1 }), error: ValueError, message: ['earlyStopping: patience must be an integer >= 0, got -1'] },

  // training data
  { what: 'fit: x and y of different lengths', call: (f) => f.model.fit(f.x, f.y.subarray(1)), error: ShapeError, message: ['fit: x and y have different lengths', '6 samples of 4 features, y has 5 labels'] },
  { what: 'fit: x not a typed array', call: (f) => f.model.fit([1, 2, 3, 4] as never, [0]), error: ValueError, message: ['fit: x must be a Float32Array or a Uint8Array'] },
  { what: 'fit: no labels', call: (f) => f.model.fit(f.x), error: ValueError, message: ['fit: y (labels) is required'] },
  { what: 'fit: NaN in x names the sample', call: (f) => f.model.fit(f.x.map((v, i) => (i === 9 ? NaN : v)), f.y), error: ValueError, message: ['fit: x has NaN at sample 2, feature 1', 'must be finite'] },
  { what: 'fit: Infinity in x names the sample', call: (f) => f.model.fit(f.x.map((v, i) => (i === 22 ? -Infinity : v)), f.y), error: ValueError, message: ['fit: x has -Infinity at sample 5, feature 2'] },
  { what: 'fit: a label out of range', call: (f) => f.model.fit(f.x, f.y.map((v, i) => (i === 4 ? 3 : v))), error: ValueError, message: ['fit: label 3 at sample 4 is outside [0, 3)'] },
  { what: 'fit: a negative label', call: (f) => f.model.fit(f.x, f.y.map((v, i) => (i === 1 ? -1 : v))), error: ValueError, message: ['fit: label -1 at sample 1 is outside [0, 3)'] },
  { what: 'fit: a non-integer label', call: (f) => f.model.fit(f.x, Array.from(f.y, (v, i) => (i === 0 ? 0.5 : v))), error: ValueError, message: ['fit: label 0.5 at sample 0 is not an integer'] },
  { what: 'fit: validation with the wrong features', call: (f) => f.model.fit(f.x, f.y, { validation: { x: new Float32Array(10), y: [0, 1] } }), error: ShapeError, message: ['fit validation: x and y have different lengths', 'y has 2 labels'] },
  { what: 'fit: a dataset of another engine', call: (f) => f.model.fit(f.foreignDataset), error: DisposedError, message: ['fit: dataset', 'belongs to another engine'] },
  { what: 'fit: a dataset with other features', call: (f) => f.model.fit(f.own(ResidentDataset.upload(f.engine, new Float32Array(10), [0, 1], 5))), error: ShapeError, message: ['fit: dataset has 5 features, the model takes 4'] },
  { what: 'evaluate: NaN in x', call: (f) => f.model.evaluate(f.x.map((v, i) => (i === 4 ? NaN : v)), f.y), error: ValueError, message: ['evaluate: x has NaN at sample 1, feature 0'] },
  { what: 'predict: x not a multiple of the inputs', call: (f) => f.model.predict(new Float32Array(10)), error: ShapeError, message: ["predict: x has 10 values, not a multiple of the model's 4 inputs"] },
  { what: 'setWeights: wrong length', call: (f) => f.model.setWeights(new Float32Array(3)), error: ShapeError, message: ['setWeights: expected a Float32Array of 67 values, got 3'] },

  // fit options
  { what: 'fit: batchSize 0', call: (f) => f.model.fit(f.x, f.y, { batchSize: 0 }), error: ValueError, message: ['fit: batchSize must be a positive integer, got 0'] },
  { what: 'fit: negative batchSize', call: (f) => f.model.fit(f.x, f.y, { batchSize: -8 }), error: ValueError, message: ['fit: batchSize must be a positive integer, got -8'] },
  { what: 'fit: non-integer batchSize', call: (f) => f.model.fit(f.x, f.y, { batchSize: 2.5 }), error: ValueError, message: ['fit: batchSize must be a positive integer, got 2.5'] },
  { what: 'fit: epochs 0', call: (f) => f.model.fit(f.x, f.y, { epochs: 0 }), error: ValueError, message: ['fit: epochs must be a positive integer, got 0'] },
  { what: 'fit: negative epochs', call: (f) => f.model.fit(f.x, f.y, { epochs: -1 }), error: ValueError, message: ['fit: epochs must be a positive integer, got -1'] },
  { what: 'fit: initialEpoch = epochs', call: (f) => f.model.fit(f.x, f.y, { epochs: 2, initialEpoch: 2 }), error: ValueError, message: ['fit: initialEpoch must be an integer in [0, epochs) = [0, 2), got 2'] },
  { what: 'fit: negative initialEpoch', call: (f) => f.model.fit(f.x, f.y, { epochs: 2, initialEpoch: -1 }), error: ValueError, message: ['fit: initialEpoch must be an integer in [0, epochs)', 'got -1'] },
  { what: 'fit: metricsEvery 0', call: (f) => f.model.fit(f.x, f.y, { metricsEvery: 0 }), error: ValueError, message: ['fit: metricsEvery must be a positive integer, got 0'] },
  { what: 'fit: callbacks not an array', call: (f) => f.model.fit(f.x, f.y, { callbacks: earlyStopping() as never }), error: ValueError, message: ['fit: callbacks must be an array'] },
  { what: 'fit: onEpochEnd not a function', call: (f) => f.model.fit(f.x, f.y, { callbacks: [{ onEpochEnd: 'save' as never }] }), error: ValueError, message: ['fit: callbacks[0].onEpochEnd must be a function, got "save"'] },
  { what: 'evaluate: batchSize 0', call: (f) => f.model.evaluate(f.x, f.y, { batchSize: 0 }), error: ValueError, message: ['evaluate: batchSize must be a positive integer, got 0'] },

  // weight files
  { what: 'loadWeights: truncated data', call: (f) => f.model.loadWeights({ manifest: json(f.weights.manifest), data: f.weights.data.slice(0, 100) }), error: ValueError, message: ['loadWeights: tensor dense_0/kernel needs bytes 0..128', 'data has 100 (truncated or corrupt)'] },
  { what: 'loadWeights: NaN in the data', call: (f) => f.model.loadWeights({ manifest: json(f.weights.manifest), data: withFloat(f.weights.data, 5, NaN) }), error: ValueError, message: ['loadWeights: tensor dense_0/kernel has NaN at element 5', 'must be finite'] },
  { what: 'loadWeights: another format', call: (f) => f.model.loadWeights({ manifest: { ...json(f.weights.manifest), format: 'keras' as never }, data: f.weights.data }), error: ValueError, message: ["loadWeights: manifest.format must be 'wgsl-tensor-weights' version 1", 'keras'] },
  { what: 'loadWeights: another model', call: (f) => f.own(new Sequential(f.engine, [dense(4, 9), relu(), dense(9, 3)])).loadWeights(f.weights), error: ShapeError, message: ['loadWeights: manifest.tensors[0] is dense_0/kernel [4,8] f32; the model expects dense_0/kernel [4,9] f32'] },
  { what: 'loadWeights: a null tensor entry', call: (f) => f.model.loadWeights({ manifest: { ...json(f.weights.manifest), tensors: [null, null, null, null] as never }, data: f.weights.data }), error: ShapeError, message: ['loadWeights: manifest.tensors[0] is null', 'expects dense_0/kernel [4,8] f32'] },
  { what: 'loadWeights: data not an ArrayBuffer', call: (f) => f.model.loadWeights({ manifest: f.weights.manifest, data: 'AAAA' as never }), error: ValueError, message: ['loadWeights: data must be an ArrayBuffer'] },

  // checkpoints
  { what: 'loadCheckpoint: truncated data', call: (f) => f.model.loadCheckpoint({ manifest: json(f.checkpoint.manifest), data: f.checkpoint.data.slice(0, 300) }), error: ValueError, message: ['loadCheckpoint: tensor v/dense_0/kernel needs bytes', 'data has 300 (truncated or corrupt)'] },
  { what: 'loadCheckpoint: a changed byte', call: (f) => f.model.loadCheckpoint({ manifest: json(f.checkpoint.manifest), data: withFloat(f.checkpoint.data, 3, 0.125) }), error: ValueError, message: ['loadCheckpoint: data checksum is', 'but manifest.checksum is', '(corrupt data)'] },
  { what: 'loadCheckpoint: weights instead of a checkpoint', call: (f) => f.model.loadCheckpoint(f.weights as never), error: ValueError, message: ["loadCheckpoint: manifest.format must be 'wgsl-tensor-checkpoint' version 2", '"wgsl-tensor-weights"'] },
  { what: 'loadCheckpoint: another optimizer', call: (f) => f.own(new Sequential(f.engine, [dense(4, 8), relu(), dropout(0.2), dense(8, 3)], { optimizer: adam() })).loadCheckpoint(f.checkpoint), error: ValueError, message: ["loadCheckpoint: checkpoint's optimizer is 'rmsprop', this model's is 'adam'"] },
  { what: 'loadCheckpoint: another learning rate', call: (f) => f.own(new Sequential(f.engine, [dense(4, 8), relu(), dropout(0.2), dense(8, 3)], { optimizer: rmsprop({ lr: 0.01 }) })).loadCheckpoint(f.checkpoint), error: ValueError, message: ['loadCheckpoint: optimizer rmsprop has lr 0.001 in the checkpoint but 0.01 in this model'] },
  { what: 'loadCheckpoint: another dropout rate', call: (f) => f.own(new Sequential(f.engine, [dense(4, 8), relu(), dropout(0.3), dense(8, 3)])).loadCheckpoint(f.checkpoint), error: ValueError, message: ['loadCheckpoint: layer 2 (dropout) has rate 0.2 in the checkpoint but 0.3 in this model'] },
  { what: 'loadCheckpoint: another architecture', call: (f) => f.own(new Sequential(f.engine, [dense(4, 8), relu(), dense(8, 3)])).loadCheckpoint(f.checkpoint), error: ShapeError, message: ['loadCheckpoint: checkpoint has 4 layers, this model has 3'] },
  { what: 'loadCheckpoint: a non-integer epochCount', call: (f) => f.model.loadCheckpoint({ manifest: { ...json(f.checkpoint.manifest), epochCount: 1.5 }, data: f.checkpoint.data }), error: ValueError, message: ['loadCheckpoint: manifest.epochCount must be an integer >= 0, got 1.5'] },

  // IDX files (MNIST)
  { what: 'IDX: not bytes', call: () => parseIdx([0, 0, 8, 1] as never, 'labels'), error: ValueError, message: ['labels: must be a Uint8Array'] },
  { what: 'IDX: shorter than a header', call: () => parseIdx(new Uint8Array(3), 'labels'), error: ValueError, message: ['labels: 3 bytes is too short for an IDX header'] },
  { what: 'IDX: bad magic (float data)', call: () => parseIdx(withByte(idxImages(), 2, 0x0d), 'images'), error: ValueError, message: ['images: bad magic number 0x00000d03', 'expected 0x0000080N'] },
  { what: 'IDX: zero dimensions', call: () => parseIdx(Uint8Array.from([0, 0, 8, 0]), 'images'), error: ValueError, message: ['images: has 0 dimensions', 'at least 1'] },
  { what: 'IDX: truncated header', call: () => parseIdx(idxImages().subarray(0, 10), 'images'), error: ValueError, message: ['images: truncated header (10 bytes, need 16)'] },
  { what: 'IDX: truncated data', call: () => parseIdx(idxImages().subarray(0, 20), 'images'), error: ValueError, message: ['images: truncated: dims [2,2,2] need 8 data bytes, file has 4'] },
  { what: 'IDX: extra bytes', call: () => parseIdx(Uint8Array.from([...idxLabels(), 9]), 'labels'), error: ValueError, message: ['labels: 1 unexpected bytes after the data (dims [2])'] },
  { what: 'MNIST pair: labels file as images', call: () => parseMnistPair(idxLabels(), idxLabels(), 'tiny'), error: ValueError, message: ['tiny images: has 1 dimensions, expected 3'] },
  { what: 'MNIST pair: counts differ', call: () => parseMnistPair(idxImages(), encodeIdx([3], Uint8Array.from([1, 2, 3])), 'tiny'), error: ValueError, message: ['tiny: 2 images but 3 labels'] },
  { what: 'MNIST pair: a label that is not a digit', call: () => parseMnistPair(idxImages(), encodeIdx([2], Uint8Array.from([1, 12])), 'tiny'), error: ValueError, message: ['tiny labels: label 12 at index 1 is not a digit 0-9'] },
  { what: 'subset: out of range', call: () => subset(parseMnistPair(idxImages(), idxLabels(), 'tiny') as LabeledImages, 1, 2), error: ValueError, message: ['subset: [1, 3) is outside 0..2'] },
];

/** One row per op that takes tensors: each given a tensor of another engine. */
function foreignRows(): Row[] {
  const ops: [string, string, (f: Fixture) => unknown][] = [
    ['relu', 'x', (f) => f.engine.relu(f.foreign)],
    ['sigmoid', 'x', (f) => f.engine.sigmoid(f.foreign)],
    ['tanh', 'x', (f) => f.engine.tanh(f.foreign)],
    ['reluBackward', 'y', (f) => f.engine.reluBackward(f.a, f.foreign)],
    ['sigmoidBackward', 'dy', (f) => f.engine.sigmoidBackward(f.foreign, f.a)],
    ['tanhBackward', 'dy', (f) => f.engine.tanhBackward(f.foreign, f.a)],
    ['matmul', 'a', (f) => f.engine.matmul(f.foreign, f.b)],
    ['matmul', 'b', (f) => f.engine.matmul(f.b, f.foreign)],
    ['matmul', 'bias', (f) => f.engine.matmul(f.a, f.b, { bias: f.foreign })],
    ['softmax', 'x', (f) => f.engine.softmax(f.foreign)],
    ['softmaxBackward', 'y', (f) => f.engine.softmaxBackward(f.a, f.foreign)],
    ['softmaxCrossEntropy', 'labels', (f) => f.engine.softmaxCrossEntropy(f.a, f.foreignLabels)],
    ['mse', 'target', (f) => f.engine.mse(f.a, f.foreign)],
    ['oneHot', 'labels', (f) => f.engine.oneHot(f.foreignLabels, 3)],
    ['maxout', 'x', (f) => f.engine.maxout(f.foreign, 3)],
    ['maxoutBackward', 'dy', (f) => f.engine.maxoutBackward(f.foreign, f.u, 1)],
    ['dropout', 'x', (f) => f.engine.dropout(f.foreign, { rate: 0.5, seed: 1 })],
    ['dropoutBackward', 'mask', (f) => f.engine.dropoutBackward(f.a, f.foreign)],
    ['columnSums', 'x', (f) => f.engine.columnSums(f.foreign)],
    ['sumRows', 'x', (f) => f.engine.sumRows(f.foreign)],
    ['argmax', 'x', (f) => f.engine.argmax(f.foreign)],
    ['countCorrect', 'labels', (f) => f.engine.countCorrect(f.a, f.foreignLabels)],
    ['sgd', 'grads', (f) => f.engine.sgd(f.a, f.foreign, { lr: 0.1 })],
    ['momentum', 'params', (f) => f.engine.momentum(f.foreign, f.a, f.b, { lr: 0.1, momentum: 0.9 })],
    ['adagrad', 'accum', (f) => f.engine.adagrad(f.a, f.b, f.foreign, { lr: 0.1 })],
    ['rmsprop', 'v', (f) => f.engine.rmsprop(f.a, f.b, f.foreign, { lr: 0.1 })],
    ['adam', 'm', (f) => f.engine.adam(f.a, f.b, f.foreign, f.v, { lr: 0.1, step: 1 })],
    ['axpy', 'x', (f) => f.engine.axpy(f.a, f.foreign, 2)],
    ['scale', 'x', (f) => f.engine.scale(f.foreign, 2)],
    ['maxNorm', 'w', (f) => f.engine.maxNorm(f.foreign, { maxNorm: 1, axis: 'columns' })],
    ['write', 'tensor', (f) => f.engine.write(f.foreign, [1, 2, 3, 4, 5, 6])],
    ['view', 'base', (f) => f.engine.view(f.foreign, 0, [2])],
  ];
  return ops.map(([fn, arg, call]) => ({
    what: `${fn}: ${arg} from another engine`, call, error: DisposedError, message: [`${fn}: ${arg}`, 'belongs to another engine'],
  }));
}

async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return null;
}

describe('bad input across the public API (one table)', function () {
  this.timeout(120_000);
  let f: Fixture;
  let other: Engine;
  let owned: { dispose(): void }[] = [];

  before(async () => {
    const engine = await getEngine();
    other = await newEngine();
    const model = new Sequential(engine, [dense(4, 8), relu(), dropout(0.2), dense(8, 3)], { seed: 1 });
    const x = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
    const y = Int32Array.from([0, 1, 2, 0, 1, 2]);
    await model.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
    const disposedModel = new Sequential(engine, [dense(4, 3)]);
    disposedModel.dispose();
    const disposed = engine.tensor(new Float32Array(6), [2, 3]);
    disposed.dispose();
    f = {
      engine,
      a: engine.tensor(Float32Array.from([1, -2, 3, -4, 5, -6]), [2, 3]),
      b: engine.tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]),
      labels: engine.tensor(Int32Array.from([0, 2]), [2]),
      u: engine.tensor(new Uint32Array(6), [2, 3]),
      disposed,
      foreign: other.tensor(new Float32Array(6), [2, 3]),
      foreignLabels: other.tensor(Int32Array.from([0, 1]), [2]),
      foreignDataset: ResidentDataset.upload(other, x, y, 4),
      model, disposedModel, x, y,
      weights: await model.saveWeights(),
      checkpoint: await model.saveCheckpoint(),
      m: engine.zeros([6]),
      v: engine.zeros([6]),
      own: (thing) => { owned.push(thing); return thing; },
    };
  });

  after(() => {
    for (const t of [f.a, f.b, f.labels, f.u, f.m, f.v]) t.dispose();
    f.model.dispose();
    other.destroy();
  });

  for (const row of [...rows, ...extraRows]) {
    it(`${row.what} -> ${row.error.name}`, async () => {
      const { engine, model } = f;
      await engine.sync();
      const before = engine.stats();
      const steps = model.stepCount;
      const err = await thrown(() => row.call(f));
      const after = engine.stats();
      for (const thing of owned) thing.dispose();
      owned = [];

      expect(err, 'no error was thrown').to.not.equal(null);
      expect(err, String(err)).to.be.instanceOf(row.error);
      for (const fragment of row.message) expect((err as Error).message).to.include(fragment);
      expect(after.dispatches - before.dispatches, 'dispatches before the error').to.equal(0);
      expect(after.submits - before.submits, 'submits before the error').to.equal(0);
      expect(model.stepCount, 'the model trained no step').to.equal(steps);
      expect(engine.stats().liveTensors, 'tensors left alive by the refused call').to.equal(before.liveTensors);

      // still usable
      const out = engine.relu(engine.tensor([-1, 2], [2]));
      expect(Array.from(await out.read())).to.deep.equal([0, 2]);
      out.dispose();
    });
  }
});
