/**
 * What a peer library must offer to be benchmarked beside our engine.
 *
 * The suites (bench/suites/*.ts) drive ours and every peer through the same
 * `Runner` and the same timing loop (bench/timing.ts), so the only thing a
 * peer decides is how to do the work — not how it is timed. The only peer
 * today is TensorFlow.js (bench/peer-tfjs.ts), bundled separately and loaded
 * only in the browser page; in Node runs the list of peers is empty.
 */
import type { LabeledImages } from '../src/index.js';
import type { SyntheticData } from './data.js';
import type { ModelConfig } from './models.js';
import type { MatmulCase } from './suites/matmul.js';
import type { Runner } from './timing.js';

export interface PeerInfo {
  /** Key in the JSON report, e.g. "tfjs-webgpu". */
  name: string;
  /** Column header, e.g. "TF.js WebGPU". */
  label: string;
  version: string;
  /** Backend facts worth recording: adapter, WASM threads, SIMD... */
  details: Record<string, string | number | boolean>;
}

export interface EpochResult {
  trainSeconds: number;
  evaluateSeconds: number;
  testAccuracy: number;
  steps: number;
}

export interface Peer {
  readonly info: PeerInfo;
  /**
   * True for a peer too slow on this adapter for the full case list (TF.js
   * WebGPU on SwiftShader: ~0.4 GFLOP/s): it gets fewer repetitions, and
   * the full epoch is extrapolated from its step time in quick/tiny runs.
   */
  readonly slow: boolean;
  /** Make this peer's backend the active one (TF.js has one global backend). */
  activate(): Promise<void>;
  matmul(c: MatmulCase): Runner;
  /** One training step per record(), on batches gathered from `data` kept on the device. */
  trainingStep(model: ModelConfig, batch: number, data: SyntheticData): Runner;
  /** One epoch over `train` in shuffled batches, then accuracy on `test`. */
  trainEpoch(model: ModelConfig, train: LabeledImages, test: LabeledImages, batch: number): Promise<EpochResult>;
}
