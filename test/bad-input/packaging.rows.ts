/**
 * Misuse of what the packaging work touched: user WGSL without the layouts the
 * build would have reflected, and MNIST sources of the wrong kind.
 */
import type { Row } from '../helpers/bad-input-table.js';
import { ShaderError, ValueError, loadMnist, fetchMnist, type KernelBinding, type MnistBytes } from '../../src/index.js';

const SOURCE = '@group(0) @binding(0) var<storage, read_write> data: array<f32>;\n@compute @workgroup_size(1) fn main() { data[0] = 1.0; }\n';

export const packagingRows: Row[] = [
  { what: 'compile: user WGSL without entryPoints', call: (f) => f.engine.compile({ file: 'user/no-layouts.wgsl', source: SOURCE }, 'main'),
    error: ValueError, message: ['compile:', 'user/no-layouts.wgsl', 'kernel.entryPoints must list its bindings'] },
  { what: 'compile: entryPoints not an object', call: (f) => f.engine.compile({ file: 'user/array.wgsl', source: SOURCE, entryPoints: [] as unknown as Record<string, KernelBinding[]> }, 'main'),
    error: ValueError, message: ['compile: kernel.entryPoints of user/array.wgsl must be an object', 'got an array'] },
  { what: 'compile: entry point missing from entryPoints', call: (f) => f.engine.compile({ file: 'user/other.wgsl', source: SOURCE, entryPoints: { other: [] } }, 'main'),
    error: ShaderError, message: ['user/other.wgsl', 'no @compute entry point named "main"', 'it has other'] },
  { what: "compile: entryPoints named 'toString' is not found through the prototype", call: (f) => f.engine.compile({ file: 'user/proto.wgsl', source: SOURCE, entryPoints: {} }, 'toString'),
    error: ShaderError, message: ['user/proto.wgsl', 'no @compute entry point named "toString"'] },
  { what: 'compile: a binding with a negative number', call: (f) => f.engine.compile({ file: 'user/negative.wgsl', source: SOURCE, entryPoints: { main: [{ name: 'data', binding: -1, kind: 'storage' }] } }, 'main'),
    error: ValueError, message: ['kernel.entryPoints.main of user/negative.wgsl', '[0] must be', 'binding: integer >= 0', '"binding":-1'] },
  { what: 'loadMnist: a number as source', call: () => loadMnist(3 as unknown as string),
    error: ValueError, message: ['loadMnist: source must be', 'got 3'] },
  { what: 'loadMnist: bytes with a misspelt key', call: () => loadMnist({ trainImage: new Uint8Array(1) } as unknown as MnistBytes),
    error: ValueError, message: ['loadMnist: unknown option "trainImage" in source', 'did you mean "trainImages"'] },
  { what: 'loadMnist: bytes that are not Uint8Arrays', call: () => loadMnist({ trainImages: [1], trainLabels: new Uint8Array(1), testImages: new Uint8Array(1), testLabels: new Uint8Array(1) } as unknown as MnistBytes),
    error: ValueError, message: ['loadMnist: source.trainImages must be a Uint8Array holding train-images-idx3-ubyte', 'got an array'] },
  { what: 'fetchMnist: no URL', call: () => fetchMnist(undefined as unknown as string),
    error: ValueError, message: ['fetchMnist: baseUrl must be a URL', 'got undefined'] },
];
