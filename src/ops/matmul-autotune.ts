/**
 * `engine.autotune(shapes)`: choose the matmul variant of each shape class by
 * timing its candidates on the engine's own adapter (src/gpu/autotune.ts keeps
 * the choices; src/ops/matmul.ts lists the variants and their default rule).
 *
 * For each class not chosen yet it allocates operands of the class's shape
 * (once), runs every candidate once untimed (that compiles its pipeline), then
 * times TIMED_RUNS runs: GPU time from timestamp queries where the device has
 * them (`engine.canProfile`) and they read above zero, else wall time around
 * record + submit + wait. A candidate's time is its fastest run: on a shared
 * machine the slow runs are the noise. The default rule's variant is timed
 * first and wins ties. The epilogue is linear with no bias: every variant runs the same
 * epilogue, so it does not change which one is fastest.
 */
import type { Tensor } from '../tensor.js';
import type { TuningChoice } from '../gpu/autotune.js';
import type { ProfileEntry } from '../gpu/profiler.js';
import type { KernelContext } from './kernel-context.js';
import { LimitError, ValueError } from '../errors.js';
import { checkBoolean, checkFinite, checkOptions, describeValue } from '../options.js';
import {
  candidateVariants, matmul, pickVariant, shapeClassKey, variantByName,
  type MatmulOptions, type MatmulShape,
} from './matmul.js';

/** What timing needs beyond recording kernels: uploads, views, waiting, GPU timestamps. `Engine` implements it. */
export interface AutotuneContext extends KernelContext {
  tensor(data: Float32Array, shape: readonly number[]): Tensor;
  view(base: Tensor<'f32'>, elementOffset: number, shape: readonly number[]): Tensor<'f32'>;
  sync(): Promise<void>;
  readonly canProfile: boolean;
  profile(record: () => void): Promise<ProfileEntry[]>;
  assertAlive(): void;
}

/** One product to tune for: op(A) is [m, k], op(B) [k, n]; as in `engine.matmul` (columnSums: with columnSumsOut). */
export interface MatmulShapeSpec {
  m: number; n: number; k: number;
  transposeA?: boolean; transposeB?: boolean; columnSums?: boolean;
}

const SPEC_KEYS = ['m', 'n', 'k', 'transposeA', 'transposeB', 'columnSums'];
const TIMED_RUNS = 3;
/**
 * A candidate whose untimed run (compile included) took longer than this is
 * timed once, not TIMED_RUNS times: on a CPU adapter a 2048³ product takes
 * seconds per run, and the differences that matter there are far above the noise.
 */
const LONG_RUN_MS = 250;
const FN = 'autotune';

function checkShapes(shapes: unknown): MatmulShape[] {
  if (!Array.isArray(shapes)) {
    throw new ValueError(`${FN}: shapes must be an array of { m, n, k, transposeA?, transposeB?, columnSums? }, got ${describeValue(shapes)}`);
  }
  return shapes.map((spec: unknown, i) => {
    const arg = `shapes[${i}]`;
    const s = checkOptions<Record<string, unknown>>(FN, spec as Record<string, unknown>, SPEC_KEYS, arg);
    if (spec === undefined) throw new ValueError(`${FN}: ${arg} must be an object, got undefined`);
    const [m, n, k] = (['m', 'n', 'k'] as const).map((d) => checkFinite(FN, `${arg}.${d}`, s[d], { integer: true, min: 1 }));
    const columnSums = checkBoolean(FN, `${arg}.columnSums`, s['columnSums'], false);
    return {
      m: m!, n: n!, k: k!, rows: columnSums ? m! + 1 : m!, columnSums,
      transposeA: checkBoolean(FN, `${arg}.transposeA`, s['transposeA'], false),
      transposeB: checkBoolean(FN, `${arg}.transposeB`, s['transposeB'], false),
    };
  });
}

export async function autotuneMatmul(engine: AutotuneContext, shapes: readonly MatmulShapeSpec[]): Promise<TuningChoice[]> {
  const checked = checkShapes(shapes);
  engine.assertAlive();
  checked.forEach((s, i) => checkFitsTheAdapter(engine, s, i));
  const choices: TuningChoice[] = [];
  for (const shape of checked) {
    const key = `matmul ${shapeClassKey(shape)}`;
    const fallback = () => pickVariant(shape, engine.tuning).name;
    // The default rule's variant first: the tuner gives ties to the earlier candidate.
    const preferred = fallback();
    const candidates = [preferred, ...candidateVariants(shape).map((v) => v.name).filter((name) => name !== preferred)];
    if (engine.tuning.mode === 'fixed' || engine.tuning.choiceFor(key)) {
      choices.push(await engine.tuning.tune(key, candidates, fallback, () => Promise.reject(new Error('not timed'))));
      continue;
    }
    const operands = allocate(engine, shape);
    try {
      choices.push(await engine.tuning.tune(key, candidates, fallback, (name) => timeVariant(engine, operands, name)));
    } finally {
      for (const t of operands.owned) t.dispose();
    }
  }
  return choices;
}

/** Every operand must fit one storage binding: refused before anything is allocated or timed. */
function checkFitsTheAdapter(engine: AutotuneContext, s: MatmulShape, i: number): void {
  const max = engine.limits.maxStorageBufferBindingSize;
  for (const [name, elements] of [['A', s.m * s.k], ['B', s.k * s.n], ['C', s.rows * s.n]] as const) {
    if (elements * 4 > max) {
      throw new LimitError(`${FN}: shapes[${i}] (${shapeClassKey(s)}) needs ${name} of ${elements * 4} bytes, over this adapter's ` +
        `maxStorageBufferBindingSize (${max} bytes)`);
    }
  }
}

interface Operands { a: Tensor; b: Tensor; options: MatmulOptions; owned: Tensor[] }

/**
 * A, B and C of the class's shape (with columnSums: C and the sums as views of
 * one buffer, sums after C). If one of them cannot be made (a shape over the
 * adapter's buffer limits), the ones already made are freed before the error goes on.
 */
function allocate(engine: AutotuneContext, s: MatmulShape): Operands {
  const owned: Tensor[] = [];
  const own = <T extends Tensor>(t: T) => { owned.push(t); return t; };
  try {
    const a = own(engine.tensor(new Float32Array(s.m * s.k).fill(0.5), s.transposeA ? [s.k, s.m] : [s.m, s.k]));
    const b = own(engine.tensor(new Float32Array(s.k * s.n).fill(0.25), s.transposeB ? [s.n, s.k] : [s.k, s.n]));
    const options: MatmulOptions = { transposeA: s.transposeA, transposeB: s.transposeB };
    if (!s.columnSums) {
      options.out = own(engine.empty([s.m, s.n], 'f32'));
    } else {
      const align = engine.limits.minStorageBufferOffsetAlignment / 4;
      const sumsAt = Math.ceil((s.m * s.n) / align) * align;
      const base = own(engine.empty([sumsAt + s.n], 'f32'));
      options.out = engine.view(base, 0, [s.m, s.n]);
      options.columnSumsOut = engine.view(base, sumsAt, [s.n]);
    }
    return { a, b, options, owned };
  } catch (err) {
    for (const t of owned) t.dispose();
    throw err;
  }
}

/** Milliseconds of one run of variant `name` on the operands: the fastest of TIMED_RUNS (or one, see LONG_RUN_MS), after one untimed run. */
async function timeVariant(engine: AutotuneContext, { a, b, options }: Operands, name: string): Promise<number> {
  const variant = variantByName(name)!;
  const run = () => { matmul(engine, a, b, options, variant); };
  const start = performance.now();
  run();
  await engine.sync();
  const runs = performance.now() - start > LONG_RUN_MS ? 1 : TIMED_RUNS;
  if (engine.canProfile) {
    const entries = await engine.profile(() => { for (let i = 0; i < runs; i++) run(); });
    const gpuMs = Math.min(...entries.map((e) => e.gpuMs));
    // Timestamps rounded to 100 µs (Chromium without developer features) read 0 for short kernels: use the wall clock then.
    if (gpuMs > 0) return gpuMs;
  }
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    await engine.sync();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
