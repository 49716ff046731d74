/**
 * Learning-rate and momentum schedules in fit (src/nn/schedules.ts): the
 * factories' values, the per-step values fit actually trains with (against a
 * CPU re-run of SGD with momentum), their cost (the same dispatches, submits
 * and reads as an unscheduled run), every optimizer taking the scheduled lr,
 * checkpoint and resume, and a bad value mid-run.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { blobs } from './helpers/blobs.js';
import { expectBitEqual, expectClose } from './helpers/compare.js';
import {
  Sequential, dense, relu, dropout, sgd, adagrad, rmsprop, adam, stepDecay, exponentialDecay, cosineDecay, linearRamp,
  ValueError, type Optimizer, type Schedule, type Checkpoint,
} from '../src/index.js';
import { momentum as cpuMomentum } from '../src/reference/optimizers.js';
import { FlagError, parseFlags, schedulesFromFlags } from '../scripts/train-flags.js';

describe('schedules', function () {
  this.timeout(600_000);

  it('the factories give the documented values', () => {
    const at = (s: Schedule, points: [number, number][]) => points.map(([e, t]) => s(e, t));
    expect(at(stepDecay({ every: 10, factor: 0.5 }), [[0, 0], [9, 99], [10, 0], [30, 0]])).to.deep.equal([1, 1, 0.5, 0.125]);
    expectClose(at(exponentialDecay({ rate: 0.5, steps: 10 }), [[0, 0], [3, 5], [0, 10], [0, 30]]), [1, Math.SQRT1_2, 0.5, 0.125], { atol: 0, rtol: 1e-15 });
    // pylearn2's ExponentialDecay(decay_factor 1.000004, min_lr 1e-6) at lr 0.1: lr / 1.000004^t, floored at 1e-5 of it.
    const pylearn2 = exponentialDecay({ rate: 1 / 1.000004, steps: 1, min: 1e-5 });
    expectClose(at(pylearn2, [[0, 125_000], [0, 1e8]]), [1.000004 ** -125_000, 1e-5], { atol: 0, rtol: 1e-9 });
    expectClose(at(cosineDecay({ epochs: 10 }), [[0, 7], [5, 0], [10, 0], [12, 0]]), [1, 0.5, 0, 0], { atol: 1e-15 });
    expectClose(at(cosineDecay({ steps: 4, min: 0.2 }), [[9, 0], [0, 1], [0, 2], [0, 4]]),
      [1, 0.2 + 0.8 * 0.5 * (1 + Math.cos(Math.PI / 4)), 0.6, 0.2], { atol: 1e-15 });
    // pylearn2's MomentumAdjustor(start 1, saturate 250, final .7) from .5: epoch 1 (0-based 0) .5, epoch 250 .7
    const ramp = linearRamp({ from: 0.5, to: 0.7, startEpoch: 0, endEpoch: 249 });
    expectClose(at(ramp, [[0, 0], [1, 0], [249, 0], [300, 0]]), [0.5, 0.5 + 0.2 / 249, 0.7, 0.7], { atol: 1e-15 });
    const late = linearRamp({ from: 1, to: 0.05, startEpoch: 4, endEpoch: 8 });
    expectClose(at(late, [[0, 0], [4, 0], [6, 0], [8, 0]]), [1, 1, 0.525, 0.05], { atol: 1e-15 });
  });

  it('fit trains each step with the scheduled lr and momentum: SGD with momentum equals a CPU re-run with the same per-step values', async () => {
    const engine = await getEngine();
    // Softmax regression (one dense layer) so the CPU can compute the gradients exactly.
    const features = 4, classes = 3, n = 8, batchSize = 4, epochs = 3;
    const { x, y } = blobs(n, features, 21);
    const model = new Sequential(engine, [dense(features, classes)], { optimizer: sgd({ lr: 0.2, momentum: 0.5 }), seed: 3 });
    const w0 = await model.getWeights();
    // Multipliers that jump around per global step, so any off-by-one or missed step shows.
    const multipliers = [1, 0.3, 2, 0.5, 1.5, 0.1];
    const lrCalls: [number, number][] = [];
    const lrSchedule: Schedule = (epoch, step) => { lrCalls.push([epoch, step]); return multipliers[step]!; };
    const momentumSchedule = linearRamp({ from: 0.5, to: 0.9, endEpoch: 2 }); // 0.5, 0.7, 0.9 by epoch
    await model.fit(x, y, { epochs, batchSize, shuffle: false, verbose: 0, lrSchedule, momentumSchedule });
    const trained = await model.getWeights();

    // Every step asked for its own (epoch, global step), in order (the first also once more, checked up front).
    const expectedCalls: [number, number][] = [];
    for (let e = 0; e < epochs; e++) for (let s = 0; s < n / batchSize; s++) expectedCalls.push([e, e * (n / batchSize) + s]);
    expect(lrCalls).to.deep.equal([[0, 0], ...expectedCalls]);

    // The CPU re-run: the same batches, gradients of the mean cross-entropy, the reference momentum update.
    const w = Float64Array.from(w0);
    const velocity = new Float64Array(w.length);
    const kernel = features * classes;
    for (const [epoch, step] of expectedCalls) {
      const start = (step % (n / batchSize)) * batchSize;
      const grads = new Float64Array(w.length);
      for (let i = start; i < start + batchSize; i++) {
        const logits = Array.from({ length: classes }, (_, c) => {
          let z = w[kernel + c]!;
          for (let f = 0; f < features; f++) z += x[i * features + f]! * w[f * classes + c]!;
          return z;
        });
        const top = Math.max(...logits);
        const exps = logits.map((z) => Math.exp(z - top));
        const total = exps.reduce((a, b) => a + b, 0);
        for (let c = 0; c < classes; c++) {
          const dz = (exps[c]! / total - (c === y[i] ? 1 : 0)) / batchSize;
          grads[kernel + c]! += dz;
          for (let f = 0; f < features; f++) grads[f * classes + c]! += x[i * features + f]! * dz;
        }
      }
      cpuMomentum(w, grads, velocity, { lr: 0.2 * multipliers[step]!, momentum: momentumSchedule(epoch, step) });
    }
    expectClose(trained, w, { atol: 2e-6, rtol: 1e-5 }, 'weights after 6 scheduled steps');
    // ...and a run without the schedules ends elsewhere: the comparison above could fail.
    const plain = new Sequential(engine, [dense(features, classes)], { optimizer: sgd({ lr: 0.2, momentum: 0.5 }), seed: 3 });
    await plain.fit(x, y, { epochs, batchSize, shuffle: false, verbose: 0 });
    const unscheduled = await plain.getWeights();
    expect(Math.max(...unscheduled.map((v, i) => Math.abs(v - trained[i]!)))).to.be.above(1e-3);
    model.dispose();
    plain.dispose();
  });

  it('a scheduled step costs what an unscheduled one does: the same dispatches, submits and reads', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(96, 16, 4);
    const layers = () => [dense(16, 32), relu(), dropout(0.2), dense(32, 3)];
    const options = { epochs: 2, batchSize: 16, metricsEvery: 3, verbose: 0 as const };
    const counts = async (scheduled: boolean) => {
      const model = new Sequential(engine, layers(), { optimizer: sgd({ lr: 0.1, momentum: 0.5 }), seed: 2 });
      await model.getWeights(); // uploads settled before counting
      const before = engine.stats();
      await model.fit(x, y, scheduled
        ? { ...options, lrSchedule: cosineDecay({ steps: 12 }), momentumSchedule: linearRamp({ from: 0.5, to: 0.7, endEpoch: 1 }) }
        : options);
      const after = engine.stats();
      model.dispose();
      return { dispatches: after.dispatches - before.dispatches, submits: after.submits - before.submits, reads: after.reads - before.reads };
    };
    await counts(false); // the first fit times the step's products (engine.autotune): not what is compared
    const plain = await counts(false);
    const scheduled = await counts(true);
    expect(scheduled).to.deep.equal(plain);
    expect(plain.dispatches).to.be.above(0);
  });

  // A constant schedule c must train exactly like the optimizer built with lr·c (or momentum c): bit for bit.
  const constantCases: { name: string; scheduled: () => Optimizer; fixed: () => Optimizer; lr?: number; momentum?: number }[] = [
    { name: 'sgd', scheduled: () => sgd({ lr: 0.1 }), fixed: () => sgd({ lr: 0.025 }), lr: 0.25 },
    { name: 'sgd with momentum (lr and momentum)', scheduled: () => sgd({ lr: 0.1, momentum: 0.5 }), fixed: () => sgd({ lr: 0.05, momentum: 0.75 }), lr: 0.5, momentum: 0.75 },
    { name: 'nesterov (momentum)', scheduled: () => sgd({ lr: 0.1, momentum: 0.5, nesterov: true }), fixed: () => sgd({ lr: 0.1, momentum: 0.625, nesterov: true }), momentum: 0.625 },
    { name: 'adagrad', scheduled: () => adagrad({ lr: 0.04 }), fixed: () => adagrad({ lr: 0.01 }), lr: 0.25 },
    { name: 'rmsprop', scheduled: () => rmsprop({ lr: 0.002 }), fixed: () => rmsprop({ lr: 0.001 }), lr: 0.5 },
    { name: 'adam', scheduled: () => adam({ lr: 0.004 }), fixed: () => adam({ lr: 0.001 }), lr: 0.25 },
  ];
  for (const c of constantCases) {
    it(`${c.name}: a constant schedule trains bit-identically to the optimizer configured with that value`, async () => {
      const engine = await getEngine();
      const { x, y } = blobs(48, 8, 9);
      const layers = () => [dense(8, 16), relu(), dense(16, 3)];
      const options = { epochs: 2, batchSize: 16, verbose: 0 as const };
      const a = new Sequential(engine, layers(), { optimizer: c.scheduled(), seed: 4 });
      await a.fit(x, y, {
        ...options,
        ...(c.lr !== undefined ? { lrSchedule: () => c.lr! } : {}),
        ...(c.momentum !== undefined ? { momentumSchedule: () => c.momentum! } : {}),
      });
      const b = new Sequential(engine, layers(), { optimizer: c.fixed(), seed: 4 });
      await b.fit(x, y, options);
      expectBitEqual(await a.getWeights(), await b.getWeights(), c.name);
      a.dispose();
      b.dispose();
    });
  }

  it('checkpoint and resume with the same schedules is bit-identical to an uninterrupted run', async () => {
    const engine = await getEngine();
    const data = blobs(96, 32, 7);
    // Dropout (masks seeded by the step counter) and momentum (state), so a resume that lost either would differ.
    const make = () => new Sequential(engine, [dense(32, 24), relu(), dropout(0.25), dense(24, 3)], { seed: 5, optimizer: sgd({ lr: 0.1, momentum: 0.5 }) });
    const schedules = { lrSchedule: cosineDecay({ steps: 24, min: 0.1 }), momentumSchedule: linearRamp({ from: 0.5, to: 0.9, endEpoch: 3 }) };
    const options = { epochs: 4, batchSize: 16, metricsEvery: 2, verbose: 0 as const, ...schedules }; // 6 steps per epoch

    const reference = make();
    await reference.fit(data.x, data.y, options);
    const expected = await reference.getWeights();

    const first = make();
    let checkpoint: Checkpoint | null = null;
    await first.fit(data.x, data.y, { ...options, callbacks: [{ onEpochEnd: async (epoch) => { if (epoch === 1) checkpoint = await first.saveCheckpoint(); } }] });
    const resumed = make();
    resumed.loadCheckpoint({ manifest: JSON.parse(JSON.stringify(checkpoint!.manifest)), data: checkpoint!.data.slice(0) });
    expect([resumed.epochCount, resumed.stepCount]).to.deep.equal([2, 12]);
    const history = await resumed.fit(data.x, data.y, { ...options, initialEpoch: resumed.epochCount });
    expect(history.epoch).to.deep.equal([2, 3]);
    expectBitEqual(await resumed.getWeights(), expected, 'resumed vs uninterrupted');

    // Without the schedules the same resume ends elsewhere (the schedules were live in both runs).
    const unscheduled = make();
    unscheduled.loadCheckpoint(checkpoint!);
    await unscheduled.fit(data.x, data.y, { ...options, lrSchedule: undefined, momentumSchedule: undefined, initialEpoch: 2 });
    const other = await unscheduled.getWeights();
    expect(other.some((v, i) => v !== expected[i])).to.equal(true);
    for (const m of [reference, first, resumed, unscheduled]) m.dispose();
  });

  it('a bad value later in the run stops fit before that step, naming the epoch and step; nothing leaks and the model trains on', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(64, 8, 3);
    const model = new Sequential(engine, [dense(8, 8), relu(), dense(8, 3)], { optimizer: sgd({ lr: 0.1, momentum: 0.5 }), seed: 1 });
    await model.getWeights();
    const live = engine.stats().liveBuffers;
    const cases: [string, object, RegExp][] = [
      ['lr NaN at step 5', { lrSchedule: (_e: number, s: number) => (s === 5 ? NaN : 1) },
        /fit: lrSchedule\(epoch 1, step 5\) returned NaN; it must return a multiplier of the optimizer's lr \(0\.1\) > 0/],
      ['lr overflowing f32 at step 9', { lrSchedule: (_e: number, s: number) => (s >= 9 ? 1e40 : 1) },
        /fit: lrSchedule\(epoch 2, step 9\) returned 1e\+40; .* \(the product is [\d.]+e\+39\)/],
      ['momentum 1 - 1e-9 at epoch 2', { momentumSchedule: (e: number) => (e === 2 ? 1 - 1e-9 : 0.5) },
        /fit: momentumSchedule\(epoch 2, step 8\) returned 0\.999999999; it must return the momentum itself, in \[0, 1\) \(also once rounded to f32\)/],
      ['momentum "0.6"', { momentumSchedule: (e: number) => (e === 1 ? '0.6' : 0.5) }, /fit: momentumSchedule\(epoch 1, step 4\) returned "0\.6"/],
    ];
    for (const [what, schedule, message] of cases) {
      const fresh = new Sequential(engine, [dense(8, 8), relu(), dense(8, 3)], { optimizer: sgd({ lr: 0.1, momentum: 0.5 }), seed: 1 });
      const err = await thrown(() => fresh.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, ...schedule }));
      expect(err, `${what}: ${err}`).to.be.instanceOf(ValueError);
      expect(err.message, what).to.match(message);
      const stepNamed = Number(/step (\d+)\)/.exec(err.message)![1]);
      expect(fresh.stepCount, `${what}: the steps before the bad one ran, not the bad one`).to.equal(stepNamed);
      fresh.dispose();
    }
    expect(engine.stats().liveBuffers, 'no buffer left alive').to.equal(live);
    // the engine and a model on it keep working
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, lrSchedule: stepDecay({ every: 1, factor: 0.5 }) });
    expect(model.stepCount).to.equal(4);
    model.dispose();
  });

  describe('the train command\'s schedule flags', () => {
    it('the maxout preset spreads pylearn2\'s ramps over its epochs: momentum 0.5 -> 0.7, lr 1x -> 0.05x', () => {
      const f = parseFlags(['--preset', 'maxout']);
      const { lrSchedule, momentumSchedule } = schedulesFromFlags(f, Number(f.epochs), 600);
      expect(f.epochs).to.equal('60');
      expectClose([0, 1, 30, 59].map((e) => momentumSchedule!(e, 0)), [0.5, 0.5 + 0.2 / 59, 0.5 + 0.2 * 30 / 59, 0.7], { atol: 1e-15 });
      expectClose([0, 30, 59].map((e) => lrSchedule!(e, 0)), [1, 1 - 0.95 * 30 / 59, 0.05], { atol: 1e-15 });
    });

    it('each --lr-schedule reaches its end value at the run\'s end', () => {
      const run = (argv: string[]) => schedulesFromFlags(parseFlags(argv), 10, 50);
      expectClose([run(['--lr-schedule', 'cosine', '--lr-end', '0.1']).lrSchedule!(9, 499)], [0.1], { atol: 1e-15 });
      expectClose([run(['--lr-schedule', 'exponential', '--lr-end', '0.01']).lrSchedule!(9, 499)], [0.01], { atol: 1e-15 });
      expect([0, 3, 4, 9].map((e) => run(['--lr-schedule', 'step', '--lr-every', '4', '--lr-factor', '0.1']).lrSchedule!(e, 0)))
        .to.deep.equal([1, 1, 0.1, 0.1 ** 2]);
      expect(run([])).to.deep.equal({});
      expect(run(['--optimizer', 'momentum', '--momentum', '0.4', '--momentum-end', '0.9']).momentumSchedule!(9, 0)).to.equal(0.9);
    });

    const refused: [string[], string][] = [
      [['--lr-schedule', 'cosin'], '--lr-schedule must be one of none, linear, exponential, cosine, step, got "cosin" (did you mean "cosine"?)'],
      [['--lr-end', '0.1'], '--lr-end needs --lr-schedule linear or exponential or cosine, got --lr-schedule none'],
      [['--lr-schedule', 'linear', '--lr-every', '5'], '--lr-every needs --lr-schedule step, got --lr-schedule linear'],
      [['--lr-end', '0'], '--lr-end must be a number > 0, got "0"'],
      [['--momentum-end', '0.7'], '--momentum-end needs --optimizer momentum or nesterov (an optimizer with a momentum to ramp), got --optimizer rmsprop'],
      [['--preset', 'maxout', '--optimizer', 'adam'], '--momentum-end needs --optimizer momentum or nesterov'],
      [['--preset', 'maxout', '--momentum-end', '1'], '--momentum-end must be a number >= 0 and < 1, got "1"'],
    ];
    for (const [argv, message] of refused) {
      it(`refuses ${argv.join(' ')}`, () => {
        expect(() => parseFlags(argv)).to.throw(FlagError, message);
      });
    }
  });
});
