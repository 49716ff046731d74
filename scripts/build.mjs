// `npm run build`: the library as one ESM bundle (dist/index.js) that a web app
// imports, plus type declarations (dist/index.d.ts -> dist/types/).
// WGSL is inlined as text; Dawn's `webgpu` package stays an optional runtime
// import that only Node reaches.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { common } from './esbuild-options.mjs';

fs.rmSync('dist', { recursive: true, force: true });
await esbuild.build({
  ...common,
  entryPoints: ['src/index.ts'],
  platform: 'neutral',
  sourcemap: true,
  outfile: 'dist/index.js',
});
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
fs.writeFileSync('dist/index.d.ts', "export * from './types/index.js';\n");
const kb = (fs.statSync('dist/index.js').size / 1024).toFixed(0);
console.log(`built dist/index.js (${kb} KiB) and dist/index.d.ts`);
