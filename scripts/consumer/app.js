// A web app as a user writes it: it imports the installed package by name and
// runs on the page's own GPUDevice. Bundled by the consumer test with plain
// esbuild, webpack and Rollup, and run in headless Chromium.
import { createEngine, Sequential, dense, relu, sgd, ShapeError } from 'wgsl-tensor';

async function main() {
  const adapter = await navigator.gpu.requestAdapter();
  const device = await adapter.requestDevice();
  const engine = await createEngine({ device });

  // Two classes of 2-D points split by the line x + y = 0.
  const n = 256;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < n; i++) {
    x[2 * i] = random() * 2 - 1;
    x[2 * i + 1] = random() * 2 - 1;
    y[i] = x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0;
  }
  const model = new Sequential(engine, [dense(2, 16), relu(), dense(16, 2)],
    { loss: 'softmaxCrossEntropy', optimizer: sgd({ lr: 0.2 }), seed: 1 });
  const before = await model.evaluate(x, y);
  await model.fit(x, y, { epochs: 4, batchSize: 32 });
  const after = await model.evaluate(x, y);

  let typedError = '';
  try { engine.tensor(new Float32Array(5), [2, 3]); } catch (err) { typedError = err instanceof ShapeError ? err.message : `wrong class: ${err}`; }
  engine.destroy();
  // the app's device outlives the engine
  const stillAlive = device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE }) !== null;
  return { before: before.loss, after: after.loss, typedError, stillAlive, adapter: engine.adapterName };
}

window.result = main().catch((err) => ({ error: String(err && err.stack || err) }));
