// `npm run bench -- [suite ...] [--quick | --tiny] [--node [--adapter NAME]] [--out FILE] [--no-peer]`
//
// Bundles the harness (bench/main.ts) with esbuild and runs the suites —
// matmul, step, kernels, epoch, memory, in that order unless named — either
// in headless Chromium (the default: WebGPU on SwiftShader, with TensorFlow.js
// 4.22's WebGPU and WASM backends in the same page as the peer), or in Node
// on Dawn with --node (no peer there: TF.js runs in the browser page only).
//   --quick       a subset, about 2 minutes on a 2-core machine
//   --tiny        the smallest case of each suite (CI: scripts/test-bench.mjs)
//   --adapter X   Node only: gpu | lavapipe | swiftshader | a name substring
//   --out FILE    write the JSON report there (--json FILE is an alias);
//                 default: $BENCH_BUILD_DIR/report-<runtime>-<mode>.json
//   --no-peer     browser only: skip TF.js (quicker iterations on our side)
// Ends by printing the markdown table. BENCH_BUILD_DIR (default build/bench)
// keeps parallel runs' bundles apart; BENCH_WASM_THREADS=N asks TF.js WASM for
// N threads (default: one per core).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { common } from './esbuild-options.mjs';
import { startStaticServer } from './static-server.mjs';
import { launchChromium } from './chromium.mjs';
import { mnistDir } from './demo.mjs';
import { machineEnvironment } from './bench-environment.mjs';

const args = process.argv.slice(2);
const valueOf = (...flags) => {
  for (const flag of flags) {
    const i = args.indexOf(flag);
    if (i >= 0) {
      if (!args[i + 1] || args[i + 1].startsWith('--')) throw new Error(`${flag} needs a value`);
      return args[i + 1];
    }
  }
  return undefined;
};
const adapter = valueOf('--adapter');
const outFile = valueOf('--out', '--json');
const KNOWN_FLAGS = new Set(['--node', '--quick', '--tiny', '--no-peer', '--adapter', '--out', '--json']);
for (const a of args) if (a.startsWith('--') && !KNOWN_FLAGS.has(a)) throw new Error(`unknown flag ${a} (known: ${[...KNOWN_FLAGS].join(' ')})`);
const flagValues = new Set([adapter, outFile].filter(Boolean));
const suites = args.filter((a) => !a.startsWith('--') && !flagValues.has(a));
const mode = args.includes('--tiny') ? 'tiny' : args.includes('--quick') ? 'quick' : 'full';
const inNode = args.includes('--node');
const withPeer = !inNode && !args.includes('--no-peer');
const runtime = inNode ? 'node' : 'chromium';
const dir = process.env.BENCH_BUILD_DIR ?? 'build/bench';
const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;

// ---- bundles: the harness for the chosen runtime, the peer (browser only), the report renderer
fs.mkdirSync(dir, { recursive: true });
const builds = [
  esbuild.build({ ...common, entryPoints: ['bench/main.ts'], platform: inNode ? 'node' : 'browser', outfile: `${dir}/${inNode ? 'node.mjs' : 'browser.js'}` }),
  esbuild.build({ ...common, entryPoints: ['bench/report.ts'], platform: 'node', outfile: `${dir}/report.mjs` }),
];
if (withPeer) {
  // TF.js packages map their Node-only files away through the "browser" field.
  builds.push(esbuild.build({ ...common, entryPoints: ['bench/peer-tfjs.ts'], platform: 'browser',
    mainFields: ['browser', 'module', 'main'], sourcemap: false, outfile: `${dir}/peer-tfjs.js` }));
}
await Promise.all(builds);
const { renderMarkdown } = await import(pathToFileURL(path.resolve(`${dir}/report.mjs`)).href);

let report;
let browserVersion = null;
if (inNode) {
  const { runBenchmarks } = await import(pathToFileURL(path.resolve(`${dir}/node.mjs`)).href);
  report = await runBenchmarks({ mode, suites, ...(adapter ? { adapter } : {}) });
} else {
  if (adapter) console.log('note: --adapter applies to --node only; Chromium picks its own adapter (SwiftShader here)');
  fs.writeFileSync(`${dir}/index.html`, '<!doctype html><meta charset="utf-8"><title>wgsl-tensor bench</title><link rel="icon" href="data:,">');
  const require = createRequire(import.meta.url);
  const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
  // The page, MNIST at /data/ (as the demo serves it), TF.js's .wasm files at /tfjs-wasm/.
  const server = await startStaticServer({ '/': dir, '/data/': mnistDir(), '/tfjs-wasm/': wasmDist });
  const { browser, cleanup } = await launchChromium();
  try {
    browserVersion = await browser.version();
    const tab = await browser.newPage();
    tab.on('console', (msg) => console.log(msg.text()));
    tab.on('pageerror', (err) => console.log(`page error: ${err.message}`));
    await tab.goto(`${server.url}index.html`);
    report = await tab.evaluate(async (opts, withPeer) => {
      const { runBenchmarks } = await import('/browser.js');
      let peers = [];
      if (withPeer) {
        const { createTfjsPeers } = await import('/peer-tfjs.js');
        peers = await createTfjsPeers({ wasmPath: '/tfjs-wasm/', ...(opts.wasmThreads ? { threads: opts.wasmThreads } : {}) });
      }
      return runBenchmarks(opts, peers);
    }, { mode, suites, mnistUrl: '/data/', ...(process.env.BENCH_WASM_THREADS ? { wasmThreads: Number(process.env.BENCH_WASM_THREADS) } : {}) }, withPeer);
  } finally {
    await cleanup();
    await server.close();
  }
}

report.environment = {
  ...report.environment,
  ...machineEnvironment({
    runtime, command, browser: browserVersion,
    peerNote: withPeer ? undefined : inNode ? 'Node run (the TF.js peer runs in the browser page only)' : '--no-peer',
  }),
};
const file = outFile ?? `${dir}/report-${runtime}-${mode}.json`;
fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
console.log(`\nJSON report: ${file}\n`);
console.log(renderMarkdown(report));
process.exit(0);
