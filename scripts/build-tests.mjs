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

/** TEST_BUILD_DIR lets parallel runs keep apart; TEST_FILES (comma-separated substrings) picks spec files. */
export const testBuildDir = process.env.TEST_BUILD_DIR ?? 'build/test';

export async function buildTests() {
  const filter = (process.env.TEST_FILES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const files = listTests('test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
  const entry = files.map((f) => `import './${f.split(path.sep).join('/')}';`).join('\n');
  fs.mkdirSync(testBuildDir, { recursive: true });
  const stdin = { contents: entry, resolveDir: process.cwd(), sourcefile: 'test-entry.ts', loader: 'ts' };
  await Promise.all([
    esbuild.build({ ...common, stdin, platform: 'node', outfile: `${testBuildDir}/node.mjs` }),
    esbuild.build({ ...common, stdin, platform: 'browser', outfile: `${testBuildDir}/browser.js` }),
  ]);
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await buildTests();
  console.log(`bundled ${files.length} spec files into ${testBuildDir}/`);
}
