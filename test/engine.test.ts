import { expect } from 'chai';
import { getEngine, newEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';
import { expectBitEqual } from './helpers/compare.js';
import { uniform } from './helpers/random.js';
import { createEngine, DeviceLostError, DisposedError, ShaderError, ShapeError, ValueError, type Tensor } from '../src/index.js';
import { reflectEntryPoints } from '../src/gpu/reflect-bindings.js';


describe('engine core', () => {
  it('names its adapter', async () => {
    const engine = await getEngine();
    expect(engine.adapterName).to.be.a('string').and.not.equal('');
    expect(engine.adapter.runtime).to.be.oneOf(['browser', 'node']);
  });

  it('uploads and reads back f32, i32 and u32 tensors exactly', async () => {
    const engine = await getEngine();
    const f = Float32Array.from([1.5, -0, NaN, 3e38, -1e-45]);
    const i = Int32Array.from([-2147483648, -1, 0, 2147483647]);
    const u = Uint32Array.from([0, 1, 4294967295]);
    expectBitEqual(await engine.tensor(f, [5]).read(), f);
    expectBitEqual(await engine.tensor(i, [2, 2]).read(), i);
    expectBitEqual(await engine.tensor(u, [3]).read(), u);
    const fromArray = engine.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(fromArray.dtype).to.equal('f32');
    expect(fromArray.shape).to.deep.equal([2, 3]);
    expect(Array.from(await fromArray.read())).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('zeros() clears pooled memory in order with recorded work', async () => {
    const engine = await getEngine();
    const junk = engine.tensor(new Float32Array(1000).fill(7), [1000]);
    junk.dispose();
    engine.flush(); // the freed buffer becomes reusable
    const z = engine.zeros([1000]);
    expect(Array.from(await z.read()).every((v) => v === 0)).to.equal(true);
    z.dispose();
  });

  it('views read and write a window of a larger tensor', async () => {
    const engine = await getEngine();
    const base = engine.tensor(new Float32Array(256).map((_, k) => k), [256]);
    const v = engine.view(base, 64, [2, 32]);
    expect(Array.from(await v.read()).slice(0, 3)).to.deep.equal([64, 65, 66]);
    engine.write(v, new Float32Array(64).fill(-1));
    const all = await base.read();
    expect([all[63], all[64], all[127], all[128]]).to.deep.equal([63, -1, -1, 128]);
    const r = await engine.relu(v).read();
    expect(Array.from(r).every((x) => x === 0)).to.equal(true);
    expect(() => engine.view(base, 3, [4])).to.throw(/elementOffset/);
    expect(() => engine.view(base, 192, [128])).to.throw(ShapeError);
    base.dispose();
    expect(v.disposed).to.equal(true);
    await thrown(() => v.read()).then((e) => expect(e).to.be.instanceOf(DisposedError));
  });

  it('creating and disposing 1,000 tensors of mixed sizes keeps live buffers bounded and reuses pooled ones', async () => {
    const engine = await getEngine();
    const before = engine.stats();
    const sizes = [1, 7, 64, 100, 1000, 4097, 65536, 300000];
    const held: Tensor[] = [];
    for (let k = 0; k < 1000; k++) {
      const n = sizes[k % sizes.length]!;
      held.push(engine.zeros([n]));
      if (held.length > 10) held.shift()!.dispose();
      if (k % 50 === 49) engine.flush(); // retired buffers become reusable after a submit
    }
    const during = engine.stats();
    for (const t of held) t.dispose();
    engine.flush();
    const after = engine.stats();
    expect(during.liveTensors - before.liveTensors).to.equal(10);
    expect(after.liveTensors).to.equal(before.liveTensors);
    expect(after.liveBuffers).to.equal(before.liveBuffers);
    // at most ~a window's worth of buffers per size class were ever created
    expect(after.createdBuffers - before.createdBuffers).to.be.below(100);
    expect(after.reusedBuffers - before.reusedBuffers).to.be.above(850);
    expect(after.pooledBytes).to.be.above(0);
  });

  it('never hands out a buffer that recorded, unsubmitted work still reads', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(4096).fill(2), [4096]);
    const y = engine.tanh(x); // recorded, not submitted
    x.dispose();               // its buffer must not be reused before the submit
    const z = engine.tensor(new Float32Array(4096).fill(-5), [4096]); // same size class
    const ys = await y.read();
    expect(ys[0]).to.be.closeTo(Math.tanh(2), 1e-6);
    expect((await z.read())[0]).to.equal(-5);
    y.dispose(); z.dispose();
  });

  it('a batch of many dispatches gives the same results as one dispatch per submit', async () => {
    const engine = await getEngine();
    const data = uniform(10007, 3, -3, 3);
    const chain = (flushEach: boolean) => {
      let t = engine.tensor(data, [10007]);
      for (let k = 0; k < 60; k++) {
        const next = k % 3 === 0 ? engine.tanh(t) : k % 3 === 1 ? engine.sigmoid(t) : engine.reluBackward(t, t);
        t.dispose();
        t = next;
        if (flushEach) engine.flush();
      }
      return t;
    };
    const s0 = engine.stats().submits;
    const batched = chain(false);
    const batchedOut = await batched.read();
    const s1 = engine.stats().submits;
    const single = chain(true);
    const singleOut = await single.read();
    const s2 = engine.stats().submits;
    expect(s1 - s0, 'batched: one submit (for the read)').to.equal(1);
    expect(s2 - s1, 'one submit per dispatch').to.be.at.least(60);
    expectBitEqual(batchedOut, singleOut, 'batched vs per-dispatch');
    batched.dispose(); single.dispose();
  });

  it('caches pipelines: concurrent compiles of one kernel compile once', async () => {
    const engine = await getEngine();
    const source = `
      struct Params { n: u32 }
      override FACTOR: f32 = 2.0;
      @group(0) @binding(0) var<uniform> params: Params;
      @group(0) @binding(1) var<storage, read_write> data: array<f32>;
      @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
        if (g.x < params.n) { data[g.x] = data[g.x] * FACTOR; }
      }`;
    // A kernel the build did not see brings its layouts; the specs may reflect them with wgsl_reflect.
    const kernel = { file: 'test/inline-scale.wgsl', source, entryPoints: reflectEntryPoints('test/inline-scale.wgsl', source) };
    const before = engine.stats().pipelines;
    const compiled = await Promise.all([1, 2, 3, 4].map(() => engine.compile(kernel, 'main', { FACTOR: 3 })));
    expect(new Set(compiled).size).to.equal(1);
    expect(engine.stats().pipelines - before).to.equal(1);
    const again = engine.registry.pipeline(kernel, 'main', { FACTOR: 3 });
    expect(again).to.equal(compiled[0]);
    // reflected layout: uniform at 0, read-write storage at 1
    expect(again.bindings.map((b) => `${b.binding}:${b.name}:${b.kind}`)).to.deep.equal(['0:params:uniform', '1:data:storage']);
  });

  describe('misuse throws a clear error and leaves the engine usable', () => {
    it('data length not matching shape', async () => {
      const engine = await getEngine();
      const err = await thrown(() => engine.tensor(new Float32Array(5), [2, 3]));
      expect(err).to.be.instanceOf(ShapeError);
      expect(err.message).to.match(/5 elements.*\[2,3\].*6/);
    });

    it('negative, zero or fractional dims', async () => {
      const engine = await getEngine();
      for (const shape of [[-1, 2], [2.5], [0], []]) {
        const err = await thrown(() => engine.tensor(new Float32Array(2), shape));
        expect(err, JSON.stringify(shape)).to.be.instanceOf(ShapeError);
        expect(err.message).to.match(/shape/);
      }
    });

    it('reading or using a disposed tensor', async () => {
      const engine = await getEngine();
      const t = engine.tensor([1, 2, 3], [3]);
      t.dispose();
      const err = await thrown(() => t.read());
      expect(err).to.be.instanceOf(DisposedError);
      expect(err.message).to.match(/dispose/);
      expect(() => engine.relu(t)).to.throw(DisposedError, /relu: x/);
    });

    it('a shader with a syntax error names the file and line', async () => {
      const engine = await getEngine();
      const bad = { file: 'shaders/broken-on-purpose.wgsl', source: '@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = ;\n}\n', entryPoints: { main: [] } };
      const err = await thrown(() => engine.compile(bad, 'main'));
      expect(err).to.be.instanceOf(ShaderError);
      expect(err.message).to.contain('shaders/broken-on-purpose.wgsl');
      expect(err.message).to.match(/:3\b|Line: 3/);
      const typeErr = { file: 'shaders/type-error-on-purpose.wgsl', source: '@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = 1.0;\n  let y: u32 = x;\n}\n', entryPoints: { main: [] } };
      const err2 = await thrown(() => engine.compile(typeErr, 'main'));
      expect(err2).to.be.instanceOf(ShaderError);
      expect(err2.message).to.match(/type-error-on-purpose\.wgsl:4:/);
    });

    it('tensors of another engine', async () => {
      const engine = await getEngine();
      const other = await newEngine();
      const foreign = other.tensor([1, 2], [2]);
      expect(() => engine.relu(foreign)).to.throw(DisposedError, /another engine/);
      other.destroy();
    });

    afterEach(async () => {
      const engine = await getEngine();
      const r = await engine.relu(engine.tensor([-1, 2], [2])).read();
      expect(Array.from(r)).to.deep.equal([0, 2]);
    });
  });

  it('an engine on an app-provided device never destroys it', async () => {
    const owner = await newEngine();
    const guest = await createEngine({ device: owner.device });
    expect(guest.adapter.runtime).to.equal('app-device');
    const t = guest.tensor([1, -1], [2]);
    expect(Array.from(await guest.relu(t).read())).to.deep.equal([1, 0]);
    guest.destroy();
    expect(() => guest.tensor([1], [1])).to.throw(DeviceLostError, /destroyed/);
    // the device still works for its owner
    expect(Array.from(await owner.relu(owner.tensor([3, -3], [2])).read())).to.deep.equal([3, 0]);
    owner.destroy();
  });

  it('device loss: pending reads reject and every later call throws "device lost"', async () => {
    const engine = await newEngine();
    const x = engine.tensor(uniform(100000, 1), [100000]);
    const y = engine.sigmoid(x);
    const pending = y.read();
    engine.device.destroy();
    // the read may have completed before the loss, or reject with DeviceLostError: it must not hang
    await pending.then(() => undefined, (err) => expect(err).to.be.instanceOf(Error));
    await engine.device.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(engine.alive).to.equal(false);
    expect(() => engine.tensor([1], [1])).to.throw(DeviceLostError, /device was lost/);
    expect(() => engine.relu(y)).to.throw(DeviceLostError);
    const err = await thrown(() => y.read());
    expect(err).to.be.instanceOf(DeviceLostError);
  });

  it('stats() keep the high-water marks: peak live bytes and peak GPU bytes held by the pool', async () => {
    const engine = await newEngine();
    try {
      const a = engine.tensor(new Float32Array(1000), [1000]);
      const b = engine.tensor(new Float32Array(3000), [3000]);
      const full = engine.stats();
      expect(full.peakLiveBytes).to.equal(full.liveBytes);
      expect(full.allocatedBytes).to.equal(full.liveBytes);
      a.dispose();
      b.dispose();
      await engine.sync();
      const after = engine.stats();
      expect(after.liveBytes).to.be.below(full.liveBytes);
      expect(after.peakLiveBytes, 'the peak stays').to.equal(full.peakLiveBytes);
      // Freed buffers are pooled for reuse, not destroyed (once nothing pending uses them).
      expect(after.allocatedBytes).to.equal(full.allocatedBytes);
      expect(after.allocatedBytes).to.equal(after.liveBytes + after.pooledBytes);
      expect(after.peakAllocatedBytes).to.equal(full.allocatedBytes);
      // Reusing the pooled buffers raises neither mark.
      const c = engine.tensor(new Float32Array(3000), [3000]);
      expect(engine.stats().peakAllocatedBytes).to.equal(full.allocatedBytes);
      c.dispose();
    } finally {
      engine.destroy();
    }
  });

  it('profile() times each dispatch with timestamp queries, without changing results', async () => {
    const engine = await getEngine();
    const a = engine.tensor(uniform(64 * 48, 11), [64, 48]);
    const b = engine.tensor(uniform(48 * 32, 12), [48, 32]);
    const plain = await engine.relu(engine.matmul(a, b)).read();
    if (!engine.canProfile) {
      expect((await thrown(() => engine.profile(() => {}))) ).to.be.instanceOf(ValueError);
      return;
    }
    let profiled: Float32Array | null = null;
    const entries = await engine.profile(async () => {
      const y = engine.relu(engine.matmul(a, b));
      profiled = await y.read(); // a read inside the profiled region is allowed
      engine.relu(y);
    });
    expectBitEqual(profiled!, plain);
    expect(entries.map((e) => e.kernel)).to.deep.equal(['shaders/matmul.wgsl', 'shaders/activations.wgsl', 'shaders/activations.wgsl']);
    for (const e of entries) expect(e.gpuMs).to.be.a('number').and.satisfy((v: number) => Number.isFinite(v) && v >= 0);
    expect(entries.some((e) => e.gpuMs > 0), 'some kernel took measurable time').to.equal(true);
    // Profiling ends with the call: later work runs in the normal single pass.
    expect(engine.scheduler.profiler).to.equal(null);
    expect(await thrown(() => engine.profile(() => { throw new ShapeError('from record'); }))).to.be.instanceOf(ShapeError);
    expect(engine.scheduler.profiler).to.equal(null);
    expectBitEqual(await engine.relu(engine.matmul(a, b)).read(), plain);
  });
});
