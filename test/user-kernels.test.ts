/**
 * User WGSL through engine.dispatch: kernels are told apart by their text, not
 * only by their file name, so two different kernels that happen to share a
 * name each run their own code.
 */
import { expect } from 'chai';
import { getEngine } from './helpers/engine.js';

const kernel = (factor: number) => ({
  file: 'my-kernel.wgsl',
  source: `
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * ${factor}.0; }
}`,
  entryPoints: { main: [{ name: 'data', binding: 0, kind: 'storage' as const }] },
});

describe('user kernels', () => {
  it('two kernels with the same file name but different WGSL each run their own code', async () => {
    const engine = await getEngine();
    const t = engine.tensor([1, 2, 3], [3]);
    engine.dispatch({ kernel: kernel(2), entryPoint: 'main', buffers: { data: t.binding }, workgroups: [1] });
    expect(Array.from(await t.read())).to.deep.equal([2, 4, 6]);
    engine.dispatch({ kernel: kernel(10), entryPoint: 'main', buffers: { data: t.binding }, workgroups: [1] });
    expect(Array.from(await t.read())).to.deep.equal([20, 40, 60]);
    t.dispose();
  });
});
