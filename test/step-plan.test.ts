/**
 * The compiled step plan: a training step's bind groups are built once and
 * replayed (src/gpu/bind-group-cache.ts); only the uniform arena is written
 * each step. Replaying gives the same bits as building every bind group anew,
 * and a bind group is rebuilt when a buffer it binds changes.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { blobs } from './helpers/blobs.js';
import { expectBitEqual } from './helpers/compare.js';
import { Sequential, dense, relu, dropout, residual, adam, ResidentDataset } from '../src/index.js';

describe('compiled step plan (bind groups built once)', function () {
  this.timeout(120_000);

  it('after the first steps, a training step builds no bind group: every dispatch replays a cached one', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(256, 20, 1);
    const data = ResidentDataset.upload(engine, x, y, 20, { classes: 3 });
    const order = engine.tensor(Uint32Array.from({ length: 256 }, (_, i) => i), [256], 'u32');
    const model = new Sequential(engine, [dense(20, 32), relu(), dropout(0.2), residual([dense(32, 32), relu()]), dense(32, 3)], { seed: 3 });
    // the pool settles within a few steps into handing out the step's scratch buffers in a fixed
    // cycle (it reuses the most recently released first); the first steps build the groups of that cycle
    for (let s = 0; s < 4; s++) model.trainOnBatch(data, { order, start: 0, batchSize: 64 });
    await engine.sync();
    const before = engine.stats();
    for (let s = 0; s < 6; s++) model.trainOnBatch(data, { order, start: (s % 4) * 64, batchSize: 64 });
    const after = engine.stats();
    expect(after.bindGroupsCreated - before.bindGroupsCreated, 'bind groups built').to.equal(0);
    expect(after.bindGroupHits - before.bindGroupHits).to.equal(after.dispatches - before.dispatches);
    expect(after.submits - before.submits).to.equal(6);
    model.dispose();
    order.dispose();
    data.dispose();
  });

  it('replaying cached bind groups gives weights bit-identical to building them every step', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(200, 12, 2);
    const train = async (cache: boolean) => {
      engine.scheduler.bindGroups.enabled = cache;
      try {
        const model = new Sequential(engine, [dense(12, 24), relu(), dropout(0.3), residual([dense(24, 24), relu(), dense(24, 24)]), dense(24, 3)],
          { seed: 9, optimizer: adam({ lr: 0.01 }) });
        await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
        const w = await model.getWeights();
        model.dispose();
        return w;
      } finally {
        engine.scheduler.bindGroups.enabled = true;
      }
    };
    const built = engine.stats().bindGroupsCreated;
    const fresh = await train(false);
    const afterFresh = engine.stats().bindGroupsCreated;
    const replayed = await train(true);
    expect(afterFresh - built, 'without the cache every dispatch builds one').to.be.greaterThan(3 * 13 * 10);
    expectBitEqual(replayed, fresh);
  });

  it('a bind group is rebuilt when a buffer it binds changes, and reused while the same buffers are bound', async () => {
    const engine = await getEngine();
    const a = engine.tensor(Float32Array.from({ length: 12 }, (_, i) => i), [3, 4]);
    const b = engine.tensor(Float32Array.from({ length: 8 }, (_, i) => i - 4), [4, 2]);
    const out = engine.zeros([3, 2]);
    engine.matmul(a, b, { out });
    await engine.sync();
    const s0 = engine.stats();
    engine.matmul(a, b, { out });
    const s1 = engine.stats();
    expect(s1.bindGroupsCreated - s0.bindGroupsCreated, 'same buffers: reused').to.equal(0);
    // new data in the same buffers: still reused, and the result follows the data
    engine.write(b, Float32Array.from({ length: 8 }, () => 1));
    engine.matmul(a, b, { out });
    expect(engine.stats().bindGroupsCreated - s1.bindGroupsCreated).to.equal(0);
    expect(Array.from(await out.read())).to.deep.equal([6, 6, 22, 22, 38, 38]);
    // another buffer bound: a new bind group
    const c = engine.tensor(Float32Array.from({ length: 8 }, () => 2), [4, 2]);
    const s2 = engine.stats();
    engine.matmul(a, c, { out });
    expect(engine.stats().bindGroupsCreated - s2.bindGroupsCreated).to.equal(1);
    expect(Array.from(await out.read())).to.deep.equal([12, 12, 44, 44, 76, 76]);
    // a buffer the pool destroys takes its bind groups with it
    const held = engine.scheduler.bindGroups.size;
    c.dispose();
    await engine.sync();
    engine.pool.trim();
    expect(engine.scheduler.bindGroups.size).to.be.below(held);
    for (const t of [a, b, out]) t.dispose();
  });
});
