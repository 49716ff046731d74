/**
 * Kernel registry: WGSL source -> shader module -> bind group layout -> pipeline.
 *
 * - The bind group layout comes from the shader itself: the build reflects
 *   each of the library's shaders with `wgsl_reflect` (which buffers, at which
 *   binding, read-only or read-write, uniform or storage; see
 *   src/gpu/reflect-bindings.ts and src/gpu/shader-layouts.ts), so no kernel
 *   carries a hand-written layout that could drift from its WGSL, and the
 *   runtime carries no WGSL parser. A kernel the build did not see (a user's
 *   own WGSL) brings its layouts in `KernelSource.entryPoints`.
 * - Pipelines are cached by (file, entry point, override constants). `compile()`
 *   is the async path: concurrent requests for the same pipeline share one
 *   promise, so it compiles once, and WGSL errors are thrown as ShaderError
 *   naming `file:line:column`. `pipeline()` is the synchronous path used while
 *   recording: errors the GPU compiler finds (syntax, types, validation) are
 *   reported through `takeError()`, which the scheduler checks at every submit
 *   and read.
 * - Every error scope pushed here is popped on every path, even when a create
 *   call throws synchronously: a scope left open would swallow the engine's
 *   later errors.
 * - Compiler warnings and notes go to `onWarning` (errors stay ShaderError).
 */
import { ShaderError, ValueError } from '../errors.js';
import { describeValue } from '../options.js';
import { builtLayoutsFor, sourceLocation } from './shader-layouts.js';
import type { KernelBinding } from './kernel-binding.js';

/** A WGSL file: its path (for error messages) and its text. */
export interface KernelSource {
  file: string;
  source: string;
  /**
   * The buffer bindings of each `@compute` entry point. The library's own
   * shaders get these from the build; WGSL of your own must list them, e.g.
   * `{ main: [{ name: 'params', binding: 0, kind: 'uniform' }, { name: 'data', binding: 1, kind: 'storage' }] }`.
   */
  entryPoints?: Record<string, KernelBinding[]>;
}

export type { KernelBinding, UniformLayout } from './kernel-binding.js';

export interface CompiledKernel {
  key: string;
  file: string;
  entryPoint: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  bindings: KernelBinding[];
}

interface ShaderModuleEntry {
  module: GPUShaderModule;
  /** Resolves to a ShaderError if the WGSL has errors only the GPU compiler saw. */
  compilation: Promise<ShaderError | null>;
}

const COMPUTE = 0x4; // GPUShaderStage.COMPUTE, as a number so this file loads before Dawn's globals
const BINDING_KINDS: readonly KernelBinding['kind'][] = ['uniform', 'read-only-storage', 'storage'];

function constantsKey(constants: Record<string, number>): string {
  return Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join(',');
}

/**
 * `file:line:col: message` for each message of the given types in a
 * compilation info, with the line mapped back to the file it came from (the
 * library's shaders start with the WGSL prelude, shaders/common/*.wgsl).
 */
function formatMessages(kernel: KernelSource, info: GPUCompilationInfo, types: readonly GPUCompilationMessageType[]): string | null {
  const picked = info.messages.filter((m) => types.includes(m.type));
  if (picked.length === 0) return null;
  return picked.map((m) => {
    const at = sourceLocation(kernel.source, kernel.file, m.lineNum);
    return `${at.file}:${at.line}:${m.linePos}: ${m.message}`;
  }).join('\n');
}

/** Run `create` inside a validation error scope that is popped whatever happens; the scope's error comes back as a promise. */
function withErrorScope<T>(device: GPUDevice, create: () => T): { value: T; scope: Promise<GPUError | null> } {
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = create();
  } catch (err) {
    device.popErrorScope().catch(() => { /* device lost: reported elsewhere */ });
    throw err;
  }
  return { value, scope: device.popErrorScope() };
}

/** A user-supplied `entryPoints` list for one entry point, checked. */
function checkBindings(file: string, entryPoint: string, value: unknown): KernelBinding[] {
  const where = `compile: kernel.entryPoints.${entryPoint} of ${file}`;
  if (!Array.isArray(value)) throw new ValueError(`${where} must be an array of { name, binding, kind }, got ${describeValue(value)}`);
  return value.map((b: unknown, i) => {
    const ok = b !== null && typeof b === 'object' && typeof (b as KernelBinding).name === 'string' &&
      Number.isInteger((b as KernelBinding).binding) && (b as KernelBinding).binding >= 0 &&
      BINDING_KINDS.includes((b as KernelBinding).kind);
    if (!ok) {
      throw new ValueError(`${where}[${i}] must be { name: string, binding: integer >= 0, kind: ${BINDING_KINDS.map((k) => `'${k}'`).join(' | ')} }, ` +
        `got ${b !== null && typeof b === 'object' ? JSON.stringify(b) : describeValue(b)}`);
    }
    const { name, binding, kind } = b as KernelBinding;
    return { name, binding, kind };
  }).sort((a, c) => a.binding - c.binding);
}

export class KernelRegistry {
  /** Keyed by the WGSL text, not the file name: two kernels named alike but written differently are two modules. */
  private readonly modules = new Map<string, ShaderModuleEntry>();
  /** A small number per WGSL text, so pipeline keys tell such kernels apart without carrying the text. */
  private readonly sourceIds = new Map<string, number>();
  private readonly pipelines = new Map<string, CompiledKernel>();
  private readonly pending = new Map<string, Promise<CompiledKernel>>();
  private deferredError: ShaderError | null = null;

  constructor(private readonly device: GPUDevice, private readonly onWarning: (message: string) => void = () => {}) {
    // Once the device is gone (destroyed or lost) its pipelines are useless;
    // drop them. Dawn keeps a device's JavaScript object (and so, through its
    // event listeners, the engine and this registry) reachable after
    // destroy(), and each cached pipeline pins its compiled code: without
    // this, every createEngine()/destroy() cycle kept about 2 MB.
    device.lost.then(() => this.release(), () => { /* never rejects */ });
  }

  /** Forget every cached module and pipeline (the device is gone). */
  private release(): void {
    this.modules.clear();
    this.sourceIds.clear();
    this.pipelines.clear();
    this.pending.clear();
  }

  /** How many pipelines have been built (for stats and cache tests). */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** An error the GPU compiler reported after a synchronous pipeline build, once. */
  takeError(): ShaderError | null {
    const err = this.deferredError;
    this.deferredError = null;
    return err;
  }

  /** The bindings of `entryPoint`: the kernel's own list, else the build's reflection; checked before any GPU call. */
  private bindingsFor(kernel: KernelSource, entryPoint: string): KernelBinding[] {
    const own = kernel.entryPoints;
    if (own !== undefined && (own === null || typeof own !== 'object' || Array.isArray(own))) {
      throw new ValueError(`compile: kernel.entryPoints of ${kernel.file} must be an object { entryPoint: bindings[] }, got ${describeValue(own)}`);
    }
    const layouts = own ?? builtLayoutsFor(kernel.source);
    if (!layouts) {
      throw new ValueError(`compile: ${kernel.file} was not reflected by the build, so kernel.entryPoints must list its bindings, ` +
        `e.g. { ${JSON.stringify(entryPoint)}: [{ name: 'data', binding: 0, kind: 'storage' }] }`);
    }
    if (!Object.hasOwn(layouts, entryPoint)) {
      throw new ShaderError(`${kernel.file}: no @compute entry point named "${entryPoint}"` +
        (Object.keys(layouts).length ? ` (it has ${Object.keys(layouts).join(', ')})` : ''));
    }
    return own ? checkBindings(kernel.file, entryPoint, own[entryPoint]) : layouts[entryPoint]!;
  }

  private moduleFor(kernel: KernelSource): ShaderModuleEntry {
    let entry = this.modules.get(kernel.source);
    if (entry) return entry;
    // The error scope keeps a bad shader's validation error from surfacing as an
    // anonymous uncaptured error; getCompilationInfo gives it a file and line.
    const { value: module, scope } = withErrorScope(this.device,
      () => this.device.createShaderModule({ code: kernel.source, label: kernel.file }));
    const compilation = Promise.all([module.getCompilationInfo(), scope]).then(([info, scopeError]) => {
      const notes = formatMessages(kernel, info, ['warning', 'info']);
      if (notes) this.onWarning(`WGSL compiler notes for ${notes}`);
      const text = formatMessages(kernel, info, ['error']);
      if (text) return new ShaderError(`WGSL compile error in ${text}`);
      return scopeError ? new ShaderError(`WGSL error in ${kernel.file}: ${scopeError.message}`) : null;
    }, (err: Error) => new ShaderError(`WGSL error in ${kernel.file}: ${err.message}`));
    entry = { module, compilation };
    this.modules.set(kernel.source, entry);
    return entry;
  }

  private remember(kernel: KernelSource, entryPoint: string, key: string, bindings: KernelBinding[],
    pipeline: GPUComputePipeline, layout: GPUBindGroupLayout): CompiledKernel {
    const compiled: CompiledKernel = { key, file: kernel.file, entryPoint, layout, bindings, pipeline };
    this.pipelines.set(key, compiled);
    return compiled;
  }

  private layoutFor(file: string, bindings: KernelBinding[]) {
    const { value, scope } = withErrorScope(this.device, () => {
      const layout = this.device.createBindGroupLayout({
        label: file,
        entries: bindings.map((b) => ({ binding: b.binding, visibility: COMPUTE, buffer: { type: b.kind } })),
      });
      const pipelineLayout = this.device.createPipelineLayout({ bindGroupLayouts: [layout] });
      return { layout, pipelineLayout };
    });
    scope.then((err) => {
      if (err && !this.deferredError) this.deferredError = new ShaderError(`${file}: bind group layout is invalid: ${err.message}`);
    }, () => { /* device lost: reported elsewhere */ });
    return value;
  }

  /** The cache key of a pipeline: which WGSL text, file, entry point and override constants. */
  private keyOf(kernel: KernelSource, entryPoint: string, constants: Record<string, number>): string {
    let id = this.sourceIds.get(kernel.source);
    if (id === undefined) this.sourceIds.set(kernel.source, (id = this.sourceIds.size));
    return `${id}|${kernel.file}|${entryPoint}|${constantsKey(constants)}`;
  }

  /** Synchronous: the cached pipeline, built now if needed. */
  pipeline(kernel: KernelSource, entryPoint: string, constants: Record<string, number> = {}): CompiledKernel {
    const key = this.keyOf(kernel, entryPoint, constants);
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    const bindings = this.bindingsFor(kernel, entryPoint);
    const { module, compilation } = this.moduleFor(kernel);
    compilation.then((err) => { if (err && !this.deferredError) this.deferredError = err; });
    const { layout, pipelineLayout } = this.layoutFor(kernel.file, bindings);
    const { value: pipeline, scope } = withErrorScope(this.device, () => this.device.createComputePipeline({
      layout: pipelineLayout, label: `${kernel.file}:${entryPoint}`,
      compute: { module, entryPoint, constants },
    }));
    scope.then((err) => {
      if (err && !this.deferredError) this.deferredError = new ShaderError(`${kernel.file}: pipeline "${entryPoint}" is invalid: ${err.message}`);
    }, () => { /* device lost: reported elsewhere */ });
    return this.remember(kernel, entryPoint, key, bindings, pipeline, layout);
  }

  /** Asynchronous: compile (once, however many callers) and throw WGSL errors with file and line. */
  compile(kernel: KernelSource, entryPoint: string, constants: Record<string, number> = {}): Promise<CompiledKernel> {
    const key = this.keyOf(kernel, entryPoint, constants);
    const cached = this.pipelines.get(key);
    if (cached) return Promise.resolve(cached);
    let promise = this.pending.get(key);
    if (promise) return promise;
    promise = (async () => {
      const bindings = this.bindingsFor(kernel, entryPoint);
      const { module, compilation } = this.moduleFor(kernel);
      const err = await compilation;
      if (err) throw err;
      const { layout, pipelineLayout } = this.layoutFor(kernel.file, bindings);
      let pipeline: GPUComputePipeline;
      try {
        pipeline = await this.device.createComputePipelineAsync({
          layout: pipelineLayout, label: `${kernel.file}:${entryPoint}`,
          compute: { module, entryPoint, constants },
        });
      } catch (e) {
        throw new ShaderError(`${kernel.file}: pipeline for "${entryPoint}" failed: ${(e as Error).message}`);
      }
      return this.pipelines.get(key) ?? this.remember(kernel, entryPoint, key, bindings, pipeline, layout);
    })();
    this.pending.set(key, promise);
    promise.then(() => this.pending.delete(key), () => this.pending.delete(key));
    return promise;
  }
}
