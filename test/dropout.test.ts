import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectBitEqual } from './helpers/compare.js';
import { uniform } from './helpers/random.js';
import { dropoutBackward as dropoutBackwardRef, dropoutForward as dropoutRef } from '../src/reference/dropout.js';
import { philox4x32 } from '../src/reference/random.js';
import { DTypeError, ShapeError, ValueError } from '../src/errors.js';

const hex = (a: Uint32Array) => Array.from(a, (v) => v.toString(16).padStart(8, '0')).join(' ');

describe('dropout', () => {
  it('the CPU Philox-4x32-10 matches the published known-answer vectors (Random123)', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).to.equal('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])))
      .to.equal('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])))
      .to.equal('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  // lengths around the 4-elements-per-thread grouping, and a 2-D shape
  const SHAPES: number[][] = [[1], [7], [3, 7], [127, 131], [100_003]];
  for (const shape of SHAPES) {
    for (const rate of [0.2, 0.5]) {
      it(`GPU mask and y are bit-equal to the CPU reference, shape [${shape}], rate ${rate}`, async () => {
        const engine = await getEngine();
        const n = shape.reduce((a, b) => a * b, 1);
        const xData = uniform(n, n + 1, -2, 2);
        const dyData = uniform(n, n + 2, -2, 2);
        const seed = (0x9e3779b9 ^ n) >>> 0, step = 12345; // a seed above 2^31 as well
        const x = engine.tensor(xData, shape);
        const dy = engine.tensor(dyData, shape);
        const { y, mask } = engine.dropout(x, { rate, seed, step });
        const dx = engine.dropoutBackward(dy, mask);
        const [yGpu, maskGpu, dxGpu] = await Promise.all([y.read(), mask.read(), dx.read()]);
        const ref = dropoutRef(xData, rate, seed, step);
        expectBitEqual(maskGpu, ref.mask, 'mask');
        expectBitEqual(yGpu, ref.y, 'y = x * mask');
        expectBitEqual(dxGpu, dropoutBackwardRef(dyData, ref.mask), 'dx = dy * mask');
        for (const t of [x, dy, y, mask, dx]) t.dispose();
      });
    }
  }

  it('keeps 1 - rate of the elements, within 5 binomial standard deviations', async () => {
    const engine = await getEngine();
    const n = 200_000;
    const x = engine.tensor(new Float32Array(n).fill(1), [n]);
    for (const rate of [0.2, 0.5]) {
      const { y, mask } = engine.dropout(x, { rate, seed: 7, step: 3 });
      const m = await mask.read();
      const scale = Math.fround(1 / (1 - rate));
      let kept = 0;
      for (const v of m) {
        if (v === scale) kept++;
        else expect(v).to.equal(0);
      }
      const sigma = Math.sqrt(n * rate * (1 - rate));
      expect(Math.abs(kept - n * (1 - rate)), `kept ${kept} of ${n} at rate ${rate}`).to.be.below(5 * sigma);
      y.dispose(); mask.dispose();
    }
    x.dispose();
  });

  it('same seed and step give the same mask; another seed or step a different one', async () => {
    const engine = await getEngine();
    const n = 1000;
    const x = engine.tensor(uniform(n, 3), [n]);
    const maskOf = async (seed: number, step: number) => {
      const { y, mask } = engine.dropout(x, { rate: 0.5, seed, step });
      const m = await mask.read();
      y.dispose(); mask.dispose();
      return m;
    };
    const a = await maskOf(42, 5);
    expectBitEqual(await maskOf(42, 5), a, 'same seed and step');
    const differing = (b: Float32Array) => b.filter((v, i) => v !== a[i]).length;
    // independent masks at rate 0.5 differ in about half the elements
    for (const [seed, step] of [[43, 5], [42, 6], [0xffffffff, 5]]) {
      expect(differing(await maskOf(seed!, step!)), `seed ${seed} step ${step}`).to.be.within(400, 600);
    }
    x.dispose();
  });

  it('rate 0 is the identity (mask all ones); step defaults to 0', async () => {
    const engine = await getEngine();
    const xData = uniform(37, 9);
    const x = engine.tensor(xData, [37]);
    const { y, mask } = engine.dropout(x, { rate: 0, seed: 1 });
    expectBitEqual(await y.read(), xData, 'y');
    expectBitEqual(await mask.read(), new Float32Array(37).fill(1), 'mask');
    const a = engine.dropout(x, { rate: 0.5, seed: 1 });
    const b = engine.dropout(x, { rate: 0.5, seed: 1, step: 0 });
    expectBitEqual(await a.mask.read(), await b.mask.read(), 'step 0 by default');
    for (const t of [x, y, mask, a.y, a.mask, b.y, b.mask]) t.dispose();
  });

  it('rejects bad arguments before any dispatch', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(6), [2, 3]);
    const ints = engine.tensor(new Int32Array(6), [2, 3]);
    const other = engine.tensor(new Float32Array(6), [3, 2]);
    const before = engine.stats().dispatches;
    for (const rate of [1, -0.1, NaN, 1.5, Infinity]) {
      expect(() => engine.dropout(x, { rate, seed: 1 }), `rate ${rate}`).to.throw(ValueError, /dropout: options.rate/);
    }
    for (const seed of [1.5, -1, 2 ** 32, NaN]) {
      expect(() => engine.dropout(x, { rate: 0.5, seed }), `seed ${seed}`).to.throw(ValueError, /dropout: options.seed/);
    }
    expect(() => engine.dropout(x, { rate: 0.5, seed: 1, step: 0.5 })).to.throw(ValueError, /dropout: options.step/);
    expect(() => engine.dropout(x, { rate: 0.5, seed: 1, step: 2 ** 32 })).to.throw(ValueError, /dropout: options.step/);
    expect(() => engine.dropout(ints, { rate: 0.5, seed: 1 })).to.throw(DTypeError, /dropout: x/);
    expect(() => engine.dropoutBackward(x, other)).to.throw(ShapeError, /dropoutBackward: dy and mask/);
    expect(() => engine.dropoutBackward(x, ints)).to.throw(DTypeError, /dropoutBackward: mask/);
    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [x, ints, other]) t.dispose();
  });
});
