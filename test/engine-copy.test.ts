/** engine.copy and engine.clear: recorded in order with the other work, no dispatch and no sync. */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { ValueError, ShapeError } from '../src/index.js';

describe('engine.copy and engine.clear', () => {
  it('copy makes a new tensor or fills `out`, in order with recorded work; clear zeroes; neither dispatches or submits', async () => {
    const engine = await getEngine();
    const a = engine.tensor(Float32Array.from({ length: 6 }, (_, i) => i - 3), [2, 3]);
    await engine.sync();
    const before = engine.stats();
    const r = engine.relu(a);                 // recorded, not yet submitted
    const c = engine.copy(r);                 // sees relu's result: in order
    const out = engine.zeros([6]);
    engine.copy(a, out);
    engine.clear(a);                          // after the copies were recorded
    const mid = engine.stats();
    expect(mid.submits - before.submits).to.equal(0);
    expect(mid.dispatches - before.dispatches).to.equal(1); // the relu only
    expect(Array.from(await c.read())).to.deep.equal([0, 0, 0, 0, 1, 2]);
    expect(c.shape).to.deep.equal([2, 3]);
    expect(Array.from(await out.read())).to.deep.equal([-3, -2, -1, 0, 1, 2]);
    expect(Array.from(await a.read())).to.deep.equal([0, 0, 0, 0, 0, 0]);
    for (const t of [a, r, c, out]) t.dispose();
  });

  it('copy refuses an out of another size, or in the same GPU buffer at another offset (WebGPU copies between two buffers)', async () => {
    const engine = await getEngine();
    const big = engine.zeros([256]);
    const live = engine.stats().liveTensors;
    expect(await thrown(() => engine.copy(engine.view(big, 0, [64]), engine.view(big, 64, [64])))).to.be.instanceOf(ValueError)
      .and.have.property('message').that.includes('shares its GPU buffer with src');
    const small = engine.zeros([255]);
    expect(await thrown(() => engine.copy(big, small))).to.be.instanceOf(ShapeError);
    expect(engine.stats().liveTensors - live).to.equal(1); // only `small`: the refused calls made nothing
    small.dispose();
    big.dispose();
  });
});
