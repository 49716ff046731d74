/**
 * Typed errors thrown by the public API. Each is thrown at the call, before any
 * GPU work is recorded, and its message names the function, the argument and
 * what was expected — so a caller can catch by kind and a reader can fix the call.
 */

/** Base class: every error this library throws on purpose is a WgslTensorError. */
export class WgslTensorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor or array has the wrong shape, or two shapes do not fit together. */
export class ShapeError extends WgslTensorError {}

/** A value is out of range or of the wrong kind (rate outside [0,1), NaN in data, ...). */
export class ValueError extends WgslTensorError {}

/** A tensor has the wrong dtype for this argument. */
export class DTypeError extends WgslTensorError {}

/** A tensor was used after `dispose()`, or belongs to another engine. */
export class DisposedError extends WgslTensorError {}

/** The GPU device was lost (driver reset, `device.destroy()`, engine destroyed). */
export class DeviceLostError extends WgslTensorError {}

/** WGSL failed to compile or validate; the message names the shader file and line. */
export class ShaderError extends WgslTensorError {}

/**
 * A request beyond what this adapter can do (a buffer over `maxBufferSize`, a
 * binding over `maxStorageBufferBindingSize`, a grid over
 * `maxComputeWorkgroupsPerDimension`): the message names the limit, the
 * adapter's value and what was asked. A ValueError, so callers that catch
 * bad values catch it too.
 */
export class LimitError extends ValueError {}

/**
 * The GPU reported a validation or out-of-memory error for work this library
 * recorded: thrown at the read or sync that observes it, naming the op. The
 * work of that submit was dropped; the engine keeps working.
 */
export class GpuError extends WgslTensorError {
  constructor(message: string, readonly kind: 'validation' | 'out-of-memory' | 'internal') {
    super(message);
  }
}

/** The model is busy with another operation (fit) that this call would interfere with. */
export class BusyError extends WgslTensorError {}

/**
 * An optional package this call needs is not installed (in Node: Dawn's
 * `webgpu`); the message names the install command.
 */
export class MissingDependencyError extends WgslTensorError {}
