/**
 * Getting a WebGPU adapter in Node, through Dawn's own bindings (npm `webgpu`).
 *
 * Dawn talks to Vulkan, so which adapters exist depends on the Vulkan drivers
 * (ICDs) the loader can see. We make the loader see every installed driver plus
 * Chromium's SwiftShader, then pick in this order unless told otherwise:
 *   1. a real GPU (anything that is not a CPU rasterizer),
 *   2. Mesa lavapipe ("llvmpipe"): 4–10x faster than SwiftShader on matmul,
 *   3. SwiftShader.
 * `WGSL_TENSOR_ADAPTER=gpu|lavapipe|swiftshader|<name substring>` forces one.
 */
import { isCpuAdapter } from './tuning.js';

export interface NodeAdapter {
  /** The `GPU` object: Dawn lives as long as this is referenced, so keep it. */
  gpu: GPU;
  adapter: GPUAdapter;
}

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

async function listVulkanDrivers(): Promise<string[]> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const found: string[] = [];
  for (const dir of ICD_DIRS) {
    let names: string[] = [];
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const name of names.sort()) if (name.endsWith('.json')) found.push(path.join(dir, name));
  }
  for (const icd of SWIFTSHADER_ICDS) if (fs.existsSync(icd)) found.push(icd);
  return found;
}

export async function requestNodeAdapter(choice: string | undefined): Promise<NodeAdapter> {
  // The environment must be set before Dawn first enumerates Vulkan drivers.
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const drivers = await listVulkanDrivers();
    if (drivers.length > 0) process.env.VK_ICD_FILENAMES = drivers.join(':');
  }
  // Dawn prints a warning when XDG_RUNTIME_DIR is unusable; point it at a private dir.
  if (!process.env.XDG_RUNTIME_DIR) {
    const fs = await import('node:fs');
    const dir = `/tmp/wgsl-tensor-runtime-${process.getuid?.() ?? 0}`;
    try { fs.mkdirSync(dir, { mode: 0o700, recursive: true }); process.env.XDG_RUNTIME_DIR = dir; } catch { /* harmless */ }
  }
  // A variable, not a literal, so that browser bundlers do not try to resolve it.
  const moduleName = 'webgpu';
  let dawn: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    dawn = await import(/* @vite-ignore */ moduleName);
  } catch (err) {
    throw new Error(`wgsl-tensor: no WebGPU in this runtime. In Node, install Dawn's bindings (npm install webgpu) ` +
      `and a Vulkan loader (apt-get install libvulkan1); cause: ${(err as Error).message}`);
  }
  Object.assign(globalThis, dawn.globals);

  const tryAdapter = async (flags: string[]): Promise<NodeAdapter | null> => {
    try {
      // Unquantized timestamps: engine.profile() times single kernels of a few microseconds.
      const gpu = dawn.create([...flags, 'disable-dawn-features=timestamp_quantization']);
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      return adapter ? { gpu, adapter } : null;
    } catch {
      return null; // Dawn throws when no adapter has that name
    }
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
    throw new Error(`wgsl-tensor: no WebGPU adapter found in Node` + (wanted ? ` matching "${wanted}"` : '') +
      `. Vulkan drivers seen: ${process.env.VK_ICD_FILENAMES ?? '(loader default)'}. ` +
      `Install lavapipe (mesa-vulkan-drivers from bookworm-backports) or chromium (for SwiftShader).`);
  }
  return result;
}
