/**
 * The WGSL prelude (shaders/common/*.wgsl: the grid index, the NaN test, the
 * activation table) is put in front of every shader by the build's `.wgsl`
 * loader (scripts/esbuild-options.mjs). Here: each shader gets it exactly once
 * and keeps no copy of its own, the TypeScript activation codes equal the
 * prelude's constants, a compiler error still names the shader's own file
 * and line, and uniforms are packed by field name from the reflected layout.
 */
import { expect } from 'chai';
import '../src/index.js'; // imports every op, so every shader is recorded
import activationTable from '../shaders/common/activations.wgsl';
import brokenSource from './fixtures/type-error-after-prelude.wgsl';
import { builtShaders } from '../src/gpu/shader-layouts.js';
import { packUniform } from '../src/gpu/uniforms.js';
import type { CompiledKernel } from '../src/gpu/kernel-registry.js';
import { ACTIVATION_CODES } from '../src/ops/activation-codes.js';
import { ShaderError } from '../src/index.js';
import { getEngine } from './helpers/engine.js';
import { thrown } from './helpers/errors.js';

const PRELUDE_FILES = ['shaders/common/activations.wgsl', 'shaders/common/float.wgsl', 'shaders/common/grid.wgsl'];
const librariesShaders = () => builtShaders().filter((s) => s.file.startsWith('shaders/') && !s.file.startsWith('shaders/common/'));

/** How often `text` occurs in `source`. */
const count = (source: string, text: string) => source.split(text).length - 1;

describe('WGSL prelude', () => {
  it('every shader starts with the prelude, once, and defines none of its helpers itself', () => {
    const shaders = librariesShaders();
    expect(shaders.length).to.be.at.least(10);
    for (const shader of shaders) {
      expect(shader.parts.map((p) => p.file), shader.file).to.deep.equal([...PRELUDE_FILES, shader.file]);
      for (const helper of ['fn linear_index(', 'fn is_nan(', 'fn activate(', 'fn activation_grad(']) {
        expect(count(shader.source, helper), `${shader.file}: ${helper}`).to.equal(1);
      }
      // the parts account for every line of the text the GPU compiles
      const lines = shader.parts.reduce((sum, p) => sum + p.lines, 0);
      expect(lines, shader.file).to.equal(shader.source.split('\n').length);
    }
  });

  it('one activation table: the TypeScript codes are the prelude constants', () => {
    const wgsl: Record<string, number> = {};
    for (const [, name, code] of activationTable.matchAll(/const ACTIVATION_(\w+) = (\d+)u;/g)) wgsl[name!.toLowerCase()] = Number(code);
    expect(wgsl).to.deep.equal({ ...ACTIVATION_CODES });
    // and the shaders that take an activation read it through the table, not through numbers of their own
    for (const shader of librariesShaders()) {
      const own = shader.source.split('\n').slice(-shader.parts.at(-1)!.lines).join('\n');
      expect(own, shader.file).to.not.match(/ACTIVATION\s*==\s*\du|case \du:/);
    }
  });

  it("a compiler error names the shader's own file and line, not the text with the prelude in front", async () => {
    const engine = await getEngine();
    const err = await thrown(() => engine.compile({ file: 'test/fixtures/type-error-after-prelude.wgsl', source: brokenSource }, 'main'));
    expect(err).to.be.instanceOf(ShaderError);
    expect(err.message).to.match(/test\/fixtures\/type-error-after-prelude\.wgsl:8:\d+: /);
    expect(err.message).to.not.contain('shaders/common');
    expect(engine.alive).to.equal(true);
  });
});

describe('uniforms packed by field name', () => {
  const kernelOf = (file: string, entryPoint: string): CompiledKernel => {
    const shader = builtShaders().find((s) => s.file === file)!;
    return { key: file, file, entryPoint, bindings: shader.entryPoints[entryPoint]!, pipeline: null!, layout: null! };
  };

  it('writes each field at its reflected offset with its type', () => {
    const matmul = kernelOf('shaders/matmul.wgsl', 'per_output');
    expect([...new Uint32Array(packUniform(matmul, { sums_offset: 4, k: 3, n: 2, m: 1 }))]).to.deep.equal([1, 2, 3, 4]);
    const optimizers = kernelOf('shaders/optimizers.wgsl', 'rmsprop');
    const fields = optimizers.bindings.find((b) => b.kind === 'uniform')!.uniform!.fields;
    const values = Object.fromEntries(fields.map((f, i) => [f.name, f.type === 'f32' ? i + 0.5 : i]));
    const view = new DataView(packUniform(optimizers, values));
    expect(view.byteLength % 16).to.equal(0);
    for (const f of fields) {
      const read = f.type === 'f32' ? view.getFloat32(f.offset, true) : view.getUint32(f.offset, true);
      expect(read, f.name).to.equal(values[f.name]);
    }
  });

  it('refuses a missing or an unknown field, naming both and the struct\'s fields', () => {
    const matmul = kernelOf('shaders/matmul.wgsl', 'tiled');
    expect(() => packUniform(matmul, { m: 1, n: 2, k: 3 })).to.throw(/shaders\/matmul\.wgsl:tiled.*needs sums_offset.*m, n, k, sums_offset/);
    expect(() => packUniform(matmul, { m: 1, n: 2, k: 3, sums_offset: 0, sumsOffset: 0 })).to.throw(/has no field sumsOffset/);
    // inherited names are not fields
    expect(() => packUniform(matmul, Object.assign(Object.create({ sums_offset: 0 }), { m: 1, n: 2, k: 3 }))).to.throw(/needs sums_offset/);
  });
});
