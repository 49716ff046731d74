// Bundles every test/**/*.test.ts into one file per runtime, so the SAME specs
// run in Node (Dawn) and in headless Chromium. Output: build/test/.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { common } from './esbuild-options.mjs';

function listTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTests(full));
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

export async function buildTests() {
  const files = listTests('test');
  const entry = files.map((f) => `import './${f.split(path.sep).join('/')}';`).join('\n');
  fs.mkdirSync('build/test', { recursive: true });
  const stdin = { contents: entry, resolveDir: process.cwd(), sourcefile: 'test-entry.ts', loader: 'ts' };
  await Promise.all([
    esbuild.build({ ...common, stdin, platform: 'node', outfile: 'build/test/node.mjs' }),
    esbuild.build({ ...common, stdin, platform: 'browser', outfile: 'build/test/browser.js' }),
  ]);
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await buildTests();
  console.log(`bundled ${files.length} spec files into build/test/`);
}
