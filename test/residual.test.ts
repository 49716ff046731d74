/**
 * Residual blocks: y = branch(x) + x (or + x P when the branch changes the
 * width). Their forward is checked against a CPU forward computed from the
 * model's own weights, their backward against finite differences (nested
 * blocks, dropout and maxout inside, projections), and they train, round-trip
 * through checkpoints and safetensors, and cost one dispatch each way.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';
import { blobs } from './helpers/blobs.js';
import { getMnist } from './helpers/mnist.js';
import { rng } from './helpers/random.js';
import { expectBitEqual } from './helpers/compare.js';
import { gradientMismatches } from './helpers/finite-differences.js';
import {
  Sequential, dense, relu, sigmoid, tanh, maxout, dropout, residual, rmsprop, adam, subset, ResidentDataset,
  type LayerSpec, type ParameterEntry,
} from '../src/index.js';

// ---- a CPU forward from the packed weights (float64), for inference (dropout off) ------------

type Rows = Float64Array[];

function cpuForward(layers: readonly LayerSpec[], x: Rows, weights: Map<string, Float64Array>, prefix: string): Rows {
  let h = x;
  layers.forEach((layer, i) => {
    const name = `${prefix}${layer.kind}_${i}`;
    switch (layer.kind) {
      case 'dense': {
        const w = weights.get(`${name}/kernel`)!;
        const b = weights.get(`${name}/bias`);
        h = h.map((row) => {
          const out = new Float64Array(layer.outUnits);
          for (let o = 0; o < layer.outUnits; o++) {
            let s = b ? b[o]! : 0;
            for (let k = 0; k < layer.inUnits; k++) s += row[k]! * w[k * layer.outUnits + o]!;
            out[o] = s;
          }
          return out;
        });
        break;
      }
      case 'relu': h = h.map((r) => r.map((v) => Math.max(0, v))); break;
      case 'sigmoid': h = h.map((r) => r.map((v) => 1 / (1 + Math.exp(-v)))); break;
      case 'tanh': h = h.map((r) => r.map(Math.tanh)); break;
      case 'dropout': break; // inference
      case 'maxout': h = h.map((r) => Float64Array.from({ length: layer.units }, (_, u) => Math.max(...r.subarray(u * layer.pieces, (u + 1) * layer.pieces)))); break;
      case 'residual': {
        const branch = cpuForward(layer.layers, h, weights, `${name}/`);
        const p = weights.get(`${name}/projection/kernel`);
        h = h.map((row, r) => {
          const out = branch[r]!.slice();
          if (!p) { for (let o = 0; o < out.length; o++) out[o]! += row[o]!; return out; }
          for (let o = 0; o < out.length; o++) for (let k = 0; k < row.length; k++) out[o]! += row[k]! * p[k * out.length + o]!;
          return out;
        });
        break;
      }
    }
  });
  return h;
}

function byName(parameters: readonly ParameterEntry[], packed: Float32Array): Map<string, Float64Array> {
  const map = new Map<string, Float64Array>();
  let at = 0;
  for (const p of parameters) {
    map.set(p.name, Float64Array.from(packed.subarray(at, at + p.size)));
    at += p.size;
  }
  return map;
}

/** Nested blocks, a projection (8 -> 5), dropout and maxout inside branches. */
const nestedModel = (): LayerSpec[] => [
  dense(6, 8), relu(),
  residual([dense(8, 8), tanh(), dropout(0.3), residual([dense(8, 6), maxout(3, 2), dense(3, 8)]), sigmoid()]),
  residual([dense(8, 5), relu(), dropout(0.2), dense(5, 5)]),
  relu(), dense(5, 3),
];

describe('residual blocks', function () {
  this.timeout(600_000);

  it('forward: the logits equal a CPU forward of the same weights (identity skips, a projection, nested blocks)', async () => {
    const engine = await getEngine();
    const model = new Sequential(engine, nestedModel(), { seed: 3 });
    expect(model.parameters.map((p) => p.name)).to.include.members([
      'residual_2/dense_0/kernel', 'residual_2/residual_3/dense_0/kernel', 'residual_2/residual_3/dense_2/bias',
      'residual_3/projection/kernel', 'residual_3/dense_0/kernel',
    ]);
    const { x } = blobs(9, 6, 4);
    const logits = await model.predict(x, { output: 'logits' });
    const rows = Array.from({ length: 9 }, (_, r) => Float64Array.from(x.subarray(r * 6, r * 6 + 6)));
    const want = cpuForward(model.layers, rows, byName(model.parameters, await model.getWeights()), '');
    expect(logits.shape).to.deep.equal([9, 3]);
    for (let r = 0; r < 9; r++) {
      for (let c = 0; c < 3; c++) expect(logits.data[r * 3 + c]).to.be.closeTo(want[r]![c]!, 1e-4);
    }
    model.dispose();
  });

  it('backward: the gradients fit uses match finite differences for every parameter tensor of nested blocks with dropout and maxout', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(12, 6, 5);
    const model = new Sequential(engine, nestedModel(), { seed: 11 });
    const pick = rng(7);
    // three elements of every parameter tensor: the projection and each nested layer are covered
    const indices: number[] = [];
    const names: string[] = [];
    let at = 0;
    for (const p of model.parameters) {
      for (let k = 0; k < 3; k++) indices.push(at + Math.floor(pick() * p.size));
      names.push(...Array(p.size).fill(p.name));
      at += p.size;
    }
    const bad = await gradientMismatches(model, x, y, { indices, label: (i) => `${names[i]}` }, { training: true, step: 3 });
    expect(indices.length).to.equal(3 * model.parameters.length);
    // a kink of relu/maxout may fall inside ±h for an odd parameter; allow one
    expect(bad.length, bad.join('; ')).to.be.at.most(1);
    model.dispose();
  });

  it('an identity block costs one dispatch forward and one backward (plus the gates it keeps apart); the step stays one submit with no readback', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(64, 16, 6);
    const data = ResidentDataset.upload(engine, x, y, 16, { classes: 3 });
    const count = async (layers: LayerSpec[]) => {
      const model = new Sequential(engine, layers, { seed: 1 });
      model.trainOnBatch(data, { batchSize: 32 }); // warm-up
      await engine.sync();
      const before = engine.stats();
      model.trainOnBatch(data, { batchSize: 32 });
      const after = engine.stats();
      model.dispose();
      return { dispatches: after.dispatches - before.dispatches, submits: after.submits - before.submits, reads: after.reads - before.reads };
    };
    const plain = await count([dense(16, 16), relu(), dense(16, 16), relu(), dense(16, 3)]);
    const block = await count([dense(16, 16), relu(), residual([dense(16, 16), relu()]), dense(16, 3)]);
    // the same layers; the block adds its axpy forward and its axpy backward, and the two
    // relu derivatives next to its edges, which the plain chain folds into the dX matmuls,
    // run on their own (fusions never cross a block's edge)
    expect(block.dispatches).to.equal(plain.dispatches + 4);
    expect(block.submits).to.equal(1);
    expect(block.reads).to.equal(0);
    data.dispose();
  });

  it('a 784-64-[residual 64]x2-10 net trains on 2,000 MNIST images to >= 90% on 1,000 held-out images through fit', async () => {
    const engine = await getEngine();
    const mnist = await getMnist();
    const train = subset(mnist.train, 0, 2000);
    const held = subset(mnist.train, 59000, 1000);
    const model = new Sequential(engine, [
      dense(784, 64), relu(),
      residual([dense(64, 64, { init: 'heNormal' }), relu(), dense(64, 64, { init: 'heNormal' })]), relu(),
      residual([dense(64, 64, { init: 'heNormal' }), relu(), dense(64, 64, { init: 'heNormal' })]), relu(),
      dense(64, 10),
    ], { optimizer: rmsprop({ lr: 0.001 }), seed: 7 });
    const history = await model.fit(train.images, train.labels, { verbose: 0, epochs: 5, batchSize: 32 });
    const { accuracy, loss } = await model.evaluate(held.images, held.labels);
    expect(accuracy, `held-out accuracy (loss ${loss})`).to.be.at.least(0.9);
    expect(history.history.loss[4]).to.be.below(history.history.loss[0]!);
    model.dispose();
  });

  it('a checkpoint of a model with blocks round-trips: resumed training is bit-identical to uninterrupted training', async () => {
    const engine = await getEngine();
    const { x, y } = blobs(120, 6, 8);
    const make = () => new Sequential(engine, nestedModel(), { seed: 5, optimizer: adam({ lr: 0.01 }) });
    const straight = make();
    await straight.fit(x, y, { verbose: 0, epochs: 3, batchSize: 16 });
    const first = make();
    await first.fit(x, y, { verbose: 0, epochs: 2, batchSize: 16 });
    const checkpoint = await first.saveCheckpoint();
    const resumed = make();
    resumed.loadCheckpoint({ manifest: JSON.parse(JSON.stringify(checkpoint.manifest)), data: checkpoint.data.slice(0) });
    expect(resumed.epochCount).to.equal(2);
    await resumed.fit(x, y, { verbose: 0, epochs: 3, batchSize: 16, initialEpoch: resumed.epochCount });
    expectBitEqual(await resumed.getWeights(), await straight.getWeights());
    for (const m of [straight, first, resumed]) m.dispose();
  });

  it('safetensors names a block like PyTorch would (index.branch.i, index.projection) and round-trips', async () => {
    const engine = await getEngine();
    const model = new Sequential(engine, nestedModel(), { seed: 2 });
    const bytes = await model.saveSafetensors({ layout: 'pytorch' });
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { shape: number[] }>;
    expect(header['2.branch.0.weight']!.shape).to.deep.equal([8, 8]);
    expect(header['2.branch.3.branch.2.bias']!.shape).to.deep.equal([8]);
    expect(header['3.projection.weight']!.shape).to.deep.equal([5, 8]); // [out, in]
    const other = new Sequential(engine, nestedModel(), { seed: 9 });
    other.loadSafetensors(bytes, { layout: 'pytorch' });
    expectBitEqual(await other.getWeights(), await model.getWeights());
    model.dispose();
    other.dispose();
  });

  it('summary() lists a block with its branch indented and counts its parameters exactly', async () => {
    const engine = await getEngine();
    const model = new Sequential(engine, [dense(4, 6), residual([dense(6, 6), relu()]), residual([dense(6, 3)]), dense(3, 2)]);
    const text = model.summary();
    expect(text).to.match(/residual_1 \(Residual\)\s+\[batch, 6\]\s+42/);
    expect(text).to.match(/\n {2}dense_0 \(Dense\)\s+\[batch, 6\]\s+42/);
    // 6->3 branch (18 + 3) plus its 6x3 projection (18)
    expect(text).to.match(/residual_2 \(Residual\)\s+\[batch, 3\]\s+39/);
    expect(model.parameterCount).to.equal(4 * 6 + 6 + 42 + 39 + 3 * 2 + 2);
    model.dispose();
  });

  it('plain-object block specs work like the factory, with every nested default filled in', async () => {
    const engine = await getEngine();
    const plain = new Sequential(engine, [
      { kind: 'dense', inUnits: 4, outUnits: 4 } as LayerSpec,
      { kind: 'residual', layers: [{ kind: 'dense', inUnits: 4, outUnits: 4 }, { kind: 'relu' }] } as LayerSpec,
      dense(4, 2),
    ], { seed: 4 });
    const built = new Sequential(engine, [dense(4, 4), residual([dense(4, 4), relu()]), dense(4, 2)], { seed: 4 });
    expect(plain.layers).to.deep.equal(built.layers);
    expectBitEqual(await plain.getWeights(), await built.getWeights());
    plain.dispose();
    built.dispose();
  });
});
