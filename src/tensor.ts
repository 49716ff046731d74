/**
 * Tensor: a shape, a dtype and a GPU buffer. Data lives on the GPU; `read()`
 * copies it back asynchronously. A tensor owns its buffer until `dispose()`,
 * which returns the buffer to the engine's pool; any later use throws.
 */
import { DisposedError } from './errors.js';

export type DType = 'f32' | 'i32' | 'u32';
export type TypedArrayFor<D extends DType> =
  D extends 'f32' ? Float32Array : D extends 'i32' ? Int32Array : Uint32Array;

/** What a tensor needs from the engine that made it. */
export interface TensorOwner {
  readonly id: number;
  readTensorBytes(tensor: Tensor): Promise<ArrayBuffer>;
  releaseTensor(tensor: Tensor): void;
}

let nextTensorId = 1;

export class Tensor<D extends DType = DType> {
  readonly id = nextTensorId++;
  readonly size: number;
  private gpuBuffer: GPUBuffer | null;

  /**
   * @param byteOffset where the data starts in `buffer` (non-zero for views)
   * @param base for a view: the tensor that owns the buffer (a view never frees it)
   */
  constructor(
    readonly owner: TensorOwner,
    buffer: GPUBuffer,
    readonly shape: readonly number[],
    readonly dtype: D,
    readonly byteOffset = 0,
    readonly base: Tensor | null = null,
  ) {
    this.gpuBuffer = buffer;
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  /** Bytes of data (4 per element: every dtype here is 32-bit). */
  get byteLength(): number {
    return this.size * 4;
  }

  /** True after dispose(), or when the tensor this is a view of was disposed. */
  get disposed(): boolean {
    return this.gpuBuffer === null || (this.base !== null && this.base.disposed);
  }

  /** Is this a view into another tensor's buffer (e.g. one layer's weights in a flat parameter buffer)? */
  get isView(): boolean {
    return this.base !== null;
  }

  /** The GPU buffer (may be larger than byteLength: pooled size classes). */
  get buffer(): GPUBuffer {
    if (!this.gpuBuffer || this.disposed) throw new DisposedError(`tensor #${this.id} [${this.shape.join(',')}] ${this.dtype} was used after dispose()`);
    return this.gpuBuffer;
  }

  /** What a kernel binds: the exact byte range of this tensor's data. */
  get binding(): { buffer: GPUBuffer; offset: number; size: number } {
    return { buffer: this.buffer, offset: this.byteOffset, size: this.byteLength };
  }

  /** Copy the data back to the CPU. Submits pending GPU work first. */
  async read(): Promise<TypedArrayFor<D>> {
    const bytes = await this.owner.readTensorBytes(this);
    const ctor = this.dtype === 'f32' ? Float32Array : this.dtype === 'i32' ? Int32Array : Uint32Array;
    return new ctor(bytes) as TypedArrayFor<D>;
  }

  /** Free the GPU buffer (back to the pool). Safe to call twice. */
  dispose(): void {
    if (!this.gpuBuffer) return;
    if (!this.base) this.owner.releaseTensor(this);
    this.gpuBuffer = null;
  }

  toString(): string {
    return `Tensor#${this.id}[${this.shape.join(',')}] ${this.dtype}${this.disposed ? ' (disposed)' : ''}`;
  }
}
