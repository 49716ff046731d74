/**
 * The shape of a row of the bad-input table (test/bad-input.test.ts) and the
 * fixture every row receives. Rows live in test/bad-input/*.rows.ts by topic,
 * so that each part of the API keeps its misuse cases next to each other.
 */
import type {
  Sequential, ResidentDataset, ShapeError, ValueError, DTypeError, DisposedError, WgslTensorError,
  Engine, Tensor, SavedWeights, Checkpoint,
} from '../../src/index.js';

export type ErrorClass = typeof ShapeError | typeof ValueError | typeof DTypeError | typeof DisposedError | typeof WgslTensorError;

/** Everything the rows need, made once (outside the measured calls). */
export interface Fixture {
  engine: Engine;
  /** f32 [2,3], f32 [3,2], i32 [2], u32 [2,3] of this engine. */
  a: Tensor; b: Tensor; labels: Tensor; u: Tensor;
  disposed: Tensor;
  /** Tensors of ANOTHER engine: f32 [2,3] and i32 [2]. */
  foreign: Tensor; foreignLabels: Tensor;
  foreignDataset: ResidentDataset;
  /** dense(4,8) relu dropout(0.2) dense(8,3), seed 1, rmsprop. */
  model: Sequential;
  disposedModel: Sequential;
  x: Float32Array; y: Int32Array;
  weights: SavedWeights;
  checkpoint: Checkpoint;
  /** f32 [6] tensors for optimizer state arguments. */
  m: Tensor; v: Tensor;
  /** Register something a row creates, to be disposed after the row (so leaks show). */
  own<T extends { dispose(): void }>(thing: T): T;
}

export interface Row {
  what: string;
  call: (f: Fixture) => unknown;
  error: ErrorClass;
  /** Every fragment must appear in the message. */
  message: string[];
}
