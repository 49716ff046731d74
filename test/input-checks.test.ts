/**
 * The argument checkers that the public functions call first: what they
 * ACCEPT and what they turn it into (the bad-input table covers what they
 * refuse). Pure CPU functions: no engine needed.
 */
import { expect } from 'chai';
import { dense, dropout, maxout, relu, DTypeError, ValueError } from '../src/index.js';
import { checkTensorData } from '../src/tensor-data.js';
import { checkEngineOptions } from '../src/engine-options.js';
import { checkLayerSpec } from '../src/nn/layers/index.js';
import { checkSubset } from '../src/data/subset-bounds.js';
import { initWeights, SeededRandom } from '../src/nn/init.js';
import { describeValue } from '../src/options.js';

describe('input checks', () => {
  describe('tensor data (src/tensor-data.ts)', () => {
    it('uploads the three typed arrays as they are, and they fix the dtype', () => {
      const f = new Float32Array([1.5, NaN]);
      const i = new Int32Array([-3, 4]);
      const u = new Uint32Array([2 ** 32 - 1]);
      expect(checkTensorData('tensor', f)).to.deep.equal({ values: f, dtype: 'f32' });
      expect(checkTensorData('tensor', i).values).to.equal(i);
      expect(checkTensorData('tensor', i).dtype).to.equal('i32');
      expect(checkTensorData('tensor', u, 'u32').values).to.equal(u);
    });

    it('converts arrays of numbers: any number for f32 (NaN and ±Infinity included), integers in range for i32/u32', () => {
      const asF32 = checkTensorData('tensor', [0.1, NaN, -Infinity, 3.4e38]);
      expect(asF32.dtype).to.equal('f32');
      expect(asF32.values).to.be.instanceOf(Float32Array);
      expect(Array.from(asF32.values)).to.deep.equal([Math.fround(0.1), NaN, -Infinity, Math.fround(3.4e38)]);
      const asI32 = checkTensorData('tensor', [-(2 ** 31), 2 ** 31 - 1], 'i32');
      expect(asI32.values).to.be.instanceOf(Int32Array);
      expect(Array.from(asI32.values)).to.deep.equal([-(2 ** 31), 2 ** 31 - 1]);
      expect(Array.from(checkTensorData('tensor', [0, 2 ** 32 - 1], 'u32').values)).to.deep.equal([0, 2 ** 32 - 1]);
    });

    it('refuses what would not reach the GPU as written, naming the element', () => {
      expect(() => checkTensorData('write', [1, 2 ** 32], 'u32')).to.throw(ValueError, "write: data[1] is 4294967296, outside u32's range");
      expect(() => checkTensorData('tensor', [1, null])).to.throw(ValueError, 'tensor: data[1] is null, not a number');
      expect(() => checkTensorData('tensor', new Uint32Array(1), 'f32')).to.throw(DTypeError, "data is a Uint32Array (u32) but dtype is 'f32'");
      expect(() => checkTensorData('tensor', new Int16Array(1))).to.throw(ValueError, 'got an Int16Array');
    });
  });

  describe('createEngine options (src/engine-options.ts)', () => {
    it('accepts every documented option with a sensible value, and none', () => {
      expect(() => checkEngineOptions(undefined)).to.not.throw();
      expect(() => checkEngineOptions({})).to.not.throw();
      expect(() => checkEngineOptions({ adapter: 'lavapipe', powerPreference: 'high-performance', maxPooledBytes: 0, maxDispatchesPerSubmit: 1 })).to.not.throw();
      expect(() => checkEngineOptions({ maxDispatchesPerSubmit: 2048, maxPooledBytes: 2 ** 40 })).to.not.throw();
    });
  });

  describe('layer specs (src/nn/layers/index.ts checkLayerSpec)', () => {
    it("fills a plain spec's defaults exactly as the factory does", () => {
      expect(checkLayerSpec({ kind: 'dense', inUnits: 4, outUnits: 3 }, 0)).to.deep.equal(dense(4, 3));
      expect(checkLayerSpec({ kind: 'dense', inUnits: 4, outUnits: 3, init: 'heNormal', l2: 0.01, maxNorm: 2, useBias: false }, 0))
        .to.deep.equal(dense(4, 3, { init: 'heNormal', l2: 0.01, maxNorm: 2, useBias: false }));
      expect(checkLayerSpec({ kind: 'maxout', units: 2, pieces: 3 }, 1)).to.deep.equal(maxout(2, 3));
      expect(checkLayerSpec({ kind: 'dropout', rate: 0 }, 2)).to.deep.equal(dropout(0));
      expect(checkLayerSpec({ kind: 'relu' }, 3)).to.deep.equal(relu());
    });

    it('returns a fresh object: changing the caller\'s spec later changes nothing', () => {
      const spec = dense(4, 3);
      const checked = checkLayerSpec(spec, 0);
      (spec as { outUnits: number }).outUnits = 99;
      expect(checked).to.deep.equal(dense(4, 3));
    });
  });

  describe('initialisers (src/nn/init.ts)', () => {
    it('never give zero weights for a name that is not an initialiser', () => {
      expect(() => initWeights('toString' as never, 2, 2, new SeededRandom(1))).to.throw(ValueError, "initWeights: init must be one of 'glorotUniform'");
      const w = initWeights('glorotUniform', 4, 3, new SeededRandom(1));
      expect(w.some((v) => v !== 0)).to.equal(true);
      expect(Array.from(initWeights('zeros', 2, 2, new SeededRandom(1)))).to.deep.equal([0, 0, 0, 0]);
    });
  });

  describe('subset bounds (src/data/subset-bounds.ts)', () => {
    const set = { images: new Uint8Array(12), labels: new Uint8Array(3), count: 3, features: 4, classes: 10 };
    it('accepts whole samples inside the set, up to its end', () => {
      expect(() => checkSubset(set, 0, 3)).to.not.throw();
      expect(() => checkSubset(set, 2, 1)).to.not.throw();
      expect(() => checkSubset(set, 2, 2)).to.throw(ValueError, 'subset: [2, 4) is outside 0..3');
    });
  });

  describe('describing values in messages (src/options.ts describeValue)', () => {
    it('never throws, whatever it is given', () => {
      expect(describeValue(Symbol('s'))).to.equal('Symbol(s)');
      expect(describeValue(10n)).to.equal('10n');
      expect(describeValue(Object.create(null))).to.equal('an object');
      expect(describeValue(new Int32Array(1))).to.equal('an Int32Array');
      expect(describeValue(new Uint8Array(1))).to.equal('a Uint8Array');
    });
  });
});
