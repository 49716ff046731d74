// Node: the package loads by `import` and by `require` (the same ESM build,
// through Node's require(esm)), runs a matmul on Dawn, and throws typed
// errors. It prints nothing itself; the consumer test checks that nothing
// else did either.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import * as imported from 'wgsl-tensor';

const required = createRequire(import.meta.url)('wgsl-tensor');
assert.equal(required.createEngine, imported.createEngine, 'require and import give the same module');
const subpath = await import('wgsl-tensor/node');
assert.equal(subpath.createEngine, imported.createEngine, "'wgsl-tensor/node' is the same module");

const engine = await imported.createEngine();
const a = engine.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
const b = engine.tensor([1, 0, 0, 1, 1, 1], [3, 2]);
const c = await engine.matmul(a, b).read();
assert.deepEqual([...c], [4, 5, 10, 11]);
assert.throws(() => engine.tensor([1, 2, 3], [2, 2]), required.ShapeError);
await assert.rejects(() => imported.loadMnist({ trainImages: 1 }), imported.ValueError);
engine.destroy();
