/**
 * Matmul benchmark: GFLOP/s (2 M N K / seconds) for square sizes and the
 * layer shapes of a 784-512-512-10 MLP at batch 256, forward and backward.
 * Uses only the public API; the result goes into `out` so that allocation is
 * not timed.
 */
import type { Engine } from '../src/index.js';
import { timeGpu } from './timing.js';

export interface MatmulCase {
  name: string;
  m: number; k: number; n: number;
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  activation?: 'linear' | 'relu';
}

export interface MatmulResult extends MatmulCase {
  ms: number;
  gflops: number;
  callsPerRepetition: number;
}

const square = (s: number): MatmulCase => ({ name: `square ${s}³`, m: s, k: s, n: s });

export function matmulCases(quick: boolean): MatmulCase[] {
  const squares = (quick ? [256, 1024] : [128, 256, 512, 1024, 2048]).map(square);
  const mlp: MatmulCase[] = [
    { name: 'fwd  X·W1+b relu  256×784×512', m: 256, k: 784, n: 512, bias: true, activation: 'relu' },
    { name: 'fwd  H·W2+b relu  256×512×512', m: 256, k: 512, n: 512, bias: true, activation: 'relu' },
    { name: 'fwd  H·W3+b       256×512×10', m: 256, k: 512, n: 10, bias: true },
    { name: 'fwd  batch 1      1×784×512', m: 1, k: 784, n: 512, bias: true, activation: 'relu' },
    { name: 'bwd  dW1 = Xᵀ·dY  [256,784]ᵀ·[256,512]', m: 784, k: 256, n: 512, transposeA: true },
    { name: 'bwd  dW3 = Hᵀ·dY  [256,512]ᵀ·[256,10]', m: 512, k: 256, n: 10, transposeA: true },
    { name: 'bwd  dX = dY·W2ᵀ  [256,512]·[512,512]ᵀ', m: 256, k: 512, n: 512, transposeB: true },
    { name: 'bwd  dX = dY·W3ᵀ  [256,10]·[512,10]ᵀ', m: 256, k: 10, n: 512, transposeB: true },
  ];
  return [...squares, ...(quick ? mlp.slice(0, 1).concat(mlp.slice(4, 5)) : mlp)];
}

function randomData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

export async function benchMatmul(engine: Engine, quick: boolean, log: (line: string) => void): Promise<MatmulResult[]> {
  const results: MatmulResult[] = [];
  for (const c of matmulCases(quick)) {
    const a = engine.tensor(randomData(c.m * c.k, 1), c.transposeA ? [c.k, c.m] : [c.m, c.k]);
    const b = engine.tensor(randomData(c.k * c.n, 2), c.transposeB ? [c.n, c.k] : [c.k, c.n]);
    const bias = c.bias ? engine.tensor(randomData(c.n, 3), [c.n]) : undefined;
    const out = engine.empty([c.m, c.n], 'f32');
    const options = {
      transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false,
      activation: c.activation ?? 'linear', out, ...(bias ? { bias } : {}),
    } as const;
    const flops = 2 * c.m * c.n * c.k;
    // Large products run long on CPU adapters: fewer repetitions there.
    const repetitions = flops > 4e9 ? 3 : 5;
    const timing = await timeGpu(engine, () => { engine.matmul(a, b, options); }, { repetitions });
    const result = { ...c, ms: timing.seconds * 1e3, gflops: flops / timing.seconds / 1e9, callsPerRepetition: timing.callsPerRepetition };
    results.push(result);
    log(`${c.name.padEnd(42)} ${result.ms.toFixed(2).padStart(10)} ms ${result.gflops.toFixed(2).padStart(8)} GFLOP/s`);
    for (const t of [a, b, bias, out]) t?.dispose();
  }
  return results;
}
