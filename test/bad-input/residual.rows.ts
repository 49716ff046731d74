/**
 * Residual blocks given wrong: an empty or missing branch, a nested spec that
 * is not a layer, a branch whose widths do not chain, a block that cannot
 * take the previous layer's output. Refused when the block or the model is
 * built, before anything is allocated.
 */
import { Sequential, dense, relu, maxout, residual, ShapeError, ValueError } from '../../src/index.js';
import type { LayerSpec } from '../../src/index.js';
import type { Fixture, Row } from '../helpers/bad-input-table.js';

const model = (f: Fixture, layers: unknown[]) => f.own(new Sequential(f.engine, layers as LayerSpec[]));

export const residualRows: Row[] = [
  { what: 'residual: an empty branch', call: () => residual([]), error: ValueError, message: ['residual: layers must be a non-empty array', 'got an array'] },
  { what: 'residual: a branch that is not an array', call: () => residual(dense(4, 4) as never), error: ValueError, message: ['residual: layers must be a non-empty array'] },
  { what: 'residual: a null layer in the branch', call: () => residual([dense(4, 4), null as never]), error: ValueError, message: ['residual layers[1] must be a layer spec', 'got null'] },
  { what: 'residual: an unknown option', call: () => residual([dense(4, 4)], { projection: true } as never), error: ValueError, message: ['residual: unknown option "projection"'] },
  { what: 'Sequential: a branch whose widths do not chain', call: (f) => model(f, [dense(4, 4), residual([dense(4, 6), dense(5, 4)]), dense(4, 2)]), error: ShapeError, message: ['layer 1 (residual) > layer 1 (dense) expects 5 inputs but the previous layer outputs 6'] },
  { what: 'Sequential: a block that does not take the previous width', call: (f) => model(f, [dense(4, 5), residual([dense(4, 4)]), dense(4, 2)]), error: ShapeError, message: ['layer 1 (residual) > layer 0 (dense) expects 4 inputs but the previous layer outputs 5'] },
  { what: 'Sequential: a maxout in a branch that does not divide', call: (f) => model(f, [dense(4, 4), residual([maxout(3, 2)]), dense(3, 2)]), error: ShapeError, message: ['maxout) needs 3×2 = 6 inputs but the previous layer outputs 4'] },
  { what: 'Sequential: a plain residual spec with a bad nested spec', call: (f) => model(f, [dense(4, 4), { kind: 'residual', layers: [{ kind: 'relu', rate: 1 }] }, dense(4, 2)]), error: ValueError, message: ['layers[0]: unknown option "rate" in a relu spec'] },
  { what: 'Sequential: a plain residual spec without layers', call: (f) => model(f, [dense(4, 4), { kind: 'residual' }, relu(), dense(4, 2)]), error: ValueError, message: ['Sequential: layers[1] (residual): layers must be a non-empty array', 'got undefined'] },
];
