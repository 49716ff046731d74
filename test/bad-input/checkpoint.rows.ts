/**
 * Weight and checkpoint files that must be refused before anything is
 * written: records that overlap each other (an optimizer-state record aimed
 * at the weights' bytes), records outside the data, bytes no record uses,
 * counters training cannot continue from, fields nobody checks, an older
 * format version, and a manifest edited after saving (the checksum covers it).
 */
import { ShapeError, ValueError } from '../../src/index.js';
import type { Checkpoint, CheckpointManifest, SavedWeights, WeightsManifest } from '../../src/index.js';
import type { Fixture, Row } from '../helpers/bad-input-table.js';

/** A deep copy of the fixture's checkpoint manifest, changed by `edit`, with the original data. */
function checkpointWith(f: Fixture, edit: (m: CheckpointManifest) => void, data = f.checkpoint.data): Checkpoint {
  const manifest = JSON.parse(JSON.stringify(f.checkpoint.manifest)) as CheckpointManifest;
  edit(manifest);
  return { manifest, data };
}

function weightsWith(f: Fixture, edit: (m: WeightsManifest) => void, data = f.weights.data): SavedWeights {
  const manifest = JSON.parse(JSON.stringify(f.weights.manifest)) as WeightsManifest;
  edit(manifest);
  return { manifest, data };
}

/** `data` with `extra` zero bytes appended. */
function longer(data: ArrayBuffer, extra: number): ArrayBuffer {
  const copy = new Uint8Array(data.byteLength + extra);
  copy.set(new Uint8Array(data));
  return copy.buffer;
}

export const checkpointRows: Row[] = [
  // weights
  { what: 'loadWeights: two records on the same bytes', call: (f) => f.model.loadWeights(weightsWith(f, (m) => { m.tensors[1]!.byteOffset = 96; })), error: ValueError, message: ['loadWeights: manifest.tensors[1] (dense_0/bias) (bytes 96..128) overlaps manifest.tensors[0] (dense_0/kernel) (bytes 0..128)'] },
  { what: 'loadWeights: bytes no record uses', call: (f) => f.model.loadWeights(weightsWith(f, () => {}, longer(f.weights.data, 8))), error: ValueError, message: ["loadWeights: data has 276 bytes but the manifest's tensors use 268"] },
  { what: 'loadWeights: a negative byteOffset', call: (f) => f.model.loadWeights(weightsWith(f, (m) => { m.tensors[0]!.byteOffset = -4; })), error: ValueError, message: ['loadWeights: manifest.tensors[0] (dense_0/kernel) has byteOffset -4', 'a multiple of 4 >= 0'] },
  { what: 'loadWeights: a byteOffset that is a string', call: (f) => f.model.loadWeights(weightsWith(f, (m) => { m.tensors[0]!.byteOffset = '0' as never; })), error: ValueError, message: ['loadWeights: manifest.tensors[0] (dense_0/kernel) has byteOffset "0"'] },
  { what: 'loadWeights: a wrong byteLength', call: (f) => f.model.loadWeights(weightsWith(f, (m) => { m.tensors[0]!.byteLength = 64; })), error: ValueError, message: ['loadWeights: manifest.tensors[0] (dense_0/kernel) has byteLength 64; its shape needs 128'] },
  { what: 'loadWeights: a shape with a string in it', call: (f) => f.model.loadWeights(weightsWith(f, (m) => { m.tensors[0]!.shape = ['4', 8] as never; })), error: ShapeError, message: ['loadWeights: manifest.tensors[0] is dense_0/kernel ["4",8] f32; the model expects dense_0/kernel [4,8] f32'] },
  { what: 'loadWeights: an unknown manifest field', call: (f) => f.model.loadWeights(weightsWith(f, (m) => { (m as unknown as Record<string, unknown>)['note'] = 'x'; })), error: ValueError, message: ['loadWeights: manifest has an unknown field "note"'] },
  { what: 'loadWeights: null', call: (f) => f.model.loadWeights(null as never), error: ValueError, message: ["loadWeights: expected { manifest, data } with a 'wgsl-tensor-weights' manifest, got null"] },

  // checkpoints: byte ranges
  { what: 'loadCheckpoint: an optimizer-state record on the weights', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.optimizer.state[0]!.byteOffset = m.weights[0]!.byteOffset; })), error: ValueError, message: ['loadCheckpoint: manifest.optimizer.state[0] (v/dense_0/kernel) (bytes 0..128) overlaps manifest.weights[0] (dense_0/kernel)', 'every tensor needs bytes of its own'] },
  { what: 'loadCheckpoint: two state records on the same bytes', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.optimizer.state[1]!.byteOffset = m.optimizer.state[0]!.byteOffset; })), error: ValueError, message: ['manifest.optimizer.state[1] (v/dense_0/bias)', 'overlaps manifest.optimizer.state[0] (v/dense_0/kernel)'] },
  { what: 'loadCheckpoint: a record far outside the data', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.weights[2]!.byteOffset = 1_000_000; })), error: ValueError, message: ['loadCheckpoint: tensor dense_3/kernel needs bytes 1000000..1000096', '(truncated or corrupt)'] },
  { what: 'loadCheckpoint: an unaligned byteOffset', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.weights[0]!.byteOffset = 2; })), error: ValueError, message: ['loadCheckpoint: manifest.weights[0] (dense_0/kernel) has byteOffset 2'] },
  { what: 'loadCheckpoint: bytes no record uses', call: (f) => f.model.loadCheckpoint(checkpointWith(f, () => {}, longer(f.checkpoint.data, 4))), error: ValueError, message: ["loadCheckpoint: data has 540 bytes but the manifest's tensors use 536"] },

  // checkpoints: counters
  { what: 'loadCheckpoint: a stepCount the dropout RNG cannot continue from', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.stepCount = 2 ** 32 - 1; })), error: ValueError, message: ['loadCheckpoint: manifest.stepCount must be <= 4294967294', "dropout RNG's u32 step counter", 'got 4294967295'] },
  { what: 'loadCheckpoint: a fractional stepCount', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.stepCount = 2.5; })), error: ValueError, message: ['loadCheckpoint: manifest.stepCount must be an integer >= 0, got 2.5'] },
  { what: 'loadCheckpoint: a stepCount that is a string', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.stepCount = '2' as never; })), error: ValueError, message: ['loadCheckpoint: manifest.stepCount must be an integer >= 0, got "2"'] },
  { what: 'loadCheckpoint: a negative epochCount', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.epochCount = -1; })), error: ValueError, message: ['loadCheckpoint: manifest.epochCount must be an integer >= 0, got -1'] },
  { what: 'loadCheckpoint: an epochCount past 2^53', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.epochCount = 2 ** 60; })), error: ValueError, message: ['loadCheckpoint: manifest.epochCount must be an integer >= 0'] },

  // checkpoints: the manifest itself
  { what: 'loadCheckpoint: an edited manifest (the checksum covers it)', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.epochCount += 1; })), error: ValueError, message: ['loadCheckpoint: data checksum is', '(over the manifest and the data)', '(corrupt data)'] },
  { what: 'loadCheckpoint: an edited layer setting the checks ignore (init)', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { (m.layers[0] as { init: string }).init = 'zeros'; })), error: ValueError, message: ['loadCheckpoint: data checksum is', '(corrupt data)'] },
  { what: 'loadCheckpoint: no checksum', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { delete (m as Partial<CheckpointManifest>).checksum; })), error: ValueError, message: ['loadCheckpoint: data checksum is', 'but manifest.checksum is undefined'] },
  { what: 'loadCheckpoint: a version 1 checkpoint', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { (m as { version: number }).version = 1; })), error: ValueError, message: ["loadCheckpoint: manifest.format must be 'wgsl-tensor-checkpoint' version 2", 'this is version 1', 'save it again'] },
  { what: 'loadCheckpoint: an unknown manifest field', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { (m as unknown as Record<string, unknown>)['learningRate'] = 0.1; })), error: ValueError, message: ['loadCheckpoint: manifest has an unknown field "learningRate"'] },
  { what: 'loadCheckpoint: null optimizer config', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.optimizer.config = null as never; })), error: ValueError, message: ['loadCheckpoint: manifest.optimizer.config must be an object, got null'] },
  { what: "loadCheckpoint: an optimizer named 'toString'", call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.optimizer.name = 'toString'; })), error: ValueError, message: ["loadCheckpoint: checkpoint's optimizer is 'toString', this model's is 'rmsprop'"] },
  { what: 'loadCheckpoint: a null layer', call: (f) => f.model.loadCheckpoint(checkpointWith(f, (m) => { m.layers[1] = null as never; })), error: ShapeError, message: ['loadCheckpoint: layer 1 (relu) has kind undefined in the checkpoint'] },
  { what: 'loadCheckpoint: null', call: (f) => f.model.loadCheckpoint(null as never), error: ValueError, message: ["loadCheckpoint: expected { manifest, data } with a 'wgsl-tensor-checkpoint' manifest, got null"] },
];
