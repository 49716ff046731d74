import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectClose } from './helpers/compare.js';
import { uniform } from './helpers/random.js';
import { columnSumsOfB, matmul as matmulRef } from '../src/reference/matmul.js';
import { dropoutMask } from '../src/reference/dropout.js';
import { expectBitEqual } from './helpers/compare.js';
import type { EpilogueActivation } from '../src/reference/activations.js';
import { DTypeError, DisposedError, ShapeError, ValueError, type Engine, type Tensor } from '../src/index.js';
import { MATMUL_VARIANTS, candidateVariants, matmul as matmulOp, pickVariant, variantByName, type MatmulOptions, type MatmulVariant } from '../src/ops/matmul.js';
import type { MatmulReferenceOptions } from '../src/reference/matmul.js';

type Combo = { transposeA: boolean; transposeB: boolean };
const ALL_COMBOS: Combo[] = [
  { transposeA: false, transposeB: false }, { transposeA: true, transposeB: false },
  { transposeA: false, transposeB: true }, { transposeA: true, transposeB: true },
];
const comboName = (c: Combo) => `${c.transposeA ? 'Aᵀ' : 'A'}·${c.transposeB ? 'Bᵀ' : 'B'}`;

/** f32 sums of K products of values in [-1, 1]: the error grows like sqrt(K). */
function tolerance(k: number) {
  return { atol: 1e-6 * Math.sqrt(k), rtol: 1e-5 * Math.sqrt(k) };
}

/** Upload A, B (stored transposed where asked), run the engine and the reference, compare. */
async function checkAgainstReference(engine: Engine, m: number, k: number, n: number, combo: Combo,
  epilogue: { bias?: boolean; activation?: EpilogueActivation }, seed: number) {
  const aData = uniform(m * k, seed, -1, 1);
  const bData = uniform(k * n, seed + 1, -1, 1);
  const biasData = epilogue.bias ? uniform(n, seed + 2, -1, 1) : undefined;
  const a = engine.tensor(aData, combo.transposeA ? [k, m] : [m, k]);
  const b = engine.tensor(bData, combo.transposeB ? [n, k] : [k, n]);
  const bias = biasData ? engine.tensor(biasData, [n]) : undefined;
  const c = engine.matmul(a, b, { ...combo, ...(bias ? { bias } : {}), activation: epilogue.activation ?? 'linear' });
  expect(c.shape).to.deep.equal([m, n]);
  const gpu = await c.read();
  const ref = matmulRef(aData, bData, m, k, n, { ...combo, ...(biasData ? { bias: biasData } : {}), activation: epilogue.activation ?? 'linear' });
  expectClose(gpu, ref, tolerance(k), `matmul ${m}x${k}x${n} ${comboName(combo)} ${epilogue.activation ?? 'linear'}${bias ? '+bias' : ''}`);
  for (const t of [a, b, bias, c]) t?.dispose();
}

/** The epilogues each variant is checked with, one per shape in turn. */
type EpilogueCase = 'bias+relu' | 'sigmoid' | 'accumulate' | 'gates tanh' | 'linear';
const EPILOGUE_MIX: EpilogueCase[] = ['bias+relu', 'accumulate', 'gates tanh', 'sigmoid', 'linear'];

/** Run `variant` (forced, bypassing the tuner) with one epilogue and compare with the reference. */
async function checkVariant(engine: Engine, variant: MatmulVariant, m: number, k: number, n: number, combo: Combo,
  epilogue: EpilogueCase, seed: number) {
  const aData = uniform(m * k, seed, -1, 1);
  const bData = uniform(k * n, seed + 1, -1, 1);
  const extra = uniform(m * n, seed + 2, -1, 1);
  const biasData = uniform(n, seed + 3, -1, 1);
  const a = engine.tensor(aData, combo.transposeA ? [k, m] : [m, k]);
  const b = engine.tensor(bData, combo.transposeB ? [n, k] : [k, n]);
  const out = engine.tensor(extra, [m, n]);
  const owned: Tensor[] = [a, b, out];
  const own = (t: Tensor) => { owned.push(t); return t; };
  let options: MatmulOptions = { ...combo, out };
  let ref: MatmulReferenceOptions = { ...combo };
  if (epilogue === 'bias+relu') {
    options = { ...options, bias: own(engine.tensor(biasData, [n])), activation: 'relu' };
    ref = { ...ref, bias: biasData, activation: 'relu' };
  } else if (epilogue === 'sigmoid') {
    options = { ...options, activation: 'sigmoid' };
    ref = { ...ref, activation: 'sigmoid' };
  } else if (epilogue === 'accumulate') {
    options = { ...options, accumulate: true };
    ref = { ...ref, accumulateInto: extra };
  } else if (epilogue === 'gates tanh') {
    const maskData = dropoutMask(m * n, 0.3, seed, 1);
    options = { ...options, gradMask: own(engine.tensor(maskData, [m, n])), activationGrad: { activation: 'tanh', output: own(engine.tensor(extra, [m, n])) } };
    ref = { ...ref, gradMask: maskData, activationGrad: { activation: 'tanh', output: extra } };
  }
  matmulOp(engine, a, b, options, variant);
  const what = `${variant.name} ${m}x${k}x${n} ${comboName(combo)} ${epilogue}`;
  expectClose(await out.read(), matmulRef(aData, bData, m, k, n, ref), tolerance(k), what);
  for (const t of owned) t.dispose();
}

/** `variant` with columnSumsOut (the dW + db form): C and the sums of op(B)'s columns in one dispatch. */
async function checkColumnSums(engine: Engine, variant: MatmulVariant, m: number, k: number, n: number, combo: Combo, seed: number) {
  const aData = uniform(m * k, seed, -1, 1);
  const bData = uniform(k * n, seed + 1, -1, 1);
  const a = engine.tensor(aData, combo.transposeA ? [k, m] : [m, k]);
  const b = engine.tensor(bData, combo.transposeB ? [n, k] : [k, n]);
  const sumsAt = Math.ceil((m * n) / 64) * 64;
  const flat = engine.zeros([sumsAt + n]);
  const out = engine.view(flat, 0, [m, n]);
  const sums = engine.view(flat, sumsAt, [n]);
  matmulOp(engine, a, b, { ...combo, out, columnSumsOut: sums }, variant);
  const all = await flat.read();
  const what = `${variant.name} ${m}x${k}x${n} ${comboName(combo)} with columnSumsOut`;
  expectClose(all.subarray(0, m * n), matmulRef(aData, bData, m, k, n, combo), tolerance(k), what);
  expectClose(all.subarray(sumsAt), columnSumsOfB(bData, k, n, combo.transposeB), tolerance(k), `${what}: the sums`);
  for (const t of [a, b, flat]) t.dispose();
}

describe('matmul', () => {
  describe('matches the CPU reference', () => {
    const EPILOGUES: { bias?: boolean; activation?: EpilogueActivation }[] = [
      {}, { bias: true, activation: 'relu' }, { bias: true, activation: 'sigmoid' }, { activation: 'tanh' },
    ];
    // (M, K, N): 3x5x7 and 1x784x512 take the per-output kernel, the rest the
    // 8x8-tiled one; 127x129x131, 300x70x70 and 200x33x100 have ragged edges in every direction
    // (200x33x100 with B not transposed takes tiled_vec4, N being a multiple of 4;
    // 66x36x260 with only B transposed takes tiled_bt_vec4, K being a multiple of 4;
    // 132x20x132 with A transposed reads A as vec4 with a half-valid last block, M % 8 being 4).
    for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [127, 129, 131], [300, 70, 70], [200, 33, 100], [66, 36, 260], [132, 20, 132]] as const) {
      for (const combo of ALL_COMBOS) {
        it(`${m}x${k}x${n} ${comboName(combo)}, each epilogue`, async () => {
          const engine = await getEngine();
          for (const [i, epilogue] of EPILOGUES.entries()) await checkAgainstReference(engine, m, k, n, combo, epilogue, 10 * i + m + k);
        });
      }
    }
  });

  it('the default rule picks an existing variant that fits, with either UNROLL_K2 guess, and a candidate of the class', () => {
    const dims = [1, 3, 4, 8, 10, 12, 31, 32, 64, 100, 256, 512, 784, 1024];
    for (const m of dims) for (const n of dims) for (const k of [1, 4, 10, 512]) for (const combo of ALL_COMBOS) for (const columnSums of [false, true]) {
      const shape = { m, n, k, rows: columnSums ? m + 1 : m, ...combo, columnSums };
      for (const matmulUnrollK2 of [false, true]) {
        const v = pickVariant(shape, { matmulUnrollK2 });
        const what = `${m}x${n}x${k} ${comboName(combo)}${columnSums ? ' +sums' : ''} k2 guess ${matmulUnrollK2}`;
        expect(v, what).to.not.equal(undefined);
        expect(variantByName(v.name), what).to.equal(v);
        expect(v.fits(shape), `${v.name} fits ${what}`).to.equal(true);
      }
      const candidates = candidateVariants(shape);
      expect(candidates.length, `candidates of ${m}x${n}x${k}`).to.be.greaterThan(0);
      for (const c of candidates) expect(c.fits(shape), c.name).to.equal(true);
    }
  });

  it('every variant gives the same bits (one running sum in k order each), so a class\'s choice never changes a result', async () => {
    const engine = await getEngine();
    // Each shape fits several families: vec4 reads (M, N, K % 4 == 0), the transposed forms, and per_output.
    for (const [m, k, n] of [[68, 36, 20], [3, 41, 12], [36, 7, 36]] as const) {
      for (const combo of ALL_COMBOS) {
        const shape = { m, n, k, rows: m, ...combo, columnSums: false };
        const fitting = MATMUL_VARIANTS.filter((v) => v.fits(shape));
        const a = engine.tensor(uniform(m * k, m, -1, 1), combo.transposeA ? [k, m] : [m, k]);
        const b = engine.tensor(uniform(k * n, n, -1, 1), combo.transposeB ? [n, k] : [k, n]);
        const bias = engine.tensor(uniform(n, k, -1, 1), [n]);
        let first: Float32Array | undefined;
        for (const variant of fitting) {
          const c = matmulOp(engine, a, b, { ...combo, bias, activation: 'tanh' }, variant);
          const bits = await c.read();
          c.dispose();
          if (first) expectBitEqual(bits, first, `${variant.name} vs ${fitting[0]!.name}, ${m}x${k}x${n} ${comboName(combo)}`);
          else first = bits;
        }
        for (const t of [a, b, bias]) t.dispose();
      }
    }
  });

  describe('every variant matches the CPU reference (each forced, whatever the tuner would pick)', () => {
    // Awkward (M, K, N): ones, primes, non-multiples of the 8x8 tile and of the
    // workgroups' 64x64 / 32x8 / 16x16 / 8x32 spans, the 10-unit layer's
    // skinny products and one large one. Each variant gets every shape its
    // layout allows (vec4 reads need N, M or K % 4 == 0), in each layout it serves.
    const SHAPES: [number, number, number][] = [[1, 1, 1], [1, 4, 4], [3, 5, 7], [4, 8, 12], [37, 13, 29],
      [68, 12, 36], [131, 17, 127], [256, 512, 10], [512, 256, 12], [100, 64, 300]];
    for (const variant of MATMUL_VARIANTS) {
      it(variant.name, async () => {
        const engine = await getEngine();
        let checked = 0;
        for (const [i, [m, k, n]] of SHAPES.entries()) {
          for (const combo of ALL_COMBOS) {
            const shape = { m, n, k, rows: m, ...combo, columnSums: false };
            if (!variant.fits(shape)) continue;
            await checkVariant(engine, variant, m, k, n, combo, EPILOGUE_MIX[(i + checked) % EPILOGUE_MIX.length]!, 100 * i + checked);
            if (variant.fits({ ...shape, rows: m + 1, columnSums: true })) await checkColumnSums(engine, variant, m, k, n, combo, 7 * i + checked);
            checked++;
          }
        }
        expect(checked, `shapes ${variant.name} fits`).to.be.greaterThan(2);
      });
    }
  });

  describe('matches the CPU reference (the engine\'s own choice)', () => {
    const BIG: [number, number, number, Combo, { bias?: boolean; activation?: EpilogueActivation }][] = [
      [1, 784, 512, ALL_COMBOS[0]!, { bias: true, activation: 'relu' }],
      [1, 784, 512, ALL_COMBOS[2]!, {}],
      [256, 784, 512, ALL_COMBOS[0]!, { bias: true, activation: 'relu' }],
      [256, 784, 512, ALL_COMBOS[1]!, {}], // weight-gradient form: A stored [K, M]
      [256, 512, 10, ALL_COMBOS[2]!, { bias: true, activation: 'sigmoid' }], // input-gradient form: B stored [N, K]
    ];
    for (const [m, k, n, combo, epilogue] of BIG) {
      it(`${m}x${k}x${n} ${comboName(combo)} ${epilogue.activation ?? 'linear'}${epilogue.bias ? '+bias' : ''}`, async () => {
        await checkAgainstReference(await getEngine(), m, k, n, combo, epilogue, m + k + n);
      });
    }
  });

  it('gradients of L = sum(W ⊙ (A B + bias)) via transposed matmuls match central differences', async () => {
    const engine = await getEngine();
    const [m, k, n] = [5, 6, 9];
    const aData = uniform(m * k, 71, -1, 1);
    const bData = uniform(k * n, 72, -1, 1);
    const biasData = uniform(n, 73, -1, 1);
    const w = uniform(m * n, 74, -1, 1); // dL/dC = W
    const loss = (av: ArrayLike<number>, bv: ArrayLike<number>, biasv: ArrayLike<number>) =>
      Array.from(matmulRef(av, bv, m, k, n, { bias: biasv }, true)).reduce((s, c, i) => s + c * w[i]!, 0);
    const a = engine.tensor(aData, [m, k]);
    const b = engine.tensor(bData, [k, n]);
    const g = engine.tensor(w, [m, n]);
    const ones = engine.tensor(new Float32Array(m).fill(1), [1, m]);
    const dA = engine.matmul(g, b, { transposeB: true });   // G Bᵀ   [m, k]
    const dB = engine.matmul(a, g, { transposeA: true });   // Aᵀ G   [k, n]
    const dBias = engine.matmul(ones, g);                    // column sums of G [1, n]
    const [dAv, dBv, dBiasv] = await Promise.all([dA.read(), dB.read(), dBias.read()]);
    const h = 1e-3;
    const numeric = (data: Float32Array, which: 0 | 1 | 2, i: number) => {
      const plus = Float64Array.from(data); plus[i]! += h;
      const minus = Float64Array.from(data); minus[i]! -= h;
      const args = (v: Float64Array) => (which === 0 ? [v, bData, biasData] : which === 1 ? [aData, v, biasData] : [aData, bData, v]) as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
      return (loss(...args(plus)) - loss(...args(minus))) / (2 * h);
    };
    for (let i = 0; i < m * k; i++) expect(dAv[i], `dA[${i}]`).to.be.closeTo(numeric(aData, 0, i), 1e-4);
    for (let i = 0; i < k * n; i++) expect(dBv[i], `dB[${i}]`).to.be.closeTo(numeric(bData, 1, i), 1e-4);
    for (let i = 0; i < n; i++) expect(dBiasv[i], `dbias[${i}]`).to.be.closeTo(numeric(biasData, 2, i), 1e-4);
    for (const t of [a, b, g, ones, dA, dB, dBias]) t.dispose();
  });

  it('extreme values: large magnitudes, overflow to infinity, exact zeros', async () => {
    const engine = await getEngine();
    const [m, k, n] = [9, 12, 70]; // 70 columns: the per-output kernel; the tiled one is checked below
    for (const [shape, lo, hi] of [[[m, k, n], 1e17, 1e18], [[130, 12, 130], 1e17, 1e18], [[m, k, n], 1e19, 1e20]] as const) {
      const [mm, kk, nn] = shape;
      const aData = uniform(mm * kk, 81, lo, hi);
      const bData = uniform(kk * nn, 82, -hi, hi);
      if (lo === 1e19) bData.fill(1e20); // all products 1e39+: every sum overflows to +inf
      const a = engine.tensor(aData, [mm, kk]);
      const b = engine.tensor(bData, [kk, nn]);
      const c = engine.matmul(a, b);
      const gpu = await c.read();
      const ref = matmulRef(aData, bData, mm, kk, nn);
      if (lo === 1e19) expect(Array.from(ref).every((v) => v === Infinity)).to.equal(true);
      expectClose(gpu, ref, { atol: 1e30, rtol: 1e-4 }, `magnitudes ~${hi}`);
      for (const t of [a, b, c]) t.dispose();
    }
    // Zeros: the product is exactly 0, so the epilogue sees exactly 0.
    for (const [mm, kk, nn] of [[4, 3, 5], [130, 3, 130]] as const) {
      const a = engine.zeros([mm, kk]);
      const b = engine.tensor(uniform(kk * nn, 83), [kk, nn]);
      const bias = engine.zeros([nn]);
      for (const [activation, expected] of [['linear', 0], ['relu', 0], ['sigmoid', 0.5], ['tanh', 0]] as const) {
        const c = engine.matmul(a, b, { bias, activation });
        const v = await c.read();
        expect(Array.from(v).every((x) => x === expected), `${activation}(0) over ${mm}x${nn}`).to.equal(true);
        c.dispose();
      }
      for (const t of [a, b, bias]) t.dispose();
    }
  });

  it('writes into a preallocated view with out, and accumulates with accumulate', async () => {
    const engine = await getEngine();
    for (const [m, k, n] of [[3, 5, 7], [130, 20, 131]] as const) {
      const aData = uniform(m * k, 91);
      const bData = uniform(k * n, 92);
      const a = engine.tensor(aData, [m, k]);
      const b = engine.tensor(bData, [k, n]);
      // The view sits between two guard regions that must stay untouched.
      const guard = 64;
      const base = engine.tensor(new Float32Array(guard + m * n + guard).fill(7), [guard + m * n + guard]);
      const out = engine.view(base, guard, [m, n]);
      const returned = engine.matmul(a, b, { out });
      expect(returned).to.equal(out);
      engine.matmul(a, b, { out, accumulate: true });
      engine.matmul(a, b, { out, accumulate: true });
      const all = await base.read();
      const once = matmulRef(aData, bData, m, k, n);
      const thrice = Float32Array.from(once, (v) => 3 * v);
      expectClose(all.subarray(guard, guard + m * n), thrice, tolerance(3 * k), `out view ${m}x${k}x${n}, accumulated 3 times`);
      expect(Array.from(all.subarray(0, guard)).every((v) => v === 7), 'guard before the view').to.equal(true);
      expect(Array.from(all.subarray(guard + m * n)).every((v) => v === 7), 'guard after the view').to.equal(true);
      for (const t of [a, b, base]) t.dispose();
    }
  });

  it('tiled_vec4 and tiled_vec4_at give the same bits with and without UNROLL_K2 (even and odd K)', async () => {
    const engine = await getEngine();
    for (const [m, k, n, transposeA] of [[200, 33, 100, false], [130, 64, 132, false], [70, 1, 256, false], [132, 33, 100, true]] as const) {
      const aData = uniform(m * k, k, -1, 1);
      const bData = uniform(k * n, n, -1, 1);
      const a = engine.tensor(aData, transposeA ? [k, m] : [m, k]);
      const b = engine.tensor(bData, [k, n]);
      const entry = transposeA ? 'tiled_vec4_at' : 'tiled_vec4';
      const results: Float32Array[] = [];
      for (const name of [entry, `${entry}+k2`]) {
        const c = matmulOp(engine, a, b, { transposeA, activation: 'relu' }, variantByName(name)!);
        results.push(await c.read());
        c.dispose();
      }
      expectBitEqual(results[1]!, results[0]!, `${m}x${k}x${n} unrolled vs not`);
      expectClose(results[1]!, matmulRef(aData, bData, m, k, n, { transposeA, activation: 'relu' }), tolerance(k), `${m}x${k}x${n} vs reference`);
      a.dispose(); b.dispose();
    }
  });

  describe('backward fusions', () => {
    // dX = dY·Wᵀ gated by a dropout mask and act'(y) of the layer below, in one kernel.
    // (M, K, N) with transposeB (the dX form): 3x5x7 per_output, 200x37x132 tiled;
    // without transposeB 200x37x132 takes tiled_vec4; 130x36x129 (K % 4 == 0) tiled_bt_vec4.
    const GATED: [number, number, number, boolean][] = [[1, 1, 1, true], [3, 5, 7, true], [200, 37, 132, true], [200, 37, 132, false], [61, 10, 67, true], [130, 36, 129, true]];
    for (const [m, k, n, transposeB] of GATED) {
      for (const activation of ['relu', 'sigmoid', 'tanh'] as const) {
        it(`gradMask + activationGrad ${activation}, ${m}x${k}x${n}${transposeB ? ' B stored transposed' : ''}: equal to the three separate kernels`, async () => {
          const engine = await getEngine();
          const aData = uniform(m * k, m + k, -1, 1);
          const bData = uniform(k * n, n + 3, -1, 1);
          // Forward outputs of the layer below: relu outputs include exact zeros and negatives-made-zero;
          // sigmoid in (0, 1); tanh in (-1, 1). A few extreme values too.
          const yData = Float32Array.from(uniform(m * n, 7, -1, 1), (v) => activation === 'relu' ? Math.max(v, 0) : activation === 'sigmoid' ? (v + 1) / 2 : v);
          yData[0] = activation === 'relu' ? 0 : yData[0]!;
          const maskData = dropoutMask(m * n, 0.3, 5, 2);
          const a = engine.tensor(aData, [m, k]);
          const b = engine.tensor(bData, transposeB ? [n, k] : [k, n]);
          const y = engine.tensor(yData, [m, n]);
          const mask = engine.tensor(maskData, [m, n]);
          const fused = await engine.matmul(a, b, { transposeB, gradMask: mask, activationGrad: { activation, output: y } }).read();
          const product = engine.matmul(a, b, { transposeB });
          const separate = engine.dropoutBackward(product, mask);
          const backward = activation === 'relu' ? engine.reluBackward(separate, y)
            : activation === 'sigmoid' ? engine.sigmoidBackward(separate, y) : engine.tanhBackward(separate, y);
          expectBitEqual(fused, await backward.read(), 'fused vs separate kernels');
          const ref = matmulRef(aData, bData, m, k, n, { transposeB, gradMask: maskData, activationGrad: { activation, output: yData } });
          expectClose(fused, ref, tolerance(k), 'fused vs reference');
          for (const t of [a, b, y, mask, product, separate, backward]) t.dispose();
        });
      }
    }

    it('activationGrad relu gives exactly 0 where y <= 0, even for infinite or NaN products', async () => {
      const engine = await getEngine();
      const a = engine.tensor([1e30, 1e30, NaN, 1], [4, 1]);
      const b = engine.tensor([1e30, -1e30], [1, 2]);
      const y = engine.tensor([0, 1, -0, 2, 3, 0, 1, 1], [4, 2]);
      const out = await engine.matmul(a, b, { activationGrad: { activation: 'relu', output: y } }).read();
      expectClose(out, Float32Array.from([0, -Infinity, 0, -Infinity, NaN, 0, 1e30, -1e30]), {}, 'gated extremes');
    });

    // dW = Xᵀ·dZ and db = Σ_rows dZ in one dispatch. M = 64 needs an extra workgroup
    // row just for the ones row, M = 61 puts it inside the last block, small
    // outputs take per_output; N = 132 takes tiled_vec4, N = 129 tiled.
    const SUMS: [number, number, number, boolean][] = [[1, 1, 1, false], [64, 37, 132, false], [61, 37, 129, false],
      [200, 256, 132, false], [8, 5, 10, false], [64, 37, 132, true], [512, 256, 10, false]];
    for (const [m, k, n, transposeB] of SUMS) {
      it(`columnSumsOut: dW and db together, ${m}x${k}x${n}${transposeB ? ' B stored transposed' : ''}, accumulating too`, async () => {
        const engine = await getEngine();
        const xData = uniform(k * m, m + 1, -1, 1); // X is [K = batch, M = inputs]: A = Xᵀ
        const dzData = uniform(k * n, n + 2, -1, 1);
        const x = engine.tensor(xData, [k, m]);
        const dz = engine.tensor(dzData, transposeB ? [n, k] : [k, n]);
        // One flat buffer: [guard 64][dW M*N][padding to 64][db N][guard 64], like Sequential's gradients.
        const dwAt = 64;
        const dbAt = dwAt + Math.ceil((m * n) / 64) * 64 + 64;
        const size = dbAt + Math.ceil(n / 64) * 64 + 64;
        const flat = engine.tensor(new Float32Array(size).fill(7), [size]);
        const dw = engine.view(flat, dwAt, [m, n]);
        const db = engine.view(flat, dbAt, [n]);
        engine.matmul(x, dz, { transposeA: true, transposeB, out: dw, columnSumsOut: db });
        const all = await flat.read();
        const dwRef = matmulRef(xData, dzData, m, k, n, { transposeA: true, transposeB });
        const dbRef = columnSumsOfB(dzData, k, n, transposeB);
        expectClose(all.subarray(dwAt, dwAt + m * n), dwRef, tolerance(k), 'dW');
        expectClose(all.subarray(dbAt, dbAt + n), dbRef, tolerance(k), 'db');
        const untouched = [...all.subarray(0, dwAt), ...all.subarray(dwAt + m * n, dbAt), ...all.subarray(dbAt + n)];
        expect(untouched.every((v) => v === 7), 'guards and padding untouched').to.equal(true);
        engine.matmul(x, dz, { transposeA: true, transposeB, out: dw, columnSumsOut: db, accumulate: true });
        const twice = await flat.read();
        expectClose(twice.subarray(dbAt, dbAt + n), dbRef.map((v) => 2 * v), tolerance(2 * k), 'db accumulated');
        expectClose(twice.subarray(dwAt, dwAt + m * n), dwRef.map((v) => 2 * v), tolerance(2 * k), 'dW accumulated');
        for (const t of [x, dz, flat]) t.dispose();
      });
    }
  });

  it('rejects bad arguments with typed errors before dispatching anything', async () => {
    const engine = await getEngine();
    const a = engine.tensor(uniform(12, 1), [3, 4]);
    const b = engine.tensor(uniform(10, 2), [5, 2]);
    const b2 = engine.tensor(uniform(8, 3), [4, 2]);
    const v = engine.tensor(uniform(4, 4), [4]);
    const ints = engine.tensor(new Int32Array(8), [4, 2]);
    const bias3 = engine.tensor(uniform(3, 5), [3]);
    const bias2 = engine.tensor(uniform(2, 5), [2]);
    const out = engine.zeros([3, 2]);
    const gone = engine.tensor(uniform(8, 6), [4, 2]);
    gone.dispose();
    await engine.sync();
    const before = engine.stats().dispatches;
    const cases: [() => unknown, new (...args: never[]) => Error, RegExp][] = [
      [() => engine.matmul(a, b), ShapeError, /^matmul: inner dimensions differ: a is \[3,4\], b is \[5,2\]/],
      [() => engine.matmul(a, b2, { transposeA: true }), ShapeError, /inner dimensions differ/],
      [() => engine.matmul(v, b2), ShapeError, /matmul: a must be 2-D/],
      [() => engine.matmul(a, v), ShapeError, /matmul: b must be 2-D/],
      [() => engine.matmul(a, ints), DTypeError, /matmul: b must have dtype f32, got i32/],
      [() => engine.matmul(a, b2, { bias: bias3 }), ShapeError, /matmul: bias must have 2 elements/],
      [() => engine.matmul(a, b2, { activation: 'gelu' as never }), ValueError, /matmul: activation must be one of/],
      [() => engine.matmul(a, gone), DisposedError, /matmul: b .* after dispose/],
      [() => engine.matmul(a, b2, { bias: gone as never }), DisposedError, /matmul: bias/],
      [() => engine.matmul(a, b2, { out: bias2 }), ShapeError, /matmul: out must be 2-D/],
      [() => engine.matmul(a, b2, { out: engine.view(out, 0, [2, 3]) }), ShapeError, /matmul: out must have shape \[3,2\]/],
      [() => engine.matmul(a, b2, { accumulate: true }), ValueError, /accumulate needs an out/],
      [() => engine.matmul(a, b2, { out, accumulate: true, activation: 'relu' }), ValueError, /accumulate works only/],
      [() => engine.matmul(a, b2, { out, accumulate: true, bias: bias2 }), ValueError, /accumulate works only/],
      [() => engine.matmul(a, b2, { transposeA: 1 as never }), ValueError, /transposeA must be a boolean/],
      [() => engine.matmul(a, b2, { gradMask: bias2 }), ShapeError, /matmul: gradMask must be 2-D/],
      [() => engine.matmul(a, b2, { gradMask: b2 }), ShapeError, /matmul: gradMask must have shape \[3,2\]/],
      [() => engine.matmul(a, b2, { activationGrad: { activation: 'gelu' as never, output: out } }), ValueError, /activationGrad must be/],
      [() => engine.matmul(a, b2, { activationGrad: { activation: 'relu', output: b2 } }), ShapeError, /activationGrad.output must have shape \[3,2\]/],
      [() => engine.matmul(a, b2, { out, gradMask: engine.view(out, 0, [3, 2]) }), ValueError, /out shares its GPU buffer with gradMask/],
      [() => engine.matmul(a, b2, { columnSumsOut: bias2 }), ValueError, /columnSumsOut must be a view into the same buffer as out/],
      [() => engine.matmul(a, b2, { out, columnSumsOut: bias2 }), ValueError, /columnSumsOut must be a view into the same buffer as out/],
      [() => engine.matmul(a, b2, { out, columnSumsOut: bias3 }), ShapeError, /columnSumsOut must have 2 elements/],
    ];
    for (const [call, type, message] of cases) {
      expect(call).to.throw(type as never, message);
    }
    expect(engine.stats().dispatches, 'dispatches recorded by rejected calls').to.equal(before);
    for (const t of [a, b, b2, v, ints, bias3, bias2, out] as Tensor[]) t.dispose();
  });
});
