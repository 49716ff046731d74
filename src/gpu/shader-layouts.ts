/**
 * The bind-group layouts of the library's own shaders, as the build reflected
 * them. Importing a `.wgsl` file through the build's loader
 * (scripts/esbuild-options.mjs) gives its text and, as a side effect of that
 * import, records here each compute entry point's bindings, keyed by the text.
 * The kernel registry looks a shader up here when its KernelSource carries no
 * `entryPoints` of its own — so ops keep writing `{ file, source }`, and no
 * WGSL parser ships in the runtime bundle. The text includes the WGSL prelude
 * (shaders/common/*.wgsl); `sourceLocation` maps its lines back to files.
 */
import type { KernelBinding } from './kernel-binding.js';

export interface BuiltShader {
  /** Path from the repository root, e.g. 'shaders/matmul.wgsl'. */
  file: string;
  source: string;
  entryPoints: Record<string, KernelBinding[]>;
  /**
   * The files `source` was put together from, in order, with how many lines
   * each gave: the WGSL prelude (shaders/common/*.wgsl) and then the shader
   * itself. A compiler message's line is mapped back through these.
   */
  parts: SourcePart[];
}

/** A run of lines of a shader's text that came from one file. */
export interface SourcePart {
  file: string;
  lines: number;
}

const bySource = new Map<string, BuiltShader>();

/** Called by the code the `.wgsl` loader generates, once per shader. */
export function recordShaderLayouts(file: string, source: string, entryPoints: Record<string, KernelBinding[]>,
  parts: SourcePart[] = [{ file, lines: source.split('\n').length }]): void {
  bySource.set(source, { file, source, entryPoints, parts });
}

/**
 * The file and line that line `line` (1-based) of a built shader's text came
 * from; a text the build did not see (a user's own WGSL) is its own file.
 */
export function sourceLocation(source: string, file: string, line: number): { file: string; line: number } {
  const parts = bySource.get(source)?.parts;
  if (!parts) return { file, line };
  let first = 1;
  for (const part of parts) {
    if (line < first + part.lines) return { file: part.file, line: line - first + 1 };
    first += part.lines;
  }
  return { file: parts[parts.length - 1]!.file, line };
}

/** The build's reflection of this exact text, if the build saw it. */
export function builtLayoutsFor(source: string): Record<string, KernelBinding[]> | undefined {
  return bySource.get(source)?.entryPoints;
}

/** Every shader recorded so far (the specs compare each with a fresh reflection). */
export function builtShaders(): BuiltShader[] {
  return [...bySource.values()];
}
