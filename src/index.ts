/**
 * wgsl-tensor's public API. Everything a user imports comes from here.
 */
export { createEngine, Engine } from './engine.js';
export type { EngineOptions, EngineStats, TensorData } from './engine.js';
export { Tensor } from './tensor.js';
export type { DType, TypedArrayFor } from './tensor.js';
export type { AdapterDescription, DeviceOptions } from './gpu/device.js';
export type { KernelSource, CompiledKernel } from './gpu/kernel-registry.js';
export {
  WgslTensorError, ShapeError, ValueError, DTypeError, DisposedError, DeviceLostError, ShaderError,
} from './errors.js';

