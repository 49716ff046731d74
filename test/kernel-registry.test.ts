/**
 * The kernel registry against a stand-in device (no GPU): every error scope it
 * pushes is popped, also when a create call throws synchronously, and the
 * compiler's warnings reach onWarning while its errors stay ShaderErrors.
 */
import { expect } from 'chai';
import { KernelRegistry, type KernelSource } from '../src/gpu/kernel-registry.js';
import { ShaderError } from '../src/index.js';
import { thrown } from './helpers/errors.js';

type Message = { type: GPUCompilationMessageType; message: string; lineNum: number; linePos: number };

/** A device whose create calls can be made to throw, counting error scopes. */
function fakeDevice(options: { throwIn?: string; messages?: Message[] } = {}) {
  const state = { open: 0, pushed: 0 };
  const maybeThrow = (name: string) => { if (options.throwIn === name) throw new TypeError(`${name} failed on purpose`); };
  const device = {
    lost: new Promise<never>(() => {}),
    pushErrorScope: () => { state.open++; state.pushed++; },
    popErrorScope: () => { state.open--; return Promise.resolve(null); },
    createShaderModule: () => {
      maybeThrow('createShaderModule');
      return { getCompilationInfo: () => Promise.resolve({ messages: options.messages ?? [] }) };
    },
    createBindGroupLayout: () => { maybeThrow('createBindGroupLayout'); return {}; },
    createPipelineLayout: () => ({}),
    createComputePipeline: () => { maybeThrow('createComputePipeline'); return {}; },
    createComputePipelineAsync: () => Promise.resolve({}),
  };
  return { device: device as unknown as GPUDevice, state };
}

const KERNEL: KernelSource = { file: 'test/fake.wgsl', source: '@compute @workgroup_size(1) fn main() {}', entryPoints: { main: [] } };

describe('kernel registry (stand-in device)', () => {
  for (const where of ['createShaderModule', 'createBindGroupLayout', 'createComputePipeline']) {
    it(`pops its error scope when ${where} throws`, () => {
      const { device, state } = fakeDevice({ throwIn: where });
      const registry = new KernelRegistry(device);
      expect(() => registry.pipeline(KERNEL, 'main')).to.throw(TypeError, `${where} failed on purpose`);
      expect(state.pushed, 'a scope was pushed').to.be.greaterThan(0);
      expect(state.open, 'every pushed scope was popped').to.equal(0);
    });
  }

  it('sends compiler warnings to onWarning and keeps errors as ShaderError with file:line:col', async () => {
    const warnings: string[] = [];
    const { device } = fakeDevice({ messages: [{ type: 'warning', message: 'unused variable x', lineNum: 2, linePos: 7 }] });
    await new KernelRegistry(device, (m) => warnings.push(m)).compile(KERNEL, 'main');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('test/fake.wgsl:2:7: unused variable x');

    const bad = fakeDevice({ messages: [{ type: 'error', message: 'expected expression', lineNum: 3, linePos: 16 }] });
    const err = await thrown(() => new KernelRegistry(bad.device, () => {}).compile(KERNEL, 'main'));
    expect(err).to.be.instanceOf(ShaderError);
    expect(err.message).to.contain('test/fake.wgsl:3:16: expected expression');
    expect(bad.state.open).to.equal(0);
  });
});
