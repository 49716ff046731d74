/**
 * Reflection of a WGSL file's bind-group layouts with `wgsl_reflect`: for each
 * `@compute` entry point, the buffers it uses (binding number, name, and
 * uniform / read-only storage / read-write storage).
 *
 * This runs at BUILD time, not in the library: the `.wgsl` loader in
 * scripts/esbuild-options.mjs calls it for every shader a bundle imports and
 * writes the result next to the shader's text (see shader-layouts.ts), so the
 * runtime bundle carries no WGSL parser. The specs call it too, to check that
 * what the build emitted is what the shader says (test/shader-layouts.test.ts).
 */
import { WgslReflect, ResourceType } from 'wgsl_reflect';
import { ShaderError } from '../errors.js';
import type { KernelBinding } from './kernel-registry.js';

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
      if (r.resourceType === ResourceType.Uniform) kind = 'uniform';
      else if (r.resourceType === ResourceType.Storage) kind = r.access === 'read' ? 'read-only-storage' : 'storage';
      else throw new ShaderError(`${file}: ${r.name} is not a buffer; kernels bind buffers only`);
      bindings.push({ name: r.name, binding: r.binding, kind });
    }
    entryPoints[entry.name] = bindings.sort((a, b) => a.binding - b.binding);
  }
  return entryPoints;
}
