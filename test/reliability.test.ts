import { expect } from 'chai';
import { getEngine, newEngine } from './helpers/engine.js';
import { expectBitEqual } from './helpers/compare.js';
import { rng } from './helpers/random.js';
import { Sequential, dense, relu, dropout, adam, sgd, ValueError } from '../src/index.js';

function blobs(n: number, features: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = rng(seed);
  const x = new Float32Array(n * features).map(() => r() * 2 - 1);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  for (let i = 0; i < n; i++) x[i * features + (y[i]! % features)]! += 2;
  return { x, y };
}

describe('reliability', function () {
  this.timeout(600_000);

  it('2,000 training steps keep live buffers and bytes flat after warm-up', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(64, 8, 1);
    const model = new Sequential(engine, [dense(8, 16), relu(), dropout(0.1), dense(16, 3)], { seed: 1, optimizer: adam() });
    await model.fit(x, y, { epochs: 5, batchSize: 8, metricsEvery: 20 }); // warm-up: 40 steps
    const warm = engine.stats();
    const history = await model.fit(x, y, { epochs: 250, batchSize: 8, metricsEvery: 100 }); // 2,000 steps
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
      await m.fit(x, y, { epochs: 1, batchSize: 12 });
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
    await m.fit(x, y, { epochs: 1, batchSize: 10 });
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
    const opts = { epochs: 3, batchSize: 8, metricsEvery: 2 };
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
      await m.fit(x, y, { epochs: 3, batchSize: 8, metricsEvery: 2 });
    } catch (e) {
      err = e as Error;
    }
    expect(err).to.be.instanceOf(ValueError);
    expect(err!.message).to.match(/loss became (NaN|Infinity) at epoch 1, step \d+ of 8/);
    m.dispose();
    const r = await engine.relu(engine.tensor([-1, 1], [2])).read();
    expect(Array.from(r)).to.deep.equal([0, 1]);
  });
});
