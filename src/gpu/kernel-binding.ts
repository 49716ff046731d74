/**
 * What a kernel's bind group looks like: its buffer bindings, and for its
 * uniform struct the fields' offsets and types. The build reflects these from
 * the WGSL (src/gpu/reflect-bindings.ts, recorded in src/gpu/shader-layouts.ts);
 * the kernel registry builds bind group layouts from them, and packUniform
 * (src/gpu/uniforms.ts) writes uniform fields by name.
 */

/** One buffer binding of a kernel, as reflected from the WGSL. */
export interface KernelBinding {
  name: string;
  binding: number;
  kind: 'uniform' | 'read-only-storage' | 'storage';
  /** For the library's uniform struct: its layout, reflected by the build (packUniform writes fields by name). */
  uniform?: UniformLayout;
}

/** A uniform struct of scalars: its size in bytes and each field's byte offset and type. */
export interface UniformLayout {
  size: number;
  fields: { name: string; offset: number; type: 'u32' | 'i32' | 'f32' }[];
}
