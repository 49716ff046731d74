/**
 * subset(set, start, count) with bounds that are not whole samples inside
 * the set: NaN passes every comparison, a fraction gives a subarray of
 * fractional samples (src/data/subset-bounds.ts).
 */
import { encodeIdx, parseMnistPair, subset, ValueError } from '../../src/index.js';
import type { LabeledImages } from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

/** Two 2x2 images. */
const tiny = (): LabeledImages => parseMnistPair(encodeIdx([2, 2, 2], new Uint8Array(8)), encodeIdx([2], Uint8Array.from([1, 2])), 'tiny');

export const subsetRows: Row[] = [
  { what: 'subset: NaN start', call: () => subset(tiny(), NaN, 1), error: ValueError, message: ['subset: start must be a finite number, got NaN'] },
  { what: 'subset: fractional start', call: () => subset(tiny(), 0.5, 1), error: ValueError, message: ['subset: start must be an integer, got 0.5'] },
  { what: 'subset: fractional count', call: () => subset(tiny(), 0, 1.5), error: ValueError, message: ['subset: count must be an integer, got 1.5'] },
  { what: 'subset: Infinity count', call: () => subset(tiny(), 0, Infinity), error: ValueError, message: ['subset: count must be a finite number, got Infinity'] },
  { what: 'subset: a negative start', call: () => subset(tiny(), -1, 1), error: ValueError, message: ['subset: [-1, 0) is outside 0..2'] },
  { what: 'subset: not a set of images', call: () => subset(null as never, 0, 1), error: ValueError, message: ['subset: set must be labelled images', 'got null'] },
];
