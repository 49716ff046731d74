// The Node benchmark on a machine with no npm and no node_modules (a GPU
// server): runs the bundles that scripts/pack-device-bench.mjs put in
// build/devbench/, with Dawn's `webgpu` package copied beside them.
//
//   build/devbench/node scripts/device-bench-run.mjs [suite ...] [--quick|--tiny] [--adapter gpu] [--out FILE]
//
// Same suites, JSON report and markdown table as `npm run bench -- --node`
// (default adapter here: gpu). See bench/DEVICE.md for the whole procedure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineEnvironment } from './bench-environment.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundles = path.resolve(here, '../build/devbench');
const args = process.argv.slice(2);
const valueOf = (flag) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const adapter = valueOf('--adapter') ?? 'gpu';
const outFile = valueOf('--out') ?? path.join(bundles, 'report-device.json');
const flagValues = new Set([valueOf('--adapter'), valueOf('--out')].filter(Boolean));
const suites = args.filter((a) => !a.startsWith('--') && !flagValues.has(a));
const mode = args.includes('--tiny') ? 'tiny' : args.includes('--quick') ? 'quick' : 'full';

const { runBenchmarks } = await import(pathToFileURL(path.join(bundles, 'node.mjs')).href);
const { renderMarkdown } = await import(pathToFileURL(path.join(bundles, 'report.mjs')).href);
const report = await runBenchmarks({ mode, suites, adapter });
report.environment = {
  ...report.environment,
  ...machineEnvironment({
    runtime: 'node', command: `node scripts/device-bench-run.mjs ${args.join(' ')}`.trim(),
    peerNote: 'Node run on the device machine (the TF.js peer runs in the browser page only)',
  }),
};
fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
const markdown = renderMarkdown(report);
fs.writeFileSync(outFile.replace(/\.json$/, '') + '.md', markdown + '\n');
console.log(`\nJSON report: ${outFile}\n`);
console.log(markdown);
process.exit(0);
