import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectClose } from './helpers/compare.js';
import { rng, uniform } from './helpers/random.js';
import { argmax as argmaxRef, columnSums as columnSumsRef, countCorrect as countCorrectRef } from '../src/reference/reductions.js';
import { DTypeError, ShapeError, ValueError } from '../src/errors.js';

/** f32 sums of K values in [-1, 1]: error grows with K (chunked sums keep it well below this). */
const sumTolerance = (k: number) => ({ atol: 2e-7 * k + 1e-6, rtol: 1e-6 });

describe('columnSums', () => {
  // one pass (<= 256 rows), chunked (taller), and more than 65535 rows
  const SHAPES: [number, number][] = [[1, 1], [3, 7], [127, 131], [256, 512], [1000, 3], [70_000, 2]];
  for (const [n, cols] of SHAPES) {
    it(`matches the CPU reference, [${n}, ${cols}]`, async () => {
      const engine = await getEngine();
      const xData = uniform(n * cols, n + cols);
      const x = engine.tensor(xData, [n, cols]);
      const out = engine.columnSums(x);
      expect(out.shape).to.deep.equal([cols]);
      expectClose(await out.read(), columnSumsRef(xData, cols, n), sumTolerance(n), 'column sums');
      x.dispose(); out.dispose();
    });
  }

  it('rows limits the sum; out writes into a view; sumRows is the same op', async () => {
    const engine = await getEngine();
    for (const [n, cols, rows] of [[9, 5, 4], [600, 3, 513]]) {
      const xData = uniform(n! * cols!, n! + 1);
      const x = engine.tensor(xData, [n!, cols!]);
      const flat = engine.tensor(new Float32Array(64 + cols! + 3).fill(-7), [64 + cols! + 3]);
      const view = engine.view(flat, 64, [cols!]);
      const returned = engine.columnSums(x, { out: view, rows });
      expect(returned).to.equal(view);
      const all = await flat.read();
      expectClose(all.subarray(64, 64 + cols!), columnSumsRef(xData, cols!, rows!), sumTolerance(rows!), 'sums into the view');
      expect(Array.from(all.subarray(0, 64)).every((v) => v === -7), 'before the view untouched').to.equal(true);
      expect(Array.from(all.subarray(64 + cols!)).every((v) => v === -7), 'after the view untouched').to.equal(true);
      const viaAlias = engine.sumRows(x, { rows });
      expectClose(await viaAlias.read(), columnSumsRef(xData, cols!, rows!), sumTolerance(rows!), 'sumRows');
      for (const t of [x, flat, viaAlias]) t.dispose();
    }
  });

  it('rejects bad arguments before any dispatch', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(6), [2, 3]);
    const flat = engine.tensor(new Float32Array(6), [6]);
    const ints = engine.tensor(new Int32Array(6), [2, 3]);
    const wrongOut = engine.tensor(new Float32Array(2), [2]);
    const before = engine.stats().dispatches;
    expect(() => engine.columnSums(flat)).to.throw(ShapeError, /columnSums: x must be 2-D/);
    expect(() => engine.columnSums(ints)).to.throw(DTypeError, /columnSums: x/);
    expect(() => engine.columnSums(x, { out: wrongOut })).to.throw(ShapeError, /columnSums: options.out must have 3 elements/);
    expect(() => engine.columnSums(x, { rows: 3 })).to.throw(ValueError, /columnSums: options.rows/);
    expect(() => engine.sumRows(x, { rows: 0 })).to.throw(ValueError, /sumRows: options.rows/);
    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [x, flat, ints, wrongOut]) t.dispose();
  });
});

describe('argmax and countCorrect', () => {
  for (const [n, cols] of [[1, 1], [3, 7], [127, 131], [70_000, 3]] as [number, number][]) {
    it(`match the CPU reference, [${n}, ${cols}]`, async () => {
      const engine = await getEngine();
      // values on a coarse grid so ties happen: the first maximum must win
      const r = rng(n + cols);
      const xData = Float32Array.from({ length: n * cols }, () => Math.floor(r() * 4));
      const lData = Int32Array.from({ length: n }, () => Math.floor(r() * cols));
      const x = engine.tensor(xData, [n, cols]);
      const labels = engine.tensor(lData, [n]);
      const am = engine.argmax(x);
      const count = engine.countCorrect(x, labels);
      const [amGpu, countGpu] = await Promise.all([am.read(), count.read()]);
      expect(am.dtype).to.equal('i32');
      expect(Array.from(amGpu)).to.deep.equal(Array.from(argmaxRef(xData, n, cols)));
      expect(countGpu[0]).to.equal(countCorrectRef(xData, lData, n, cols));
      for (const t of [x, labels, am, count]) t.dispose();
    });
  }

  it('rejects bad arguments before any dispatch', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(6), [2, 3]);
    const f32Labels = engine.tensor(new Float32Array(2), [2]);
    const longLabels = engine.tensor(new Int32Array(3), [3]);
    const before = engine.stats().dispatches;
    expect(() => engine.argmax(f32Labels)).to.throw(ShapeError, /argmax: x must be 2-D/);
    expect(() => engine.countCorrect(x, f32Labels)).to.throw(DTypeError, /countCorrect: labels must have dtype i32/);
    expect(() => engine.countCorrect(x, longLabels)).to.throw(ShapeError, /countCorrect: labels must have one entry per row/);
    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [x, f32Labels, longLabels]) t.dispose();
  });
});
