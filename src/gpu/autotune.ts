/**
 * The engine's tuner: which kernel variant each shape class runs, chosen once
 * per engine and never changed afterwards.
 *
 * A kernel family with several variants (matmul: tile/workgroup shapes, vec4
 * reads, k unrolling; see MATMUL_VARIANTS in src/ops/matmul.ts) asks
 * `choose(key, fallback)` for every product it records. The first answer for a
 * key is final for the engine's life. The matmul variants all sum in the
 * same k order and gave the same bits on lavapipe and SwiftShader (spec
 * "every variant gives the same bits"), but a driver may compile two kernels'
 * multiply-adds differently (fused or not); a class that switched variant
 * could then round differently, and seeded training would no longer be
 * bit-reproducible on one adapter.
 *
 * Where the first answer comes from:
 * - `tune(key, candidates, measure)` (async, called by `engine.autotune`
 *   BEFORE the class is first used): times every candidate on this engine's
 *   own adapter and keeps the fastest ('measured'), or takes a choice an
 *   earlier engine stored in the app's cache ('cache').
 * - otherwise the op's default rule, recorded on first use ('default'). In
 *   'fixed' mode that is the only source: no timing work, no cache.
 *
 * The per-adapter starting guesses (src/gpu/tuning.ts) live here too: the
 * default rule reads them, and so do kernels with no variants to time.
 */
import { tuningFor, type Tuning } from './tuning.js';

/**
 * Where an app keeps tuning results between engines (localStorage, IndexedDB,
 * a file). `get` returns what `set` stored under the key (or a promise of it),
 * undefined when there is none; values are plain JSON-able objects. A value
 * that no longer names a candidate (an older kernel set) is ignored and the
 * class is timed again.
 */
export interface TuningCache {
  get(key: string): unknown;
  set(key: string, value: TuningRecord): unknown;
}

/** `createEngine({ tuning })`: 'auto' (default), 'fixed', or 'auto' with a cache. */
export type TuningOption = 'auto' | 'fixed' | TuningCache;

/** What a cache stores for one shape class. */
export interface TuningRecord {
  variant: string;
  /** Milliseconds per run of each candidate timed, by variant name. */
  times: Record<string, number>;
}

export interface TuningChoice extends TuningRecord {
  /** The shape class, e.g. 'matmul 256x10x512 Bᵀ' (see shapeClassKey in src/ops/matmul.ts). */
  key: string;
  /** 'measured' by this engine, read from the app's 'cache', or the op's 'default' rule (no timing). */
  source: 'measured' | 'cache' | 'default';
}

/**
 * Times one candidate: `measure` runs it and resolves to milliseconds per run.
 * Tests replace the timer (`tuner.timer`) to pick a variant without a GPU clock.
 */
export type CandidateTimer = (key: string, variant: string, measure: () => Promise<number>) => Promise<number>;

/** The naming fields of the adapter (AdapterDescription in src/gpu/device.ts) that make a cache key. */
export interface AdapterIdentity {
  vendor: string; architecture: string; device: string; description: string; runtime: string;
}

export class Tuner implements Tuning {
  /** Starting guess (src/gpu/tuning.ts): UNROLL_K2 for the default matmul variant. Writable for benchmarks. */
  matmulUnrollK2: boolean;
  /** Starting guess (src/gpu/tuning.ts): most workgroups an optimizer update dispatches. Writable for benchmarks. */
  elementwiseMaxWorkgroups: number;
  /** @internal The timer of each candidate; tests inject a fake one. */
  timer: CandidateTimer = (_key, _variant, measure) => measure();
  private readonly choices = new Map<string, TuningChoice>();

  constructor(
    readonly mode: 'auto' | 'fixed',
    private readonly cache: TuningCache | null,
    private readonly adapter: AdapterIdentity,
    /** Changes whenever the kernels do, so a cache never serves choices measured on other code. */
    private readonly kernelSetVersion: string,
    private readonly warn: (message: string) => void = () => {},
  ) {
    const guesses = tuningFor(adapter);
    this.matmulUnrollK2 = guesses.matmulUnrollK2;
    this.elementwiseMaxWorkgroups = guesses.elementwiseMaxWorkgroups;
  }

  /** Every choice made so far, in the order the classes were met. */
  get chosen(): TuningChoice[] {
    return [...this.choices.values()].map((c) => ({ ...c, times: { ...c.times } }));
  }

  /** The choice for one shape class, if one was made. */
  choiceFor(key: string): TuningChoice | undefined {
    const c = this.choices.get(key);
    return c && { ...c, times: { ...c.times } };
  }

  /** The variant of a class: its recorded choice, else `fallback()` (recorded, so it never changes). */
  choose(key: string, fallback: () => string): string {
    const known = this.choices.get(key);
    if (known) return known.variant;
    const variant = fallback();
    this.choices.set(key, { key, variant, times: {}, source: 'default' });
    return variant;
  }

  /** The cache key of a class: adapter identity, kernel set version, class. */
  cacheKey(key: string): string {
    const a = this.adapter;
    return `wgsl-tensor tuning ${this.kernelSetVersion} ${a.runtime}|${a.vendor}|${a.architecture}|${a.device}|${a.description} ${key}`;
  }

  /**
   * Give a not-yet-chosen class its variant: the cache's (when it names a
   * candidate), else the fastest candidate by `measure`, stored in the cache.
   * In 'fixed' mode, or for a class already chosen, nothing is timed.
   */
  async tune(key: string, candidates: readonly string[], fallback: () => string,
    measure: (variant: string) => Promise<number>): Promise<TuningChoice> {
    const known = this.choices.get(key);
    if (known) return { ...known, times: { ...known.times } };
    if (this.mode === 'fixed' || candidates.length <= 1) {
      this.choose(key, () => candidates.length === 1 ? candidates[0]! : fallback());
      return this.choiceFor(key)!;
    }
    const cached = await this.readCache(key, candidates);
    // Another tune() of the same class may have finished while we waited.
    const raced = this.choices.get(key);
    if (raced) return { ...raced, times: { ...raced.times } };
    if (cached) {
      this.choices.set(key, { key, ...cached, source: 'cache' });
      return this.choiceFor(key)!;
    }
    const times: Record<string, number> = {};
    for (const variant of candidates) {
      const ms = await this.timer(key, variant, () => measure(variant));
      times[variant] = Number.isFinite(ms) && ms >= 0 ? ms : Infinity;
    }
    const won = this.choices.get(key);
    if (won) return { ...won, times: { ...won.times } };
    // Ties go to the earlier candidate (the default rule's order).
    const variant = candidates.reduce((best, v) => (times[v]! < times[best]! ? v : best), candidates[0]!);
    this.choices.set(key, { key, variant, times, source: 'measured' });
    await this.writeCache(key, { variant, times });
    return this.choiceFor(key)!;
  }

  private async readCache(key: string, candidates: readonly string[]): Promise<TuningRecord | null> {
    if (!this.cache) return null;
    let value: unknown;
    try {
      value = await this.cache.get(this.cacheKey(key));
    } catch (err) {
      this.warn(`tuning cache: get(${JSON.stringify(this.cacheKey(key))}) failed (${String(err)}); timing the candidates instead`);
      return null;
    }
    const v = value as Partial<TuningRecord> | null | undefined;
    if (v === null || typeof v !== 'object' || typeof v.variant !== 'string' || !candidates.includes(v.variant)) return null;
    const times: Record<string, number> = {};
    if (v.times !== null && typeof v.times === 'object') {
      for (const [name, ms] of Object.entries(v.times)) if (typeof ms === 'number') times[name] = ms;
    }
    return { variant: v.variant, times };
  }

  private async writeCache(key: string, record: TuningRecord): Promise<void> {
    if (!this.cache) return;
    try {
      await this.cache.set(this.cacheKey(key), { variant: record.variant, times: { ...record.times } });
    } catch (err) {
      // A full or read-only store costs the next engine a re-tune, not this one its result.
      this.warn(`tuning cache: set(${JSON.stringify(this.cacheKey(key))}) failed (${String(err)})`);
    }
  }
}

/** A short stable hash (FNV-1a, 32 bits, hex) of the kernel sources: the cache's kernel set version. */
export function kernelSetVersion(...sources: string[]): string {
  let h = 0x811c9dc5;
  for (const s of sources) {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}
