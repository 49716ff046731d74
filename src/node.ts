/**
 * wgsl-tensor's Node entry: everything of the browser-safe public API
 * (src/index.ts), plus what only Node can do:
 *   - find a WebGPU adapter through Dawn (npm `webgpu`), so that
 *     createEngine() works with no `device` option;
 *   - read the MNIST files from a directory (loadMnist).
 *
 * Node users get this file without asking: the package's `node` export
 * condition maps `import 'wgsl-tensor'` (and `require`) here. It is also the
 * subpath `wgsl-tensor/node`. Browser bundles never see it, which is why it
 * may import `node:` modules and Dawn.
 */
import { provideNodeAdapters } from './gpu/device.js';
import { requestNodeAdapter } from './gpu/node-adapter.js';

provideNodeAdapters(requestNodeAdapter);

export * from './index.js';
// Explicit exports win over `export *`: the Node loadMnist also reads directories.
export { loadMnist } from './data/mnist-files.js';
