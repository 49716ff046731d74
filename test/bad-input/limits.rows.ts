/**
 * Requests beyond the adapter's limits, refused with a LimitError that names
 * the limit, before anything is allocated or dispatched (issue 11, item 2).
 * The sizes come from the engine's own limits, so the rows hold on every
 * adapter (lavapipe: 128 MiB bindings, 4 GiB buffers; SwiftShader: 1 GiB both).
 * GPU errors themselves (a validation error the GPU reports later) cannot be
 * made through the public API, whose checks come first: test/gpu-errors.test.ts
 * makes them through the engine's internals.
 */
import { Sequential, dense, LimitError } from '../../src/index.js';
import type { Fixture, Row } from '../helpers/bad-input-table.js';

/** The smallest square dense layer whose kernel is over one storage binding. */
const overOneBinding = (f: Fixture) => Math.floor(Math.sqrt(f.engine.limits.maxStorageBufferBindingSize / 4)) + 1;

export const limitRows: Row[] = [
  { what: 'zeros: a tensor over maxBufferSize', call: (f) => f.engine.zeros([Math.floor(f.engine.limits.maxBufferSize / 4) + 1]), error: LimitError, message: ['zeros: a tensor of shape', "over this adapter's maxBufferSize"] },
  { what: 'empty: a tensor over maxBufferSize', call: (f) => f.engine.empty([Math.floor(f.engine.limits.maxBufferSize / 4) + 64], 'f32'), error: LimitError, message: ['empty: a tensor of shape', 'maxBufferSize'] },
  { what: 'Sequential: a layer over one storage binding', call: (f) => f.own(new Sequential(f.engine, [dense(overOneBinding(f), overOneBinding(f)), dense(overOneBinding(f), 2)])), error: LimitError, message: ['Sequential: dense_0/kernel', "over this adapter's maxStorageBufferBindingSize"] },
  { what: 'autotune: a product over one binding', call: (f) => f.engine.autotune([{ m: overOneBinding(f), n: overOneBinding(f), k: 1 }]), error: LimitError, message: ['maxStorageBufferBindingSize'] },
];
