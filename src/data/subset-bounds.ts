/**
 * The arguments of `subset(set, start, count)` (src/data/mnist.ts): a set of
 * labelled images and a range of whole samples inside it. Checked here so
 * that NaN or fractional bounds cannot slip through the range comparison
 * (every comparison with NaN is false) and give a subarray of fractional
 * samples.
 */
import { ValueError } from '../errors.js';
import { checkFinite, describeValue } from '../options.js';

/** Throws a ValueError naming the argument unless samples [start, start + count) of `set` exist. */
export function checkSubset(set: unknown, start: unknown, count: unknown): void {
  const fn = 'subset';
  const s = set as { images?: unknown; labels?: unknown; count?: unknown; features?: unknown } | null;
  if (!s || typeof s !== 'object' || !(s.images instanceof Uint8Array) || !(s.labels instanceof Uint8Array) ||
      !Number.isSafeInteger(s.count) || !Number.isSafeInteger(s.features)) {
    throw new ValueError(`${fn}: set must be labelled images { images, labels, count, features } (from loadMnist or parseMnistPair), got ${describeValue(set)}`);
  }
  const first = checkFinite(fn, 'start', start, { integer: true });
  const n = checkFinite(fn, 'count', count, { integer: true });
  const total = s.count as number;
  if (first < 0 || n < 1 || first + n > total) {
    throw new ValueError(`${fn}: [${first}, ${first + n}) is outside 0..${total}`);
  }
}
