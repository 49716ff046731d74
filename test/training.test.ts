import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { blobs } from './helpers/blobs.js';
import { getMnist } from './helpers/mnist.js';
import { rng, uniform } from './helpers/random.js';
import { expectBitEqual } from './helpers/compare.js';
import { gradientMismatches } from './helpers/finite-differences.js';
import {
  Sequential, dense, relu, sigmoid, tanh, maxout, dropout, rmsprop, sgd, adam, earlyStopping, subset,
  ResidentDataset, ShapeError, ValueError, type LabeledImages,
} from '../src/index.js';



describe('training API', function () {
  this.timeout(600_000);

  it('a 784-64-10 ReLU net on 2,000 MNIST images reaches >= 90% on 1,000 held-out images', async () => {
    const engine = await getEngine();
    const mnist = await getMnist();
    const train = subset(mnist.train, 0, 2000);
    const held = subset(mnist.train, 59000, 1000); // held out: never trained on
    const model = new Sequential(engine, [dense(784, 64), relu(), dense(64, 10)], { optimizer: rmsprop({ lr: 0.002 }), seed: 7 });
    const before = engine.stats();
    const history = await model.fit(train.images, train.labels, { verbose: 0, epochs: 5, batchSize: 32, metricsEvery: 10 });
    const after = engine.stats();
    const { accuracy, loss } = await model.evaluate(held.images, held.labels);
    expect(accuracy, `held-out accuracy (loss ${loss})`).to.be.at.least(0.9);
    expect(history.epoch).to.deep.equal([0, 1, 2, 3, 4]);
    expect(Object.keys(history.history)).to.deep.equal(['loss', 'accuracy']); // no val_* without validation data
    expect(history.history.loss[4]).to.be.below(history.history.loss[0]!);
    // one submit per step (32 steps per epoch, the last partial batch included), few reads
    const steps = 5 * Math.ceil(2000 / 32);
    expect(history.steps).to.equal(steps);
    // each metrics read adds one small submit (its copy); order uploads flush once per epoch
    expect(after.submits - before.submits).to.be.within(steps, steps + (after.reads - before.reads) + 5 * 2 + 4);
    expect(after.reads - before.reads).to.be.at.most(Math.ceil(steps / 10) + 5 * 2 + 2);
    model.dispose();
  });

  it('gradients used by fit match finite differences for a tiny model with every layer type', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(12, 6, 3);
    const model = new Sequential(engine, [
      dropout(0.25), dense(6, 8), tanh(), dense(8, 3 * 2), maxout(3, 2), tanh(), dropout(0.5),
      dense(3, 5), sigmoid(), dense(5, 4), relu(), dense(4, 3),
    ], { seed: 11 });
    const pick = rng(99);
    const indices = Array.from({ length: 60 }, () => Math.floor(pick() * model.parameterCount));
    const bad = await gradientMismatches(model, x, y, { indices, label: (i) => `w[${i}]` }, { training: true, step: 5 });
    // a kink of relu/maxout may fall inside ±h for an odd parameter; allow one
    expect(bad.length, bad.join('; ')).to.be.at.most(1);
    model.dispose();
  });

  it('same seed gives bit-identical weights; a different seed does not', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(300, 10, 5);
    const run = async (seed: number) => {
      const m = new Sequential(engine, [dense(10, 16), relu(), dropout(0.3), dense(16, 3)], { seed, optimizer: adam() });
      await m.fit(x, y, { verbose: 0, epochs: 2, batchSize: 32 });
      const w = await m.getWeights();
      m.dispose();
      return w;
    };
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    expectBitEqual(a, b, 'same seed');
    expect(a.some((v, i) => v !== c[i])).to.equal(true);
  });

  it('save -> load gives identical predictions', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(90, 4, 8);
    const a = new Sequential(engine, [dense(4, 7), tanh(), dense(7, 3)], { seed: 1 });
    await a.fit(x, y, { verbose: 0, epochs: 2, batchSize: 16 });
    const saved = await a.saveWeights();
    const json = JSON.parse(JSON.stringify(saved.manifest));
    const b = new Sequential(engine, [dense(4, 7), tanh(), dense(7, 3)], { seed: 2 });
    b.loadWeights({ manifest: json, data: saved.data.slice(0) });
    const [pa, pb] = [await a.predict(x), await b.predict(x)];
    expect(Array.from(pb.data)).to.deep.equal(Array.from(pa.data));
    // corrupt and truncated files are clear errors
    expect(() => b.loadWeights({ manifest: json, data: saved.data.slice(0, 20) })).to.throw(ValueError, /truncated or corrupt/);
    expect(() => b.loadWeights({ manifest: { ...json, format: 'other' }, data: saved.data })).to.throw(ValueError, /format/);
    const wrong = new Sequential(engine, [dense(4, 8), tanh(), dense(8, 3)], { seed: 2 });
    expect(() => wrong.loadWeights(saved)).to.throw(ShapeError, /dense_0\/kernel/);
    a.dispose(); b.dispose(); wrong.dispose();
  });

  it('early stopping (Keras semantics: stops after `patience` epochs without improvement) restores the best weights', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(60, 20, 21);
    // noisy labels on a tiny training set: the model overfits and val loss turns up
    const yNoisy = Int32Array.from(y, (v, i) => (i % 4 === 0 ? (v + 1) % 3 : v));
    const val = blobs(300, 20, 22);
    const model = new Sequential(engine, [dense(20, 128), relu(), dense(128, 3)], { seed: 3, optimizer: adam({ lr: 0.02 }) });
    const stopper = earlyStopping({ monitor: 'val_loss', patience: 2 });
    const history = await model.fit(x, yNoisy, { verbose: 0, epochs: 60, batchSize: 10, validation: { x: val.x, y: val.y }, callbacks: [stopper] });
    expect(history.stoppedEarly).to.equal(true);
    expect(history.epoch.length).to.be.below(60);
    expect(history.epoch.at(-1)).to.equal(stopper.stoppedEpoch);
    expect(stopper.stoppedEpoch - stopper.bestEpoch).to.equal(2);
    const valLoss = history.history.val_loss!;
    const best = Math.min(...valLoss);
    expect(valLoss[stopper.bestEpoch]).to.equal(best);
    const now = await model.evaluate(val.x, val.y);
    expect(now.loss).to.be.closeTo(best, 1e-5);
    model.dispose();
  });

  it('L2 shrinks the weights compared with no L2', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(200, 8, 30);
    const norm = async (l2: number) => {
      const m = new Sequential(engine, [dense(8, 32, { l2 }), relu(), dense(32, 3, { l2 })], { seed: 9, optimizer: sgd({ lr: 0.1 }) });
      await m.fit(x, y, { verbose: 0, epochs: 5, batchSize: 20 });
      const w = await m.getWeights();
      m.dispose();
      let s = 0;
      for (const v of w) s += v * v;
      return s;
    };
    const [plain, decayed] = [await norm(0), await norm(0.05)];
    expect(decayed).to.be.below(plain * 0.8);
  });

  it('dropout is active in fit and off in evaluate and predict', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(60, 5, 40);
    const withDropout = new Sequential(engine, [dense(5, 16), relu(), dropout(0.5), dense(16, 3)], { seed: 12 });
    await withDropout.fit(x, y, { verbose: 0, epochs: 1, batchSize: 20 });
    const twin = new Sequential(engine, [dense(5, 16), relu(), dense(16, 3)], { seed: 99 });
    twin.setWeights(await withDropout.getWeights());
    const p1 = await withDropout.predict(x);
    const p2 = await withDropout.predict(x);
    expect(Array.from(p1.data)).to.deep.equal(Array.from(p2.data));
    expect(Array.from((await twin.predict(x)).data)).to.deep.equal(Array.from(p1.data));
    expect(await withDropout.evaluate(x, y)).to.deep.equal(await twin.evaluate(x, y));
    // in training mode the masks change the loss
    const train = await withDropout.computeGradients(x, y, { training: true, step: 1 });
    const evalLoss = await withDropout.computeGradients(x, y, { training: false });
    expect(train.loss).to.not.equal(evalLoss.loss);
    withDropout.dispose(); twin.dispose();
  });

  describe('bad input: a clear error before any GPU work, engine still usable', () => {
    const cases: [string, (e: Awaited<ReturnType<typeof getEngine>>) => unknown, RegExp][] = [
      ['x and y of different lengths', (e) => {
        const m = new Sequential(e, [dense(4, 3)]);
        try { return m.fit(new Float32Array(4 * 10), new Int32Array(9), { verbose: 0, epochs: 1 }); } finally { m.dispose(); }
      }, /x and y have different lengths.*10 samples.*9 labels/],
      ['labels outside [0, classes)', (e) => {
        const m = new Sequential(e, [dense(4, 3)]);
        try { return m.fit(new Float32Array(8), Int32Array.from([0, 3]), { verbose: 0, epochs: 1 }); } finally { m.dispose(); }
      }, /label 3 at sample 1 is outside \[0, 3\)/],
      ['NaN in x names the sample', (e) => {
        const m = new Sequential(e, [dense(2, 3)]);
        const x = new Float32Array(10); x[7] = NaN;
        try { return m.fit(x, new Int32Array(5), { verbose: 0, epochs: 1 }); } finally { m.dispose(); }
      }, /NaN at sample 3, feature 1/],
      ['batch size <= 0', (e) => {
        const m = new Sequential(e, [dense(2, 3)]);
        try { return m.fit(new Float32Array(4), new Int32Array(2), { verbose: 0, batchSize: 0 }); } finally { m.dispose(); }
      }, /batchSize must be a positive integer, got 0/],
      ['epochs not a positive integer', (e) => {
        const m = new Sequential(e, [dense(2, 3)]);
        try { return m.fit(new Float32Array(4), new Int32Array(2), { verbose: 0, epochs: 1.5 }); } finally { m.dispose(); }
      }, /epochs must be a positive integer/],
      ['a layer whose input size does not match', (e) => new Sequential(e, [dense(784, 64), relu(), dense(32, 10)]),
        /layer 2 \(dense\) expects 32 inputs but the previous layer outputs 64/],
      ['maxout pieces not matching', (e) => new Sequential(e, [dense(10, 12), maxout(5, 2), dense(5, 3)]),
        /needs 5×2 = 10 inputs but the previous layer outputs 12/],
      ['dropout rate 1', () => dropout(1), /rate must be in \[0, 1\)/],
    ];
    for (const [name, fn, message] of cases) {
      it(name, async () => {
        const engine = await getEngine();
        const before = engine.stats().dispatches;
        const err = await thrown(() => fn(engine));
        expect(err.message).to.match(message);
        expect(err).to.satisfy((e: Error) => e instanceof ShapeError || e instanceof ValueError);
        expect(engine.stats().dispatches - before, 'dispatches before the error').to.equal(0);
        const r = await engine.relu(engine.tensor([-1, 1], [2])).read();
        expect(Array.from(r)).to.deep.equal([0, 1]);
      });
    }
  });

  it('one step of the Keras MLP (784-512-512-10, dropout) is 14 dispatches, 1 submit and no reads', async () => {
    const engine = await getEngine();
    const rows = 64;
    const x = uniform(rows * 784, 4, 0, 1);
    const y = Int32Array.from({ length: rows }, (_, i) => i % 10);
    const data = ResidentDataset.upload(engine, x, y, 784, { classes: 10 });
    const order = engine.tensor(Uint32Array.from({ length: rows }, (_, i) => i), [rows], 'u32');
    const model = new Sequential(engine, [
      dense(784, 512), relu(), dropout(0.2), dense(512, 512), relu(), dropout(0.2), dense(512, 10),
    ], { optimizer: rmsprop() });
    model.trainOnBatch(data, { order, start: 0, batchSize: rows }); // warm-up: pipelines compile
    await engine.sync();
    const before = engine.stats();
    for (let s = 0; s < 3; s++) model.trainOnBatch(data, { order, start: 0, batchSize: rows });
    const after = engine.stats();
    // gather 1, forward 3 matmuls + 2 dropouts, loss 1, backward: 3 dW+db matmuls and
    // 2 gated dX matmuls, optimizer 1.
    expect((after.dispatches - before.dispatches) / 3, 'dispatches per step').to.equal(14);
    expect((after.submits - before.submits) / 3, 'submits per step').to.equal(1);
    expect(after.reads - before.reads, 'reads').to.equal(0);
    model.dispose();
    order.dispose();
    data.dispose();
  });

  it('trains from a resident dataset: the data is uploaded once', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(120, 6, 50);
    const data = ResidentDataset.upload(engine, x, y, 6, { classes: 3 });
    const model = new Sequential(engine, [dense(6, 12), relu(), dense(12, 3)], { seed: 2, optimizer: adam({ lr: 0.05 }) });
    const live = engine.stats().liveBytes;
    await model.fit(data, { verbose: 0, epochs: 5, batchSize: 16 });
    expect(engine.stats().liveBytes).to.equal(live);
    expect((await model.evaluate(data)).accuracy).to.be.above(0.8);
    model.dispose();
    data.dispose();
  });
});

void uniform;
export type { LabeledImages };
