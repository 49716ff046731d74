/**
 * Kernel registry: WGSL source -> shader module -> bind group layout -> pipeline.
 *
 * - The bind group layout is read from the shader itself with `wgsl_reflect`
 *   (which buffers, at which binding, read-only or read-write, uniform or
 *   storage), so no kernel carries a hand-written layout that could drift from
 *   its WGSL.
 * - Pipelines are cached by (file, entry point, override constants). `compile()`
 *   is the async path: concurrent requests for the same pipeline share one
 *   promise, so it compiles once, and WGSL errors are thrown as ShaderError
 *   naming `file:line:column`. `pipeline()` is the synchronous path used while
 *   recording: it throws at once on syntax errors `wgsl_reflect` finds, and
 *   reports errors only Dawn/the browser finds (types, validation) through
 *   `takeError()`, which the scheduler checks at every submit and read.
 */
import { WgslReflect, ResourceType } from 'wgsl_reflect';
import { ShaderError } from '../errors.js';

/** A WGSL file: its path (for error messages) and its text. */
export interface KernelSource {
  file: string;
  source: string;
}

/** One buffer binding of a kernel, as reflected from the WGSL. */
export interface KernelBinding {
  name: string;
  binding: number;
  kind: 'uniform' | 'read-only-storage' | 'storage';
}

export interface CompiledKernel {
  key: string;
  file: string;
  entryPoint: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  bindings: KernelBinding[];
}

interface ReflectedModule {
  module: GPUShaderModule;
  reflect: WgslReflect;
  /** Resolves to a ShaderError if the WGSL has errors only the GPU compiler saw. */
  compilation: Promise<ShaderError | null>;
}

const COMPUTE = 0x4; // GPUShaderStage.COMPUTE, as a number so this file loads before Dawn's globals

function constantsKey(constants: Record<string, number>): string {
  return Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join(',');
}

/** `file:line:col: message` for each error in a compilation info. */
function formatCompilationErrors(file: string, info: GPUCompilationInfo): string | null {
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length === 0) return null;
  return errors.map((m) => `${file}:${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
}

export class KernelRegistry {
  private readonly modules = new Map<string, ReflectedModule>();
  private readonly pipelines = new Map<string, CompiledKernel>();
  private readonly pending = new Map<string, Promise<CompiledKernel>>();
  private deferredError: ShaderError | null = null;

  constructor(private readonly device: GPUDevice) {}

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

  private moduleFor(kernel: KernelSource): ReflectedModule {
    let entry = this.modules.get(kernel.file);
    if (entry) return entry;
    let reflect: WgslReflect;
    try {
      reflect = new WgslReflect(kernel.source);
    } catch (err) {
      throw new ShaderError(`${kernel.file}: WGSL syntax error: ${(err as Error).message}`);
    }
    // The error scope keeps a bad shader's validation error from surfacing as an
    // anonymous uncaptured error; getCompilationInfo gives it a file and line.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: kernel.source, label: kernel.file });
    const scope = this.device.popErrorScope();
    const compilation = Promise.all([module.getCompilationInfo(), scope]).then(([info, scopeError]) => {
      const text = formatCompilationErrors(kernel.file, info);
      if (text) return new ShaderError(`WGSL compile error in ${text}`);
      return scopeError ? new ShaderError(`WGSL error in ${kernel.file}: ${scopeError.message}`) : null;
    });
    entry = { module, reflect, compilation };
    this.modules.set(kernel.file, entry);
    return entry;
  }

  private reflectBindings(file: string, reflect: WgslReflect, entryPoint: string): KernelBinding[] {
    const entry = reflect.entry.compute.find((e) => e.name === entryPoint);
    if (!entry) throw new ShaderError(`${file}: no @compute entry point named "${entryPoint}"`);
    const bindings: KernelBinding[] = [];
    for (const r of entry.resources) {
      if (r.group !== 0) throw new ShaderError(`${file}: ${r.name} uses @group(${r.group}); kernels use group 0 only`);
      let kind: KernelBinding['kind'];
      if (r.resourceType === ResourceType.Uniform) kind = 'uniform';
      else if (r.resourceType === ResourceType.Storage) kind = r.access === 'read' ? 'read-only-storage' : 'storage';
      else throw new ShaderError(`${file}: ${r.name} is not a buffer; kernels bind buffers only`);
      bindings.push({ name: r.name, binding: r.binding, kind });
    }
    return bindings.sort((a, b) => a.binding - b.binding);
  }

  private build(kernel: KernelSource, entryPoint: string, constants: Record<string, number>, key: string,
    module: GPUShaderModule, bindings: KernelBinding[], pipeline: GPUComputePipeline | null,
    layout: GPUBindGroupLayout, pipelineLayout: GPUPipelineLayout): CompiledKernel {
    if (!pipeline) {
      this.device.pushErrorScope('validation');
      pipeline = this.device.createComputePipeline({
        layout: pipelineLayout, label: `${kernel.file}:${entryPoint}`,
        compute: { module, entryPoint, constants },
      });
      this.device.popErrorScope().then((err) => {
        if (err && !this.deferredError) this.deferredError = new ShaderError(`${kernel.file}: pipeline "${entryPoint}" is invalid: ${err.message}`);
      }, () => { /* device lost: reported elsewhere */ });
    }
    const compiled: CompiledKernel = { key, file: kernel.file, entryPoint, layout, bindings, pipeline };
    this.pipelines.set(key, compiled);
    return compiled;
  }

  private layoutFor(file: string, bindings: KernelBinding[]) {
    const layout = this.device.createBindGroupLayout({
      label: file,
      entries: bindings.map((b) => ({ binding: b.binding, visibility: COMPUTE, buffer: { type: b.kind } })),
    });
    const pipelineLayout = this.device.createPipelineLayout({ bindGroupLayouts: [layout] });
    return { layout, pipelineLayout };
  }

  /** Synchronous: the cached pipeline, built now if needed. */
  pipeline(kernel: KernelSource, entryPoint: string, constants: Record<string, number> = {}): CompiledKernel {
    const key = `${kernel.file}|${entryPoint}|${constantsKey(constants)}`;
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    const { module, reflect, compilation } = this.moduleFor(kernel);
    const bindings = this.reflectBindings(kernel.file, reflect, entryPoint);
    const { layout, pipelineLayout } = this.layoutFor(kernel.file, bindings);
    compilation.then((err) => { if (err && !this.deferredError) this.deferredError = err; });
    return this.build(kernel, entryPoint, constants, key, module, bindings, null, layout, pipelineLayout);
  }

  /** Asynchronous: compile (once, however many callers) and throw WGSL errors with file and line. */
  compile(kernel: KernelSource, entryPoint: string, constants: Record<string, number> = {}): Promise<CompiledKernel> {
    const key = `${kernel.file}|${entryPoint}|${constantsKey(constants)}`;
    const cached = this.pipelines.get(key);
    if (cached) return Promise.resolve(cached);
    let promise = this.pending.get(key);
    if (promise) return promise;
    promise = (async () => {
      const { module, reflect, compilation } = this.moduleFor(kernel);
      const err = await compilation;
      if (err) throw err;
      const bindings = this.reflectBindings(kernel.file, reflect, entryPoint);
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
      return this.pipelines.get(key) ?? this.build(kernel, entryPoint, constants, key, module, bindings, pipeline, layout, pipelineLayout);
    })();
    this.pending.set(key, promise);
    promise.then(() => this.pending.delete(key), () => this.pending.delete(key));
    return promise;
  }
}
