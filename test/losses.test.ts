import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectClose } from './helpers/compare.js';
import { rng, uniform } from './helpers/random.js';
import { crossEntropyRowLoss, mse as mseRef, oneHot as oneHotRef, softmaxCrossEntropy as crossEntropyRef } from '../src/reference/losses.js';
import { DTypeError, ShapeError, ValueError } from '../src/errors.js';
import type { Engine } from '../src/index.js';

function labelsFor(n: number, cols: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(r() * cols));
}

/** Mean cross-entropy in float64, for finite differences. */
function meanCrossEntropy64(x: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number): number {
  let s = 0;
  for (let r = 0; r < rows; r++) s += crossEntropyRowLoss(x, r * cols, cols, labels[r]!);
  return s / rows;
}

/** Reads loss, gradient and the two accumulators of one call. */
async function readAll(...tensors: { read(): Promise<ArrayLike<number>> }[]) {
  return Promise.all(tensors.map((t) => t.read()));
}

describe('softmaxCrossEntropy', () => {
  // rows of one column, a small prime shape, primes, a long row, and more
  // than 65535 rows (70,000 per-row results summed by the finishing pass)
  const SHAPES: [number, number][] = [[1, 1], [5, 1], [3, 7], [127, 131], [2, 8192], [70_000, 3]];
  for (const [n, cols] of SHAPES) {
    it(`loss, dlogits and correct count match the CPU reference, [${n}, ${cols}]`, async () => {
      const engine = await getEngine();
      const xData = uniform(n * cols, n + cols, -6, 6);
      const lData = labelsFor(n, cols, n * 7 + cols);
      const logits = engine.tensor(xData, [n, cols]);
      const labels = engine.tensor(lData, [n]);
      const lossSum = engine.zeros([1]);
      const correct = engine.zeros([1]);
      const { loss, dlogits } = engine.softmaxCrossEntropy(logits, labels, { lossSum, correct });
      const [l, g, ls, c] = await readAll(loss, dlogits, lossSum, correct);
      const ref = crossEntropyRef(xData, lData, n, cols);
      const sumTol = 1e-6 * Math.sqrt(n) + 1e-6; // f32 sums over n rows
      expectClose(l, [ref.loss], { atol: 1e-6, rtol: 1e-5 + sumTol }, 'mean loss');
      expectClose(ls, [ref.lossSum], { atol: 1e-6, rtol: 1e-5 + sumTol }, 'loss sum');
      expect(c[0]).to.equal(ref.correct);
      expectClose(g, ref.grad, { atol: 1e-7 / n, rtol: 2e-5 }, 'dlogits');
      for (const t of [logits, labels, lossSum, correct, loss, dlogits]) t.dispose();
    });
  }

  it('is finite and correct for logits of ±80 and ±1e4, equal rows and one-column rows', async () => {
    const engine = await getEngine();
    const cases: { data: number[]; labels: number[]; cols: number }[] = [
      { data: [80, -80, 0, -80, 80, 0], labels: [1, 1], cols: 3 },
      { data: [1e4, -1e4, 0, -1e4, 1e4, 0], labels: [1, 1], cols: 3 },
      { data: [-1e4, -1e4, -1e4, 7, 7, 7], labels: [2, 0], cols: 3 },
      { data: [1e4, -1e4, 80], labels: [0, 0, 0], cols: 1 },
    ];
    for (const { data, labels: lab, cols } of cases) {
      const n = lab.length;
      const logits = engine.tensor(data, [n, cols]);
      const labels = engine.tensor(Int32Array.from(lab), [n]);
      const { loss, dlogits } = engine.softmaxCrossEntropy(logits, labels);
      const [l, g] = await readAll(loss, dlogits);
      expect(Number.isFinite(l[0]), `finite loss for ${data}`).to.equal(true);
      const ref = crossEntropyRef(data, lab, n, cols);
      expectClose(l, [ref.loss], { atol: 1e-6, rtol: 1e-6 }, `loss of ${data}`);
      expectClose(g, ref.grad, { atol: 1e-7, rtol: 1e-5 }, `dlogits of ${data}`);
      for (const t of [logits, labels, loss, dlogits]) t.dispose();
    }
  });

  it('dlogits matches finite differences of the float64 mean loss', async () => {
    const engine = await getEngine();
    const n = 4, cols = 5;
    const xData = uniform(n * cols, 21, -3, 3);
    const lData = labelsFor(n, cols, 22);
    const logits = engine.tensor(xData, [n, cols]);
    const labels = engine.tensor(lData, [n]);
    const { loss, dlogits } = engine.softmaxCrossEntropy(logits, labels);
    const g = await dlogits.read();
    const h = 1e-4;
    for (let i = 0; i < n * cols; i++) {
      const plus = Float64Array.from(xData); plus[i]! += h;
      const minus = Float64Array.from(xData); minus[i]! -= h;
      const numeric = (meanCrossEntropy64(plus, lData, n, cols) - meanCrossEntropy64(minus, lData, n, cols)) / (2 * h);
      expect(g[i], `d/dlogits[${i}]`).to.be.closeTo(numeric, 1e-6 + 1e-4 * Math.abs(numeric));
    }
    for (const t of [logits, labels, loss, dlogits]) t.dispose();
  });

  it('lossSum and correct accumulate over 3 calls, starting from their current values', async () => {
    const engine = await getEngine();
    const n = 9, cols = 4;
    // accumulators may be views into one metrics buffer (element 0 of each is used)
    const metrics = engine.tensor(new Float32Array(192).map((_, i) => (i === 0 ? 1.5 : i === 64 ? 2 : 0)), [192]);
    const lossSum = engine.view(metrics, 0, [1]);
    const correct = engine.view(metrics, 64, [1]);
    let expectedSum = 1.5, expectedCorrect = 2;
    for (let call = 0; call < 3; call++) {
      const xData = uniform(n * cols, 100 + call, -2, 2);
      const lData = labelsFor(n, cols, 200 + call);
      const ref = crossEntropyRef(xData, lData, n, cols);
      expectedSum += ref.lossSum;
      expectedCorrect += ref.correct;
      const logits = engine.tensor(xData, [n, cols]);
      const labels = engine.tensor(lData, [n]);
      const { loss, dlogits } = engine.softmaxCrossEntropy(logits, labels, { lossSum, correct });
      for (const t of [logits, labels, loss, dlogits]) t.dispose();
    }
    const all = await metrics.read();
    expect(all[0]).to.be.closeTo(expectedSum, 1e-5 * expectedSum);
    expect(all[64]).to.equal(expectedCorrect);
    expect(all.filter((v, i) => i !== 0 && i !== 64 && v !== 0).length, 'nothing else touched').to.equal(0);
    metrics.dispose();
  });

  it('rows: padded rows get zero gradient and are left out of loss and metrics', async () => {
    const engine = await getEngine();
    const n = 8, cols = 3, rows = 5;
    const xData = uniform(n * cols, 31, -3, 3);
    const lData = labelsFor(n, cols, 32);
    lData[6] = 99; // a garbage label in a padded row must not matter
    const logits = engine.tensor(xData, [n, cols]);
    const labels = engine.tensor(lData, [n]);
    const lossSum = engine.zeros([1]);
    const correct = engine.zeros([1]);
    const { loss, dlogits } = engine.softmaxCrossEntropy(logits, labels, { lossSum, correct, rows });
    const [l, g, ls, c] = await readAll(loss, dlogits, lossSum, correct);
    const ref = crossEntropyRef(xData, lData, n, cols, rows);
    expectClose(l, [ref.loss], { atol: 1e-6, rtol: 1e-5 }, 'mean over real rows');
    expectClose(ls, [ref.lossSum], { atol: 1e-6, rtol: 1e-5 }, 'sum over real rows');
    expect(c[0]).to.equal(ref.correct);
    expectClose(g, ref.grad, { atol: 1e-7, rtol: 2e-5 }, 'dlogits / rows');
    for (let i = rows * cols; i < n * cols; i++) expect(Object.is(g[i], 0), `padded dlogits[${i}] is +0`).to.equal(true);
    for (const t of [logits, labels, lossSum, correct, loss, dlogits]) t.dispose();
  });

  it('an out-of-range label gives a NaN loss (documented; the training API validates labels)', async () => {
    const engine = await getEngine();
    const logits = engine.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const labels = engine.tensor(Int32Array.from([0, 3]), [2]);
    const { loss, dlogits } = engine.softmaxCrossEntropy(logits, labels);
    const [l, g] = await readAll(loss, dlogits);
    expect(Number.isNaN(l[0])).to.equal(true);
    expect([g[0], g[1], g[2]].every(Number.isFinite)).to.equal(true);
    expect([g[3], g[4], g[5]].every(Number.isNaN)).to.equal(true);
    for (const t of [logits, labels, loss, dlogits]) t.dispose();
  });

  it('rejects bad arguments before any dispatch', async () => {
    const engine = await getEngine();
    const logits = engine.tensor(new Float32Array(6), [2, 3]);
    const labels = engine.tensor(new Int32Array(2), [2]);
    const f32Labels = engine.tensor(new Float32Array(2), [2]);
    const shortLabels = engine.tensor(new Int32Array(3), [3]);
    const intAcc = engine.tensor(new Int32Array(1), [1]);
    const before = engine.stats().dispatches;
    expect(() => engine.softmaxCrossEntropy(logits, f32Labels)).to.throw(DTypeError, /softmaxCrossEntropy: labels must have dtype i32/);
    expect(() => engine.softmaxCrossEntropy(logits, shortLabels)).to.throw(ShapeError, /softmaxCrossEntropy: labels must have one entry per row/);
    expect(() => engine.softmaxCrossEntropy(labels, labels)).to.throw(DTypeError, /logits/);
    expect(() => engine.softmaxCrossEntropy(logits, labels, { lossSum: intAcc })).to.throw(DTypeError, /options.lossSum/);
    expect(() => engine.softmaxCrossEntropy(logits, labels, { correct: intAcc })).to.throw(DTypeError, /options.correct/);
    for (const rows of [0, 3, 1.5, NaN]) {
      expect(() => engine.softmaxCrossEntropy(logits, labels, { rows }), `rows ${rows}`).to.throw(ValueError, /options.rows/);
    }
    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [logits, labels, f32Labels, shortLabels, intAcc]) t.dispose();
  });
});

describe('mse', () => {
  for (const [n, cols] of [[1, 1], [3, 7], [127, 131]] as [number, number][]) {
    it(`loss and dpred match the CPU reference, [${n}, ${cols}]`, async () => {
      const engine = await getEngine();
      const pData = uniform(n * cols, n + 3 * cols, -2, 2);
      const tData = uniform(n * cols, n + 5 * cols, -2, 2);
      const pred = engine.tensor(pData, [n, cols]);
      const target = engine.tensor(tData, [n, cols]);
      const lossSum = engine.tensor([0.25], [1]);
      const { loss, dpred } = engine.mse(pred, target, { lossSum });
      const [l, g, ls] = await readAll(loss, dpred, lossSum);
      const ref = mseRef(pData, tData, n, cols);
      expectClose(l, [ref.loss], { atol: 1e-6, rtol: 1e-5 }, 'mse loss');
      expectClose(ls, [0.25 + ref.lossSum], { atol: 1e-6, rtol: 1e-5 }, 'mse loss sum');
      expectClose(g, ref.grad, { atol: 1e-9, rtol: 1e-6 }, 'dpred');
      for (const t of [pred, target, lossSum, loss, dpred]) t.dispose();
    });
  }

  it('dpred matches finite differences; padded rows give zero gradient and no loss', async () => {
    const engine = await getEngine();
    const n = 6, cols = 4, rows = 4;
    const pData = uniform(n * cols, 41, -1, 1);
    const tData = uniform(n * cols, 42, -1, 1);
    const pred = engine.tensor(pData, [n, cols]);
    const target = engine.tensor(tData, [n, cols]);
    const { loss, dpred } = engine.mse(pred, target, { rows });
    const [l, g] = await readAll(loss, dpred);
    const f = (p: Float64Array) => mseRef(p, tData, n, cols, rows).loss;
    expectClose(l, [f(Float64Array.from(pData))], { atol: 1e-7, rtol: 1e-5 }, 'mse over real rows');
    const h = 1e-4;
    for (let i = 0; i < n * cols; i++) {
      const plus = Float64Array.from(pData); plus[i]! += h;
      const minus = Float64Array.from(pData); minus[i]! -= h;
      const numeric = (f(plus) - f(minus)) / (2 * h);
      expect(g[i], `d/dpred[${i}]`).to.be.closeTo(numeric, 1e-6 + 1e-4 * Math.abs(numeric));
      if (i >= rows * cols) expect(Object.is(g[i], 0)).to.equal(true);
    }
    for (const t of [pred, target, loss, dpred]) t.dispose();
  });

  it('lossSum accumulates over 3 calls', async () => {
    const engine = await getEngine();
    const lossSum = engine.zeros([1]);
    let expected = 0;
    for (let call = 0; call < 3; call++) {
      const pData = uniform(10, 50 + call), tData = uniform(10, 60 + call);
      expected += mseRef(pData, tData, 5, 2).lossSum;
      const pred = engine.tensor(pData, [5, 2]);
      const target = engine.tensor(tData, [5, 2]);
      const { loss, dpred } = engine.mse(pred, target, { lossSum });
      for (const t of [pred, target, loss, dpred]) t.dispose();
    }
    expect((await lossSum.read())[0]).to.be.closeTo(expected, 1e-5 * expected);
    lossSum.dispose();
  });

  it('rejects bad arguments before any dispatch', async () => {
    const engine = await getEngine();
    const a = engine.tensor(new Float32Array(6), [2, 3]);
    const b = engine.tensor(new Float32Array(6), [3, 2]);
    const ints = engine.tensor(new Int32Array(6), [2, 3]);
    const before = engine.stats().dispatches;
    expect(() => engine.mse(a, b)).to.throw(ShapeError, /mse: pred and target must have the same shape/);
    expect(() => engine.mse(a, ints)).to.throw(DTypeError, /mse: target/);
    expect(() => engine.mse(a, a, { rows: 5 })).to.throw(ValueError, /mse: options.rows/);
    expect(() => engine.mse(a, a, { lossSum: ints })).to.throw(DTypeError, /mse: options.lossSum/);
    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [a, b, ints]) t.dispose();
  });
});

describe('oneHot', () => {
  it('matches the CPU reference (out-of-range labels give zero rows)', async () => {
    const engine = await getEngine();
    const lData = Int32Array.from([0, 6, 3, -1, 7, 2, 6]);
    const labels = engine.tensor(lData, [lData.length]);
    const out = engine.oneHot(labels, 7);
    expect(out.shape).to.deep.equal([7, 7]);
    expectClose(await out.read(), oneHotRef(lData, 7), { atol: 0, rtol: 0 }, 'oneHot');
    labels.dispose(); out.dispose();
  });

  it('rejects f32 labels and bad class counts', async () => {
    const engine: Engine = await getEngine();
    const f32 = engine.tensor([0, 1], [2]);
    const labels = engine.tensor(Int32Array.from([0, 1]), [2]);
    const before = engine.stats().dispatches;
    expect(() => engine.oneHot(f32, 3)).to.throw(DTypeError, /oneHot: labels/);
    expect(() => engine.oneHot(labels, 0)).to.throw(ValueError, /oneHot: classes/);
    expect(() => engine.oneHot(labels, 2.5)).to.throw(ValueError, /oneHot: classes/);
    expect(engine.stats().dispatches).to.equal(before);
    f32.dispose(); labels.dispose();
  });
});
