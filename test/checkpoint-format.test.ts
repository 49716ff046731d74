/**
 * The checkpoint file format (src/nn/checkpoint.ts, version 2): the checksum
 * covers the manifest (independent of key order) as well as the data, and
 * the step counter is accepted up to the last value training can continue
 * from — the dropout RNG takes steps up to 2^32 − 1.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { blobs } from './helpers/blobs.js';
import { Sequential, dense, relu, dropout, rmsprop, ValueError, type Checkpoint, type CheckpointManifest } from '../src/index.js';
import { CHECKPOINT_VERSION, MAX_STEP_COUNT, checkpointChecksum } from '../src/nn/checkpoint.js';
import { MAX_DROPOUT_STEP } from '../src/ops/dropout.js';

/** The same JSON with every object's keys in reverse order (what another store might give back). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]));
}

/** A copy of `c` with its manifest edited and signed again, as a writer of valid files would. */
function resigned(c: Checkpoint, edit: (m: CheckpointManifest) => void): Checkpoint {
  const manifest = JSON.parse(JSON.stringify(c.manifest)) as CheckpointManifest;
  edit(manifest);
  manifest.checksum = checkpointChecksum(manifest, c.data);
  return { manifest, data: c.data };
}

describe('checkpoint format', function () {
  this.timeout(120_000);
  const { x, y } = blobs(12, 4, 3);
  const make = async () => new Sequential(await getEngine(), [dense(4, 8), relu(), dropout(0.3), dense(8, 3)], { seed: 3, optimizer: rmsprop() });

  it('is version 2, and its checksum covers the manifest and the data whatever the key order', async () => {
    const a = await make();
    await a.fit(x, y, { epochs: 1, batchSize: 4 });
    const saved = await a.saveCheckpoint();
    expect(saved.manifest.version).to.equal(CHECKPOINT_VERSION).and.to.equal(2);
    expect(saved.manifest.checksum).to.equal(checkpointChecksum(saved.manifest, saved.data));
    // the same manifest with its keys reordered is the same file
    const b = await make();
    b.loadCheckpoint({ manifest: reversedKeys(saved.manifest) as CheckpointManifest, data: saved.data });
    expect(Array.from(await b.getWeights())).to.deep.equal(Array.from(await a.getWeights()));
    expect([b.stepCount, b.epochCount]).to.deep.equal([3, 1]);
    // a change to the manifest alone changes the checksum
    expect(checkpointChecksum({ ...saved.manifest, seed: 4 }, saved.data)).to.not.equal(saved.manifest.checksum);
    a.dispose(); b.dispose();
  });

  it('accepts a stepCount up to the last one training can continue from, and trains that next step with dropout', async () => {
    expect(MAX_STEP_COUNT).to.equal(MAX_DROPOUT_STEP - 1);
    const a = await make();
    await a.fit(x, y, { epochs: 1, batchSize: 12 });
    const saved = await a.saveCheckpoint();

    const b = await make();
    const tooFar = await thrown(() => b.loadCheckpoint(resigned(saved, (m) => { m.stepCount = MAX_STEP_COUNT + 1; })));
    expect(tooFar).to.be.instanceOf(ValueError);
    expect(tooFar.message).to.include(`manifest.stepCount must be <= ${MAX_STEP_COUNT}`);
    expect(b.stepCount).to.equal(0);

    b.loadCheckpoint(resigned(saved, (m) => { m.stepCount = MAX_STEP_COUNT; }));
    expect(b.stepCount).to.equal(MAX_STEP_COUNT);
    const history = await b.fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 12 });
    expect(history.steps).to.equal(1);
    expect(b.stepCount).to.equal(MAX_DROPOUT_STEP);
    expect(Array.from(await b.getWeights()).every(Number.isFinite)).to.equal(true);
    a.dispose(); b.dispose();
  });
});
