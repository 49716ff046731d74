// End-to-end test of the demo page in headless Chromium (puppeteer):
//  - the page loads with no console errors and names the adapter,
//  - a lesson preset trains >= 2 epochs on a small subset and its charts gain points,
//  - lesson 9 (20 vs 56 layers) draws its three curves on both charts, its caption and the
//    recipe's verdicts appear after the run, and a screenshot of it is saved to
//    test-output/demo-lesson9.png,
//  - while a lesson runs Train is disabled, and Stop ends the run within a second,
//    with no console error,
//  - the drawing pad returns class probabilities that sum to 1,
//  - a screenshot is saved to test-output/demo.png,
//  - with WebGPU unavailable the page shows a clear message.
// Prints "demo: N passed, N failed".
// DEMO_DOCS=1 runs lesson 9 at its full size (minutes on SwiftShader) and also writes the
// README's screenshots, docs/demo.png and docs/demo-lesson9.png.
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

  await check('lesson 9 draws its three curves on both charts, then its caption and the recipe', async () => {
    const full = process.env.DEMO_DOCS === '1';
    await page.evaluate(full ? `window.demo.runLesson('degradation')` : `window.demo.runLesson('degradation', { epochs: 2, trainSize: 1000 })`);
    const run = await page.evaluate('window.demo.state.lastRun');
    assert(run && run.lessonId === 'degradation' && run.finished && !run.error, `lesson run: ${JSON.stringify(run)}`);
    const charts = await page.evaluate('window.demo.lessonSeries()');
    assert(charts.length === 2 && /training loss/.test(charts[0].title) && /validation loss/.test(charts[1].title), JSON.stringify(charts));
    const epochs = run.epochs;
    for (const chart of charts) {
      const labels = chart.series.map((s) => s.name);
      assert(labels.join() === 'plain 20,plain 56,residual 56', `${chart.title}: series ${labels}`);
      for (const s of chart.series) assert(s.points === epochs, `${chart.title} / ${s.name}: ${s.points} points for ${epochs} epochs`);
    }
    // drawn, not only recorded: each curve's colour covers pixels inside each canvas's plot area
    const drawn = await page.evaluate((colors) => ['lesson-loss', 'lesson-acc'].map((id) => {
      const canvas = document.getElementById(id);
      const { data } = canvas.getContext('2d').getImageData(62, 24, canvas.width - 62 - 160, canvas.height - 24 - 44);
      return colors.map((hex) => {
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        let n = 0;
        for (let p = 0; p < data.length; p += 4) {
          if (Math.abs(data[p] - r) + Math.abs(data[p + 1] - g) + Math.abs(data[p + 2] - b) < 40) n++;
        }
        return n;
      });
    }), charts[0].series.map((s) => s.color));
    assert(drawn.flat().every((n) => n >= 20), `pixels of each curve's colour in the plot areas: ${JSON.stringify(drawn)}`);
    assert(run.verdicts.length === 3, `verdicts: ${JSON.stringify(run.verdicts)}`);
    const recipe = await page.$eval('#lesson-recipe', (e) => ({ hidden: e.hidden, text: e.textContent, items: e.querySelectorAll('li').length }));
    assert(!recipe.hidden && recipe.items === 3 && /change the training/.test(recipe.text) && /lesson \d/.test(recipe.text), `recipe: ${JSON.stringify(recipe)}`);
    for (const v of run.verdicts) assert(recipe.text.includes(v.text), `verdict missing on the page: ${v.text}`);
    const caption = await page.$eval('#lesson-conclusion', (e) => ({ hidden: e.hidden, text: e.textContent }));
    assert(!caption.hidden && /Training loss after the last epoch: plain 20 /.test(caption.text), `caption: ${JSON.stringify(caption)}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    const panel = await page.$('#lessons');
    await panel.screenshot({ path: 'test-output/demo-lesson9.png' });
    if (full) fs.copyFileSync('test-output/demo-lesson9.png', 'docs/demo-lesson9.png');
    assert(fs.statSync('test-output/demo-lesson9.png').size > 10_000, 'lesson 9 screenshot too small');
  });

  await check('while a lesson runs Train is disabled; Stop ends it within a second, with no console error (the Train panel\'s too)', async () => {
    await page.evaluate(`void window.demo.runLesson('degradation', { epochs: 5, trainSize: 3000 })`);
    // wait until it is inside fit (a step reported), not still uploading
    await page.waitForFunction(`window.demo.state.busy && /step \\d+/.test(document.getElementById('lesson-status').textContent)`, { timeout: 60_000, polling: 20 });
    const buttons = await page.evaluate(`({
      train: document.getElementById('train').disabled,
      lessons: [...document.querySelectorAll('#lesson-buttons button')].every((b) => b.disabled),
      stop: document.getElementById('lesson-stop').disabled,
    })`);
    assert(buttons.train && buttons.lessons && !buttons.stop, `buttons while running: ${JSON.stringify(buttons)}`);
    const t0 = Date.now();
    await page.click('#lesson-stop');
    await page.waitForFunction('!window.demo.state.busy', { timeout: 10_000, polling: 10 });
    const elapsed = Date.now() - t0;
    const run = await page.evaluate('window.demo.state.lastRun');
    assert(run.stopped && !run.finished && !run.error, `run after Stop: ${JSON.stringify(run)}`);
    console.log(`    Stop -> run ended in ${elapsed} ms`);
    assert(elapsed < 1000, `Stop took ${elapsed} ms`);
    const status = await page.$eval('#lesson-status', (e) => e.textContent);
    assert(/^stopped/.test(status), `status: ${status}`);
    const after = await page.evaluate(`({ train: document.getElementById('train').disabled, stop: document.getElementById('lesson-stop').disabled })`);
    assert(!after.train && after.stop, `buttons after Stop: ${JSON.stringify(after)}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    // the Train panel: the lesson buttons are off while it trains, and its Stop ends it the same way
    await page.evaluate(`void window.demo.train({ epochs: 3, trainSize: 10000 })`);
    await page.waitForFunction(`window.demo.state.busy && /step \\d+/.test(document.getElementById('train-status').textContent)`, { timeout: 60_000, polling: 20 });
    const lessonsOff = await page.evaluate(`[...document.querySelectorAll('#lesson-buttons button')].every((b) => b.disabled) && document.getElementById('train').disabled`);
    assert(lessonsOff, 'lesson buttons and Train enabled while Train runs');
    const t1 = Date.now();
    await page.click('#stop');
    await page.waitForFunction('!window.demo.state.busy', { timeout: 10_000, polling: 10 });
    const trainElapsed = Date.now() - t1;
    const trainRun = await page.evaluate('window.demo.state.lastRun');
    console.log(`    Train's Stop -> run ended in ${trainElapsed} ms`);
    assert(trainRun.stopped && !trainRun.error && trainElapsed < 1000, `Train run after Stop (${trainElapsed} ms): ${JSON.stringify(trainRun)}`);
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
    // the engine is still usable: a short lesson runs to the end
    await page.evaluate(`window.demo.runLesson('loss', { epochs: 1, trainSize: 200 })`);
    const next = await page.evaluate('window.demo.state.lastRun');
    assert(next.finished && !next.error, `run after a Stop: ${JSON.stringify(next)}`);
  });

  await check('every lesson preset runs (1 epoch on 200 images each)', async () => {
    const ids = await page.evaluate('window.demo.lessons.map((l) => l.id)');
    assert(ids.length === 9, `lessons: ${ids}`);
    for (const id of ids) {
      await page.evaluate(`window.demo.runLesson('${id}', { epochs: 1, trainSize: 200 })`);
      const run = await page.evaluate('window.demo.state.lastRun');
      assert(run && run.lessonId === id && run.finished && !run.error, `lesson ${id}: ${JSON.stringify(run)}`);
    }
    assert(errors.length === 0, `console errors: ${errors.join(' | ')}`);
  });

  await check('the drawing pad returns probabilities that sum to 1', async () => {
    // DEMO_DOCS: the page's own defaults (3 epochs, 10,000 images), so the README's screenshot shows trained weights
    const [epochs, trainSize] = process.env.DEMO_DOCS === '1' ? [3, 10000] : [1, 1000];
    await page.evaluate(`document.getElementById('epochs').value = '${epochs}'; document.getElementById('train-size').value = '${trainSize}'`);
    await page.evaluate(`window.demo.train({ epochs: ${epochs}, trainSize: ${trainSize} })`);
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
    if (process.env.DEMO_DOCS === '1') fs.copyFileSync('test-output/demo.png', 'docs/demo.png');
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
