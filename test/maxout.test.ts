import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectBitEqual } from './helpers/compare.js';
import { uniform } from './helpers/random.js';
import { maxout as maxoutRef, maxoutBackward as maxoutBackwardRef } from '../src/reference/maxout.js';
import { DTypeError, ShapeError, ValueError } from '../src/errors.js';

// [rows, cols, pieces]: identity, a whole row as one group, primes, the
// maxout preset's 240 units x 5 pieces.
const CASES: [number, number, number][] = [[1, 1, 1], [3, 7, 7], [3, 21, 3], [127, 131, 1], [127, 131, 131], [64, 1200, 5]];

describe('maxout', () => {
  for (const [rows, cols, pieces] of CASES) {
    it(`forward and backward match the CPU reference, [${rows}, ${cols}] in groups of ${pieces}`, async () => {
      const engine = await getEngine();
      const xData = uniform(rows * cols, rows + cols + pieces, -3, 3);
      const units = cols / pieces;
      const dyData = uniform(rows * units, rows * 3 + pieces, -1, 1);
      const x = engine.tensor(xData, [rows, cols]);
      const dy = engine.tensor(dyData, [rows, units]);
      const { y, argmax } = engine.maxout(x, pieces);
      expect(y.shape).to.deep.equal([rows, units]);
      expect(argmax.dtype).to.equal('u32');
      const dx = engine.maxoutBackward(dy, argmax, pieces);
      const [yGpu, amGpu, dxGpu] = await Promise.all([y.read(), argmax.read(), dx.read()]);
      const ref = maxoutRef(xData, pieces);
      expectBitEqual(yGpu, ref.y, 'maxout y');
      expectBitEqual(amGpu, ref.argmax, 'maxout argmax');
      expectBitEqual(dxGpu, maxoutBackwardRef(dyData, ref.argmax, pieces), 'maxout dx');
      if (pieces === 1) expectBitEqual(yGpu, xData, 'pieces = 1 is the identity');
      for (const t of [x, dy, y, argmax, dx]) t.dispose();
    });
  }

  it('ties go to the first maximum of the group', async () => {
    const engine = await getEngine();
    const x = engine.tensor([2, 5, 5, 1, 7, 7, 7, 7, -1, -1, -3, -1], [1, 12]);
    const { y, argmax } = engine.maxout(x, 4);
    expect(Array.from(await y.read())).to.deep.equal([5, 7, -1]);
    expect(Array.from(await argmax.read())).to.deep.equal([1, 0, 0]);
    for (const t of [x, y, argmax]) t.dispose();
  });

  it('gradient matches finite differences of sum(maxout(x) * w) (no ties)', async () => {
    const engine = await getEngine();
    const rows = 3, pieces = 4, units = 5;
    // distinct values at least 0.01 apart, shuffled: no ties, no winner changes under ±h
    const n = rows * units * pieces;
    const order = uniform(n, 71).map((v, i) => v * 1000 + i);
    const xData = new Float32Array(n);
    Array.from(order.keys()).sort((a, b) => order[a]! - order[b]!).forEach((idx, rank) => { xData[idx] = rank * 0.01 - 0.3; });
    const w = uniform(rows * units, 72, -1, 1);
    const x = engine.tensor(xData, [rows, units * pieces]);
    const { y, argmax } = engine.maxout(x, pieces);
    const wt = engine.tensor(w, [rows, units]);
    const dx = await engine.maxoutBackward(wt, argmax, pieces).read();
    const f = (v: Float64Array) => {
      let s = 0;
      for (let o = 0; o < rows * units; o++) s += Math.max(...v.subarray(o * pieces, o * pieces + pieces)) * w[o]!;
      return s;
    };
    const h = 1e-3;
    for (let i = 0; i < n; i++) {
      const plus = Float64Array.from(xData); plus[i]! += h;
      const minus = Float64Array.from(xData); minus[i]! -= h;
      const numeric = (f(plus) - f(minus)) / (2 * h);
      expect(dx[i], `d/dx[${i}]`).to.be.closeTo(numeric, 1e-6 + 1e-5 * Math.abs(numeric));
    }
    for (const t of [x, y, argmax, wt]) t.dispose();
  });

  it('rejects bad arguments before any dispatch', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(12), [2, 6]);
    const ints = engine.tensor(new Int32Array(12), [2, 6]);
    const dy = engine.tensor(new Float32Array(6), [2, 3]);
    const f32Argmax = engine.tensor(new Float32Array(6), [2, 3]);
    const argmax = engine.tensor(new Uint32Array(4), [2, 2]);
    const before = engine.stats().dispatches;
    expect(() => engine.maxout(x, 4)).to.throw(ShapeError, /maxout: pieces \(4\) must divide the columns of x \[2,6\]/);
    expect(() => engine.maxout(x, 0)).to.throw(ValueError, /maxout: pieces/);
    expect(() => engine.maxout(x, 1.5)).to.throw(ValueError, /maxout: pieces/);
    expect(() => engine.maxout(ints, 2)).to.throw(DTypeError, /maxout: x/);
    expect(() => engine.maxoutBackward(dy, f32Argmax, 2)).to.throw(DTypeError, /maxoutBackward: argmax/);
    expect(() => engine.maxoutBackward(dy, argmax, 2)).to.throw(ShapeError, /maxoutBackward: dy and argmax/);
    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [x, ints, dy, f32Argmax, argmax]) t.dispose();
  });
});
