import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectBitEqual, expectClose } from './helpers/compare.js';
import { uniform } from './helpers/random.js';
import * as ref from '../src/reference/optimizers.js';
import { DTypeError, DisposedError, ShapeError, ValueError } from '../src/errors.js';
import type { Engine, Tensor } from '../src/index.js';

const STEPS = 10;

/** One optimizer rule as the tests drive it: its state tensors' initial values, the GPU call and the CPU reference. */
interface Rule {
  name: string;
  /** Initial value of each state buffer, as a function of its size (the rules' real initial state is zeros; random state tests more). */
  state: ((n: number, seed: number) => Float32Array)[];
  gpu(engine: Engine, w: Tensor, g: Tensor, state: Tensor[], step: number, l2: number): void;
  cpu(w: Float32Array, g: Float32Array, state: Float32Array[], step: number, l2: number): void;
}

const signed = (n: number, seed: number) => uniform(n, seed, -0.1, 0.1);
const positive = (n: number, seed: number) => uniform(n, seed, 0, 1);

const RULES: Rule[] = [
  {
    name: 'sgd', state: [],
    gpu: (e, w, g, _s, _t, l2) => e.sgd(w, g, { lr: 0.1, l2 }),
    cpu: (w, g, _s, _t, l2) => ref.sgd(w, g, { lr: 0.1, l2 }),
  },
  {
    name: 'momentum', state: [signed],
    gpu: (e, w, g, [v], _t, l2) => e.momentum(w, g, v!, { lr: 0.05, momentum: 0.9, l2 }),
    cpu: (w, g, [v], _t, l2) => ref.momentum(w, g, v!, { lr: 0.05, momentum: 0.9, l2 }),
  },
  {
    name: 'nesterov momentum', state: [signed],
    gpu: (e, w, g, [v], _t, l2) => e.momentum(w, g, v!, { lr: 0.05, momentum: 0.9, nesterov: true, l2 }),
    cpu: (w, g, [v], _t, l2) => ref.momentum(w, g, v!, { lr: 0.05, momentum: 0.9, nesterov: true, l2 }),
  },
  {
    name: 'adagrad', state: [positive],
    gpu: (e, w, g, [a], _t, l2) => e.adagrad(w, g, a!, { lr: 0.1, l2 }),
    cpu: (w, g, [a], _t, l2) => ref.adagrad(w, g, a!, { lr: 0.1, l2 }),
  },
  {
    name: 'rmsprop (canonical, eps outside the sqrt)', state: [positive],
    gpu: (e, w, g, [v], _t, l2) => e.rmsprop(w, g, v!, { lr: 0.01, rho: 0.8, eps: 1e-3, l2 }),
    cpu: (w, g, [v], _t, l2) => ref.rmsprop(w, g, v!, { lr: 0.01, rho: 0.8, eps: 1e-3, l2 }),
  },
  {
    name: 'rmsprop (Keras 3, eps inside the sqrt)', state: [positive],
    gpu: (e, w, g, [v], _t, l2) => e.rmsprop(w, g, v!, { lr: 0.01, epsInsideSqrt: true, eps: 1e-3, l2 }),
    cpu: (w, g, [v], _t, l2) => ref.rmsprop(w, g, v!, { lr: 0.01, epsInsideSqrt: true, eps: 1e-3, l2 }),
  },
  {
    name: 'adam', state: [signed, (n, seed) => uniform(n, seed, 0, 0.01)],
    gpu: (e, w, g, [m, v], step, l2) => e.adam(w, g, m!, v!, { lr: 0.01, step, l2 }),
    cpu: (w, g, [m, v], step, l2) => ref.adam(w, g, m!, v!, { lr: 0.01, step, l2 }),
  },
];

const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };
/** f32 rounding differs from float64 by ~1e-7 relative per step; values near 0 are judged against the array's scale. */
const tolFor = (expected: ArrayLike<number>) => ({ atol: 1e-6 * maxAbs(expected), rtol: 1e-5 });

/** Runs STEPS updates of `rule` on the GPU and the CPU with fresh gradients each step and compares weights and state. */
async function checkAgainstReference(rule: Rule, n: number, l2: number): Promise<void> {
  const engine = await getEngine();
  const wRef = uniform(n, 11, -1, 1);
  const stateRef = rule.state.map((init, k) => init(n, 20 + k));
  const w = engine.tensor(wRef, [n]);
  // not engine.zeros: write() flushes only pending dispatches, so a pending clear would land after the upload
  const g = engine.tensor(new Float32Array(n), [n]);
  const state = stateRef.map((s) => engine.tensor(s, [n]));
  for (let step = 1; step <= STEPS; step++) {
    const gData = uniform(n, 100 + step, -1, 1);
    engine.write(g, gData);
    rule.gpu(engine, w, g, state, step, l2);
    rule.cpu(wRef, gData, stateRef, step, l2);
  }
  const [wGpu, ...stateGpu] = await Promise.all([w.read(), ...state.map((s) => s.read())]);
  expectClose(wGpu, wRef, tolFor(wRef), `${rule.name} weights after ${STEPS} steps`);
  stateGpu.forEach((s, k) => expectClose(s, stateRef[k]!, tolFor(stateRef[k]!), `${rule.name} state ${k} after ${STEPS} steps`));
  for (const t of [w, g, ...state]) t.dispose();
}

describe('optimizers', () => {
  it('rmsprop matches the Keras 3 golden value: var 10, lr 0.1, g = var, eps inside the sqrt -> 9.683772', async () => {
    const engine = await getEngine();
    const w = engine.tensor([10], [1]);
    const g = engine.tensor([10], [1]); // loss var^2 / 2 has gradient var
    const v = engine.zeros([1]);
    engine.rmsprop(w, g, v, { lr: 0.1, epsInsideSqrt: true });
    expect((await w.read())[0]).to.be.closeTo(9.683772, 1e-5);
    for (const t of [w, g, v]) t.dispose();
  });

  it('rmsprop canonical form puts eps outside the sqrt (eps 1 tells the forms apart)', async () => {
    const engine = await getEngine();
    const w = engine.tensor([10], [1]);
    const g = engine.tensor([10], [1]);
    const v = engine.zeros([1]);
    engine.rmsprop(w, g, v, { lr: 0.1, rho: 0.9, eps: 1 });
    const meanSquare = 0.1 * 10 * 10;
    const [wNew] = await w.read();
    expect(wNew).to.be.closeTo(10 - 0.1 * 10 / (Math.sqrt(meanSquare) + 1), 1e-5);   // 9.75975
    expect(wNew).not.to.be.closeTo(10 - 0.1 * 10 / Math.sqrt(meanSquare + 1), 1e-3); // 9.69849, the Keras form
    expect((await v.read())[0]).to.be.closeTo(meanSquare, 1e-5);
    for (const t of [w, g, v]) t.dispose();
  });

  it("adam's first step moves every weight by about lr against its gradient (bias correction)", async () => {
    const engine = await getEngine();
    const n = 257;
    const wData = uniform(n, 1, -1, 1);
    const gData = uniform(n, 2, -1, 1).map((x) => (Math.abs(x) < 1e-2 ? 0.5 : x));
    const w = engine.tensor(wData, [n]);
    const g = engine.tensor(gData, [n]);
    const m = engine.zeros([n]);
    const v = engine.zeros([n]);
    engine.adam(w, g, m, v, { lr: 0.001, step: 1 });
    const expected = wData.map((x, i) => x - 0.001 * Math.sign(gData[i]!));
    expectClose(await w.read(), expected, { atol: 1e-6, rtol: 0 }, 'w - lr sign(g)');
    for (const t of [w, g, m, v]) t.dispose();
  });

  for (const rule of RULES) {
    for (const n of [1, 4099]) {
      for (const l2 of [0, 0.05]) {
        it(`${rule.name}${l2 ? ` with l2 ${l2}` : ''} matches the CPU reference over ${STEPS} steps, n = ${n}`, async () => {
          await checkAgainstReference(rule, n, l2);
        });
      }
    }
  }

  // The updates are grid-stride loops whose workgroup count depends on the adapter
  // (src/gpu/tuning.ts): check one workgroup looping over everything, and one invocation per parameter.
  for (const cap of [1, Number.MAX_SAFE_INTEGER]) {
    it(`every rule matches the CPU reference with ${cap === 1 ? 'one looping workgroup' : 'one invocation per parameter'}, n = 70001`, async () => {
      const engine = await getEngine();
      const saved = engine.tuning.elementwiseMaxWorkgroups;
      engine.tuning.elementwiseMaxWorkgroups = cap;
      try {
        for (const rule of RULES) await checkAgainstReference(rule, 70_001, 0.01);
      } finally {
        engine.tuning.elementwiseMaxWorkgroups = saved;
      }
    });
  }

  it(`adam matches the CPU reference over ${STEPS} steps, n = 1000003`, async function () {
    this.timeout(60_000);
    await checkAgainstReference(RULES.find((r) => r.name === 'adam')!, 1_000_003, 0.01);
  });

  it('axpy and scale match the CPU reference (axpy at 4200001: more than 65535 workgroups)', async function () {
    this.timeout(60_000);
    const engine = await getEngine();
    for (const n of [1, 4099, 4_200_001]) {
      const yData = uniform(n, n, -2, 2);
      const xData = uniform(n, n + 1, -2, 2);
      const y = engine.tensor(yData, [n]);
      const x = engine.tensor(xData, [n]);
      engine.axpy(y, x, -0.37);
      ref.axpy(yData, xData, -0.37);
      expectClose(await y.read(), yData, { atol: 1e-6, rtol: 1e-6 }, `axpy n = ${n}`);
      if (n < 1e6) {
        engine.scale(x, 2.5e-3);
        ref.scale(xData, 2.5e-3);
        expectClose(await x.read(), xData, { atol: 0, rtol: 1e-6 }, `scale n = ${n}`);
      }
      x.dispose(); y.dispose();
    }
  });

  for (const [rows, cols] of [[50, 37], [20, 130], [1, 3]] as const) {
    it(`maxNorm rescales only the columns above the limit to exactly the limit, w [${rows}, ${cols}]`, async () => {
      const engine = await getEngine();
      const limit = 1.9365;
      // every other column well inside the limit, the rest well outside
      const data = uniform(rows * cols, rows + cols, -1, 1);
      const colNorm = (a: ArrayLike<number>, j: number) => { let s = 0; for (let r = 0; r < rows; r++) s += a[r * cols + j]! ** 2; return Math.sqrt(s); };
      const target = (j: number) => (j % 2 === 0 ? 0.5 * limit : 3 * limit);
      const norms = Array.from({ length: cols }, (_, j) => colNorm(data, j));
      for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) data[r * cols + j]! *= target(j) / norms[j]!;
      const w = engine.tensor(data, [rows, cols]);
      engine.maxNorm(w, { maxNorm: limit, axis: 'columns' });
      const out = await w.read();
      const expected = Float32Array.from(data);
      ref.maxNormColumns(expected, rows, cols, limit);
      expectClose(out, expected, { atol: 1e-6, rtol: 1e-5 }, 'maxNorm vs reference');
      for (let j = 0; j < cols; j++) {
        if (j % 2 === 0) {
          for (let r = 0; r < rows; r++) expect(out[r * cols + j], `column ${j} is within the limit: unchanged`).to.equal(data[r * cols + j]);
        } else {
          expect(colNorm(out, j), `column ${j} norm`).to.be.closeTo(limit, 1e-5 * limit);
        }
      }
      w.dispose();
    });
  }

  it('updating a view changes only that window of the flat buffer; state may be views of one buffer', async () => {
    const engine = await getEngine();
    const total = 64 * 6;
    const flatData = uniform(total, 5, -1, 1);
    const flat = engine.tensor(flatData, [total]);
    const first = engine.view(flat, 0, [4, 25]);     // elements 0..99
    const second = engine.view(flat, 128, [150]);    // elements 128..277
    const gData = uniform(150, 6, -1, 1);
    const g = engine.tensor(gData, [3, 50]);         // any shape with the same element count
    const moments = engine.zeros([64 * 6]);
    const m = engine.view(moments, 0, [150]);
    const v = engine.view(moments, 192, [150]);
    engine.adam(second, g, m, v, { lr: 0.01, step: 1 });
    const out = await flat.read();
    const wRef = flatData.slice(128, 278);
    ref.adam(wRef, gData, new Float32Array(150), new Float32Array(150), { lr: 0.01, step: 1 });
    expectBitEqual(out.slice(0, 128), flatData.slice(0, 128), 'first view and the gap after it');
    expectBitEqual(out.slice(278), flatData.slice(278), 'elements after the second view');
    expectClose(out.slice(128, 278), wRef, { atol: 1e-6, rtol: 1e-5 }, 'the updated view');
    const vAll = await moments.read();
    expectBitEqual(vAll.slice(150, 192), new Float32Array(42), 'state between the two state views');

    engine.scale(first, 2);
    const scaled = await flat.read();
    expectBitEqual(scaled.slice(0, 100), flatData.slice(0, 100).map((x) => 2 * x), 'scaled first view');
    expectBitEqual(scaled.slice(100), out.slice(100), 'the rest after scaling the first view');
    for (const t of [flat, g, moments]) t.dispose();
  });

  it('rejects bad arguments with typed errors naming the argument, before any dispatch', async () => {
    const engine = await getEngine();
    const w = engine.tensor(new Float32Array(8), [8]);
    const g = engine.tensor(new Float32Array(8), [2, 4]);
    const s1 = engine.zeros([8]);
    const s2 = engine.zeros([8]);
    const short = engine.zeros([7]);
    const ints = engine.tensor(new Int32Array(8), [8]);
    const flat = engine.zeros([128]);
    const low = engine.view(flat, 0, [8]);
    const high = engine.view(flat, 64, [8]);
    const dead = engine.zeros([8]);
    dead.dispose();
    const before = engine.stats().dispatches;

    for (const lr of [0, -1, NaN, Infinity, undefined]) {
      expect(() => engine.sgd(w, g, { lr: lr as number }), `lr ${lr}`).to.throw(ValueError, /sgd: options.lr/);
    }
    expect(() => engine.sgd(w, g, { lr: 0.1, l2: -1 })).to.throw(ValueError, /sgd: options.l2/);
    expect(() => engine.sgd(w, short, { lr: 0.1 })).to.throw(ShapeError, /sgd: grads/);
    expect(() => engine.sgd(w, ints, { lr: 0.1 })).to.throw(DTypeError, /sgd: grads/);
    expect(() => engine.sgd(dead, g, { lr: 0.1 })).to.throw(DisposedError, /sgd: params/);
    expect(() => engine.sgd(w, g, null as never)).to.throw(ValueError, /sgd: options/);
    expect(() => engine.sgd(low, high, { lr: 0.1 })).to.throw(ValueError, /sgd: grads must not share/);

    for (const momentum of [1, -0.1, NaN]) {
      expect(() => engine.momentum(w, g, s1, { lr: 0.1, momentum }), `momentum ${momentum}`).to.throw(ValueError, /momentum: options.momentum/);
    }
    expect(() => engine.momentum(w, g, s1, { lr: 0.1, momentum: 0.9, nesterov: 'yes' as never })).to.throw(ValueError, /momentum: options.nesterov/);
    expect(() => engine.momentum(w, g, w, { lr: 0.1, momentum: 0.9 })).to.throw(ValueError, /momentum: velocity/);
    expect(() => engine.momentum(w, g, g, { lr: 0.1, momentum: 0.9 })).to.throw(ValueError, /momentum: grads/);
    expect(() => engine.momentum(w, g, short, { lr: 0.1, momentum: 0.9 })).to.throw(ShapeError, /momentum: velocity/);

    expect(() => engine.adagrad(w, g, s1, { lr: 0.1, eps: 0 })).to.throw(ValueError, /adagrad: options.eps/);
    expect(() => engine.adagrad(w, g, ints, { lr: 0.1 })).to.throw(DTypeError, /adagrad: accum/);

    for (const rho of [1, -0.5, 2]) {
      expect(() => engine.rmsprop(w, g, s1, { lr: 0.1, rho }), `rho ${rho}`).to.throw(ValueError, /rmsprop: options.rho/);
    }
    expect(() => engine.rmsprop(w, g, s1, { lr: 0.1, eps: -1e-7 })).to.throw(ValueError, /rmsprop: options.eps/);
    expect(() => engine.rmsprop(w, g, s1, { lr: -0.1 })).to.throw(ValueError, /rmsprop: options.lr/);

    for (const step of [0, 1.5, -1, NaN, undefined]) {
      expect(() => engine.adam(w, g, s1, s2, { lr: 0.1, step: step as number }), `step ${step}`).to.throw(ValueError, /adam: options.step/);
    }
    expect(() => engine.adam(w, g, s1, s2, { lr: 0.1, step: 1, beta1: 1 })).to.throw(ValueError, /adam: options.beta1/);
    expect(() => engine.adam(w, g, s1, s2, { lr: 0.1, step: 1, beta2: -0.1 })).to.throw(ValueError, /adam: options.beta2/);
    expect(() => engine.adam(w, g, s1, s1, { lr: 0.1, step: 1 })).to.throw(ValueError, /adam: v must be a tensor distinct from m/);
    expect(() => engine.adam(w, g, s1, short, { lr: 0.1, step: 1 })).to.throw(ShapeError, /adam: v/);

    expect(() => engine.axpy(w, s1, NaN)).to.throw(ValueError, /axpy: alpha/);
    expect(() => engine.axpy(w, short, 1)).to.throw(ShapeError, /axpy: x/);
    expect(() => engine.axpy(w, w, 1)).to.throw(ValueError, /axpy: x/);
    expect(() => engine.axpy(w, ints, 1)).to.throw(DTypeError, /axpy: x/);
    expect(() => engine.scale(w, Infinity)).to.throw(ValueError, /scale: alpha/);
    expect(() => engine.scale(ints, 2)).to.throw(DTypeError, /scale: x/);

    const matrix = engine.zeros([4, 2]);
    expect(() => engine.maxNorm(w, { maxNorm: 1, axis: 'columns' })).to.throw(ShapeError, /maxNorm: w/);
    expect(() => engine.maxNorm(matrix, { maxNorm: 0, axis: 'columns' })).to.throw(ValueError, /maxNorm: options.maxNorm/);
    expect(() => engine.maxNorm(matrix, { maxNorm: 1, axis: 'rows' as never })).to.throw(ValueError, /maxNorm: options.axis/);

    expect(engine.stats().dispatches).to.equal(before);
    for (const t of [w, g, s1, s2, short, ints, flat, matrix]) t.dispose();
  });
});
