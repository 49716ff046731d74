// `npm run build`: the library as a user installs it.
//   dist/index.js   the browser-safe entry (no `node:` import, no computed import())
//   dist/node.js    the Node entry: the same API plus Dawn and MNIST from files
//   dist/chunks/    the code both entries share (one copy, so one set of classes)
//   dist/*.d.ts     declarations for TypeScript 7 (whose DOM lib has WebGPU)
//   dist/ts5/*.d.ts the same plus a reference to @webgpu/types, for TypeScript
//                   before 6 (package.json's `types@<6` export condition)
// WGSL is inlined, with its layouts reflected at build time (esbuild-options.mjs),
// so wgsl_reflect is not in the bundle. No source maps: they would point at
// sources the package does not ship.
// It ends by printing the minified and gzipped size of a browser app's bundle
// of the library (the README quotes it).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { common } from './esbuild-options.mjs';

fs.rmSync('dist', { recursive: true, force: true });
await esbuild.build({
  ...common,
  entryPoints: ['src/index.ts', 'src/node.ts'],
  platform: 'neutral',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  outdir: 'dist',
});

// TypeScript 7 by its path: the `typescript5` dev dependency (for the consumer
// test) also has a `tsc` bin, and `npx tsc` could find that one.
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
fs.mkdirSync('dist/ts5');
for (const entry of ['index', 'node']) {
  fs.writeFileSync(`dist/${entry}.d.ts`, `export * from './types/${entry}.js';\n`);
  fs.writeFileSync(`dist/ts5/${entry}.d.ts`,
    '// TypeScript < 6: its DOM lib has no WebGPU types, so bring them (TypeScript 7 would see them twice).\n' +
    `/// <reference types="@webgpu/types" />\nexport * from '../types/${entry}.js';\n`);
}

// What a web app pays: the browser entry bundled and minified on its own.
const app = await esbuild.build({
  entryPoints: ['dist/index.js'], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'warning',
});
const bytes = app.outputFiles[0].contents;
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log(`built dist/index.js (browser) and dist/node.js (Node), with declarations for TypeScript 5 and 7`);
console.log(`browser bundle: ${kB(bytes.length)} minified, ${kB(zlib.gzipSync(bytes, { level: 9 }).length)} gzipped`);
