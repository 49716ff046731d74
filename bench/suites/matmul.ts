/**
 * matmul suite: GFLOP/s (2·M·N·K / seconds) of square products and of the
 * products one training step of the 784-512-512-10 MLP performs, for ours and
 * for each peer on the same data.
 *
 * Training shapes, for a layer with weights W [in, out] and batch B:
 *   forward   Y  = act(X·W + b)   X [B, in]            -> M=B,  K=in, N=out
 *   backward  dW = Xᵀ·dY          X read transposed    -> M=in, K=B,  N=out
 *   backward  dX = dY·Wᵀ          W read transposed    -> M=B,  K=out, N=in
 * (no dX for the first layer: training never needs the gradient of the pixels).
 * On a real GPU the full sweep adds 4096³ (the issue's 20 TFLOP/s goal).
 * Our result goes into a preallocated `out`, so allocation is not timed.
 * Before each case is timed, `engine.autotune` chooses its variant the way an
 * app's first fit does (with --quick/--tiny the engine's tuning is whatever
 * the harness created it with: 'auto' by default); the chosen variant and the
 * candidates' measured times are kept in the report (`variant`, `tuning`).
 */
import type { Engine, Tensor } from '../../src/index.js';
import { randomFloats } from '../data.js';
import { mapStat, type Stat } from '../stats.js';
import { forEachPeer, SKIP, timingFor, type Skipped, type SuiteContext } from '../suite.js';
import { timeRunner, type Runner } from '../timing.js';

export interface MatmulCase {
  name: string;
  m: number; k: number; n: number;
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  activation?: 'linear' | 'relu';
}

export interface MatmulFigure {
  ms: Stat;
  gflops: Stat;
  callsPerRepetition: number;
}

export interface MatmulCaseResult extends MatmulCase {
  flops: number;
  /** The variant engine.autotune chose for this case, and every candidate's milliseconds (empty when not timed). */
  variant: string;
  tuning: Record<string, number>;
  ours: MatmulFigure;
  peers: Record<string, MatmulFigure | Skipped>;
}

const square = (s: number): MatmulCase => ({ name: `square ${s}³`, m: s, k: s, n: s });

/** The forward and backward products of one MLP step at batch `b`. */
function trainingShapes(b: number): MatmulCase[] {
  const layers: [number, number, 'relu' | 'linear'][] = [[784, 512, 'relu'], [512, 512, 'relu'], [512, 10, 'linear']];
  const cases: MatmulCase[] = [];
  layers.forEach(([inUnits, out, activation], i) => {
    cases.push({ name: `fwd X·W+b ${activation === 'relu' ? 'relu ' : ''}${b}×${inUnits}×${out}`, m: b, k: inUnits, n: out, bias: true, activation });
    cases.push({ name: `bwd dW=Xᵀ·dY [${b},${inUnits}]ᵀ·[${b},${out}]`, m: inUnits, k: b, n: out, transposeA: true });
    if (i > 0) cases.push({ name: `bwd dX=dY·Wᵀ [${b},${out}]·[${inUnits},${out}]ᵀ`, m: b, k: out, n: inUnits, transposeB: true });
  });
  return cases;
}


export function matmulCases(mode: 'full' | 'quick' | 'tiny', realGpu = false): MatmulCase[] {
  if (mode === 'tiny') return [square(128), { name: 'fwd X·W+b 128×512×10', m: 128, k: 512, n: 10, bias: true, activation: 'linear' }];
  if (mode === 'quick') {
    // The largest product of each kind in a batch-256 step: forward of layer 1,
    // its dW (A read transposed), and layer 2's dX (B read transposed); and the
    // 10-unit layer's skinny forward and dW (issue 16's "products with 10 outputs").
    const [fwd1, dW1, , , dX2, fwd3, dW3] = trainingShapes(256);
    return [square(256), square(1024), fwd1!, dW1!, dX2!, fwd3!, dW3!];
  }
  const squares = [128, 256, 512, 1024, 2048, ...(realGpu ? [4096] : [])];
  return squares.map(square).concat(trainingShapes(128), trainingShapes(256));
}

function ourRunner(engine: Engine, c: MatmulCase): Runner {
  const a = engine.tensor(randomFloats(c.m * c.k, 1), c.transposeA ? [c.k, c.m] : [c.m, c.k]);
  const b = engine.tensor(randomFloats(c.k * c.n, 2), c.transposeB ? [c.n, c.k] : [c.k, c.n]);
  const bias = c.bias ? engine.tensor(randomFloats(c.n, 3), [c.n]) : undefined;
  const out = engine.empty([c.m, c.n], 'f32');
  const options = {
    transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false,
    activation: c.activation ?? 'linear', out, ...(bias ? { bias } : {}),
  } as const;
  return {
    record: () => { engine.matmul(a, b, options); },
    close: () => engine.sync(),
    dispose: () => { for (const t of [a, b, bias, out] as (Tensor | undefined)[]) t?.dispose(); },
  };
}

async function measure(runner: Runner, flops: number, timing: ReturnType<typeof timingFor>): Promise<MatmulFigure> {
  try {
    const t = await timeRunner(runner, timing);
    return { ms: mapStat(t.seconds, (s) => s * 1e3), gflops: mapStat(t.seconds, (s) => flops / s / 1e9), callsPerRepetition: t.callsPerRepetition };
  } finally {
    runner.dispose();
  }
}

export async function matmulSuite(ctx: SuiteContext): Promise<{ cases: MatmulCaseResult[] }> {
  const cases: MatmulCaseResult[] = [];
  const f = (x: number) => x.toFixed(2).padStart(8);
  // CPU implementations of WebGPU would take minutes over 4096³.
  const realGpu = !ctx.engine.adapter.cpu;
  for (const c of matmulCases(ctx.mode, realGpu)) {
    const flops = 2 * c.m * c.n * c.k;
    // Ours and the peers one after the other on each case, so that a drift of
    // the machine's speed during the run hits both sides alike.
    const [choice] = await ctx.engine.autotune([{ m: c.m, n: c.n, k: c.k, transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false }]);
    const ours = await measure(ourRunner(ctx.engine, c), flops, timingFor(ctx.mode, false));
    const peers = await forEachPeer<MatmulFigure | Skipped>(ctx, async (peer) => {
      if (peer.slow && c.m * c.n * c.k > 1024 ** 3) return { skipped: SKIP.slowPeerLargeMatmul };
      return measure(peer.matmul(c), flops, timingFor(ctx.mode, peer.slow));
    });
    cases.push({ ...c, flops, variant: choice!.variant, tuning: choice!.times, ours, peers });
    const peerText = Object.entries(peers).map(([name, p]) => `${name} ${'skipped' in p ? 'skipped' : f(p.gflops.median)}`).join('  ');
    ctx.log(`${c.name.padEnd(40)} ${f(ours.ms.median)} ms ${f(ours.gflops.median)} GFLOP/s  ${peerText}  [${choice!.variant}]`.trimEnd());
  }
  return { cases };
}
