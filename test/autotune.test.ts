import { expect } from 'chai';
import { createEngine, dense, dropout, relu, residual, adam, Sequential, type Engine, type TuningCache, type TuningRecord } from '../src/index.js';
import { candidateVariants, pickVariant, type MatmulShape } from '../src/ops/matmul.js';
import { matmul as matmulRef } from '../src/reference/matmul.js';
import { blobs } from './helpers/blobs.js';
import { expectBitEqual, expectClose } from './helpers/compare.js';
import { uniform } from './helpers/random.js';

/** The 10-unit layer's forward at batch 256: a C of few 8x8 blocks, with several candidates. */
const SKINNY = { m: 256, n: 10, k: 512 };
const SKINNY_SHAPE: MatmulShape = { ...SKINNY, rows: 256, transposeA: false, transposeB: false, columnSums: false };
const SKINNY_KEY = 'matmul 256x10x512';

/** A cache that keeps values in a Map, answering `get` with a promise when asked to (as IndexedDB would). */
function mapCache(async = false): TuningCache & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    get: (key) => (async ? Promise.resolve(map.get(key)) : map.get(key)),
    set: (key, value) => { map.set(key, JSON.parse(JSON.stringify(value))); },
  };
}

/** A fake timer: `wanted` takes 1 ms, every other candidate 5 ms; counts its calls and never runs the GPU. */
function fakeTimer(engine: Engine, wanted: string) {
  const calls: string[] = [];
  const keys = new Set<string>();
  engine.tuning.timer = async (key, variant) => { calls.push(variant); keys.add(key); return variant === wanted ? 1 : 5; };
  return Object.assign(calls, { keys });
}

describe('autotune', () => {
  const engines: Engine[] = [];
  const fresh = async (options: Parameters<typeof createEngine>[0] = {}) => {
    const engine = await createEngine(options);
    engines.push(engine);
    return engine;
  };
  afterEach(() => { for (const e of engines.splice(0)) e.destroy(); });

  it('a fake timer picks the variant it is told to, and matmul then runs that variant', async () => {
    const candidates = candidateVariants(SKINNY_SHAPE).map((v) => v.name);
    const wanted = 'per_output';
    expect(candidates).to.include(wanted);
    expect(pickVariant(SKINNY_SHAPE).name, 'the default rule would pick another').to.not.equal(wanted);
    const engine = await fresh();
    const calls = fakeTimer(engine, wanted);
    const [choice] = await engine.autotune([SKINNY]);
    expect(choice).to.deep.include({ key: SKINNY_KEY, variant: wanted, source: 'measured' });
    expect(calls.sort()).to.deep.equal([...candidates].sort());
    expect(Object.keys(choice!.times).sort()).to.deep.equal([...candidates].sort());
    expect(engine.tuning.choiceFor(SKINNY_KEY)?.variant).to.equal(wanted);

    const aData = uniform(256 * 512, 1);
    const bData = uniform(512 * 10, 2);
    const a = engine.tensor(aData, [256, 512]);
    const b = engine.tensor(bData, [512, 10]);
    let c = engine.matmul(a, b);
    if (engine.canProfile) {
      c.dispose();
      const entries = await engine.profile(() => { c = engine.matmul(a, b); });
      expect(entries.map((e) => e.entryPoint)).to.deep.equal([wanted]);
    }
    expectClose(await c.read(), matmulRef(aData, bData, 256, 512, 10), { atol: 1e-4, rtol: 1e-4 }, 'tuned product');
  });

  it('real timing: every candidate gets a positive time and the fastest is kept', async () => {
    const engine = await fresh();
    // B stored transposed with K % 4 != 0: only the scalar kernels fit (5 candidates, each compiled once).
    const shape = { m: 40, n: 12, k: 9, transposeB: true };
    const [choice] = await engine.autotune([shape]);
    const times = Object.entries(choice!.times);
    expect(times.length).to.be.greaterThan(1);
    for (const [name, ms] of times) expect(ms, name).to.be.greaterThan(0).and.lessThan(Infinity);
    const fastest = Math.min(...times.map(([, ms]) => ms));
    expect(choice!.times[choice!.variant]).to.equal(fastest);
    expect(engine.stats().liveTensors, 'the timing operands are freed').to.equal(0);
  });

  for (const async of [false, true]) {
    it(`a cache${async ? ' answering with promises' : ''} round-trips: a second engine takes the choice and times nothing`, async () => {
      const cache = mapCache(async);
      const first = await fresh({ tuning: cache });
      fakeTimer(first, 'tiled@2x2');
      await first.autotune([SKINNY]);
      expect(cache.map.size).to.equal(1);
      const [key, value] = [...cache.map][0]!;
      // The key names the adapter and the kernel set, so another adapter or other kernels never share it.
      expect(key).to.include(first.adapter.vendor).and.include(first.adapter.description).and.include(SKINNY_KEY);
      expect((value as TuningRecord).variant).to.equal('tiled@2x2');

      const second = await fresh({ tuning: cache });
      const calls = fakeTimer(second, 'per_output');
      const before = second.stats();
      const [choice] = await second.autotune([SKINNY]);
      expect(calls, 'no candidate timed').to.deep.equal([]);
      expect(choice).to.deep.include({ variant: 'tiled@2x2', source: 'cache' });
      expect(choice!.times).to.deep.equal((value as TuningRecord).times);
      expect(second.stats().dispatches - before.dispatches, 'dispatches').to.equal(0);
    });
  }

  it('a cached value that names no candidate (older kernels, garbage) is ignored and the class is timed again', async () => {
    const cache = mapCache();
    const probe = await fresh({ tuning: cache });
    const key = probe.tuning.cacheKey(SKINNY_KEY);
    for (const bad of [{ variant: 'tiled_16x16', times: {} }, { variant: 'tiled_bt_vec4', times: {} }, 'tiled', null, { times: {} }]) {
      cache.map.set(key, bad);
      const engine = await fresh({ tuning: cache });
      const calls = fakeTimer(engine, 'tiled@4x1');
      const [choice] = await engine.autotune([SKINNY]);
      expect(choice, JSON.stringify(bad)).to.deep.include({ variant: 'tiled@4x1', source: 'measured' });
      expect(calls.length).to.be.greaterThan(1);
      expect(cache.map.get(key)).to.deep.include({ variant: 'tiled@4x1' });
    }
  });

  it("'fixed' does no timing work: no dispatch, no submit, no cache, the default rule's variant", async () => {
    const engine = await fresh({ tuning: 'fixed' });
    const calls = fakeTimer(engine, 'per_output');
    await engine.sync();
    const before = engine.stats();
    const choices = await engine.autotune([SKINNY, { m: 512, n: 10, k: 256, transposeA: true, columnSums: true }]);
    const after = engine.stats();
    expect(calls).to.deep.equal([]);
    for (const field of ['dispatches', 'submits', 'createdBuffers', 'liveTensors'] as const) expect(after[field], field).to.equal(before[field]);
    expect(choices.map((c) => c.source)).to.deep.equal(['default', 'default']);
    expect(choices[0]!.variant).to.equal(pickVariant(SKINNY_SHAPE, engine.tuning).name);
    expect(engine.tuning.mode).to.equal('fixed');
  });

  it('a class keeps its first variant for the engine\'s life: seeded training stays bit-reproducible', async () => {
    const engine = await fresh();
    const { x, y } = blobs(256, 10, 5);
    const fit = async () => {
      const model = new Sequential(engine, [dense(10, 16), relu(), dropout(0.3), dense(16, 3)], { seed: 4, optimizer: adam() });
      await model.fit(x, y, { verbose: 0, epochs: 2, batchSize: 32 });
      const w = await model.getWeights();
      model.dispose();
      return w;
    };
    const first = await fit();
    const chosen = engine.tuning.chosen;
    expect(chosen.length, 'classes met by the first fit').to.be.greaterThan(2);
    // A timer that would now prefer other variants changes nothing already used.
    const calls = fakeTimer(engine, 'per_output');
    const shapes = [{ m: 32, n: 16, k: 10 }, { m: 32, n: 3, k: 16 }, { m: 10, n: 16, k: 32, transposeA: true, columnSums: true },
      { m: 16, n: 3, k: 32, transposeA: true, columnSums: true }, { m: 32, n: 16, k: 3, transposeB: true }];
    const again = await engine.autotune(shapes);
    const used = again.filter((c) => chosen.some((d) => d.key === c.key));
    expect(used.length, 'shapes the fit used').to.be.greaterThan(0);
    for (const c of used) expect(c, c.key).to.deep.equal(chosen.find((d) => d.key === c.key));
    for (const key of calls.keys) expect(chosen.map((c) => c.key), 'timed only classes the fit never met').to.not.include(key);
    expectBitEqual(await fit(), first, 'second seeded fit on the same engine');
  });

  it("fit times its model's products before the first step ('auto'), every forward and backward product of every dense layer and projection; 'fixed' times nothing", async () => {
    const engine = await fresh();
    const timed = fakeTimer(engine, 'none-in-particular');
    const model = new Sequential(engine, [dense(12, 16), relu(), residual([dense(16, 8)]), dense(8, 3)], { seed: 1 });
    const { x, y } = blobs(50, 12, 3);
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    // 3 dense layers and one projection, 3 products each, for the 16-row batches and the 2-row
    // last batch: 24, of which some coincide (dense(16, 8)'s and the projection's)
    const shapes = model.trainingStep.matmulShapes([16, 2]);
    expect(shapes.length).to.be.within(12, 24);
    const measured = engine.tuning.chosen.filter((c) => c.source === 'measured');
    expect(measured.length, 'every product of the step was timed before it ran').to.equal(shapes.length);
    expect([...timed.keys].sort()).to.deep.equal(measured.map((c) => c.key).sort());
    model.dispose();

    const fixed = await fresh({ tuning: 'fixed' });
    const before = fixed.stats();
    const other = new Sequential(fixed, [dense(12, 16), relu(), dense(16, 3)], { seed: 1 });
    await other.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    expect(fixed.tuning.chosen.every((c) => c.source === 'default')).to.equal(true);
    const after = fixed.stats();
    // 4 steps of a two-layer net (gather, 2 forward, 2 loss, 3 backward, 1 update: 9 dispatches), no timing runs
    expect(after.dispatches - before.dispatches).to.equal(4 * 9);
    other.dispose();
  });

  it('createEngine refuses a bad tuning option with a typed error', async () => {
    const bad: [unknown, RegExp][] = [
      ['fast', /createEngine: options.tuning must be 'auto', 'fixed' or a cache \{ get\(key\), set\(key, value\) \}, got "fast"/],
      [{ get: () => undefined }, /options.tuning must be .* got an object/],
      [null, /options.tuning must be .* got null/],
    ];
    for (const [tuning, message] of bad) {
      let err: unknown;
      try { await createEngine({ tuning: tuning as never }); } catch (e) { err = e; }
      expect(err, String(tuning)).to.be.instanceOf(Error).with.property('name', 'ValueError');
      expect((err as Error).message).to.match(message);
    }
  });
});
