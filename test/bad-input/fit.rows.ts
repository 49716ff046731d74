/**
 * Misuse of the Keras-style training API: fit/evaluate/predict options,
 * callbacks, Sequential options, setWeights, summary, earlyStopping and
 * safetensors. The fixture's model is dense(4,8) relu dropout(0.2) dense(8,3).
 */
import {
  Sequential, dense, relu, earlyStopping, rmsprop, ValueError, ShapeError, DTypeError, DisposedError,
} from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

/** A class-based callback with a misspelt hook: its own fields are fine, its onXxx methods are checked. */
class MisspeltLogger {
  lines: string[] = [];
  onEpochEnds(): void { this.lines.push('never called'); }
}

/** A safetensors header alone (no data): enough to reach each header check. */
function header(json: string, length = new TextEncoder().encode(json).length): Uint8Array {
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setUint32(0, length, true);
  out.set(body, 8);
  return out;
}

const fitRow = (what: string, options: object, message: string[], error = ValueError): Row =>
  ({ what: `fit: ${what}`, call: (f) => f.model.fit(f.x, f.y, options as never), error, message });

export const fitRows: Row[] = [
  // fit options: unknown keys with hints, types and ranges
  fitRow('unknown option epoch', { epoch: 2 }, ['fit: unknown option "epoch" in options (did you mean "epochs"?)']),
  fitRow('unknown option batch_size', { batch_size: 2 }, ['fit: unknown option "batch_size"', '(did you mean "batchSize"?)']),
  fitRow('unknown option learningRate', { learningRate: 0.1 }, ['fit: unknown option "learningRate"', 'expected epochs, initialEpoch, batchSize']),
  fitRow('old onEpochEnd option', { onEpochEnd: () => undefined }, ['fit: unknown option "onEpochEnd"']),
  fitRow('epochs as a string', { epochs: '3' }, ['fit: epochs must be a positive integer, got "3"']),
  fitRow('epochs Infinity', { epochs: Infinity }, ['fit: epochs must be a positive integer, got Infinity']),
  fitRow('batchSize NaN', { batchSize: NaN }, ['fit: batchSize must be a positive integer, got NaN']),
  fitRow('verbose 3', { verbose: 3 }, ['fit: verbose must be 0, 1 or 2, got 3']),
  fitRow('verbose true', { verbose: true }, ['fit: verbose must be 0, 1 or 2, got true']),
  fitRow('shuffle "yes"', { shuffle: 'yes' }, ['fit: shuffle must be true or false, got "yes"']),
  fitRow('stopOnNaN 1', { stopOnNaN: 1 }, ['fit: stopOnNaN must be true or false, got 1']),
  fitRow('progressStream without write', { progressStream: {} }, ['fit: progressStream must be an object with a write(text) method']),
  fitRow('validation an array', { validation: [1, 2] }, ['fit: validation must be a ResidentDataset or { x, y }, got an array']),
  fitRow('validation with a misspelt key', { validation: { x: new Float32Array(4), labels: [0] } }, ['fit: unknown option "labels" in validation', 'expected x, y']),
  fitRow('initialEpoch "1"', { epochs: 2, initialEpoch: '1' }, ['fit: initialEpoch must be an integer in [0, epochs)', 'got "1"']),
  fitRow('validationSplit 1', { validationSplit: 1 }, ['fit: validationSplit must be < 1, got 1']),
  fitRow('validationSplit -0.1', { validationSplit: -0.1 }, ['fit: validationSplit must be >= 0, got -0.1']),
  fitRow('validationSplit leaving no training sample', { validationSplit: 0.9 }, ['fit: validationSplit 0.9 of 6 samples leaves 0 to train and 6 to validate']),
  fitRow('validation and validationSplit', { validationSplit: 0.5, validation: { x: new Float32Array(4), y: [0] } }, ['fit: give either validation or validationSplit, not both']),
  fitRow('unknown option validation_split', { validation_split: 0.2 }, ['fit: unknown option "validation_split"', '(did you mean "validationSplit"?)']),
  { what: 'fit: validationSplit with a dataset', call: (f) => f.model.fit(f.foreignDataset, { validationSplit: 0.5 }), error: ValueError, message: ['fit: validationSplit needs CPU arrays x, y'] },
  // callbacks
  fitRow('a callback with a misspelt hook', { callbacks: [{ onEpochEnds: () => undefined }] }, ['fit: callbacks[0] has an unknown hook "onEpochEnds" (did you mean "onEpochEnd"?)']),
  fitRow('a callback with a non-hook key', { callbacks: [{ onEpochEnd: () => undefined, patience: 2 }] }, ['fit: callbacks[0] has an unknown hook "patience"', 'expected setModel, setParams, onTrainBegin']),
  fitRow('a class callback with a misspelt method', { callbacks: [new MisspeltLogger()] }, ['fit: callbacks[0] has an unknown hook "onEpochEnds" (did you mean "onEpochEnd"?)']),
  fitRow('a callback hook not a function', { callbacks: [{ onBatchEnd: 5 }] }, ['fit: callbacks[0].onBatchEnd must be a function, got 5']),
  fitRow('a null callback', { callbacks: [earlyStopping(), null] }, ['fit: callbacks[1] must be an object with hooks such as onEpochEnd(epoch, logs), got null']),
  fitRow('a function as callback', { callbacks: [() => undefined] }, ['fit: callbacks[0] must be an object', 'got a function']),
  { what: 'fit: options third with a dataset', call: (f) => f.model.fit(f.foreignDataset, {} as never, {}), error: ValueError, message: ['fit: with a ResidentDataset the options come second'] },
  { what: 'fit: y a number', call: (f) => f.model.fit(f.x, 5 as never), error: ValueError, message: ['fit: y must be an array of integer labels'] },
  // evaluate / predict
  { what: 'evaluate: unknown option batch_size', call: (f) => f.model.evaluate(f.x, f.y, { batch_size: 2 } as never), error: ValueError, message: ['evaluate: unknown option "batch_size"', '(did you mean "batchSize"?)'] },
  { what: 'evaluate: batchSize "8"', call: (f) => f.model.evaluate(f.x, f.y, { batchSize: '8' as never }), error: ValueError, message: ['evaluate: batchSize must be a positive integer, got "8"'] },
  { what: 'predict: output "probs"', call: (f) => f.model.predict(f.x, { output: 'probs' as never }), error: ValueError, message: ["predict: output must be one of 'probabilities', 'logits', got \"probs\""] },
  { what: 'predict: unknown option outputs', call: (f) => f.model.predict(f.x, { outputs: 'logits' } as never), error: ValueError, message: ['predict: unknown option "outputs"', '(did you mean "output"?)'] },
  { what: 'predict: batchSize 0', call: (f) => f.model.predict(f.x, { batchSize: 0 }), error: ValueError, message: ['predict: batchSize must be a positive integer, got 0'] },
  { what: 'predict: x a plain array', call: (f) => f.model.predict([1, 2, 3, 4] as never), error: ValueError, message: ['predict: x must be a Tensor, a Float32Array, a Uint8Array or a ResidentDataset, got an array'] },
  { what: 'predict: a tensor [2,3]', call: (f) => f.model.predict(f.a), error: ShapeError, message: ['predict: x is [2,3]; the model takes [n, 4]'] },
  { what: 'predict: an i32 tensor', call: (f) => f.model.predict(f.labels), error: DTypeError, message: ['predict: x must have dtype f32, got i32'] },
  { what: 'predict: a disposed tensor', call: (f) => f.model.predict(f.disposed), error: DisposedError, message: ['predict: x', 'was used after dispose()'] },
  { what: 'predict: a tensor of another engine', call: (f) => f.model.predict(f.foreign), error: DisposedError, message: ['predict: x', 'belongs to another engine'] },
  { what: 'computeGradients: training "yes"', call: (f) => f.model.computeGradients(f.x, f.y, { training: 'yes' as never }), error: ValueError, message: ['computeGradients: training must be true or false, got "yes"'] },
  { what: 'computeGradients: step 1.5', call: (f) => f.model.computeGradients(f.x, f.y, { step: 1.5 }), error: ValueError, message: ['computeGradients: step must be an integer, got 1.5'] },
  // Sequential options and layers
  { what: 'Sequential: optimiser', call: (f) => new Sequential(f.engine, [dense(4, 3)], { optimiser: rmsprop() } as never), error: ValueError, message: ['Sequential: unknown option "optimiser" in options (did you mean "optimizer"?)'] },
  { what: 'Sequential: seed 1.5', call: (f) => new Sequential(f.engine, [dense(4, 3)], { seed: 1.5 }), error: ValueError, message: ['Sequential: seed must be an integer, got 1.5'] },
  { what: 'Sequential: seed NaN', call: (f) => new Sequential(f.engine, [dense(4, 3)], { seed: NaN }), error: ValueError, message: ['Sequential: seed must be a finite number, got NaN'] },
  { what: 'Sequential: optimizer not an optimizer', call: (f) => new Sequential(f.engine, [dense(4, 3)], { optimizer: 'adam' as never }), error: ValueError, message: ['Sequential: optimizer must be an optimizer such as rmsprop({ lr: 1e-3 }), got "adam"'] },
  { what: 'Sequential: a null layer', call: (f) => new Sequential(f.engine, [dense(4, 8), null as never, dense(8, 3)]), error: ValueError, message: ['Sequential: layers[1] must be a layer spec', 'got null'] },
  { what: 'Sequential: a layer factory not called', call: (f) => new Sequential(f.engine, [dense(4, 8), relu as never, dense(8, 3)]), error: ValueError, message: ['Sequential: layers[1] must be a layer', 'got a function'] },
  { what: 'Sequential: options a string', call: (f) => new Sequential(f.engine, [dense(4, 3)], 'adam' as never), error: ValueError, message: ['Sequential: options must be an object, got "adam"'] },
  // weights
  { what: 'setWeights: NaN', call: (f) => f.model.setWeights(new Float32Array(67).fill(0.5).fill(NaN, 44, 45)), error: ValueError, message: ['setWeights: tensor dense_3/kernel has NaN at element 4; weights must be finite'] },
  { what: 'setWeights: Infinity', call: (f) => f.model.setWeights(new Float32Array(67).fill(Infinity)), error: ValueError, message: ['setWeights: tensor dense_0/kernel has Infinity at element 0'] },
  { what: 'setWeights: a plain array', call: (f) => f.model.setWeights(new Array(67).fill(0) as never), error: ValueError, message: ['setWeights: expected a Float32Array of 67 values, got an array'] },
  { what: 'summary: print not a function', call: (f) => f.model.summary({ print: 'console' as never }), error: ValueError, message: ['summary: print must be a function such as console.log, got "console"'] },
  { what: 'summary: unknown option', call: (f) => f.model.summary({ printFn: console.log } as never), error: ValueError, message: ['summary: unknown option "printFn"'] },
  // earlyStopping
  { what: 'earlyStopping: monitor val_acc', call: () => earlyStopping({ monitor: 'val_acc' as never }), error: ValueError, message: ["earlyStopping: monitor must be one of 'val_loss', 'val_accuracy', 'loss', 'accuracy', got \"val_acc\"", "(did you mean 'val_accuracy'?)"] },
  { what: 'earlyStopping: min_delta', call: () => earlyStopping({ min_delta: 0.1 } as never), error: ValueError, message: ['earlyStopping: unknown option "min_delta"', '(did you mean "minDelta"?)'] },
  { what: 'earlyStopping: patience 1.5', call: () => earlyStopping({ patience: 1.5 }), error: ValueError, message: ['earlyStopping: patience must be an integer >= 0, got 1.5'] },
  { what: 'earlyStopping: mode maximum', call: () => earlyStopping({ mode: 'maximum' as never }), error: ValueError, message: ["earlyStopping: mode must be one of 'auto', 'min', 'max', got \"maximum\""] },
  { what: 'earlyStopping: restoreBestWeights "yes"', call: () => earlyStopping({ restoreBestWeights: 'yes' as never }), error: ValueError, message: ['earlyStopping: restoreBestWeights must be true or false, got "yes"'] },
  // safetensors
  { what: 'saveSafetensors: layout torch', call: (f) => f.model.saveSafetensors({ layout: 'torch' as never }), error: ValueError, message: ["saveSafetensors: layout must be one of 'keras', 'pytorch', got \"torch\""] },
  { what: 'saveSafetensors: metadata not strings', call: (f) => f.model.saveSafetensors({ metadata: { epochs: 3 } as never }), error: ValueError, message: ['saveSafetensors: metadata.epochs must be a string'] },
  { what: 'loadSafetensors: unknown option', call: (f) => f.model.loadSafetensors(new Uint8Array(8), { layot: 'keras' } as never), error: ValueError, message: ['loadSafetensors: unknown option "layot"', '(did you mean "layout"?)'] },
  { what: 'loadSafetensors: header length past the end', call: (f) => f.model.loadSafetensors(header('{}', 99)), error: ValueError, message: ['loadSafetensors: the header length 99 runs past the end of the file (10 bytes'] },
  { what: 'loadSafetensors: an empty header', call: (f) => f.model.loadSafetensors(header('{}'), { layout: 'pytorch' }), error: ValueError, message: ['loadSafetensors: the file has no tensor "0.weight" [8,4] (layout \'pytorch\'); it has no tensors'] },
  { what: 'loadSafetensors: a BOOL tensor', call: (f) => f.model.loadSafetensors(header('{"dense_0/kernel":{"dtype":"BOOL","shape":[4,8],"data_offsets":[0,0]}}')), error: DTypeError, message: ['loadSafetensors: tensor "dense_0/kernel" has dtype BOOL; weights must be F32'] },
  { what: 'loadSafetensors: names not strings', call: (f) => f.model.loadSafetensors(header('{}'), { names: { a: 1 } as never }), error: ValueError, message: ['loadSafetensors: names must be an object mapping file names to keras names'] },
  { what: 'loadSafetensors: a disposed model', call: (f) => f.disposedModel.loadSafetensors(header('{}')), error: DisposedError, message: ['loadSafetensors: this model was disposed'] },
  { what: 'predict: a disposed model', call: (f) => f.disposedModel.predict(f.x), error: DisposedError, message: ['predict: this model was disposed'] },
  { what: 'fit: a model that a callback would see disposed', call: (f) => f.disposedModel.fit(f.x, f.y), error: DisposedError, message: ['fit: this model was disposed'] },
  { what: 'Sequential: layers not fitting', call: (f) => new Sequential(f.engine, [dense(4, 8), relu(), dense(9, 3)]), error: ShapeError, message: ['Sequential: layer 2 (dense) expects 9 inputs but the previous layer outputs 8'] },
];
