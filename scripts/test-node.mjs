// Runs the bundled specs in Node on Dawn. Prints "node: N passed, N failed".
import Mocha from 'mocha';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const grep = process.env.TEST_GREP;
const bundle = `${process.env.TEST_BUILD_DIR ?? 'build/test'}/node.mjs`;
const mocha = new Mocha({ ui: 'bdd', timeout: 300_000, reporter: 'spec', ...(grep ? { grep } : {}) });
mocha.suite.emit('pre-require', globalThis, bundle, mocha);
await import(pathToFileURL(path.resolve(bundle)).href);

let passed = 0;
let failed = 0;
let skipped = 0;
const runner = mocha.run();
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
runner.on('pending', () => skipped++);
runner.on('end', () => {
  const adapter = globalThis.__wgslTensorAdapter ?? 'no engine was created';
  console.log(`node: adapter ${adapter}`);
  console.log(`node: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  // Dawn keeps handles open; exit explicitly once mocha is done.
  process.exit(failed > 0 ? 1 : 0);
});
