/**
 * Randomized checks: a seeded generator makes hundreds of op cases per run
 * (random shapes including 1 and primes, transposes, activations, extreme
 * values) and compares each with the CPU reference. A failure names the seed
 * and the case, so `RANDOM_SEED=<seed>` (Node) reproduces it exactly.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { mismatches } from './helpers/compare.js';
import { rng } from './helpers/random.js';
import { matmul as matmulRef } from '../src/reference/matmul.js';
import { softmax as softmaxRef } from '../src/reference/softmax.js';
import { activationForward } from '../src/reference/activations.js';
import { columnSums as columnSumsRef } from '../src/reference/reductions.js';
import type { Engine, Tensor } from '../src/index.js';
import { MATMUL_VARIANTS, matmul as matmulOp } from '../src/ops/matmul.js';

const envSeed = typeof process !== 'undefined' ? Number(process.env?.RANDOM_SEED) : NaN;
const SEED = Number.isFinite(envSeed) ? envSeed : 20261127;
const DIMS = [1, 2, 3, 5, 7, 13, 31, 64, 65, 97, 127, 130];
const ACTS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

function data(n: number, r: () => number, extreme: boolean): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    out[i] = extreme && u < 0.05 ? (r() < 0.5 ? -1 : 1) * 1e4 : extreme && u < 0.1 ? 0 : (r() * 2 - 1) * (extreme ? 50 : 2);
  }
  return out;
}

describe(`randomized op checks (seed ${SEED})`, function () {
  this.timeout(600_000);

  it('300 random cases of matmul, activations, softmax and column sums match the reference', async () => {
    const engine: Engine = await getEngine();
    const r = rng(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const failures: string[] = [];
    for (let c = 0; c < 300; c++) {
      const kind = pick(['matmul', 'matmul', 'activation', 'softmax', 'columnSums'] as const);
      const extreme = r() < 0.2;
      const made: Tensor[] = [];
      const t = (v: Float32Array, shape: number[]) => { const x = engine.tensor(v, shape); made.push(x); return x; };
      let desc = `case ${c} (seed ${SEED}): ${kind}`;
      let bad: string[] = [];
      if (kind === 'matmul') {
        const [m, k, n] = [pick(DIMS), pick(DIMS), pick(DIMS)];
        const transposeA = r() < 0.5, transposeB = r() < 0.5;
        const activation = pick(ACTS);
        const withBias = r() < 0.5;
        // Half the cases force a random variant that fits (any the autotuner could pick), half take the engine's choice.
        const fitting = MATMUL_VARIANTS.filter((v) => v.fits({ m, n, k, rows: m, transposeA, transposeB, columnSums: false }));
        const forced = r() < 0.5 ? pick(fitting) : undefined;
        desc += ` m=${m} k=${k} n=${n} transposeA=${transposeA} transposeB=${transposeB} activation=${activation} bias=${withBias} extreme=${extreme}` +
          ` variant=${forced?.name ?? 'the engine\'s'}`;
        const a = data(m * k, r, false), b = data(k * n, r, extreme), bias = data(n, r, false);
        const options = { transposeA, transposeB, activation, ...(withBias ? { bias: t(bias, [n]) } : {}) };
        const [ta, tb] = [t(a, transposeA ? [k, m] : [m, k]), t(b, transposeB ? [n, k] : [k, n])];
        const out = forced ? matmulOp(engine, ta, tb, options, forced) : engine.matmul(ta, tb, options);
        made.push(out);
        const ref = matmulRef(a, b, m, k, n, { transposeA, transposeB, activation, ...(withBias ? { bias } : {}) });
        const scale = extreme ? 1e4 : 1;
        bad = mismatches(await out.read(), ref, { atol: 1e-4 * Math.sqrt(k) * scale, rtol: 1e-4 * Math.sqrt(k) });
      } else if (kind === 'activation') {
        const n = pick(DIMS) * pick(DIMS);
        const act = pick(['relu', 'sigmoid', 'tanh'] as const);
        desc += ` n=${n} ${act} extreme=${extreme}`;
        const x = data(n, r, extreme);
        const y = act === 'relu' ? engine.relu(t(x, [n])) : act === 'sigmoid' ? engine.sigmoid(t(x, [n])) : engine.tanh(t(x, [n]));
        made.push(y);
        bad = mismatches(await y.read(), activationForward(act, x), { atol: 1e-6, rtol: 2e-6 });
      } else if (kind === 'softmax') {
        const [rows, cols] = [pick(DIMS), pick(DIMS)];
        desc += ` rows=${rows} cols=${cols} extreme=${extreme}`;
        const x = data(rows * cols, r, extreme);
        const y = engine.softmax(t(x, [rows, cols]));
        made.push(y);
        bad = mismatches(await y.read(), softmaxRef(x, rows, cols), { atol: 1e-6, rtol: 1e-4 });
      } else {
        const [rows, cols] = [pick(DIMS) * pick([1, 3]), pick(DIMS)];
        desc += ` rows=${rows} cols=${cols} extreme=${extreme}`;
        const x = data(rows * cols, r, extreme);
        const y = engine.columnSums(t(x, [rows, cols]));
        made.push(y);
        bad = mismatches(await y.read(), columnSumsRef(x, cols, rows), { atol: 1e-4 * Math.sqrt(rows) * (extreme ? 1e4 : 1), rtol: 1e-4 * Math.sqrt(rows) });
      }
      for (const x of made) x.dispose();
      if (bad.length) failures.push(`${desc}: ${bad.slice(0, 3).join('; ')}`);
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });
});
