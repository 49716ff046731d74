/**
 * The build reflects every shader's bind-group layouts (scripts/esbuild-options.mjs)
 * so that the runtime carries no WGSL parser. Here, at test time, each shader
 * the library imports is reflected again with wgsl_reflect and must equal what
 * the build emitted; and the library's bundle itself must not contain the reflector.
 */
import { expect } from 'chai';
import '../src/index.js'; // imports every op, so every shader's layouts are recorded
import { builtShaders } from '../src/gpu/shader-layouts.js';
import { reflectEntryPoints } from '../src/gpu/reflect-bindings.js';
import { ShaderError, ValueError } from '../src/index.js';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';

describe('shader layouts reflected at build time', () => {
  it('every shipped shader is recorded, with at least one compute entry point', () => {
    // (a spec may import a fixture shader of its own, under test/, or a prelude file, under shaders/common/)
    const files = builtShaders().map((s) => s.file).filter((f) => !f.startsWith('test/') && !f.startsWith('shaders/common/')).sort();
    expect(files.length).to.be.at.least(10);
    for (const file of files) expect(file).to.match(/^shaders\/[\w-]+\.wgsl$/);
    for (const shader of builtShaders().filter((s) => files.includes(s.file))) expect(Object.keys(shader.entryPoints), shader.file).to.not.be.empty;
  });

  it('equal a fresh reflection of each shader', () => {
    for (const shader of builtShaders()) {
      expect(shader.entryPoints, shader.file).to.deep.equal(reflectEntryPoints(shader.file, shader.source));
    }
  });

  it('a kernel the build did not see must bring its bindings', async () => {
    const engine = await getEngine();
    const source = '@group(0) @binding(0) var<storage, read_write> data: array<f32>;\n' +
      '@compute @workgroup_size(1) fn main() { data[0] = 1.0; }\n';
    const before = engine.stats().pipelines;
    const missing = await thrown(() => engine.compile({ file: 'test/no-layouts.wgsl', source }, 'main'));
    expect(missing).to.be.instanceOf(ValueError);
    expect(missing.message).to.contain('test/no-layouts.wgsl').and.contain('kernel.entryPoints');
    const badKind = await thrown(() => engine.compile({ file: 'test/bad-kind.wgsl', source,
      entryPoints: { main: [{ name: 'data', binding: 0, kind: 'texture' as 'storage' }] } }, 'main'));
    expect(badKind).to.be.instanceOf(ValueError);
    expect(badKind.message).to.contain("kind: 'uniform' | 'read-only-storage' | 'storage'").and.contain('"texture"');
    const noEntry = await thrown(() => engine.compile({ file: 'test/other-entry.wgsl', source, entryPoints: { other: [] } }, 'main'));
    expect(noEntry).to.be.instanceOf(ShaderError);
    expect(noEntry.message).to.contain('no @compute entry point named "main"');
    expect(engine.stats().pipelines).to.equal(before);
    const ok = await engine.compile({ file: 'test/with-layouts.wgsl', source, entryPoints: reflectEntryPoints('test/with-layouts.wgsl', source) }, 'main');
    expect(ok.bindings).to.deep.equal([{ name: 'data', binding: 0, kind: 'storage' }]);
  });
});
