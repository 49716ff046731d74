/**
 * wgsl-tensor's public API, browser-safe: nothing here imports a `node:`
 * module or Dawn, so any bundler builds a web app from it as is. Node users get
 * the same API plus Dawn and file loading from src/node.ts (the package's
 * `node` export condition).
 */
export { createEngine, Engine } from './engine.js';
export type { EngineOptions, EngineStats, TensorData } from './engine.js';
export type { ProfileEntry } from './gpu/profiler.js';
export { Tensor } from './tensor.js';
export type { DType, TypedArrayFor } from './tensor.js';
export type { AdapterDescription, DeviceOptions } from './gpu/device.js';
export type { KernelSource, KernelBinding, CompiledKernel } from './gpu/kernel-registry.js';
export type { MatmulOptions } from './ops/matmul.js';
export type { KernelContext, KernelDispatch } from './ops/kernel-context.js';
export type { UniformLayout } from './gpu/kernel-binding.js';
export type { TuningCache, TuningChoice, TuningOption, TuningRecord } from './gpu/autotune.js';
export type { MatmulShapeSpec } from './ops/matmul-autotune.js';
export type { EpilogueActivation } from './reference/activations.js';
export type { SgdOptions, MomentumOptions, AdagradOptions, RmspropOptions, AdamOptions, MaxNormOptions } from './ops/optimizers.js';
export {
  WgslTensorError, ShapeError, ValueError, DTypeError, DisposedError, DeviceLostError, ShaderError, LimitError, GpuError, BusyError,
  MissingDependencyError,
} from './errors.js';

// ---- training API ----------------------------------------------------------------
export { Sequential } from './nn/sequential.js';
export type { SequentialOptions, ParameterEntry, Inputs, PredictOptions, PredictOutput, Prediction, TrainOnBatchOptions } from './nn/sequential.js';
export type { SafetensorsLayout, SafetensorsLoadOptions, SafetensorsSaveOptions } from './nn/safetensors.js';
export type { WeightsManifest, SavedWeights, Checkpoint, CheckpointManifest, TensorRecord } from './nn/checkpoint.js';
export { dense, relu, sigmoid, tanh, maxout, dropout, residual } from './nn/layers/index.js';
export type {
  LayerSpec, DenseSpec, DenseOptions, ActivationSpec, MaxoutSpec, DropoutSpec, ResidualSpec, Initializer,
} from './nn/layers/index.js';
export { sgd, adagrad, rmsprop, adam } from './nn/optimizers.js';
export type { Optimizer, StepValues } from './nn/optimizers.js';
export { stepDecay, exponentialDecay, cosineDecay, linearRamp } from './nn/schedules.js';
export type { Schedule } from './nn/schedules.js';
export { earlyStopping, EarlyStopping } from './nn/callbacks.js';
export type { Callback, CallbackModel, EpochLogs, BatchLogs, FitParams, EarlyStoppingOptions } from './nn/callbacks.js';
export type { FitOptions, History } from './nn/fit.js';
export type { ProgressStream } from './nn/progress-bar.js';
export type { LossName } from './nn/losses.js';

// ---- data ---------------------------------------------------------------------------
export { ResidentDataset } from './data/resident-dataset.js';
export { parseIdx, encodeIdx } from './data/idx.js';
export { loadMnist, fetchMnist, parseMnistPair, subset, MNIST_FILES } from './data/mnist.js';
export type { LabeledImages, Mnist, MnistBytes, MnistSource } from './data/mnist.js';
