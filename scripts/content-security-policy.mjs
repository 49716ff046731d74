// The Content-Security-Policy header the static server sends with every
// response. A page served from it may run scripts, load styles, images and
// workers, and fetch data from this server only; nothing may frame it, and
// plugins, <base> and form posts are off. What the pages need beyond that:
//  - 'wasm-unsafe-eval': the benchmark page compiles TF.js's WASM backend
//    (WebAssembly compilation only, not JavaScript eval);
//  - blob: workers and scripts: TF.js's threaded WASM starts its threads as
//    workers made from in-memory source;
//  - data: images: the pages' empty favicon (`<link rel="icon" href="data:,">`).
// Inline scripts are refused unless the page itself (an .html file the server
// read before answering) carries them: each of those is allowed by its SHA-256
// hash, so a script injected into the page by anything else still cannot run.
import crypto from 'node:crypto';

const DIRECTIVES = [
  ['default-src', ["'self'"]],
  ['script-src', ["'self'", "'wasm-unsafe-eval'", 'blob:']],
  ['worker-src', ["'self'", 'blob:']],
  ['img-src', ["'self'", 'data:']],
  ['style-src', ["'self'"]],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
];

/**
 * The texts of an HTML document's inline scripts (`<script>` elements with no
 * `src`), as the browser hashes them: the HTML parser turns CR LF and lone CR
 * into LF before anything else, so the hash must be taken after that too.
 * A script this misses is blocked, never allowed: the parse can only err on the
 * safe side.
 * @param {string} html
 * @returns {string[]}
 */
export function inlineScripts(html) {
  const text = html.replace(/\r\n?/g, '\n');
  const scripts = [];
  for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (!/\bsrc\s*=/i.test(m[1])) scripts.push(m[2]);
  }
  return scripts;
}

/**
 * The header's value; `scripts` are inline script texts to allow by hash.
 * @param {string[]} [scripts]
 * @returns {string}
 */
export function contentSecurityPolicy(scripts = []) {
  const hashes = scripts.map((s) => `'sha256-${crypto.createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  return DIRECTIVES
    .map(([name, sources]) => [name, ...sources, ...(name === 'script-src' ? hashes : [])].join(' '))
    .join('; ');
}
