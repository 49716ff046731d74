/**
 * What a dispatch carries besides its buffers: the uniform struct's bytes,
 * packed by field name (packUniform), and the workgroup grid (grid1D).
 */
import type { CompiledKernel } from './kernel-registry.js';

/** The values of a uniform struct's fields, by the names the WGSL gives them. */
export type UniformValues = Readonly<Record<string, number>>;

/**
 * Packs a kernel's uniform struct from its fields' values BY NAME, at the
 * offsets and types the build reflected from the WGSL (src/gpu/reflect-bindings.ts):
 * `packUniform(kernel, { m, n, k, sums_offset })`. A field the struct lacks, or
 * a field it has that `values` leaves out, is a programming error in an op and
 * throws naming both — so reordering or adding a field in a shader can never
 * silently shift the others. (An entry point that ignores a field still gets
 * it: give it 0.)
 */
export function packUniform(kernel: CompiledKernel, values: UniformValues): ArrayBuffer {
  const binding = kernel.bindings.find((b) => b.kind === 'uniform');
  const where = `${kernel.file}:${kernel.entryPoint}`;
  if (!binding) throw new Error(`${where} has no uniform, yet uniform values were given`);
  const layout = binding.uniform;
  if (!layout) throw new Error(`${where}: uniform "${binding.name}" has no reflected layout: only shaders the build reflected (the library's) are packed by name`);
  // Every field given, and nothing else (the error path works out which): cheap enough for every dispatch.
  const complete = layout.fields.every((f) => Object.hasOwn(values, f.name)) && Object.keys(values).length === layout.fields.length;
  if (!complete) {
    const known = new Set(layout.fields.map((f) => f.name));
    const unknown = Object.keys(values).filter((name) => !known.has(name));
    const missing = layout.fields.filter((f) => !Object.hasOwn(values, f.name)).map((f) => f.name);
    throw new Error(`${where}: uniform "${binding.name}" ` +
      [unknown.length ? `has no field ${unknown.join(', ')}` : '', missing.length ? `needs ${missing.join(', ')}` : '']
        .filter(Boolean).join(' and ') + ` (its fields: ${layout.fields.map((f) => f.name).join(', ')})`);
  }
  // Uniform buffers bind in 16-byte units; the struct's own size is already a multiple of its alignment.
  const data = new ArrayBuffer(Math.max(16, Math.ceil(layout.size / 16) * 16));
  const view = new DataView(data);
  for (const field of layout.fields) {
    const value = values[field.name]!;
    if (field.type === 'f32') view.setFloat32(field.offset, value, true);
    else if (field.type === 'i32') view.setInt32(field.offset, value | 0, true);
    else view.setUint32(field.offset, value >>> 0, true);
  }
  return data;
}

/**
 * Workgroup grid for `count` invocations in workgroups of `workgroupSize`.
 * One dimension allows at most `maxPerDim` (65535) workgroups, so large
 * element-wise ops spill into y; shaders rebuild the linear index with the
 * prelude's `linear_index` (shaders/common/grid.wgsl) and bounds-check it.
 */
export function grid1D(count: number, workgroupSize: number, maxPerDim = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(count / workgroupSize));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
