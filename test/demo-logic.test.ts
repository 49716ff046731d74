/**
 * The demo page's pure parts, without a page: the recipe's branches, the
 * chart's ticks, and lesson 9 agreeing with the train command's presets.
 * (The page itself is tested end to end by scripts/test-demo.mjs.)
 */
import { expect } from 'chai';
import { recipeVerdict, GOOD_TRAINING_ACCURACY, OVERFIT_GAP, type RunNumbers } from '../demo/recipe.js';
import { niceTicks, logTicks, formatTick } from '../demo/ticks.js';
import { LESSONS, LESSON9 } from '../demo/lessons.js';
import { PRESETS, LESSON9 as TRAIN_LESSON9 } from '../scripts/train-flags.js';
import type { LayerSpec } from '../src/index.js';

const run = (o: Partial<RunNumbers>): RunNumbers => ({ label: 'net', epochs: 5, trainLoss: 0.2, trainAccuracy: 0.95, ...o });

describe('demo: the recipe from a run\'s numbers', () => {
  it('bad on the training set -> change the training (lessons 3, 4, 6, 9), whatever validation says', () => {
    const v = recipeVerdict(run({ trainLoss: 2.3, trainAccuracy: 0.11, valLoss: 2.3, valAccuracy: 0.10 }));
    expect(v.branch).to.equal('fix-training');
    expect(v.text).to.include('training accuracy 11.0% (loss 2.300)').and.include('not overfitting');
    for (const lesson of ['lesson 3', 'lesson 4', 'lesson 6', 'lesson 9']) expect(v.text).to.include(lesson);
    expect(v.text).to.not.include('lesson 8');
  });

  it('good on training, a gap to validation -> regularise (lessons 7, 8)', () => {
    const v = recipeVerdict(run({ trainAccuracy: 0.99, valAccuracy: 0.99 - OVERFIT_GAP - 0.01, valLoss: 0.3, bestValLoss: 0.3 }));
    expect(v.branch).to.equal('regularise');
    expect(v.text).to.include('lesson 7').and.include('lesson 8').and.include('validation accuracy 95.0%');
  });

  it('validation loss turned up from its best epoch -> regularise, saying so', () => {
    const v = recipeVerdict(run({ trainAccuracy: 0.99, valAccuracy: 0.98, valLoss: 0.5, bestValLoss: 0.3 }));
    expect(v.branch).to.equal('regularise');
    expect(v.text).to.include('up from its best 0.300');
  });

  it('good on both -> nothing to fix; no validation -> says it cannot judge overfitting; no epoch -> no verdict', () => {
    expect(recipeVerdict(run({ trainAccuracy: 0.97, valAccuracy: 0.96, valLoss: 0.15, bestValLoss: 0.15 })).branch).to.equal('fine');
    expect(recipeVerdict(run({})).text).to.include('no validation numbers');
    expect(recipeVerdict(run({ epochs: 0, trainLoss: NaN, trainAccuracy: NaN })).branch).to.equal('no-data');
  });

  it('the threshold is on training accuracy: just below it is bad training', () => {
    expect(recipeVerdict(run({ trainAccuracy: GOOD_TRAINING_ACCURACY - 0.001, valAccuracy: 0.5, valLoss: 1 })).branch).to.equal('fix-training');
    expect(recipeVerdict(run({ trainAccuracy: GOOD_TRAINING_ACCURACY, valAccuracy: GOOD_TRAINING_ACCURACY, valLoss: 1 })).branch).to.equal('fine');
  });
});

describe('demo: chart ticks', () => {
  it('linear ticks are round steps that cover the range', () => {
    expect(niceTicks(0, 1, 5)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.27, 2.31, 5)).to.deep.equal([0, 0.5, 1, 1.5, 2, 2.5]);
    const t = niceTicks(0.0213, 0.0917, 5);
    expect(t[0]).to.be.at.most(0.0213);
    expect(t[t.length - 1]).to.be.at.least(0.0917);
  });

  it('epoch axes tick on whole epochs, from the first point on', () => {
    expect(niceTicks(0, 1, 6, true)).to.deep.equal([0, 1]);
    expect(niceTicks(0, 6, 6, true)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    expect(niceTicks(0, 12, 6, true)).to.deep.equal([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(0, 15, 6, true)).to.deep.equal([0, 5, 10, 15]);
  });

  it('log ticks: decades, with 2 and 5 between them over a short span', () => {
    expect(logTicks(0.02, 2.3)).to.deep.equal([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]);
    expect(logTicks(1e-4, 10)).to.deep.equal([1e-4, 1e-3, 0.01, 0.1, 1, 10]);
  });

  it('labels carry no floating-point dust', () => {
    expect(formatTick(0.1 + 0.2)).to.equal('0.3');
    expect(formatTick(0)).to.equal('0');
    expect(formatTick(2.5)).to.equal('2.5');
    expect(formatTick(1e-4)).to.equal('1e-4');
  });
});

/** Dense layers in a spec list, counting those inside residual blocks: "56 layers". */
function denseCount(layers: readonly LayerSpec[]): number {
  return layers.reduce((n, l) => n + (l.kind === 'dense' ? 1 : l.kind === 'residual' ? denseCount(l.layers as LayerSpec[]) : 0), 0);
}

describe('demo: lesson 9 (20 vs 56 layers)', () => {
  const lesson = LESSONS.find((l) => l.id === 'degradation')!;

  it('plain nets of 20 and 56 dense layers and the 56 again from residual blocks, one width', () => {
    const [p20, p56, r56] = lesson.configs.map((c) => c.layers());
    expect([p20, p56, r56].map((l) => denseCount(l!))).to.deep.equal([20, 56, 56]);
    expect(p56!.some((l) => l.kind === 'residual')).to.equal(false);
    expect(r56!.filter((l) => l.kind === 'residual')).to.have.length(27);
    for (const net of [p20!, p56!, r56!]) {
      const hidden = net.flatMap((l) => (l.kind === 'residual' ? (l.layers as LayerSpec[]) : [l]))
        .filter((l): l is Extract<LayerSpec, { kind: 'dense' }> => l.kind === 'dense').slice(0, -1);
      expect(new Set(hidden.map((d) => d.outUnits))).to.deep.equal(new Set([LESSON9.width]));
      expect(new Set(hidden.map((d) => d.init))).to.deep.equal(new Set(['glorotUniform']));
    }
  });

  it('the same optimizer, learning rate and batch for all three, as the train command\'s presets', () => {
    const optimizers = lesson.configs.map((c) => c.optimizer());
    for (const o of optimizers) expect({ name: o.name, lr: o.config.lr }).to.deep.equal({ name: 'adam', lr: LESSON9.lr });
    expect(new Set(lesson.configs.map((c) => c.batchSize))).to.deep.equal(new Set([LESSON9.batchSize]));
    expect(TRAIN_LESSON9).to.include({ width: String(LESSON9.width), optimizer: 'adam', lr: String(LESSON9.lr), batchSize: String(LESSON9.batchSize) });
    expect(PRESETS['plain-20']).to.include({ depth: String(LESSON9.shallow), init: 'glorot' });
    expect(PRESETS['plain-56']).to.include({ depth: String(LESSON9.deep) });
    expect(PRESETS['residual-56']).to.include({ depth: String(LESSON9.deep), residual: 'true' });
  });

  it('the caption reads the run\'s numbers: a deeper plain net worse on its own training set is not overfitting', () => {
    const text = lesson.conclusion!([
      run({ label: 'plain 20', trainLoss: 0.27, trainAccuracy: 0.93 }),
      run({ label: 'plain 56', trainLoss: 2.30, trainAccuracy: 0.11 }),
      run({ label: 'residual 56', trainLoss: 0.25, trainAccuracy: 0.93 }),
    ]);
    expect(text).to.include('plain 20 0.270').and.include('plain 56 2.300').and.include('residual 56 0.250');
    expect(text).to.include('not overfitting').and.include('at least as well as the shallow net');
    // both at chance (ln 10): not read as one worse than the other
    const flat = lesson.conclusion!([run({ label: 'a', trainLoss: 2.3026 }), run({ label: 'b', trainLoss: 2.3031 }), run({ label: 'c', trainLoss: 14 })]);
    expect(flat).to.include('did not end clearly worse').and.not.include('not overfitting').and.not.include('skips');
  });
});
