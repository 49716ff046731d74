/**
 * Packs a kernel's uniform struct. WGSL lays out a struct of u32/i32/f32
 * scalars as consecutive 4-byte fields, so fields are written in declaration
 * order; the caller keeps the order in step with the `struct Params` of the shader.
 */
export class UniformWriter {
  private readonly data: ArrayBuffer;
  private readonly view: DataView;
  private offset = 0;

  constructor(maxBytes = 256) {
    this.data = new ArrayBuffer(maxBytes);
    this.view = new DataView(this.data);
  }

  u32(value: number): this {
    this.view.setUint32(this.offset, value >>> 0, true);
    this.offset += 4;
    return this;
  }

  i32(value: number): this {
    this.view.setInt32(this.offset, value | 0, true);
    this.offset += 4;
    return this;
  }

  f32(value: number): this {
    this.view.setFloat32(this.offset, value, true);
    this.offset += 4;
    return this;
  }

  /** The packed bytes, padded to 16 (uniform structs are 16-byte aligned). */
  bytes(): ArrayBuffer {
    return this.data.slice(0, Math.max(16, Math.ceil(this.offset / 16) * 16));
  }
}

/**
 * Workgroup grid for `count` invocations in workgroups of `workgroupSize`.
 * One dimension allows at most `maxPerDim` (65535) workgroups, so large
 * element-wise ops spill into y; shaders rebuild the linear index as
 * `(wid.y * num_workgroups.x + wid.x) * WG + local_index` and bounds-check it.
 */
export function grid1D(count: number, workgroupSize: number, maxPerDim = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(count / workgroupSize));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
