/**
 * Reflection of a WGSL file's bind-group layouts with `wgsl_reflect`: for each
 * `@compute` entry point, the buffers it uses (binding number, name, and
 * uniform / read-only storage / read-write storage), and for the uniform its
 * struct's field layout.
 *
 * This runs at BUILD time, not in the library: the `.wgsl` loader in
 * scripts/esbuild-options.mjs calls it for every shader a bundle imports and
 * writes the result next to the shader's text (see shader-layouts.ts), so the
 * runtime bundle carries no WGSL parser. The specs call it too, to check that
 * what the build emitted is what the shader says (test/shader-layouts.test.ts).
 */
import { WgslReflect, ResourceType, type StructInfo, type TypeInfo } from 'wgsl_reflect';
import { ShaderError } from '../errors.js';
import type { KernelBinding, UniformLayout } from './kernel-binding.js';

const SCALARS = ['u32', 'i32', 'f32'] as const;

/**
 * A uniform struct's byte size and its fields' names, offsets and scalar
 * types, as WGSL lays them out: what packUniform (src/gpu/uniforms.ts) writes
 * by name, so no op keeps a field order or padding of its own.
 */
function uniformLayout(file: string, name: string, type: TypeInfo): UniformLayout {
  if (!type.isStruct) throw new ShaderError(`${file}: uniform ${name} must be a struct of u32/i32/f32 fields, got ${type.name}`);
  const fields = (type as StructInfo).members.map((m) => {
    const scalar = SCALARS.find((s) => s === m.type.name);
    if (!scalar) throw new ShaderError(`${file}: uniform ${name}.${m.name} is ${m.type.name}; uniform fields must be u32, i32 or f32`);
    return { name: m.name, offset: m.offset, type: scalar };
  });
  return { size: type.size, fields };
}

/** Every compute entry point of `source` with its buffer bindings, sorted by binding. */
export function reflectEntryPoints(file: string, source: string): Record<string, KernelBinding[]> {
  let reflect: WgslReflect;
  try {
    reflect = new WgslReflect(source);
  } catch (err) {
    throw new ShaderError(`${file}: WGSL syntax error: ${(err as Error).message}`);
  }
  const entryPoints: Record<string, KernelBinding[]> = {};
  for (const entry of reflect.entry.compute) {
    const bindings: KernelBinding[] = [];
    for (const r of entry.resources) {
      if (r.group !== 0) throw new ShaderError(`${file}: ${r.name} uses @group(${r.group}); kernels use group 0 only`);
      let kind: KernelBinding['kind'];
      if (r.resourceType === ResourceType.Uniform) {
        bindings.push({ name: r.name, binding: r.binding, kind: 'uniform', uniform: uniformLayout(file, r.name, r.type) });
        continue;
      }
      else if (r.resourceType === ResourceType.Storage) kind = r.access === 'read' ? 'read-only-storage' : 'storage';
      else throw new ShaderError(`${file}: ${r.name} is not a buffer; kernels bind buffers only`);
      bindings.push({ name: r.name, binding: r.binding, kind });
    }
    entryPoints[entry.name] = bindings.sort((a, b) => a.binding - b.binding);
  }
  return entryPoints;
}
