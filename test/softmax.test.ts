import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectClose } from './helpers/compare.js';
import { uniform } from './helpers/random.js';
import { softmax as softmaxRef, softmaxBackward as softmaxBackwardRef, softmaxRows64 } from '../src/reference/softmax.js';
import * as softmaxOps from '../src/ops/softmax.js';
import { DTypeError, ShapeError } from '../src/errors.js';

// [rows, cols]: 1x1, a small prime shape, primes on both layouts' sides of the
// 128-column switch to one workgroup per row, and one row of 8192.
const SHAPES: [number, number][] = [[1, 1], [3, 7], [127, 131], [33, 127], [2, 8192]];
const TOL = { atol: 1e-7, rtol: 2e-5 };

describe('softmax', () => {
  for (const [rows, cols] of SHAPES) {
    it(`forward and backward match the CPU reference, [${rows}, ${cols}]`, async () => {
      const engine = await getEngine();
      const xData = uniform(rows * cols, rows * 1000 + cols, -8, 8);
      const dyData = uniform(rows * cols, rows + cols, -1, 1);
      const x = engine.tensor(xData, [rows, cols]);
      const dy = engine.tensor(dyData, [rows, cols]);
      const y = engine.softmax(x);
      const dx = engine.softmaxBackward(dy, y);
      const [yGpu, dxGpu] = await Promise.all([y.read(), dx.read()]);
      expectClose(yGpu, softmaxRef(xData, rows, cols), TOL, 'softmax');
      // checked on the GPU's own y, so this tests the backward kernel alone
      expectClose(dxGpu, softmaxBackwardRef(dyData, yGpu, rows, cols), { atol: 1e-7, rtol: 1e-4 }, 'softmaxBackward');
      for (const t of [x, dy, y, dx]) t.dispose();
    });
  }

  it('both layouts (a thread per row, a workgroup per row) agree with the reference', async () => {
    const engine = await getEngine();
    for (const [rows, cols] of [[3, 7], [5, 131], [2, 1]] as [number, number][]) {
      const xData = uniform(rows * cols, cols, -5, 5);
      const dyData = uniform(rows * cols, cols + 1, -1, 1);
      const x = engine.tensor(xData, [rows, cols]);
      const dy = engine.tensor(dyData, [rows, cols]);
      for (const perRow of [1, 64] as const) {
        const y = softmaxOps.softmax(engine, x, perRow);
        const dx = softmaxOps.softmaxBackward(engine, dy, y, perRow);
        const [yGpu, dxGpu] = await Promise.all([y.read(), dx.read()]);
        expectClose(yGpu, softmaxRef(xData, rows, cols), TOL, `softmax, ${perRow} threads per row, [${rows},${cols}]`);
        expectClose(dxGpu, softmaxBackwardRef(dyData, yGpu, rows, cols), { atol: 1e-7, rtol: 1e-4 }, `backward, ${perRow} per row`);
        y.dispose(); dx.dispose();
      }
      x.dispose(); dy.dispose();
    }
  });

  it('more than 65535 rows with a workgroup per row (2-D grid)', async () => {
    const engine = await getEngine();
    const rows = 65_600, cols = 2;
    const xData = uniform(rows * cols, 77, -4, 4);
    const x = engine.tensor(xData, [rows, cols]);
    const y = softmaxOps.softmax(engine, x, 64);
    expectClose(await y.read(), softmaxRef(xData, rows, cols), TOL, 'softmax of many rows');
    x.dispose(); y.dispose();
  });

  it('is finite and correct for rows of ±80, ±1e4, equal values and single columns', async () => {
    const engine = await getEngine();
    const cases: { data: number[]; cols: number }[] = [
      { data: [80, -80, 0, 80], cols: 4 },
      { data: [1e4, -1e4, 0, 1e4 - 1], cols: 4 },
      { data: [-1e4, -1e4, -1e4, -1e4], cols: 4 },
      { data: [3.5, 3.5, 3.5, 3.5], cols: 4 },
      { data: [1e4, -1e4, 80], cols: 1 },
    ];
    for (const { data, cols } of cases) {
      const rows = data.length / cols;
      const x = engine.tensor(data, [rows, cols]);
      const y = await engine.softmax(x).read();
      expect(y.every(Number.isFinite), `finite for ${data}`).to.equal(true);
      expectClose(y, softmaxRef(data, rows, cols), TOL, `softmax of ${data}`);
      x.dispose();
    }
  });

  it('softmaxBackward matches finite differences of sum(softmax(x) * w)', async () => {
    const engine = await getEngine();
    const rows = 3, cols = 5;
    const xData = uniform(rows * cols, 11, -2, 2);
    const w = uniform(rows * cols, 12, -1, 1);
    const x = engine.tensor(xData, [rows, cols]);
    const wt = engine.tensor(w, [rows, cols]);
    const y = engine.softmax(x);
    const dx = await engine.softmaxBackward(wt, y).read();
    const f = (v: Float64Array) => softmaxRows64(v, rows, cols).reduce((s, yv, j) => s + yv * w[j]!, 0);
    const h = 1e-4;
    for (let i = 0; i < rows * cols; i++) {
      const plus = Float64Array.from(xData); plus[i]! += h;
      const minus = Float64Array.from(xData); minus[i]! -= h;
      const numeric = (f(plus) - f(minus)) / (2 * h);
      expect(dx[i], `d/dx[${i}]`).to.be.closeTo(numeric, 1e-5 + 1e-3 * Math.abs(numeric));
    }
    for (const t of [x, wt, y]) t.dispose();
  });

  it('rejects bad arguments before any dispatch', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(6), [2, 3]);
    const flat = engine.tensor(new Float32Array(6), [6]);
    const ints = engine.tensor(new Int32Array(6), [2, 3]);
    const other = engine.tensor(new Float32Array(6), [3, 2]);
    const before = engine.stats().dispatches;
    expect(() => engine.softmax(flat)).to.throw(ShapeError, /softmax: x must be 2-D/);
    expect(() => engine.softmax(ints)).to.throw(DTypeError, /softmax: x must have dtype f32/);
    expect(() => engine.softmaxBackward(x, other)).to.throw(ShapeError, /softmaxBackward: dy and y/);
    expect(() => engine.softmaxBackward(ints, x)).to.throw(DTypeError, /softmaxBackward: dy/);
    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [x, flat, ints, other]) t.dispose();
  });
});
