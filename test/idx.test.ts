import { expect } from 'chai';
import { encodeIdx, parseIdx, parseMnistPair, ValueError } from '../src/index.js';
import { getMnist } from './helpers/mnist.js';

describe('MNIST IDX loader', () => {
  it('loads the real MNIST files: 60,000 + 10,000 images of 784 pixels, labels 0-9', async () => {
    const mnist = await getMnist();
    expect(mnist.train.count).to.equal(60000);
    expect(mnist.test.count).to.equal(10000);
    expect(mnist.train.features).to.equal(784);
    expect(mnist.train.images.length).to.equal(60000 * 784);
    // the first training label of MNIST is a 5, the first test label a 7
    expect(mnist.train.labels[0]).to.equal(5);
    expect(mnist.test.labels[0]).to.equal(7);
    const counts = new Array(10).fill(0);
    for (const l of mnist.train.labels) counts[l]++;
    expect(Math.min(...counts)).to.be.above(5000);
  });

  it('round-trips encodeIdx/parseIdx', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const parsed = parseIdx(encodeIdx([2, 3], data), 'x');
    expect(parsed.dims).to.deep.equal([2, 3]);
    expect(Array.from(parsed.data)).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a wrong magic number, a truncated file and mismatched counts clearly', () => {
    const images = encodeIdx([2, 2, 2], new Uint8Array(8));
    const labels = encodeIdx([2], Uint8Array.from([1, 2]));
    expect(() => parseMnistPair(images, labels, 'tiny')).to.not.throw();
    const badMagic = images.slice();
    badMagic[2] = 0x0d; // float type code
    expect(() => parseMnistPair(badMagic, labels, 'tiny')).to.throw(ValueError, /tiny images: bad magic number 0x00000d03/);
    expect(() => parseMnistPair(images.subarray(0, images.length - 1), labels, 'tiny')).to.throw(ValueError, /tiny images: truncated.*need 8 data bytes, file has 7/);
    expect(() => parseMnistPair(images.subarray(0, 6), labels, 'tiny')).to.throw(ValueError, /truncated header/);
    expect(() => parseMnistPair(labels, labels, 'tiny')).to.throw(ValueError, /has 1 dimensions, expected 3/);
    expect(() => parseMnistPair(images, encodeIdx([3], Uint8Array.from([1, 2, 3])), 'tiny')).to.throw(ValueError, /2 images but 3 labels/);
    expect(() => parseMnistPair(images, encodeIdx([2], Uint8Array.from([1, 12])), 'tiny')).to.throw(ValueError, /label 12 at index 1/);
  });
});
