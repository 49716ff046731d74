// End-to-end test of the demo page in headless Chromium (puppeteer):
//  - the page loads with no console errors and names the adapter,
//  - a lesson preset trains >= 2 epochs on a small subset and its charts gain points,
//  - the drawing pad returns class probabilities that sum to 1,
//  - a screenshot is saved to test-output/demo.png,
//  - with WebGPU unavailable the page shows a clear message.
// Prints "demo: N passed, N failed".
import fs from 'node:fs';
import { serveDemo } from './demo.mjs';
import { launchChromium } from './chromium.mjs';

const results = [];
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(true);
    console.log(`  ✓ ${name} (${Date.now() - t0}ms)`);
  } catch (err) {
    results.push(false);
    console.log(`  ✗ ${name}\n${err?.stack ?? err}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

fs.mkdirSync('test-output', { recursive: true });
const server = await serveDemo();

console.log('demo server');
/** A raw HTTP/1.1 GET, so the path reaches the server exactly as written (no client-side normalisation). */
async function rawGet(pathname) {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(`GET ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (d) => { data += d.toString('latin1'); });
    socket.on('end', () => {
      const [head] = data.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(lines[0].split(' ')[1]), headers, body: data.slice(head.length + 4) });
    });
    socket.on('error', reject);
  });
}
await check('binds to localhost only', async () => {
  assert(server.url.startsWith('http://127.0.0.1:'), server.url);
  const os = await import('node:os');
  const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (external) {
    const net = await import('node:net');
    const refused = await new Promise((resolve) => {
      const s = net.connect(server.port, external.address);
      s.on('connect', () => { s.destroy(); resolve(false); });
      s.on('error', () => resolve(true));
    });
    assert(refused, `reachable on ${external.address}`);
  }
});
await check('serves only its own files: .., encoded %2e%2e%2f and absolute paths get 404', async () => {
  for (const p of ['/../package.json', '/..%2fpackage.json', '/%2e%2e%2fpackage.json', '/%2E%2E/%2E%2E/etc/passwd',
    '/data/../../package.json', '/data/%2e%2e%2f%2e%2e%2fpackage.json', '//etc/passwd', '/%2fetc%2fpasswd', '/etc/passwd', '/..\\package.json']) {
    const r = await rawGet(p);
    assert(r.status === 404, `${p} -> ${r.status}`);
    assert(!/"name": "wgsl-tensor"|root:x:0/.test(r.body), `${p} leaked a file`);
  }
});
await check('sends Content-Type and X-Content-Type-Options: nosniff', async () => {
  for (const [p, type] of [['/', 'text/html'], ['/main.js', 'text/javascript'], ['/style.css', 'text/css'], ['/data/t10k-labels-idx1-ubyte', 'application/octet-stream'], ['/missing', 'text/plain']]) {
    const r = await rawGet(p);
    assert(r.headers['content-type']?.startsWith(type), `${p}: content-type ${r.headers['content-type']}`);
    assert(r.headers['x-content-type-options'] === 'nosniff', `${p}: nosniff missing`);
  }
});

const { browser, cleanup } = await launchChromium();
console.log('demo page');
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 1800 });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));

  await check('loads with no console errors and names the adapter', async () => {
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction('window.demo', { timeout: 60_000 });
    await page.evaluate('window.demo.ready');
    const status = await page.$eval('#status', (e) => e.textContent);
    assert(/adapter: /.test(status), `status line: ${status}`);
    const data = await page.$eval('#data-status', (e) => e.textContent);
    assert(/60000 training and 10000 test images/.test(data), `data status: ${data}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  });

  await check('a lesson preset runs two epochs and its chart points increase', async () => {
    const before = await page.evaluate('window.demo.chartPoints().lesson');
    await page.evaluate(`window.demo.runLesson('loss', { epochs: 2, trainSize: 300 })`);
    const run = await page.evaluate('window.demo.state.lastRun');
    assert(run && run.finished && !run.error, `lesson run: ${JSON.stringify(run)}`);
    const after = await page.evaluate('window.demo.chartPoints().lesson');
    // 2 configs × 2 epochs × (train + val) × (loss + accuracy) = 16 points
    assert(after - before >= 16, `chart points ${before} -> ${after}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  });

  await check('every lesson preset runs (1 epoch on 200 images each)', async () => {
    const ids = await page.evaluate('window.demo.lessons.map((l) => l.id)');
    assert(ids.length === 8, `lessons: ${ids}`);
    for (const id of ids) {
      await page.evaluate(`window.demo.runLesson('${id}', { epochs: 1, trainSize: 200 })`);
      const run = await page.evaluate('window.demo.state.lastRun');
      assert(run && run.lessonId === id && run.finished && !run.error, `lesson ${id}: ${JSON.stringify(run)}`);
    }
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  });

  await check('the drawing pad returns probabilities that sum to 1', async () => {
    await page.evaluate(`document.getElementById('epochs').value = '1'; document.getElementById('train-size').value = '1000'`);
    await page.evaluate('window.demo.train({ epochs: 1, trainSize: 1000 })');
    const run = await page.evaluate('window.demo.state.lastRun');
    assert(run && run.finished && !run.error, `train run: ${JSON.stringify(run)}`);
    const probs = await page.evaluate('window.demo.drawAndPredict([[140, 40], [140, 240]])'); // a "1"
    assert(Array.isArray(probs) && probs.length === 10, `probabilities: ${JSON.stringify(probs)}`);
    const sum = probs.reduce((a, b) => a + b, 0);
    assert(Math.abs(sum - 1) < 1e-4, `sum ${sum}`);
    assert(probs.every((p) => p >= 0 && p <= 1), 'each in [0,1]');
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  });

  await check('a screenshot is saved to test-output/demo.png', async () => {
    await page.screenshot({ path: 'test-output/demo.png', fullPage: true });
    assert(fs.statSync('test-output/demo.png').size > 10_000, 'screenshot too small');
  });

  await check('without WebGPU the page says what is missing', async () => {
    const page2 = await browser.newPage();
    await page2.evaluateOnNewDocument(() => {
      // simulate a browser with no WebGPU
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    await page2.goto(server.url, { waitUntil: 'load' });
    await page2.waitForFunction('window.demo', { timeout: 60_000 });
    await page2.evaluate('window.demo.ready');
    const visible = await page2.$eval('#no-webgpu', (e) => !e.hidden);
    const text = await page2.$eval('#no-webgpu', (e) => e.textContent);
    assert(visible, 'message hidden');
    assert(/WebGPU is not available/.test(text) && /navigator\.gpu/.test(text) && /enable-unsafe-webgpu/.test(text), text);
    await page2.screenshot({ path: 'test-output/demo-no-webgpu.png' });
    await page2.close();
  });
} finally {
  await cleanup();
  await server.close();
}
const passed = results.filter(Boolean).length;
console.log(`demo: ${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed > 0 ? 1 : 0);
