import { expect } from 'chai';
import { getEngine, newEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { blobs } from './helpers/blobs.js';
import { expectBitEqual } from './helpers/compare.js';
import {
  Sequential, dense, relu, dropout, adam, sgd, rmsprop, ValueError, ShapeError, DeviceLostError, BusyError,
  type Checkpoint, type Engine, type Optimizer,
} from '../src/index.js';



describe('reliability', function () {
  this.timeout(600_000);

  it('2,000 training steps keep live buffers and bytes flat after warm-up', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(64, 8, 1);
    const model = new Sequential(engine, [dense(8, 16), relu(), dropout(0.1), dense(16, 3)], { seed: 1, optimizer: adam() });
    await model.fit(x, y, { verbose: 0, epochs: 5, batchSize: 8, metricsEvery: 20 }); // warm-up: 40 steps
    const warm = engine.stats();
    const history = await model.fit(x, y, { verbose: 0, epochs: 250, batchSize: 8, metricsEvery: 100 }); // 2,000 steps
    const after = engine.stats();
    expect(history.steps).to.equal(2000);
    expect(after.liveBuffers).to.equal(warm.liveBuffers);
    expect(after.liveBytes).to.equal(warm.liveBytes);
    expect(after.liveTensors).to.equal(warm.liveTensors);
    // the pool reuses: almost no buffers created after warm-up
    expect(after.createdBuffers - warm.createdBuffers).to.be.below(10);
    model.dispose();
  });

  it('200 create/fit/dispose cycles of small models leave nothing behind', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(24, 4, 2);
    const before = engine.stats();
    for (let k = 0; k < 200; k++) {
      const m = new Sequential(engine, [dense(4, 6), relu(), dense(6, 3)], { seed: k, optimizer: sgd({ lr: 0.1, momentum: 0.9 }) });
      await m.fit(x, y, { verbose: 0, epochs: 1, batchSize: 12 });
      m.dispose();
    }
    engine.flush();
    const after = engine.stats();
    expect(after.liveTensors).to.equal(before.liveTensors);
    expect(after.liveBuffers).to.equal(before.liveBuffers);
    expect(after.liveBytes).to.equal(before.liveBytes);
  });

  it('engine.destroy() frees every buffer it owns', async () => {
    const engine = await newEngine();
    const { x, y } = blobs(30, 4, 3);
    const m = new Sequential(engine, [dense(4, 5), relu(), dense(5, 3)]);
    await m.fit(x, y, { verbose: 0, epochs: 1, batchSize: 10 });
    expect(engine.stats().liveBuffers).to.be.above(0);
    engine.destroy();
    const s = engine.stats();
    expect([s.liveBuffers, s.liveBytes, s.pooledBytes, s.liveTensors]).to.deep.equal([0, 0, 0, 0]);
  });

  it('two models training interleaved on one engine end with the same weights as one after the other', async () => {
    const engine = await getEngine();
    const a = blobs(90, 6, 4);
    const b = blobs(70, 6, 5);
    const make = (seed: number) => new Sequential(engine, [dense(6, 10), relu(), dropout(0.2), dense(10, 3)], { seed, optimizer: adam() });
    const opts = { epochs: 3, batchSize: 8, metricsEvery: 2, verbose: 0 as const };
    // one after the other
    const s1 = make(1); await s1.fit(a.x, a.y, opts);
    const s2 = make(2); await s2.fit(b.x, b.y, opts);
    const [w1, w2] = [await s1.getWeights(), await s2.getWeights()];
    // interleaved: both fits in flight, alternating at every metrics read
    const i1 = make(1); const i2 = make(2);
    await Promise.all([i1.fit(a.x, a.y, opts), i2.fit(b.x, b.y, opts)]);
    expectBitEqual(await i1.getWeights(), w1, 'model 1');
    expectBitEqual(await i2.getWeights(), w2, 'model 2');
    for (const m of [s1, s2, i1, i2]) m.dispose();
  });

  it('fit stops with a clear error naming epoch and step when the loss becomes NaN', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(64, 4, 6);
    const m = new Sequential(engine, [dense(4, 8), relu(), dense(8, 3)], { seed: 1, optimizer: sgd({ lr: 1e30 }) });
    let err: Error | null = null;
    try {
      await m.fit(x, y, { verbose: 0, epochs: 3, batchSize: 8, metricsEvery: 2 });
    } catch (e) {
      err = e as Error;
    }
    expect(err).to.be.instanceOf(ValueError);
    expect(err!.message).to.match(/loss became (NaN|Infinity) at epoch 1, step \d+ of 8/);
    m.dispose();
    const r = await engine.relu(engine.tensor([-1, 1], [2])).read();
    expect(Array.from(r)).to.deep.equal([0, 1]);
  });

  describe('checkpoint and resume after device loss', () => {
    // 64-32-10 with dropout (its masks are seeded by the step counter) and an
    // optimizer with state, so a resume that lost either would not be bit-identical.
    const data = blobs(96, 64, 7);
    const layers = () => [dense(64, 32), relu(), dropout(0.25), dense(32, 10)];
    const options = { epochs: 4, batchSize: 16, metricsEvery: 2, verbose: 0 as const }; // 6 steps per epoch
    const make = (engine: Engine, optimizer: () => Optimizer) => new Sequential(engine, layers(), { seed: 5, optimizer: optimizer() });

    /** A checkpoint as an app would store it: the manifest through JSON, the data copied. */
    const stored = (c: Checkpoint): Checkpoint => ({ manifest: JSON.parse(JSON.stringify(c.manifest)), data: c.data.slice(0) });

    const variants: { name: string; optimizer: () => Optimizer; lose: 'mid-epoch (onBatchEnd)' | 'at an epoch end (onEpochEnd)' }[] = [
      { name: 'rmsprop', optimizer: () => rmsprop({ lr: 0.01 }), lose: 'mid-epoch (onBatchEnd)' },
      { name: 'adam', optimizer: () => adam({ lr: 0.01 }), lose: 'at an epoch end (onEpochEnd)' },
    ];
    for (const v of variants) {
      it(`${v.name}: device lost ${v.lose} -> fit rejects DeviceLostError; resuming the epoch-2 checkpoint on a new engine is bit-identical to an uninterrupted run`, async () => {
        // the uninterrupted run: all 4 epochs in one fit
        const engine3 = await newEngine();
        const reference = make(engine3, v.optimizer);
        await reference.fit(data.x, data.y, options);
        const expected = await reference.getWeights();
        engine3.destroy();

        // engine 1: checkpoint after epoch index 1 (two epochs done), keep training, lose the device in epoch index 2
        const engine1 = await newEngine();
        const a = make(engine1, v.optimizer);
        let checkpoint: Checkpoint | null = null;
        let pendingRead: Promise<unknown> | null = null;
        const lose = () => {
          pendingRead = a.getWeights(); // in flight when the device goes
          engine1.device.destroy();
        };
        const err = await thrown(() => a.fit(data.x, data.y, {
          ...options,
          callbacks: [
            { onEpochEnd: async (epoch) => { if (epoch === 1) checkpoint = await a.saveCheckpoint(); } },
            { onBatchEnd: (batch) => { if (v.lose.startsWith('mid') && a.epochCount === 2 && batch === 1) lose(); } },
            { onEpochEnd: (epoch) => { if (v.lose.startsWith('at') && epoch === 2) lose(); } },
          ],
        }));
        expect(err, String(err)).to.be.instanceOf(DeviceLostError);
        expect(err.message).to.match(/device was lost/);
        // the read in flight settled (done before the loss, or rejected with DeviceLostError): nothing hangs
        await pendingRead!.then(() => undefined, (e) => expect(e).to.be.instanceOf(DeviceLostError));
        // every later call on that engine and model says so
        expect(engine1.alive).to.equal(false);
        expect(() => engine1.tensor([1], [1])).to.throw(DeviceLostError);
        expect(() => a.fit(data.x, data.y, options)).to.throw(DeviceLostError);
        expect(await thrown(() => a.saveCheckpoint())).to.be.instanceOf(DeviceLostError);
        expect(await thrown(() => a.getWeights())).to.be.instanceOf(DeviceLostError);
        a.dispose();
        engine1.destroy();

        // engine 2: a new model with the same layers, the checkpoint, the remaining epochs
        expect(checkpoint, 'checkpoint saved at the end of epoch index 1').to.not.equal(null);
        const c = stored(checkpoint!);
        expect(c.manifest.epochCount).to.equal(2);
        expect(c.manifest.stepCount).to.equal(12);
        const engine2 = await newEngine();
        const b = make(engine2, v.optimizer);
        b.loadCheckpoint(c);
        expect([b.epochCount, b.stepCount]).to.deep.equal([2, 12]);
        const history = await b.fit(data.x, data.y, { ...options, initialEpoch: b.epochCount });
        expect(history.epoch).to.deep.equal([2, 3]);
        expect(history.steps).to.equal(12);
        expectBitEqual(await b.getWeights(), expected, `${v.name} resumed vs uninterrupted`);
        engine2.destroy();
      });
    }

    it('save -> load round trip restores weights, optimizer state and counters exactly', async () => {
      const engine = await getEngine();
      const a = make(engine, () => adam({ lr: 0.01 }));
      await a.fit(data.x, data.y, { ...options, epochs: 1 });
      const saved = await a.saveCheckpoint();
      expect(saved.manifest.optimizer.state.map((t) => t.name.split('/')[0])).to.deep.equal(['m', 'm', 'm', 'm', 'v', 'v', 'v', 'v']);
      const b = make(engine, () => adam({ lr: 0.01 }));
      b.loadCheckpoint(stored(saved));
      expectBitEqual(await b.getWeights(), await a.getWeights(), 'weights');
      const [sa, sb] = [a.optimizer.state(), b.optimizer.state()];
      for (let i = 0; i < sa.length; i++) expectBitEqual(await sb[i]!.read() as Float32Array, await sa[i]!.read() as Float32Array, `state ${i}`);
      expect([b.stepCount, b.epochCount]).to.deep.equal([6, 1]);
      // both continue identically
      await a.fit(data.x, data.y, { ...options, epochs: 2, initialEpoch: 1 });
      await b.fit(data.x, data.y, { ...options, epochs: 2, initialEpoch: 1 });
      expectBitEqual(await b.getWeights(), await a.getWeights(), 'after one more epoch');
      a.dispose(); b.dispose();
    });

    it('a corrupt, truncated or mismatched checkpoint is a typed error and leaves the model unchanged', async () => {
      const engine = await getEngine();
      const a = make(engine, () => rmsprop());
      await a.fit(data.x, data.y, { ...options, epochs: 1 });
      const good = await a.saveCheckpoint();
      const b = make(engine, () => rmsprop());
      const before = await b.getWeights();
      const others: Sequential[] = [];
      const other = (m: Sequential) => { others.push(m); return m; };
      const flipped = good.data.slice(0);
      new Uint8Array(flipped)[100]! ^= 0x01; // one bit of one weight: still a finite number
      const cases: [string, () => unknown, typeof ValueError, RegExp][] = [
        ['wrong format', () => b.loadCheckpoint({ ...stored(good), manifest: { ...stored(good).manifest, format: 'wgsl-tensor-weights' as never } }), ValueError, /format must be 'wgsl-tensor-checkpoint'/],
        ['no data', () => b.loadCheckpoint({ manifest: stored(good).manifest, data: new Uint8Array(8) as never }), ValueError, /data must be an ArrayBuffer/],
        ['truncated data', () => b.loadCheckpoint({ manifest: stored(good).manifest, data: good.data.slice(0, good.data.byteLength - 4) }), ValueError, /tensor v\/dense_3\/bias needs bytes .* \(truncated or corrupt\)/],
        ['a flipped bit', () => b.loadCheckpoint({ manifest: stored(good).manifest, data: flipped }), ValueError, /checksum .* \(corrupt data\)/],
        ['other layers', () => other(new Sequential(engine, [dense(64, 16), relu(), dropout(0.25), dense(16, 10)], { seed: 5 })).loadCheckpoint(stored(good)), ShapeError, /layer 0 \(dense\) has outUnits 32 in the checkpoint but 16/],
        ['other dropout rate', () => other(new Sequential(engine, [dense(64, 32), relu(), dropout(0.5), dense(32, 10)], { seed: 5 })).loadCheckpoint(stored(good)), ValueError, /layer 2 \(dropout\) has rate 0.25 in the checkpoint but 0.5/],
        ['other optimizer', () => other(make(engine, () => adam())).loadCheckpoint(stored(good)), ValueError, /optimizer is 'rmsprop', this model's is 'adam'/],
        ['other optimizer config', () => other(make(engine, () => rmsprop({ rho: 0.8 }))).loadCheckpoint(stored(good)), ValueError, /rmsprop has rho 0.9 in the checkpoint but 0.8/],
        ['other seed', () => other(new Sequential(engine, layers(), { seed: 6 })).loadCheckpoint(stored(good)), ValueError, /seed 5, this model has seed 6/],
        ['negative stepCount', () => b.loadCheckpoint({ manifest: { ...stored(good).manifest, stepCount: -1 }, data: good.data }), ValueError, /stepCount must be an integer >= 0, got -1/],
        ['missing optimizer state', () => b.loadCheckpoint({ manifest: { ...stored(good).manifest, optimizer: { ...good.manifest.optimizer, state: [] } }, data: good.data }), ShapeError, /optimizer.state has 0 tensors; rmsprop needs 4/],
      ];
      for (const [what, call, type, message] of cases) {
        const err = await thrown(call);
        expect(err, `${what}: ${err}`).to.be.instanceOf(type);
        expect(err.message, what).to.match(message);
        expectBitEqual(await b.getWeights(), before, `${what}: model unchanged`);
        expect([b.stepCount, b.epochCount], what).to.deep.equal([0, 0]);
      }
      // a checkpoint in the middle of an epoch could not be resumed exactly: refused
      let midEpoch: unknown = null;
      await a.fit(data.x, data.y, { ...options, epochs: 2, initialEpoch: 1, callbacks: [{ onBatchEnd: () => { midEpoch ??= a.saveCheckpoint().catch((e) => e); } }] });
      const refused = await midEpoch;
      expect(refused).to.be.instanceOf(BusyError);
      expect((refused as Error).message).to.match(/saveCheckpoint: fit is running on this model; one operation on a model at a time: call it from an epoch-level callback \(onEpochEnd/);
      b.loadCheckpoint(stored(await a.saveCheckpoint())); // and a good one loads
      expectBitEqual(await b.getWeights(), await a.getWeights(), 'loaded');
      for (const m of [a, b, ...others]) m.dispose();
    });
  });
});
