// A small static file server for tests, benchmarks and the demo.
// Binds to 127.0.0.1 only and serves only files under the given roots:
// paths are decoded, normalised and must stay inside a root (so `..`,
// `%2e%2e%2f` and absolute paths get 404). Every response carries a
// Content-Type, `X-Content-Type-Options: nosniff` and a Content-Security-Policy
// (scripts/content-security-policy.mjs); COOP/COEP make the page cross-origin
// isolated (threaded WASM for the TF.js comparison).
//
// It must not be knocked over by its clients or its files:
//  - Host: only the server's own loopback names are answered (421 otherwise,
//    and without a Host header), so a web page whose DNS name is later pointed
//    at 127.0.0.1 ("DNS rebinding") cannot read the served files;
//  - GET and HEAD only (405 with `Allow` otherwise);
//  - every file descriptor is closed however the response ends: an aborted
//    download destroys its file stream at once instead of leaving it for the
//    garbage collector, which under a low descriptor limit ran the process out
//    of descriptors and crashed it on an unhandled EMFILE;
//  - a file that cannot be opened or read answers 500 (503 when the process is
//    out of descriptors), or, once its headers are out, cuts the connection so
//    the client sees a truncated response rather than a complete one;
//  - malformed requests get 400 (431 for oversized headers) from a
//    `clientError` handler, and a failed accept() is logged, not thrown.
// scripts/test-server.mjs checks each of these.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { contentSecurityPolicy, inlineScripts } from './content-security-policy.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wgsl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// O_NONBLOCK: opening a FIFO (named pipe) put under a root would otherwise wait
// for a writer forever and hold one of libuv's four file-system threads; with
// it the open returns at once and the FIFO is refused as "not a file".
// (The flag means nothing for regular files.)
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
// HTML files up to this size are read whole so that their inline scripts can
// be allowed by hash; a larger one is streamed and its inline scripts blocked.
const MAX_HASHED_HTML = 1 << 20;
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const ALLOW = 'GET, HEAD';
const ignore = () => {};

/** What an error opening or reading a file tells the client. */
function fileErrorStatus(err) {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return 404; // gone (also a dangling symlink)
  if (err.code === 'EMFILE' || err.code === 'ENFILE') return 503; // out of descriptors: worth retrying
  return 500; // EACCES, EIO, ELOOP, EISDIR, a file that shrank while being read, ...
}

/**
 * @param {Record<string, string>} mounts URL prefix (e.g. '/', '/data/') -> directory
 * @param {{ port?: number, log?: (message: string) => void }} [options]
 *   log: where server-side failures (500s, failed accepts) are reported; default console.error
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer(mounts, options = {}) {
  for (const key of Object.keys(options)) {
    if (key !== 'port' && key !== 'log') throw new TypeError(`startStaticServer: unknown option "${key}" (known: port, log)`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new RangeError(`startStaticServer: options.port must be an integer from 0 (any free port) to 65535, got ${String(options.port)}`);
  }
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw new TypeError(`startStaticServer: options.log must be a function, got ${typeof options.log}`);
  }
  const log = options.log ?? ((message) => console.error(message));
  const roots = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : prefix + '/', path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const plainPolicy = contentSecurityPolicy();
  /** @type {Set<string>} filled in once the port is known */
  const ownHosts = new Set();

  const securityHeaders = (policy = plainPolicy) => ({
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': policy,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });

  /** A short text answer (errors, refusals). */
  const send = (res, status, body, extra = {}) => {
    res.writeHead(status, {
      ...securityHeaders(),
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      ...extra,
    });
    res.end(body);
  };

  const sendFileError = (req, res, err) => {
    const status = fileErrorStatus(err);
    if (status === 404) return send(res, 404, 'not found\n');
    log(`static server: ${status} for ${req.url}: ${err.code ?? err.message}`);
    if (status === 503) return send(res, 503, 'server busy (out of file descriptors), try again\n', { 'Retry-After': '1', Connection: 'close' });
    send(res, 500, `internal server error: the file could not be read (${err.code ?? 'changed while being read'})\n`);
  };

  const resolve = (rawUrl) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
    } catch {
      return null;
    }
    if (pathname.includes('\0') || pathname.split('/').includes('..') || pathname.includes('\\')) return null;
    if (pathname.endsWith('/')) pathname += 'index.html';
    for (const [prefix, dir] of roots) {
      if (!pathname.startsWith(prefix)) continue;
      const file = path.resolve(dir, '.' + pathname.slice(prefix.length - 1));
      if (file !== dir && !file.startsWith(dir + path.sep)) return null;
      return file;
    }
    return null;
  };

  /** Streams an open regular file; closes `fd` however the response ends. */
  const streamFile = (req, res, fd, size, headers) => {
    // Headers are set, not written: they go out with the first chunk read, so a
    // read that fails before any data can still be answered with a 500.
    res.statusCode = 200;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // `end` stops at the size announced in Content-Length should the file grow.
    const body = fs.createReadStream('', { fd, start: 0, end: size - 1 });
    const fail = (err) => {
      body.destroy();
      if (res.headersSent) return res.destroy(); // mid-body: cut the connection
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      sendFileError(req, res, err);
    };
    // An aborted download closes the response: destroy the stream (closing
    // the descriptor) now. After a complete download this does nothing.
    res.once('close', () => body.destroy());
    res.on('error', () => body.destroy());
    body.on('error', fail);
    body.on('end', () => (body.bytesRead === size ? res.end() : fail(new Error('the file shrank while being read'))));
    body.pipe(res, { end: false });
  };

  const serveFile = (req, res, file) => {
    let closed = false;
    res.once('close', () => { closed = true; });
    fs.open(file, OPEN_FLAGS, (err, fd) => {
      if (err) return sendFileError(req, res, err);
      const done = () => fs.close(fd, ignore);
      // The client left while the file was being opened: nothing will close it later.
      if (closed) return done();
      // fstat the open descriptor, not the path: what is checked is what is read.
      fs.fstat(fd, (err, stat) => {
        if (err || !stat.isFile() || closed) {
          done();
          if (err) return sendFileError(req, res, err);
          return send(res, 404, 'not found\n'); // a directory, FIFO, device, ...
        }
        const ext = path.extname(file).toLowerCase();
        const headers = { ...securityHeaders(), 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Content-Length': stat.size };
        if (ext === '.html' && stat.size <= MAX_HASHED_HTML) {
          return fs.readFile(fd, (err, html) => {
            done();
            if (err) return sendFileError(req, res, err);
            res.writeHead(200, { ...headers, 'Content-Length': html.length,
              'Content-Security-Policy': contentSecurityPolicy(inlineScripts(html.toString('utf8'))) });
            res.end(req.method === 'HEAD' ? undefined : html);
          });
        }
        if (req.method === 'HEAD' || stat.size === 0) {
          done();
          res.writeHead(200, headers);
          return res.end();
        }
        streamFile(req, res, fd, stat.size, headers);
      });
    });
  };

  const server = http.createServer((req, res) => {
    const hosts = req.headersDistinct.host ?? [];
    if (hosts.length !== 1 || !ownHosts.has(hosts[0].toLowerCase())) {
      const given = hosts.length === 0 ? 'no Host header' : `Host ${hosts.map((h) => JSON.stringify(h.slice(0, 100))).join(', ')}`;
      return send(res, 421, `misdirected request: ${given}; this server answers only to ${[...ownHosts].filter((h) => h.includes(':')).join(', ')}\n`,
        { Connection: 'close' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, `method ${req.method} not allowed (allowed: ${ALLOW})\n`, { Allow: ALLOW });
    }
    const url = req.url ?? '';
    if (!url.startsWith('/')) return send(res, 400, 'bad request target: expected a path starting with /\n', { Connection: 'close' });
    const file = resolve(url);
    if (!file) return send(res, 404, 'not found\n');
    serveFile(req, res, file);
  });
  // CONNECT never reaches the request handler (Node hands it to 'connect', and
  // closes the connection when nobody listens): refuse it like any other method.
  server.on('connect', (req, socket) => {
    socket.on('error', () => socket.destroy());
    const body = `method CONNECT not allowed (allowed: ${ALLOW})\n`;
    const headers = { ...securityHeaders(), Allow: ALLOW, 'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body), Connection: 'close' };
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
  });
  // Requests Node's parser rejects (malformed, oversized headers, timeouts):
  // answer on the raw socket when it can still be written, else drop it.
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => { server.off('error', fail); ok(); });
  });
  // From here on 'error' means a failed accept() (EMFILE or ENFILE where
  // libuv's reserve descriptor could not help): that one connection is lost,
  // the server goes on listening.
  server.on('error', (err) => log(`static server: connection dropped: ${err.code ?? err.message}`));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  for (const name of LOOPBACK_NAMES) ownHosts.add(name).add(`${name}:${port}`);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
