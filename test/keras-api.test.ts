/**
 * The training experience a Keras / TF.js user expects: verbose progress,
 * summary(), TF.js-shaped callbacks with Keras 3 metric names, History,
 * model.stopTraining, predict's output option, and one operation on a model
 * at a time (BusyError), with dispose and throwing callbacks leaving nothing behind.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { blobs } from './helpers/blobs.js';
import {
  Sequential, dense, relu, dropout, maxout, rmsprop, earlyStopping, BusyError, DisposedError, ValueError, ShapeError,
  type Callback, type Engine, type LayerSpec, type ProgressStream,
} from '../src/index.js';

/** A stream that records what fit writes; `isTTY` decides whether the bar redraws in place. */
function recorder(isTTY: boolean): ProgressStream & { text: string } {
  return { text: '', isTTY, write(t: string) { this.text += t; } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Keras-style training API', function () {
  this.timeout(120_000);
  const data = blobs(60, 4, 11);
  const val = blobs(30, 4, 12);
  let engine: Engine;
  const made: Sequential[] = [];
  const model = (layers: LayerSpec[] = [dense(4, 8), relu(), dense(8, 3)]) => {
    const m = new Sequential(engine, layers, { seed: 3, optimizer: rmsprop({ lr: 0.01 }) });
    made.push(m);
    return m;
  };
  before(async () => { engine = await getEngine(); });
  afterEach(() => { for (const m of made.splice(0)) m.dispose(); });

  describe('verbose', () => {
    it('1 on a terminal: a progress bar redrawn in place (step n/N, ETA, metrics), then the epoch line with val metrics', async () => {
      const out = recorder(true);
      // a slow batch hook so the epoch lasts long enough for several redraws (every 150 ms)
      const slow: Callback = { onBatchEnd: () => sleep(8) };
      await model().fit(data.x, data.y, { epochs: 2, batchSize: 1, metricsEvery: 5, verbose: 1, progressStream: out,
        validation: { x: val.x, y: val.y }, callbacks: [slow] });
      const text = out.text;
      expect(text).to.match(/^Epoch 1\/2\n/);
      expect(text).to.include('\nEpoch 2/2\n');
      const redraws = text.split('\r').slice(1).filter((part) => part.includes('ETA'));
      expect(redraws.length, text).to.be.at.least(2);
      expect(redraws[0]).to.match(/^\s*\d+\/60 [━╺ ]{20} ETA \d+s \d+ms\/step( - accuracy: \d\.\d{4} - loss: \d\.\d{4})?\x1b\[K/);
      expect(text).to.match(/\r60\/60 ━{20} \d+s \d+ms\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}\x1b\[K\n/);
    });

    it('2 (and 1 on a stream that is not a terminal): one line per epoch; 0: nothing', async () => {
      for (const [verbose, tty] of [[2, true], [1, false]] as const) {
        const out = recorder(tty);
        await model().fit(data.x, data.y, { epochs: 2, batchSize: 20, verbose, progressStream: out });
        const lines = out.text.split('\n').filter(Boolean);
        expect(lines, out.text).to.have.length(4);
        expect(out.text).to.not.include('\r');
        expect(lines[0]).to.equal('Epoch 1/2');
        expect(lines[1]).to.match(verbose === 2 ? /^3\/3 - \d+s - \d+ms\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$/ : /^3\/3 ━{20} \d+s/);
      }
      const silent = recorder(true);
      await model().fit(data.x, data.y, { epochs: 1, batchSize: 20, verbose: 0, progressStream: silent });
      expect(silent.text).to.equal('');
    });

    it('drawing the bar adds no GPU read: reads and submits equal those of a silent run', async () => {
      const count = async (verbose: 0 | 1) => {
        await engine.sync();
        const before = engine.stats();
        await model().fit(data.x, data.y, { epochs: 2, batchSize: 2, metricsEvery: 10, verbose, progressStream: recorder(true) });
        const after = engine.stats();
        return [after.reads - before.reads, after.submits - before.submits];
      };
      await count(0); // the first fit times the step's products (engine.autotune): not what is compared
      expect(await count(1)).to.deep.equal(await count(0));
    });
  });

  describe('summary()', () => {
    it('lists each layer with its output shape and exact parameter count; the buffer padding separately', async () => {
      const m = new Sequential(engine, [dense(784, 512), relu(), dropout(0.2), dense(512, 512), relu(), dense(512, 10)]);
      made.push(m);
      const lines: string[] = [];
      const text = m.summary({ print: (l) => lines.push(l) });
      expect(lines.join('\n')).to.equal(text);
      expect(text).to.match(/dense_0 \(Dense\)\s+\[batch, 512\]\s+401,920\n/);
      expect(text).to.match(/relu_1 \(ReLU\)\s+\[batch, 512\]\s+0\n/);
      expect(text).to.match(/dense_3 \(Dense\)\s+\[batch, 512\]\s+262,656\n/);
      expect(text).to.match(/dense_5 \(Dense\)\s+\[batch, 10\]\s+5,130\n/);
      expect(text).to.include('Total params: 669,706\nTrainable params: 669,706\nNon-trainable params: 0');
      // 10 biases of the last layer padded to 64 floats: 54 padding
      expect(text).to.include('Parameter buffer: 669,760 floats (54 padding)');
      expect(m.parameterCount).to.equal(669_706);
      expect(m.parameterBufferLength).to.equal(669_760);
      expect((await m.getWeights()).length).to.equal(669_706);
    });

    it('counts maxout layers and layers without bias exactly (the 50,890-parameter model of issue 13)', () => {
      const m = model([dense(784, 64), relu(), dense(64, 10)]);
      expect(m.parameterCount).to.equal(50_890);
      expect(m.summary()).to.include('Total params: 50,890');
      const mo = model([dense(10, 12, { useBias: false }), maxout(4, 3), dense(4, 3)]);
      expect(mo.parameterCount).to.equal(10 * 12 + 4 * 3 + 3);
      expect(mo.summary()).to.match(/maxout_1 \(Maxout\)\s+\[batch, 4\]\s+0\n/);
    });
  });

  describe('callbacks and History', () => {
    it('hooks are called in TF.js order with (epoch|batch, logs) and Keras 3 metric names everywhere', async () => {
      const calls: string[] = [];
      const epochLogs: Record<string, number>[] = [];
      const cb: Callback = {
        setModel: (m) => calls.push(`setModel ${m === fitted}`),
        setParams: (p) => calls.push(`setParams ${p.epochs} ${p.steps} ${p.samples}`),
        onTrainBegin: () => { calls.push('trainBegin'); },
        onEpochBegin: (e) => { calls.push(`epochBegin ${e}`); },
        onBatchBegin: (b, logs) => { calls.push(`batchBegin ${b} ${logs.size}`); },
        onBatchEnd: (b) => { calls.push(`batchEnd ${b}`); },
        onEpochEnd: (e, logs) => { calls.push(`epochEnd ${e}`); epochLogs.push({ ...logs }); },
        onTrainEnd: (logs) => { calls.push(`trainEnd ${Object.keys(logs ?? {}).sort().join(',')}`); },
      };
      const fitted = model();
      const history = await fitted.fit(data.x, data.y, { epochs: 2, batchSize: 25, verbose: 0, validation: { x: val.x, y: val.y }, callbacks: [cb] });
      const epoch = (e: number) => [`epochBegin ${e}`, 'batchBegin 0 25', 'batchEnd 0', 'batchBegin 1 25', 'batchEnd 1', 'batchBegin 2 10', 'batchEnd 2', `epochEnd ${e}`];
      expect(calls).to.deep.equal(['setModel true', 'setParams 2 3 60', 'trainBegin', ...epoch(0), ...epoch(1), 'trainEnd accuracy,loss,val_accuracy,val_loss']);
      for (const logs of epochLogs) expect(Object.keys(logs).sort()).to.deep.equal(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
      expect(history.epoch).to.deep.equal([0, 1]);
      expect(Object.keys(history.history).sort()).to.deep.equal(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
      expect(history.history.val_loss).to.deep.equal(epochLogs.map((l) => l.val_loss));
      expect(history.history.accuracy).to.deep.equal(epochLogs.map((l) => l.accuracy));
      expect(history.params).to.include({ epochs: 2, steps: 3, samples: 60, batchSize: 25 });
      // evaluate speaks the same names, and agrees with the last epoch's validation
      const evaluated = await fitted.evaluate(val.x, val.y);
      expect(Object.keys(evaluated).sort()).to.deep.equal(['accuracy', 'loss']);
      expect(evaluated.loss).to.be.closeTo(history.history.val_loss!.at(-1)!, 1e-6);
    });

    it('batch hooks see the newest asynchronously read metrics and force no GPU read', async () => {
      const runReads = async (callbacks: Callback[]) => {
        await engine.sync();
        const before = engine.stats().reads;
        await model().fit(data.x, data.y, { epochs: 2, batchSize: 2, metricsEvery: 5, verbose: 0, callbacks });
        return engine.stats().reads - before;
      };
      const seen: { batch: number; loss?: number; covered: number }[] = [];
      const hooks: Callback = {
        onBatchBegin: () => undefined,
        onBatchEnd: (batch, logs) => { seen.push({ batch, loss: logs.loss, covered: logs.metricsBatches }); },
      };
      const withHooks = await runReads([hooks]);
      const without = await runReads([]);
      expect(withHooks).to.equal(without);
      // 30 steps per epoch, a read every 5 steps plus one at the end: at most 6 per epoch (+1 for validation-free epoch end)
      expect(withHooks).to.be.at.most(2 * 7);
      expect(seen).to.have.length(60);
      for (const s of seen) {
        expect(s.covered % 5, `metricsBatches ${s.covered}`).to.equal(0);
        expect(s.covered).to.be.at.most(s.batch + 1);
        expect(s.loss === undefined).to.equal(s.covered === 0);
      }
      expect(seen.some((s) => s.covered > 0), 'some batch saw a read come back').to.equal(true);
    });

    it('validationSplit holds out the last samples (Keras): val metrics equal evaluate on them', async () => {
      const m = model();
      const history = await m.fit(data.x, data.y, { epochs: 2, batchSize: 10, verbose: 0, validationSplit: 0.25 });
      expect(history.params.samples).to.equal(45);
      const held = await m.evaluate(data.x.subarray(45 * 4), data.y.subarray(45));
      expect(history.history.val_loss!.at(-1)).to.be.closeTo(held.loss, 1e-6);
      expect(history.history.val_accuracy!.at(-1)).to.equal(held.accuracy);
    });

    it('model.stopTraining = true from a callback stops after that epoch', async () => {
      const m = model();
      const history = await m.fit(data.x, data.y, { epochs: 10, batchSize: 20, verbose: 0,
        callbacks: [{ onEpochEnd: (epoch) => { if (epoch === 2) m.stopTraining = true; } }] });
      expect(history.epoch).to.deep.equal([0, 1, 2]);
      expect(history.stoppedEarly).to.equal(true);
      // the next fit starts afresh
      const again = await m.fit(data.x, data.y, { epochs: 2, batchSize: 20, verbose: 0 });
      expect([again.epoch, again.stoppedEarly]).to.deep.equal([[0, 1], false]);
    });

    it('model.stopTraining = true from a batch hook ends the epoch after that batch (Keras): its logs cover the batches trained, and the half-done epoch cannot be checkpointed', async () => {
      const m = model();
      const seen: number[] = [];
      let epochLogs: { loss: number } | null = null;
      const history = await m.fit(data.x, data.y, { epochs: 5, batchSize: 10, verbose: 0, callbacks: [{
        onBatchEnd: (batch) => { seen.push(batch); if (batch === 1) m.stopTraining = true; },
        onEpochEnd: (_epoch, logs) => { epochLogs = logs; },
      }] });
      expect(seen).to.deep.equal([0, 1]);
      expect(history.epoch).to.deep.equal([0]);
      expect(history.steps).to.equal(2);
      expect(history.stoppedEarly).to.equal(true);
      expect(epochLogs!.loss).to.be.a('number').and.satisfy(Number.isFinite);
      expect(m.stepCount).to.equal(2);
      expect(m.epochCount).to.equal(0);
      const err = await m.saveCheckpoint().then(() => null, (e: unknown) => e);
      expect(String(err)).to.include('middle of epoch');
      // a complete epoch makes it resumable again
      await m.fit(data.x, data.y, { epochs: 1, batchSize: 10, verbose: 0 });
      expect((await m.saveCheckpoint()).manifest.epochCount).to.equal(1);
    });

    it('earlyStopping keeps Keras semantics: mode, patience, minDelta', async () => {
      const m = model();
      const stop = earlyStopping({ monitor: 'loss', mode: 'max', patience: 1 }); // loss falls: never "improves" in max mode
      const history = await m.fit(data.x, data.y, { epochs: 10, batchSize: 20, verbose: 0, callbacks: [stop] });
      expect(history.epoch).to.deep.equal([0, 1]);
      expect([stop.bestEpoch, stop.stoppedEpoch]).to.deep.equal([0, 1]);
    });
  });

  describe('predict', () => {
    it('CPU arrays give { data, shape }; a Tensor gives a Tensor [n, classes]; probabilities are the softmax of the logits', async () => {
      const m = model();
      await m.fit(data.x, data.y, { epochs: 2, batchSize: 20, verbose: 0 });
      const probs = await m.predict(data.x);
      const logits = await m.predict(data.x, { output: 'logits', batchSize: 7 });
      expect(probs.shape).to.deep.equal([60, 3]);
      expect(logits.shape).to.deep.equal([60, 3]);
      for (let r = 0; r < 60; r++) {
        const row = Array.from(logits.data.subarray(3 * r, 3 * r + 3));
        const max = Math.max(...row);
        const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
        row.forEach((v, c) => expect(probs.data[3 * r + c]).to.be.closeTo(Math.exp(v - max) / sum, 1e-5));
      }
      const before = engine.stats().liveTensors;
      const x = engine.tensor(data.x, [60, 4]);
      const t = await m.predict(x);
      const tl = await m.predict(x, { output: 'logits' });
      expect(t.shape).to.deep.equal([60, 3]);
      expect(Array.from(await t.read())).to.deep.equal(Array.from(probs.data));
      expect(Array.from(await tl.read())).to.deep.equal(Array.from(logits.data));
      for (const d of [x, t, tl]) d.dispose();
      expect(engine.stats().liveTensors).to.equal(before);
    });

    it('refuses a tensor of the wrong shape or dtype, and unknown outputs', async () => {
      const m = model();
      const wrong = engine.tensor(new Float32Array(15), [3, 5]);
      const ints = engine.tensor(new Int32Array(8), [2, 4]);
      try {
        expect(await thrown(() => m.predict(wrong))).to.be.instanceOf(ShapeError).and.have.property('message').that.includes('predict: x is [3,5]; the model takes [n, 4]');
        expect((await thrown(() => m.predict(ints))).message).to.include('predict: x must have dtype f32, got i32');
        expect((await thrown(() => m.predict(data.x, { output: 'probs' as never }))).message).to.include("predict: output must be one of 'probabilities', 'logits', got \"probs\"");
      } finally {
        wrong.dispose();
        ints.dispose();
      }
    });
  });

  describe('one operation on a model at a time', () => {
    const x = data.x;
    const y = data.y;
    // with a progress bar and sync epoch-level hooks: fit must give a racing call no opening there
    const fitOptions = () => ({ epochs: 2, batchSize: 10, verbose: 2 as const, progressStream: recorder(false),
      callbacks: [{ onTrainBegin: () => undefined, onEpochBegin: () => undefined, onEpochEnd: () => undefined }] });
    // Each is started while fit runs and must be refused with BusyError naming the call.
    const refused: [string, (m: Sequential, saved: Awaited<ReturnType<Sequential['saveCheckpoint']>>, weights: Float32Array) => unknown][] = [
      ['fit', (m) => m.fit(x, y, fitOptions())],
      ['evaluate', (m) => m.evaluate(x, y)],
      ['predict', (m) => m.predict(x)],
      ['setWeights', (m, _s, w) => m.setWeights(w)],
      ['loadWeights', (m, s) => m.loadWeights({ manifest: { format: 'wgsl-tensor-weights', version: 1, tensors: s.manifest.weights, layers: s.manifest.layers }, data: s.data })],
      ['loadCheckpoint', (m, s) => m.loadCheckpoint(s)],
      ['loadSafetensors', (m) => m.loadSafetensors(new Uint8Array(8))],
      ['computeGradients', (m) => m.computeGradients(x, y)],
      ['saveCheckpoint', (m) => m.saveCheckpoint()],
    ];
    for (const [name, call] of refused) {
      it(`fit running, then ${name} -> BusyError; fit finishes normally`, async () => {
        const m = model();
        const saved = await m.saveCheckpoint();
        const weights = await m.getWeights();
        const live = engine.stats().liveTensors;
        const training = m.fit(x, y, fitOptions());
        const err = await thrown(() => call(m, saved, weights));
        expect(err, String(err)).to.be.instanceOf(BusyError);
        expect(err.message).to.match(new RegExp(`^${name}: fit is running on this model; one operation on a model at a time: (await fit first|call it from an epoch-level callback)`));
        const history = await training;
        expect(history.epoch).to.deep.equal([0, 1]);
        expect(engine.stats().liveTensors).to.equal(live);
      });
    }

    it('reads (getWeights, saveWeights, saveSafetensors) are allowed during fit; evaluate, predict and saveCheckpoint from an epoch-end callback', async () => {
      const m = model();
      const fromCallback: unknown[] = [];
      const training = m.fit(x, y, { ...fitOptions(), callbacks: [{
        onEpochEnd: async () => {
          fromCallback.push(await m.evaluate(x, y), (await m.predict(x)).shape, (await m.saveCheckpoint()).manifest.epochCount);
        },
      }] });
      const reads = await Promise.all([m.getWeights(), m.saveWeights(), m.saveSafetensors()]);
      expect(reads[0].length).to.equal(m.parameterCount);
      await training;
      expect(fromCallback).to.have.length(6);
      expect(fromCallback[1]).to.deep.equal([60, 3]);
      expect(fromCallback[5]).to.equal(2);
    });

    it('dispose() during fit stops it with DisposedError and leaves no tensor alive', async () => {
      const live = engine.stats().liveTensors;
      const m = new Sequential(engine, [dense(4, 8), relu(), dense(8, 3)]);
      const training = m.fit(x, y, { epochs: 5, batchSize: 2, verbose: 0, callbacks: [{ onBatchEnd: (b) => (b === 3 ? sleep(1) : undefined) }] });
      await sleep(0);
      m.dispose();
      const err = await thrown(() => training);
      expect(err).to.be.instanceOf(DisposedError);
      expect(err.message).to.match(/fit: the model was disposed during training \(epoch 1, step \d+ of 30\)/);
      await engine.sync();
      expect(engine.stats().liveTensors).to.equal(live);
    });

    it('a callback that disposes the model, or throws, ends fit with that outcome and leaves no tensor alive', async () => {
      const live = engine.stats().liveTensors;
      const a = new Sequential(engine, [dense(4, 8), relu(), dense(8, 3)]);
      const err = await thrown(() => a.fit(x, y, { epochs: 3, batchSize: 10, verbose: 0, callbacks: [{ onEpochEnd: () => a.dispose() }] }));
      expect(err).to.be.instanceOf(DisposedError);
      expect(err.message).to.include('onEpochEnd of epoch 1');
      expect(engine.stats().liveTensors).to.equal(live);

      const b = model();
      const boom = new Error('callback failed');
      const thrownBy = await thrown(() => b.fit(x, y, { epochs: 3, batchSize: 10, verbose: 0, callbacks: [{ onBatchEnd: (batch) => { if (batch === 2) throw boom; } }] }));
      expect(thrownBy).to.equal(boom);
      // the epoch was left half done: a checkpoint now could not resume exactly
      expect((await thrown(() => b.saveCheckpoint())).message).to.match(/saveCheckpoint: called in the middle of epoch/);
      // the model is usable: a completed epoch makes it resumable again
      const history = await b.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0 });
      expect(history.epoch).to.deep.equal([0]);
      expect((await b.saveCheckpoint()).manifest.epochCount).to.equal(1);
    });
  });

  it('fit refuses unknown options and callback hooks with a hint (typed ValueError)', async () => {
    const m = model();
    const cases: [() => unknown, string][] = [
      [() => m.fit(data.x, data.y, { epoch: 3 } as never), 'fit: unknown option "epoch" in options (did you mean "epochs"?)'],
      [() => m.fit(data.x, data.y, { batch_size: 3 } as never), '(did you mean "batchSize"?)'],
      [() => m.fit(data.x, data.y, { callbacks: [{ onEpochEnds: () => 0 }] as never }), 'fit: callbacks[0] has an unknown hook "onEpochEnds" (did you mean "onEpochEnd"?)'],
      [() => m.fit(data.x, data.y, { verbose: 3 as never }), 'fit: verbose must be 0, 1 or 2, got 3'],
    ];
    for (const [call, message] of cases) {
      const err = await thrown(call);
      expect(err).to.be.instanceOf(ValueError);
      expect(err.message).to.include(message);
    }
  });
});
