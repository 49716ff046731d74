/**
 * GPU errors are never lost and never reported late against an unrelated call;
 * adapter limits are checked before any GPU work; warnings go to onWarning.
 * Internal entry points (engine.scheduler, engine.registry) stand in for a bug
 * in an op: the public ops check their arguments first, so they do not
 * produce such GPU errors themselves.
 */
import { expect } from 'chai';
import { getEngine, newEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import {
  createEngine, dense, relu, sgd, Sequential, GpuError, LimitError, ValueError, type Engine,
} from '../src/index.js';

const COPY_KERNEL = {
  file: 'test/copy.wgsl',
  source: `
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&dst)) { dst[id.x] = src[id.x] * 2.0; }
}`,
  entryPoints: { main: [{ name: 'src', binding: 0, kind: 'read-only-storage' as const }, { name: 'dst', binding: 1, kind: 'storage' as const }] },
};

async function reluWorks(engine: Engine): Promise<void> {
  const out = engine.relu(engine.tensor([-1, 2, -3, 4], [4]));
  expect(Array.from(await out.read())).to.deep.equal([0, 2, 0, 4]);
  out.dispose();
}

describe('GPU errors and adapter limits', function () {
  this.timeout(120_000);

  it('a GPU validation error becomes a GpuError at the next sync, naming the op; later calls are not blamed', async () => {
    const engine = await getEngine();
    await engine.sync();
    const kernel = engine.registry.pipeline(COPY_KERNEL, 'main');
    const t = engine.tensor(new Float32Array(64).fill(1), [64]);
    // The same buffer bound read-only and writable in one dispatch: WebGPU refuses the submit.
    engine.scheduler.currentOp = 'selfCopy';
    try {
      engine.scheduler.dispatch({ kernel, buffers: { src: t.buffer, dst: t.buffer }, workgroups: [1] });
    } finally {
      engine.scheduler.currentOp = null;
    }
    const err = await thrown(() => engine.sync());
    expect(err, String(err)).to.be.instanceOf(GpuError);
    expect(err.message).to.include('selfCopy');
    expect((err as GpuError).kind).to.equal('validation');
    // reported once: the next sync and read succeed, and the engine computes
    await engine.sync();
    await reluWorks(engine);
    t.dispose();
  });

  it('a GPU error is observed by the read of work submitted with it', async () => {
    const engine = await getEngine();
    const kernel = engine.registry.pipeline(COPY_KERNEL, 'main');
    const t = engine.tensor(new Float32Array(64).fill(1), [64]);
    engine.scheduler.dispatch({ kernel, buffers: { src: t.buffer, dst: t.buffer }, workgroups: [1] });
    const err = await thrown(() => t.read());
    expect(err, String(err)).to.be.instanceOf(GpuError);
    expect(Array.from(await t.read())).to.deep.equal(new Array(64).fill(1)); // the refused work did not run
    t.dispose();
    await reluWorks(engine);
  });

  it('a GPU call that throws synchronously is a typed error and leaves no error scope pushed', async () => {
    const engine = await getEngine();
    const kernel = engine.registry.pipeline(COPY_KERNEL, 'main');
    const t = engine.tensor(new Float32Array(64), [64]);
    const err = await thrown(() => engine.scheduler.dispatch({
      kernel, buffers: { src: { buffer: 42 as unknown as GPUBuffer }, dst: t.buffer }, workgroups: [1],
    }));
    expect(err, String(err)).to.be.instanceOf(GpuError);
    // Were a scope left pushed, it would swallow this next error and the sync would succeed.
    engine.scheduler.dispatch({ kernel, buffers: { src: t.buffer, dst: t.buffer }, workgroups: [1] });
    expect(await thrown(() => engine.sync())).to.be.instanceOf(GpuError);
    t.dispose();
    await reluWorks(engine);
  });

  it('a tensor over maxBufferSize is a LimitError naming the limit, before anything is allocated', async () => {
    const engine = await getEngine();
    const max = engine.device.limits.maxBufferSize;
    const elements = Math.floor(max / 4) + 1;
    const before = engine.stats();
    const err = await thrown(() => engine.zeros([elements]));
    expect(err, String(err)).to.be.instanceOf(LimitError).and.instanceOf(ValueError);
    expect(err.message).to.include('maxBufferSize').and.include(String(max)).and.include(String(elements * 4));
    expect(engine.stats().createdBuffers).to.equal(before.createdBuffers);
    expect(engine.stats().liveTensors).to.equal(before.liveTensors);
    await reluWorks(engine);
  });

  it('a dispatch grid over maxComputeWorkgroupsPerDimension is a LimitError before anything is recorded', async () => {
    const engine = await getEngine();
    await engine.sync();
    const kernel = engine.registry.pipeline(COPY_KERNEL, 'main');
    const t = engine.tensor(new Float32Array(64), [64]);
    const u = engine.tensor(new Float32Array(64), [64]);
    const before = engine.stats();
    const max = engine.device.limits.maxComputeWorkgroupsPerDimension;
    const err = await thrown(() => engine.scheduler.dispatch({ kernel, buffers: { src: t.buffer, dst: u.buffer }, workgroups: [max + 1] }));
    expect(err, String(err)).to.be.instanceOf(LimitError);
    expect(err.message).to.include('maxComputeWorkgroupsPerDimension').and.include(String(max));
    expect(engine.stats().dispatches).to.equal(before.dispatches);
    await engine.sync();
    t.dispose();
    u.dispose();
  });

  it('an op binding more than maxStorageBufferBindingSize is a LimitError and frees its output (where the binding limit is below the buffer limit, e.g. lavapipe)', async function () {
    const engine = await getEngine();
    const limits = engine.device.limits;
    if (limits.maxStorageBufferBindingSize >= limits.maxBufferSize || limits.maxStorageBufferBindingSize > 512 * 2 ** 20) this.skip();
    const big = engine.empty([limits.maxStorageBufferBindingSize / 4 + 64], 'f32');
    const before = engine.stats();
    const err = await thrown(() => engine.relu(big));
    expect(err, String(err)).to.be.instanceOf(LimitError);
    expect(err.message).to.include('relu').and.include('maxStorageBufferBindingSize').and.include(String(limits.maxStorageBufferBindingSize));
    expect(engine.stats().liveTensors, 'the output tensor was freed').to.equal(before.liveTensors);
    expect(engine.stats().dispatches).to.equal(before.dispatches);
    big.dispose();
    await reluWorks(engine);
  });

  it('a layer too large for one binding is refused when the model is built, never trained with loss 0 (where the binding limit is at most 512 MiB, e.g. lavapipe)', async function () {
    const engine = await getEngine();
    const limit = engine.device.limits.maxStorageBufferBindingSize;
    if (limit > 512 * 2 ** 20) this.skip();
    const units = Math.ceil(Math.sqrt(limit / 4)) + 8; // units² weights: just over one binding
    const before = engine.stats();
    const err = await thrown(() => new Sequential(engine, [dense(units, units), relu(), dense(units, 3)], { seed: 1 }));
    expect(err, String(err)).to.be.instanceOf(LimitError);
    expect(err.message).to.include('maxStorageBufferBindingSize').and.include(String(limit));
    expect(engine.stats().liveTensors).to.equal(before.liveTensors);
    await reluWorks(engine);
  });

  it('a model whose flat parameter buffer exceeds one binding trains: the optimizer updates it in binding-sized chunks (where the binding limit is at most 128 MiB, e.g. lavapipe)', async function () {
    const engine = await getEngine();
    const limit = engine.device.limits.maxStorageBufferBindingSize;
    if (limit > 128 * 2 ** 20 || engine.device.limits.maxBufferSize < 4 * limit) this.skip();
    // Layers that each fit a binding, together well over one.
    const units = Math.floor(Math.sqrt(limit / 4 / 3.5));
    const layers = [dense(units, units), relu(), dense(units, units), relu(), dense(units, units), relu(), dense(units, units), relu(), dense(units, 3)];
    const model = new Sequential(engine, layers, { seed: 1, optimizer: sgd({ lr: 0.05 }) });
    expect(model.parameterCount * 4).to.be.greaterThan(limit);
    const x = new Float32Array(8 * units).map((_, i) => Math.sin(i));
    const y = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
    const before = await model.saveWeights();
    const dispatchesBefore = engine.stats().dispatches;
    await model.fit(x, y, { epochs: 1, batchSize: 8 });
    expect(engine.stats().dispatches).to.be.greaterThan(dispatchesBefore);
    const after = await model.saveWeights();
    // every layer moved, including those past the first binding's worth of parameters
    for (const record of after.manifest.tensors.filter((r) => r.name.endsWith('kernel'))) {
      const a = new Float32Array(before.data, record.byteOffset, record.byteLength / 4);
      const b = new Float32Array(after.data, record.byteOffset, record.byteLength / 4);
      let changed = 0;
      for (let i = 0; i < a.length; i += 97) if (a[i] !== b[i]) changed++;
      expect(changed, `${record.name} changed`).to.be.greaterThan(0);
      expect(b.every(Number.isFinite), `${record.name} finite`).to.equal(true);
    }
    model.dispose();
  });

  it('an uncaptured GPU error of the app on a shared device goes to onWarning, not to the console or to our calls', async () => {
    const first = await newEngine();
    const warnings: string[] = [];
    const engine = await createEngine({ device: first.device, onWarning: (m) => warnings.push(m) });
    // the app's own mistake: an invalid buffer usage combination
    engine.device.createBuffer({ size: 16, usage: 0x0001 /* MAP_READ */ | 0x0080 /* STORAGE */ });
    await engine.sync();
    for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(warnings.join('\n')).to.include('uncaptured GPU error');
    await reluWorks(engine);
    engine.destroy();
    first.destroy();
  });
});
