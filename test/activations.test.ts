import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { expectClose } from './helpers/compare.js';
import { uniform } from './helpers/random.js';
import { activationBackward, activationForward, type ActivationName } from '../src/reference/activations.js';
import type { Engine } from '../src/index.js';

const NAMES: ActivationName[] = ['relu', 'sigmoid', 'tanh'];
// 5,000,003 elements at 64 per workgroup is 78,126 workgroups: more than one
// dispatch dimension allows (65,535), so this exercises the 2-D grid.
const LENGTHS = [1, 7, 4097, 5_000_003];
const EDGES = [0, -0, 1, -1, 1e30, -1e30, NaN, 1e-30, -1e-30, 20, -20, 10.5, -10.5, Infinity, -Infinity];

function input(n: number, seed: number): Float32Array {
  const x = uniform(n, seed, -6, 6);
  for (let i = 0; i < Math.min(n, EDGES.length); i++) x[i] = EDGES[i]!;
  return x;
}

function forward(engine: Engine, name: ActivationName, x: Parameters<Engine['relu']>[0]) {
  return name === 'relu' ? engine.relu(x) : name === 'sigmoid' ? engine.sigmoid(x) : engine.tanh(x);
}
function backward(engine: Engine, name: ActivationName, dy: Parameters<Engine['relu']>[0], y: Parameters<Engine['relu']>[0]) {
  return name === 'relu' ? engine.reluBackward(dy, y) : name === 'sigmoid' ? engine.sigmoidBackward(dy, y) : engine.tanhBackward(dy, y);
}

describe('activations', () => {
  for (const name of NAMES) {
    describe(name, () => {
      for (const n of LENGTHS) {
        it(`forward and backward match the CPU reference, n = ${n}`, async () => {
          const engine = await getEngine();
          const xData = input(n, n + 1);
          const dyData = uniform(n, n + 2, -2, 2);
          const x = engine.tensor(xData, [n]);
          const dy = engine.tensor(dyData, [n]);
          const y = forward(engine, name, x);
          const dx = backward(engine, name, dy, y);
          const [yGpu, dxGpu] = await Promise.all([y.read(), dx.read()]);
          const yRef = activationForward(name, xData);
          expectClose(yGpu, yRef, { atol: 1e-6, rtol: 2e-6 }, `${name} forward`);
          // backward is checked on the GPU's own y, so it tests the backward kernel alone
          expectClose(dxGpu, activationBackward(name, dyData, yGpu), { atol: 1e-6, rtol: 2e-6 }, `${name} backward`);
          for (const t of [x, dy, y, dx]) t.dispose();
        });
      }
    });
  }

  it('documented edge values: relu passes NaN and -0 through; sigmoid/tanh saturate at ±1e30', async () => {
    const engine = await getEngine();
    const x = engine.tensor([NaN, -0, 1e30, -1e30], [4]);
    const r = await engine.relu(x).read();
    expect(Number.isNaN(r[0])).to.equal(true);
    expect(Object.is(r[1], -0)).to.equal(true);
    expect(r[2]).to.equal(Math.fround(1e30));
    expect(r[3]).to.equal(0);
    const s = await engine.sigmoid(x).read();
    expect(Number.isNaN(s[0])).to.equal(true);
    expect([s[2], s[3]]).to.deep.equal([1, 0]);
    const t = await engine.tanh(x).read();
    expect(Number.isNaN(t[0])).to.equal(true);
    expect([t[2], t[3]]).to.deep.equal([1, -1]);
  });

  it('gradients match finite differences of sum(act(x) * w)', async () => {
    const engine = await getEngine();
    const n = 31;
    const xData = uniform(n, 5, -3, 3);
    for (let i = 0; i < n; i++) if (Math.abs(xData[i]!) < 0.05) xData[i] = 0.5; // relu kink
    const w = uniform(n, 6, -1, 1);
    for (const name of NAMES) {
      const x = engine.tensor(xData, [n]);
      const y = forward(engine, name, x);
      const dx = await backward(engine, name, engine.tensor(w, [n]), y).read();
      const h = 1e-3;
      for (let i = 0; i < n; i++) {
        const plus = Float64Array.from(xData); plus[i]! += h;
        const minus = Float64Array.from(xData); minus[i]! -= h;
        const f = (v: Float64Array) => activationForward(name, v).reduce((s, yv, j) => s + yv * w[j]!, 0);
        const numeric = (f(plus) - f(minus)) / (2 * h);
        expect(dx[i], `${name} d/dx[${i}]`).to.be.closeTo(numeric, 2e-3 + 1e-2 * Math.abs(numeric));
      }
    }
  });
});
