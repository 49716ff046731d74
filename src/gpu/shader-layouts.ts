/**
 * The bind-group layouts of the library's own shaders, as the build reflected
 * them. Importing a `.wgsl` file through the build's loader
 * (scripts/esbuild-options.mjs) gives its text and, as a side effect of that
 * import, records here each compute entry point's bindings, keyed by the text.
 * The kernel registry looks a shader up here when its KernelSource carries no
 * `entryPoints` of its own — so ops keep writing `{ file, source }`, and no
 * WGSL parser ships in the runtime bundle.
 */
import type { KernelBinding } from './kernel-registry.js';

export interface BuiltShader {
  /** Path from the repository root, e.g. 'shaders/matmul.wgsl'. */
  file: string;
  source: string;
  entryPoints: Record<string, KernelBinding[]>;
}

const bySource = new Map<string, BuiltShader>();

/** Called by the code the `.wgsl` loader generates, once per shader. */
export function recordShaderLayouts(file: string, source: string, entryPoints: Record<string, KernelBinding[]>): void {
  bySource.set(source, { file, source, entryPoints });
}

/** The build's reflection of this exact text, if the build saw it. */
export function builtLayoutsFor(source: string): Record<string, KernelBinding[]> | undefined {
  return bySource.get(source)?.entryPoints;
}

/** Every shader recorded so far (the specs compare each with a fresh reflection). */
export function builtShaders(): BuiltShader[] {
  return [...bySource.values()];
}
