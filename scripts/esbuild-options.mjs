// Shared esbuild settings for every bundle this repository makes (the library,
// the specs, demo, bench, train):
//   - `.wgsl` files load as their text, and the build reflects each one's
//     bind-group layouts with wgsl_reflect (wgslPlugin below), so bundles carry
//     the layouts and not the reflector;
//   - Node bundles get the Node entry (nodeEntryPlugin below), as the
//     package's `node` export condition gives Node users;
//   - wgsl_reflect resolves to its ESM build ("module" field);
//   - Dawn's `webgpu` package is never bundled.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const SHADER_LAYOUTS = path.join(SRC, 'gpu', 'shader-layouts.ts');

let reflector = null;
/**
 * src/gpu/reflect-bindings.ts (TypeScript, importing wgsl_reflect), bundled for
 * Node in memory and imported once: the same function the specs use to check
 * what the build emitted.
 */
function loadReflector() {
  reflector ??= esbuild.build({
    entryPoints: [path.join(SRC, 'gpu', 'reflect-bindings.ts')],
    bundle: true, write: false, format: 'esm', platform: 'node', mainFields: ['module', 'main'], logLevel: 'silent',
  }).then((out) => import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`));
  return reflector;
}

/**
 * WGSL without its comments, every line kept where it was (so the line and
 * column numbers in the GPU compiler's messages still point into the file in
 * shaders/). The shaders' header comments explain the math to readers of the
 * repository; a web app should not download them: they are 40% of the text.
 * WGSL has no string literals, so `//` and `/*` always start comments; block
 * comments nest.
 */
export function stripWgslComments(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      let depth = 0;
      do {
        if (text.startsWith('/*', i)) { depth++; i += 2; }
        else if (text.startsWith('*/', i)) { depth--; i += 2; }
        else { if (text[i] === '\n') out += '\n'; i++; }
      } while (depth > 0 && i < text.length);
    } else {
      out += text[i++];
    }
  }
  return out.replace(/[ \t]+$/gm, '');
}

/** The WGSL prelude: shared helpers put in front of every shader in shaders/ (see wgslPlugin). */
const PRELUDE_DIR = path.join(ROOT, 'shaders', 'common');
/** The module that gives the prelude's text (once per bundle). */
const PRELUDE_MODULE = 'wgsl-prelude:text';

/**
 * The prelude's files, in name order, each as { file, text } with its
 * comments stripped and ending in a newline (so every part starts on a line
 * of its own and line numbers can be mapped back).
 */
async function preludeParts() {
  const names = (await fs.promises.readdir(PRELUDE_DIR)).filter((n) => n.endsWith('.wgsl')).sort();
  return Promise.all(names.map(async (name) => {
    const text = stripWgslComments(await fs.promises.readFile(path.join(PRELUDE_DIR, name), 'utf8'));
    return { file: `shaders/common/${name}`, text: text.endsWith('\n') ? text : `${text}\n` };
  }));
}

/**
 * The reflected entry points as JavaScript, with each uniform struct's layout
 * written once and shared by the entry points that bind it (a shader's entry
 * points all bind the same `params`): lines declaring the layouts, then
 * `use(expression)`.
 */
function layoutsAsCode(entryPoints, use) {
  const layouts = [];
  const json = JSON.stringify(entryPoints, (key, value) => {
    if (key !== 'uniform') return value;
    const text = JSON.stringify(value);
    if (!layouts.includes(text)) layouts.push(text);
    return `@@uniform${layouts.indexOf(text)}@@`;
  });
  return [...layouts.map((text, i) => `const uniform${i} = ${text};`),
    use(json.replace(/"@@uniform(\d+)@@"/g, 'uniform$1'))];
}

/**
 * `import source from '.../x.wgsl'` gives the file's text (less its comments)
 * with the WGSL prelude in front of it (shaders/common/*.wgsl: the grid index,
 * the NaN test, the activation table) unless it is one of the prelude's files, and
 * the import also records, in src/gpu/shader-layouts.ts (keyed by the text),
 * the file's reflected layouts and which lines came from which file, so the
 * kernel registry can name the right file, line and column in a compiler
 * message. A shader that wgsl_reflect cannot read, or that binds anything but
 * buffers in group 0, fails the build with its file named.
 */
export const wgslPlugin = {
  name: 'wgsl-layouts',
  setup(build) {
    build.onResolve({ filter: /^wgsl-prelude:text$/ }, () => ({ path: 'text', namespace: 'wgsl-prelude' }));
    build.onLoad({ filter: /.*/, namespace: 'wgsl-prelude' }, async () => {
      const prelude = await preludeParts();
      return {
        contents: `export default ${JSON.stringify(prelude.map((p) => p.text).join(''))};`, loader: 'js',
        watchFiles: prelude.map((p) => path.join(ROOT, p.file)),
      };
    });
    build.onLoad({ filter: /\.wgsl$/ }, async (args) => {
      const own = stripWgslComments(await fs.promises.readFile(args.path, 'utf8'));
      const file = path.relative(ROOT, args.path).split(path.sep).join('/');
      // Every shader of this repository but the prelude's own files (a spec's fixture too).
      const withPrelude = !file.startsWith('shaders/common/');
      const prelude = withPrelude ? await preludeParts() : [];
      const source = prelude.map((p) => p.text).join('') + own;
      // Lines of each part, in order: the registry maps a line of `source` back to its file.
      const parts = [...prelude.map((p) => ({ file: p.file, lines: p.text.split('\n').length - 1 })),
        { file, lines: own.split('\n').length }];
      let entryPoints;
      try {
        entryPoints = (await loadReflector()).reflectEntryPoints(file, source);
      } catch (err) {
        return { errors: [{ text: err.message, location: { file: args.path } }] };
      }
      // The prelude's text goes into a bundle once (a module of its own that
      // every shader imports), not once per shader.
      const contents = [
        `import { recordShaderLayouts } from ${JSON.stringify(SHADER_LAYOUTS)};`,
        ...(withPrelude ? [`import prelude from ${JSON.stringify(PRELUDE_MODULE)};`] : []),
        `const source = ${withPrelude ? 'prelude + ' : ''}${JSON.stringify(own)};`,
        ...layoutsAsCode(entryPoints, (code) => `recordShaderLayouts(${JSON.stringify(file)}, source, ${code}, ${JSON.stringify(parts)});`),
        'export default source;',
      ].join('\n');
      return {
        contents, loader: 'js', resolveDir: path.dirname(args.path),
        // Rebuilds in watch mode also follow the prelude.
        watchFiles: prelude.map((p) => path.join(ROOT, p.file)),
      };
    });
  },
};

/**
 * In a Node bundle, code outside src/ that imports the public API
 * (src/index.ts: specs, bench, train) gets src/node.ts instead, which adds
 * Dawn and file loading — the same switch the package's `node` export
 * condition makes for Node users. Imports inside src/ are left alone.
 */
export const nodeEntryPlugin = {
  name: 'node-entry',
  setup(build) {
    if (build.initialOptions.platform !== 'node') return;
    build.onResolve({ filter: /(^|\/)index(\.js|\.ts)?$/ }, (args) => {
      if (args.kind === 'entry-point' || !args.importer || args.importer.startsWith(SRC + path.sep)) return undefined;
      const target = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      const wanted = target.endsWith('.ts') ? target : `${target}.ts`;
      return wanted === path.join(SRC, 'index.ts') ? { path: path.join(SRC, 'node.ts') } : undefined;
    });
  },
};

export const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  mainFields: ['module', 'main'],
  external: ['webgpu', 'node:*'],
  plugins: [wgslPlugin, nodeEntryPlugin],
  sourcemap: 'inline',
  logLevel: 'warning',
};
