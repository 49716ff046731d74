// Type-checked against the installed declarations with TypeScript 5 and 7
// (strict, skipLibCheck false; NodeNext and Bundler resolution).
import { createEngine, Sequential, dense, relu, adam, ShapeError, type Engine, type Tensor, type History } from 'wgsl-tensor';
import { loadMnist, type Mnist } from 'wgsl-tensor/node';

export async function train(device: GPUDevice): Promise<number> {
  const engine: Engine = await createEngine({ device, onWarning: (message: string) => console.warn(message) });
  const model = new Sequential(engine, [dense(2, 4), relu(), dense(4, 2)], { loss: 'softmaxCrossEntropy', optimizer: adam({ lr: 0.01 }) });
  const history: History = await model.fit(new Float32Array(8), new Int32Array(4), { epochs: 1, batchSize: 2 });
  const t: Tensor = engine.tensor([1, 2, 3, 4], [2, 2]);
  const data: Float32Array = await t.read() as Float32Array;
  if (!(new ShapeError('x') instanceof Error)) throw new Error('unreachable');
  return history.history.loss.length + data.length;
}

export function mnist(directory: string): Promise<Mnist> {
  return loadMnist(directory);
}
