// `npm run bench -- [suite ...] [--quick] [--node] [--adapter NAME] [--json FILE]`
// Bundles bench/main.ts with esbuild and runs the suites (default: matmul)
// in headless Chromium (WebGPU on SwiftShader), or in Node on Dawn with --node
// (lavapipe by default; --adapter swiftshader|lavapipe|gpu picks another).
// Prints one line per case and, with --json, writes the results to a file.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { common } from './esbuild-options.mjs';
import { startStaticServer } from './static-server.mjs';
import { launchChromium } from './chromium.mjs';

const args = process.argv.slice(2);
const valueOf = (flag) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const adapter = valueOf('--adapter');
const jsonFile = valueOf('--json');
const flagValues = new Set([adapter, jsonFile].filter(Boolean));
const suites = args.filter((a) => !a.startsWith('--') && !flagValues.has(a));
const options = { suites: suites.length ? suites : ['matmul'], quick: args.includes('--quick'), ...(adapter ? { adapter } : {}) };
const inNode = args.includes('--node');
const dir = process.env.BENCH_BUILD_DIR ?? 'build/bench';

fs.mkdirSync(dir, { recursive: true });
await esbuild.build({
  ...common, entryPoints: ['bench/main.ts'],
  platform: inNode ? 'node' : 'browser', outfile: `${dir}/${inNode ? 'node.mjs' : 'browser.js'}`,
});

let report;
if (inNode) {
  const { runBenchmarks } = await import(pathToFileURL(path.resolve(`${dir}/node.mjs`)).href);
  report = await runBenchmarks(options);
} else {
  if (adapter) console.log('note: --adapter applies to --node only; Chromium always uses SwiftShader here');
  fs.writeFileSync(`${dir}/index.html`, '<!doctype html><meta charset="utf-8"><title>wgsl-tensor bench</title><link rel="icon" href="data:,">');
  const server = await startStaticServer({ '/': '.' });
  const { browser, cleanup } = await launchChromium();
  try {
    const tab = await browser.newPage();
    tab.on('console', (msg) => console.log(msg.text()));
    tab.on('pageerror', (err) => console.log(`page error: ${err.message}`));
    await tab.goto(`${server.url}${dir}/index.html`);
    report = await tab.evaluate(async (url, opts) => {
      const { runBenchmarks } = await import(url);
      return runBenchmarks(opts);
    }, `/${dir}/browser.js`, { suites: options.suites, quick: options.quick });
  } finally {
    await cleanup();
    await server.close();
  }
}
report.runtime = inNode ? 'node' : 'chromium';
report.command = `npm run bench -- ${args.join(' ')}`.trim();
if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(report, null, 2) + '\n');
console.log(`\n${report.command}: ${report.runtime}, ${report.adapter}`);
process.exit(0);
