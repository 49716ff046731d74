// Tests of the static file server (scripts/static-server.mjs) with the clients
// and files that used to knock it over, or could (issue 11, item 8):
//  - 300 aborted downloads of MNIST's training images with the server in a
//    child process under a 64-descriptor limit: the descriptor count stays
//    flat and the server still answers (it used to crash after ~60);
//  - running out of descriptors: 503 with Retry-After, no crash, and
//    everything back once the clients leave;
//  - files that cannot be opened or read: 500 (or a cut connection once the
//    headers are out); FIFOs, directories, dangling links: 404 without hanging;
//  - 405 with Allow; a Host other than the server's own loopback names
//    refused (DNS rebinding); malformed requests 400/431;
//  - a Content-Security-Policy on every response, which Chromium enforces:
//    the page's own inline scripts run (allowed by hash), injected ones do not;
//  - path traversal still 404.
// The server is a Node program: none of this has a browser-runtime
// counterpart, so it runs in Node only (the CSP check drives Chromium as a
// client). The descriptor tests read /proc/<pid>/fd: Linux only, skipped
// elsewhere, saying so.
// Prints "server: N passed, N failed" (read by scripts/test.mjs).
//   node scripts/test-server.mjs --serve '<mounts as JSON>'
//   (the child process: serve those mounts and print "port N")
import { mnistDir } from './demo.mjs';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';
import { launchChromium } from './chromium.mjs';

if (process.argv[2] === '--serve') {
  const server = await startStaticServer(JSON.parse(process.argv[3]));
  console.log(`port ${server.port}`);
} else {
  await runTests();
}

async function runTests() {
  const results = [];
  const grep = process.env.TEST_GREP ? new RegExp(process.env.TEST_GREP) : null; // npm test -- --grep
  async function check(name, fn) {
    if (grep && !grep.test(name)) return;
    const t0 = Date.now();
    try {
      const skipped = await fn();
      if (typeof skipped === 'string') {
        results.push('skipped');
        console.log(`  - ${name} (skipped: ${skipped})`);
        return;
      }
      results.push('passed');
      console.log(`  ✓ ${name} (${Date.now() - t0}ms)`);
    } catch (err) {
      results.push('failed');
      console.log(`  ✗ ${name}\n${err?.stack ?? err}`);
    }
  }
  function assert(cond, message) {
    if (!cond) throw new Error(message);
  }

  const mnist = mnistDir();
  const TRAIN_IMAGES = '/data/train-images-idx3-ubyte'; // 47 MB
  const TEST_LABELS = '/data/t10k-labels-idx1-ubyte'; // 10 kB
  const MARKER = `served file ${crypto.randomUUID()}`;

  // ---- a directory of awkward files
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wgsl-tensor-server-'));
  fs.writeFileSync(path.join(root, 'ok.txt'), MARKER);
  fs.writeFileSync(path.join(root, 'big.bin'), crypto.randomBytes(1 << 20));
  fs.symlinkSync('loop', path.join(root, 'loop')); // opening it fails with ELOOP
  fs.symlinkSync('missing', path.join(root, 'dangling'));
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'secret.txt'), MARKER);
  fs.chmodSync(path.join(root, 'secret.txt'), 0o000);
  const hasFifo = spawnSync('mkfifo', [path.join(root, 'fifo')]).status === 0;
  // Line ends CR LF on purpose: the browser hashes inline scripts after turning them into LF.
  const PAGE_SCRIPTS = ["window.ran = ['classic'];", "\r\n  window.ran.push('module');\r\n"];
  const page = ['<!doctype html><meta charset="utf-8"><title>csp</title><link rel="icon" href="data:,">',
    `<script>${PAGE_SCRIPTS[0]}</script>`,
    `<script type="module">${PAGE_SCRIPTS[1]}</script>`,
    '<script src="page.js"></script>'].join('\r\n');
  fs.writeFileSync(path.join(root, 'index.html'), page);
  // An external script of the page's own: allowed, and it tries what an injected script would.
  fs.writeFileSync(path.join(root, 'page.js'), `
    try { eval("window.ran.push('eval')"); } catch (err) { window.evalRefused = err.name; }
    const s = document.createElement('script');
    s.textContent = "window.ran.push('injected script')";
    document.head.append(s);
    document.addEventListener('DOMContentLoaded', () => {
      document.body.insertAdjacentHTML('beforeend', '<img src="data:," onload="window.ran.push(\\'inline handler\\')">');
    });
    window.ran.push('external');
  `);

  const logged = [];
  const server = await startStaticServer({ '/': root, '/data/': mnist }, { log: (m) => logged.push(m) });
  const port = server.port;
  const HOST = `127.0.0.1:${port}`;

  /** Sends `request` exactly as written and collects the answer until the server closes. */
  function raw(request, { to = port, timeoutMs = 5000 } = {}) {
    return new Promise((resolve) => {
      const socket = net.connect(to, '127.0.0.1', () => socket.write(request));
      const chunks = [];
      let reset = false;
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', () => { reset = true; });
      socket.setTimeout(timeoutMs, () => { reset = true; socket.destroy(); });
      socket.on('close', () => resolve({ ...parse(Buffer.concat(chunks)), reset }));
    });
  }
  function parse(data) {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) return { status: 0, headers: {}, body: data, bytes: data.length };
    const lines = data.subarray(0, end).toString('latin1').split('\r\n');
    const headers = {};
    for (const l of lines.slice(1)) {
      const name = l.slice(0, l.indexOf(':')).toLowerCase();
      headers[name] = headers[name] === undefined ? l.slice(l.indexOf(':') + 1).trim() : `${headers[name]}, ${l.slice(l.indexOf(':') + 1).trim()}`;
    }
    return { status: Number(lines[0].split(' ')[1]), headers, body: data.subarray(end + 4), bytes: data.length };
  }
  const request = (target, { method = 'GET', host = HOST, version = '1.1', extra = '' } = {}) =>
    `${method} ${target} HTTP/${version}\r\n${host === null ? '' : `Host: ${host}\r\n`}${extra}Connection: close\r\n\r\n`;
  const get = (target, opts = {}) => raw(request(target, opts), opts);

  /** Replaces fs.read (which file streams call) with one that fails with EIO once `afterBytes` were read. */
  async function withFailingReads(afterBytes, fn) {
    const realRead = fs.read;
    let read = 0;
    fs.read = (fd, buffer, offset, length, position, callback) => {
      if (read >= afterBytes) {
        const err = Object.assign(new Error('EIO: i/o error, read (injected by the test)'), { code: 'EIO', errno: -5, syscall: 'read' });
        return process.nextTick(callback, err);
      }
      return realRead(fd, buffer, offset, length, position, (err, n, buf) => { read += n ?? 0; callback(err, n, buf); });
    };
    try {
      return await fn();
    } finally {
      fs.read = realRead;
    }
  }

  const answersNormally = async (to = port) => {
    const r = await get('/data/t10k-labels-idx1-ubyte', { to, host: `127.0.0.1:${to}` });
    assert(r.status === 200 && r.body.length === 10008, `a normal request afterwards: ${r.status}, ${r.body.length} bytes`);
  };

  console.log('server: methods, Host, CSP, paths');
  await check('GET and HEAD only: POST, PUT, DELETE, PATCH, OPTIONS, TRACE and CONNECT get 405 with Allow: GET, HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      const r = await get('/ok.txt', { method, extra: 'Content-Length: 0\r\n' });
      assert(r.status === 405, `${method}: ${r.status}`);
      assert(r.headers.allow === 'GET, HEAD', `${method}: Allow ${r.headers.allow}`);
      assert(!r.body.includes(MARKER), `${method} served the file`);
    }
    const c = await raw(`CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`);
    assert(c.status === 405 && c.headers.allow === 'GET, HEAD', `CONNECT: ${c.status}, Allow ${c.headers.allow}`);
    const head = await get('/big.bin', { method: 'HEAD' });
    assert(head.status === 200 && head.headers['content-length'] === String(1 << 20) && head.body.length === 0,
      `HEAD: ${head.status}, Content-Length ${head.headers['content-length']}, ${head.body.length} body bytes`);
    await answersNormally();
  });

  await check('answers only to its own loopback names: a foreign Host, a wrong port, no Host or two Hosts are refused (DNS rebinding)', async () => {
    for (const host of [HOST, `localhost:${port}`, `[::1]:${port}`, '127.0.0.1', 'localhost', '[::1]', `LocalHost:${port}`]) {
      const r = await get('/ok.txt', { host });
      assert(r.status === 200 && r.body.toString() === MARKER, `Host ${host}: ${r.status}`);
    }
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`,
      `127.0.0.1:${port + 1}`, 'localhost:80', `0.0.0.0:${port}`, `127.1:${port}`, `[::1]:1`, `localhost.:${port}`, '', 'x'.repeat(5000)]) {
      const r = await get('/ok.txt', { host });
      assert(r.status === 421, `Host ${JSON.stringify(host)}: ${r.status}`);
      assert(/misdirected request/.test(r.body.toString()) && r.body.length < 300, `Host ${host}: body ${r.body}`);
      assert(!r.body.includes(MARKER), `Host ${host}: served the file`);
    }
    const http10 = await get('/ok.txt', { host: null, version: '1.0' });
    assert(http10.status === 421 && !http10.body.includes(MARKER), `HTTP/1.0 without Host: ${http10.status}`);
    const http11 = await get('/ok.txt', { host: null });
    assert(http11.status >= 400 && http11.status < 500 && !http11.body.includes(MARKER), `HTTP/1.1 without Host: ${http11.status}`);
    const two = await get('/ok.txt', { extra: `Host: evil.example\r\n` });
    assert(two.status >= 400 && two.status < 500 && !two.body.includes(MARKER), `two Host headers: ${two.status}`);
  });

  await check('a Content-Security-Policy on every response, with no unsafe-inline or unsafe-eval for scripts', async () => {
    const responses = {
      html: await get('/'), text: await get('/ok.txt'), data: await get(TEST_LABELS), 404: await get('/missing'),
      405: await get('/', { method: 'POST', extra: 'Content-Length: 0\r\n' }), 421: await get('/', { host: 'evil.example' }),
      500: await get('/loop'),
    };
    for (const [what, r] of Object.entries(responses)) {
      const csp = r.headers['content-security-policy'] ?? '';
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...v]) => [name, v]));
      assert(directives['default-src']?.join(' ') === "'self'", `${what}: default-src in "${csp}"`);
      const scripts = directives['script-src'] ?? [];
      assert(scripts.includes("'self'") && !scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), `${what}: script-src ${scripts}`);
      assert(directives['object-src']?.join(' ') === "'none'" && directives['frame-ancestors']?.join(' ') === "'none'"
        && directives['base-uri']?.join(' ') === "'none'", `${what}: object-src/frame-ancestors/base-uri in "${csp}"`);
    }
    // the page's two inline scripts, hashed as the browser does (CR LF -> LF), and nothing else
    const hashes = (responses.html.headers['content-security-policy'].match(/'sha256-[^']+'/g) ?? []).sort();
    const expected = PAGE_SCRIPTS.map((s) => `'sha256-${crypto.createHash('sha256').update(s.replace(/\r\n?/g, '\n')).digest('base64')}'`).sort();
    assert(JSON.stringify(hashes) === JSON.stringify(expected), `inline script hashes ${hashes}, expected ${expected}`);
    assert(!/sha256/.test(responses.text.headers['content-security-policy']), 'a non-HTML response allows inline scripts');
  });

  await check('Chromium enforces the policy: the page\'s own scripts run, eval, an injected script and an inline handler do not', async () => {
    const { browser, cleanup } = await launchChromium({ webgpu: false });
    try {
      const tab = await browser.newPage();
      const violations = [];
      tab.on('console', (msg) => { if (/Content Security Policy/.test(msg.text())) violations.push(msg.text()); });
      await tab.goto(server.url, { waitUntil: 'load' });
      await tab.waitForFunction('window.ran && window.ran.includes("module")', { timeout: 5000 });
      await new Promise((ok) => setTimeout(ok, 200)); // give a wrongly allowed handler time to run
      const ran = await tab.evaluate('window.ran');
      assert(JSON.stringify(ran) === JSON.stringify(['classic', 'external', 'module']), `scripts that ran: ${JSON.stringify(ran)}`);
      assert(await tab.evaluate('window.evalRefused') === 'EvalError', 'eval was not refused with an EvalError');
      assert(violations.length >= 2, `CSP violations reported (injected script, inline handler): ${violations.length}\n${violations.join('\n')}`);
    } finally {
      await cleanup();
    }
  });

  await check('serves only its own files: .., encoded %2e%2e%2f, absolute paths and absolute-form targets get 404/400', async () => {
    for (const p of ['/../package.json', '/..%2fpackage.json', '/%2e%2e%2fpackage.json', '/%2E%2E/%2E%2E/etc/passwd',
      '/data/../../package.json', '/data/%2e%2e%2f%2e%2e%2fpackage.json', '//etc/passwd', '/%2fetc%2fpasswd', '/etc/passwd',
      '/..\\package.json', '/%00ok.txt', '/ok.txt%00', '/%ff']) {
      const r = await get(p);
      assert(r.status === 404, `${p} -> ${r.status}`);
      assert(!/root:x:0|"name":/.test(r.body.toString()), `${p} leaked a file`);
    }
    for (const target of [`http://evil.example/ok.txt`, `http://${HOST}/../package.json`, '*']) {
      const r = await get(target);
      assert(r.status === 400 && !r.body.includes(MARKER), `${target} -> ${r.status}`);
    }
  });

  await check('malformed requests get 400, oversized headers 431, and the server goes on', async () => {
    const garbage = await raw('GARBAGE\r\n\r\n');
    assert(garbage.status === 400, `garbage: ${garbage.status}`);
    const bad = await raw(`GET /ok.txt HTTP/1.1\r\nHost: ${HOST}\r\nBad Header\r\n\r\n`);
    assert(bad.status === 400, `header without a colon: ${bad.status}`);
    const huge = await get('/ok.txt', { extra: `X-Big: ${'a'.repeat(64 * 1024)}\r\n` });
    assert(huge.status === 431, `64 kB header: ${huge.status}`);
    await answersNormally();
  });

  console.log('server: files that cannot be read');
  await check('a file that cannot be opened (a symlink loop: ELOOP) answers 500, and the server goes on', async () => {
    const r = await get('/loop');
    assert(r.status === 500 && /could not be read \(ELOOP\)/.test(r.body.toString()), `${r.status} ${r.body}`);
    assert(logged.some((m) => /500 for \/loop: ELOOP/.test(m)), `not logged: ${logged}`);
    await answersNormally();
  });

  await check('a read that fails before the first byte (EIO, injected into fs.read) answers 500 with nothing of the file', async () => {
    const r = await withFailingReads(0, () => get('/big.bin'));
    assert(r.status === 500 && /could not be read \(EIO\)/.test(r.body.toString()), `${r.status} ${r.body.subarray(0, 200)}`);
    assert(r.headers['content-type'].startsWith('text/plain') && Number(r.headers['content-length']) === r.body.length,
      `500 headers: ${JSON.stringify(r.headers)}`);
    await answersNormally();
  });

  await check('a read that fails mid-file (EIO after 64 kB) cuts the connection: fewer bytes than Content-Length', async () => {
    const r = await withFailingReads(64 * 1024, () => get('/big.bin'));
    assert(r.status === 200 && r.headers['content-length'] === String(1 << 20), `${r.status}`);
    assert(r.body.length < (1 << 20), `a complete body (${r.body.length} bytes) although the read failed`);
    await answersNormally();
  });

  await check('a FIFO, a directory and a dangling symlink answer 404 at once; 8 FIFO requests do not block file access', async () => {
    const targets = ['/sub', '/dangling', ...(hasFifo ? Array(8).fill('/fifo') : [])];
    const answers = await Promise.all(targets.map((t) => get(t, { timeoutMs: 3000 })));
    answers.forEach((r, i) => assert(r.status === 404 && !r.reset, `${targets[i]}: ${r.status}${r.reset ? ' (timed out)' : ''}`));
    const r = await get('/ok.txt', { timeoutMs: 3000 });
    assert(r.status === 200, `afterwards: ${r.status}`);
    if (!hasFifo) return 'mkfifo unavailable: the FIFO part';
  });

  await check('a file without read permission answers 500 (EACCES; not checkable as root, who reads any file)', async () => {
    if (process.getuid?.() === 0) return 'running as root';
    if (process.platform === 'win32') return 'no mode-000 files on Windows';
    const r = await get('/secret.txt');
    assert(r.status === 500 && !r.body.includes(MARKER), `${r.status}`);
  });
  await server.close();

  // ---- descriptor limits, with the server in a child process
  const LIMIT = 64;
  const linux = process.platform === 'linux' && fs.existsSync('/proc/self/fd') && spawnSync('bash', ['-c', 'true']).status === 0;
  /** The server in a child process under a descriptor limit of LIMIT. */
  async function startChild() {
    const self = fileURLToPath(import.meta.url);
    const child = spawn('bash', ['-c', `ulimit -n ${LIMIT} && exec "$@"`, 'bash', process.execPath, self, '--serve', JSON.stringify({ '/': root, '/data/': mnist })],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const childPort = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => { out += d; const m = /port (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
      child.on('exit', (code, signal) => reject(new Error(`the server child exited (${code ?? signal}) before listening:\n${stderr}`)));
    });
    return {
      port: childPort,
      fds: () => fs.readdirSync(`/proc/${child.pid}/fd`).length,
      alive: () => child.exitCode === null && child.signalCode === null,
      stderr: () => stderr,
      stop: () => child.kill(),
    };
  }
  /** Polls until cond() holds (true) or timeoutMs passes (false). */
  async function until(cond, timeoutMs = 3000) {
    for (const t0 = Date.now(); Date.now() - t0 < timeoutMs;) {
      if (cond()) return true;
      await new Promise((ok) => setTimeout(ok, 25));
    }
    return cond();
  }
  /** Starts a download and hangs up as soon as the first bytes arrive. */
  const abortedDownload = (to) => new Promise((resolve) => {
    const socket = net.connect(to, '127.0.0.1', () => socket.write(request(TRAIN_IMAGES, { host: `127.0.0.1:${to}` })));
    socket.once('data', () => socket.destroy());
    socket.on('error', () => {});
    socket.on('close', resolve);
  });
  /** Starts a download and stops reading once the response head is in: the server keeps its file open. */
  const stalledDownload = (to) => new Promise((resolve) => {
    const socket = net.connect(to, '127.0.0.1', () => socket.write(request(TRAIN_IMAGES, { host: `127.0.0.1:${to}` })));
    let data = Buffer.alloc(0);
    const onData = (d) => {
      data = Buffer.concat([data, d]);
      if (data.indexOf('\r\n\r\n') < 0) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ socket, ...parse(data) });
    };
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.on('close', () => resolve({ socket, ...parse(data) }));
  });

  console.log(`server: under a ${LIMIT}-descriptor limit (child process)`);
  await check(`300 aborted downloads of MNIST's training images (47 MB): descriptor count flat, server still answers`, async () => {
    if (!linux) return 'needs Linux (/proc/<pid>/fd, bash ulimit)';
    const child = await startChild();
    try {
      await answersNormally(child.port);
      await abortedDownload(child.port); // the first file stream's lazily made resources
      await until(() => false, 200);
      const before = child.fds();
      for (let round = 0; round < 30; round++) {
        await Promise.all(Array.from({ length: 10 }, () => abortedDownload(child.port)));
      }
      assert(child.alive(), `the server died:\n${child.stderr()}`);
      await until(() => child.fds() <= before);
      assert(child.fds() <= before, `descriptors: ${before} before, ${child.fds()} after 300 aborted downloads`);
      await answersNormally(child.port);
      const full = await get(TRAIN_IMAGES, { to: child.port, host: `127.0.0.1:${child.port}`, timeoutMs: 20_000 });
      assert(full.status === 200 && full.body.length === 47040016, `a full download afterwards: ${full.status}, ${full.body.length} bytes`);
    } finally {
      child.stop();
    }
  });

  await check('out of descriptors: 503 with Retry-After, no crash, and all back once the clients leave', async () => {
    if (!linux) return 'needs Linux (/proc/<pid>/fd, bash ulimit)';
    const child = await startChild();
    const held = [];
    try {
      await answersNormally(child.port);
      await until(() => false, 200);
      const before = child.fds();
      // Each held download keeps two of the server's descriptors (socket + file)
      // until none is left; then a request must be refused, not crash the server.
      let refused;
      while (!refused && held.length < LIMIT) {
        const d = await stalledDownload(child.port);
        held.push(d.socket);
        if (d.status !== 200) refused = d;
      }
      assert(child.fds() >= LIMIT - 1, `${held.length} downloads held, ${child.fds()} of ${LIMIT} descriptors in use`);
      // libuv keeps one descriptor in reserve to accept (and drop) a connection
      // when none is left: a refusal may be a dropped connection, but a request
      // whose file cannot be opened gets the 503.
      const refusals = [refused, ...await Promise.all([1, 2, 3].map(() => stalledDownload(child.port)))];
      held.push(...refusals.map((r) => r.socket));
      assert(refusals.every((r) => r.status === 503 || r.status === 0), `refusals: ${refusals.map((r) => r.status)}`);
      const busy = refusals.find((r) => r.status === 503);
      assert(busy?.headers['retry-after'] === '1' && /out of file descriptors/.test(busy.body.toString()),
        `no 503 with Retry-After among ${refusals.map((r) => r.status)}: ${busy?.body}`);
      assert(child.alive(), `the server died:\n${child.stderr()}`);
      for (const s of held.splice(0)) s.destroy();
      assert(await until(() => child.fds() <= before), `descriptors: ${before} before, ${child.fds()} once the clients left`);
      await answersNormally(child.port);
    } finally {
      for (const s of held) s.destroy();
      child.stop();
    }
  });

  fs.chmodSync(path.join(root, 'secret.txt'), 0o600);
  fs.rmSync(root, { recursive: true, force: true });
  const count = (what) => results.filter((r) => r === what).length;
  console.log(`server: ${count('passed')} passed, ${count('failed')} failed${count('skipped') ? `, ${count('skipped')} skipped` : ''}`);
  process.exit(count('failed') > 0 ? 1 : 0);
}
