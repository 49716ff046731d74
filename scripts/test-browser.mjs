// Runs the bundled specs in headless Chromium (WebGPU on SwiftShader) through
// puppeteer. Test output is relayed from the page's console.
// Prints "browser: N passed, N failed".
import fs from 'node:fs';
import { startStaticServer } from './static-server.mjs';
import { launchChromium } from './chromium.mjs';

const dir = process.env.TEST_BUILD_DIR ?? 'build/test';

const page = `<!doctype html><meta charset="utf-8"><title>wgsl-tensor tests</title><link rel="icon" href="data:,">
<script src="/node_modules/mocha/mocha.js"></script>
<script type="module">
  const grep = new URLSearchParams(location.search).get('grep');
  mocha.setup({ ui: 'bdd', timeout: 300000, ...(grep ? { grep } : {}) });
  mocha.reporter(function SilentReporter() {});
  const result = { passed: 0, failed: 0, skipped: 0, done: false };
  window.__result = result;
  try {
    await import('/${dir}/browser.js');
  } catch (err) {
    console.log('LOAD ERROR ' + (err && err.stack || err));
    result.failed = 1; result.done = true;
    throw err;
  }
  const runner = mocha.run();
  const indent = (t) => '  '.repeat(Math.max(0, t.titlePath().length - 1));
  runner.on('suite', (s) => { if (s.title) console.log(indent(s) + s.title); });
  runner.on('pass', (t) => { result.passed++; console.log(indent(t) + '  ✓ ' + t.title + ' (' + t.duration + 'ms)'); });
  runner.on('pending', (t) => { result.skipped++; console.log(indent(t) + '  - ' + t.title); });
  runner.on('fail', (t, err) => { result.failed++; console.log(indent(t) + '  ✗ ' + t.fullTitle() + '\\n' + (err && (err.stack || err.message) || err)); });
  runner.on('end', () => { result.adapter = globalThis.__wgslTensorAdapter; result.done = true; });
</script>`;

fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(`${dir}/index.html`, page);
const server = await startStaticServer({ '/': '.' });
const { browser, cleanup } = await launchChromium();
let result = { passed: 0, failed: 1, skipped: 0 };
try {
  const tab = await browser.newPage();
  tab.on('console', (msg) => console.log(msg.text()));
  tab.on('pageerror', (err) => console.log(`page error: ${err.message}`));
  const grep = process.env.TEST_GREP ? `?grep=${encodeURIComponent(process.env.TEST_GREP)}` : '';
  await tab.goto(`${server.url}${dir}/index.html${grep}`);
  await tab.waitForFunction('window.__result && window.__result.done', { timeout: 0, polling: 500 });
  result = await tab.evaluate('window.__result');
  console.log(`browser: adapter ${result.adapter ?? 'no engine was created'}`);
} catch (err) {
  console.log(`browser run failed: ${err.stack ?? err}`);
} finally {
  await cleanup();
  await server.close();
}
console.log(`browser: ${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''}`);
process.exit(result.failed > 0 ? 1 : 0);
