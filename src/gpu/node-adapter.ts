/**
 * Getting a WebGPU adapter in Node, through Dawn's own bindings (npm `webgpu`,
 * an optional peer dependency). Only the Node entry (src/node.ts) imports this
 * file: it is the one place in the library that touches `node:` modules.
 *
 * Dawn talks to Vulkan, so which adapters exist depends on the Vulkan drivers
 * (ICDs) the loader can see. We make the loader see every installed driver plus
 * Chromium's SwiftShader, then pick in this order unless told otherwise:
 *   1. a real GPU (anything that is not a CPU rasterizer),
 *   2. Mesa lavapipe ("llvmpipe"): 4–10x faster than SwiftShader on matmul,
 *   3. SwiftShader.
 * `WGSL_TENSOR_ADAPTER=gpu|lavapipe|swiftshader|<name substring>` forces one.
 *
 * Dawn instances are shared. Each `create()` starts a Dawn instance with its
 * own worker threads and driver state, and nothing frees them until the
 * process ends; creating one per engine (or per probe) leaked about five
 * threads, a file descriptor and 3 MB per createEngine()/destroy(). So there
 * is one instance per set of flags for the whole process, and every engine
 * asks it for an adapter and a device of its own (the device is what
 * engine.destroy() frees).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MissingDependencyError, WgslTensorError } from '../errors.js';
import { isCpuAdapter } from './tuning.js';

/** The part of Dawn's `webgpu` module we use. */
interface Dawn {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

export interface NodeAdapter {
  adapter: GPUAdapter;
  /** The `GPU` object: Dawn lives as long as this is referenced, so the engine keeps it. */
  keepAlive: GPU;
}

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];
/** Unquantized timestamps: engine.profile() times single kernels of a few microseconds. */
const COMMON_FLAGS = ['disable-dawn-features=timestamp_quantization'];

function listVulkanDrivers(): string[] {
  const found: string[] = [];
  for (const dir of ICD_DIRS) {
    let names: string[] = [];
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const name of names.sort()) if (name.endsWith('.json')) found.push(path.join(dir, name));
  }
  for (const icd of SWIFTSHADER_ICDS) if (fs.existsSync(icd)) found.push(icd);
  return found;
}

/** Environment Dawn reads when it first enumerates Vulkan drivers: set once, before the first instance. */
function prepareEnvironment(): void {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const drivers = listVulkanDrivers();
    if (drivers.length > 0) process.env.VK_ICD_FILENAMES = drivers.join(':');
  }
  // Dawn prints a warning when XDG_RUNTIME_DIR is unusable; point it at a private dir.
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = `/tmp/wgsl-tensor-runtime-${process.getuid?.() ?? 0}`;
    try { fs.mkdirSync(dir, { mode: 0o700, recursive: true }); process.env.XDG_RUNTIME_DIR = dir; } catch { /* harmless */ }
  }
}

let dawnModule: Promise<Dawn> | null = null;

/** Dawn's module, loaded once; a typed error naming the install command when it is missing. */
function loadDawn(): Promise<Dawn> {
  dawnModule ??= (async () => {
    prepareEnvironment();
    let dawn: Dawn;
    try {
      dawn = await import('webgpu') as unknown as Dawn;
    } catch (err) {
      dawnModule = null; // let a later call retry after `npm install webgpu`
      throw new MissingDependencyError('createEngine: WebGPU in Node comes from Dawn\'s bindings, which are not installed: ' +
        'run `npm install webgpu` (and have a Vulkan loader, e.g. `apt-get install libvulkan1`). ' +
        `Cause: ${(err as Error).message}`);
    }
    Object.assign(globalThis, dawn.globals);
    return dawn;
  })();
  return dawnModule;
}

/** One Dawn instance per flag set, for the life of the process. */
const instances = new Map<string, GPU>();

function instanceFor(dawn: Dawn, flags: readonly string[]): GPU {
  const key = flags.join(' ');
  let gpu = instances.get(key);
  if (!gpu) {
    gpu = dawn.create([...flags, ...COMMON_FLAGS]);
    instances.set(key, gpu);
  }
  return gpu;
}

export async function requestNodeAdapter(choice: string | undefined): Promise<NodeAdapter> {
  const dawn = await loadDawn();
  const tryAdapter = async (flags: string[]): Promise<NodeAdapter | null> => {
    let gpu: GPU;
    try {
      gpu = instanceFor(dawn, flags);
    } catch {
      return null; // Dawn throws when no adapter has that name
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    return adapter ? { adapter, keepAlive: gpu } : null;
  };
  const byName = (name: string) => tryAdapter(['backend=vulkan', `adapter=${name}`]);
  const realGpu = async () => {
    const any = await tryAdapter([]);
    return any && !isCpuAdapter(any.adapter.info) ? any : null;
  };

  const wanted = (choice ?? process.env.WGSL_TENSOR_ADAPTER ?? '').trim();
  const lower = wanted.toLowerCase();
  let result: NodeAdapter | null;
  if (lower === '' || lower === 'auto') {
    result = (await realGpu()) ?? (await byName('llvmpipe')) ?? (await byName('SwiftShader')) ?? (await tryAdapter([]));
  } else if (lower === 'gpu') {
    result = await realGpu();
  } else if (lower === 'lavapipe' || lower === 'llvmpipe') {
    result = await byName('llvmpipe');
  } else if (lower === 'swiftshader') {
    result = await byName('SwiftShader');
  } else {
    result = await byName(wanted);
  }
  if (!result) {
    throw new WgslTensorError(`createEngine: no WebGPU adapter found in Node` + (wanted ? ` matching "${wanted}"` : '') +
      `. Vulkan drivers seen: ${process.env.VK_ICD_FILENAMES ?? '(loader default)'}. ` +
      `Install lavapipe (mesa-vulkan-drivers from bookworm-backports) or chromium (for SwiftShader).`);
  }
  return result;
}
