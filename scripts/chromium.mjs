// Launching headless Chromium with WebGPU on SwiftShader (no GPU needed).
// Flags from shared/TOOLCHAIN.md: WebGPU needs --enable-unsafe-webgpu on Linux,
// Vulkan through SwiftShader, and the background-networking flags keep
// Chromium from flooding a closed network.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, process.env.PUPPETEER_EXECUTABLE_PATH,
    '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => p && fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
  return found;
}

export function chromiumArgs({ webgpu = true, gpu = false } = {}) {
  const args = [
    '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-default-apps', '--disable-extensions', '--mute-audio',
    '--enable-webgpu-developer-features', // unrounded timestamp-query values for benchmarks
  ];
  if (webgpu) {
    args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--disable-vulkan-surface');
    if (!gpu) args.push('--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader');
  } else {
    args.push('--disable-webgpu', '--disable-features=WebGPUService,Vulkan');
  }
  return args;
}

/** Launch Chromium through puppeteer; returns { browser, cleanup }. */
export async function launchChromium(options = {}) {
  const { default: puppeteer } = await import('puppeteer');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgsl-tensor-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...chromiumArgs(options)], // puppeteer mutates the array: hand it a copy
    userDataDir,
    protocolTimeout: 30 * 60 * 1000,
  });
  const cleanup = async () => {
    await browser.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { browser, cleanup };
}
