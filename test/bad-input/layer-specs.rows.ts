/**
 * Plain-object layer specs given to Sequential ({ kind: 'dense', ... } written
 * by hand or read from a file): each gets the checks of its factory (an
 * unknown init used to give zero weights, a negative l2 was accepted) and
 * nothing is allocated before they pass (src/nn/layers/index.ts checkLayerSpec).
 */
import { Sequential, dense, relu, ValueError } from '../../src/index.js';
import type { LayerSpec } from '../../src/index.js';
import type { Fixture, Row } from '../helpers/bad-input-table.js';

/** A model from specs that are not LayerSpecs as TypeScript sees them (as plain JSON would be). */
const model = (f: Fixture, layers: unknown[]) => f.own(new Sequential(f.engine, layers as LayerSpec[]));

export const layerSpecRows: Row[] = [
  { what: "Sequential: a plain dense spec with init 'bogus'", call: (f) => model(f, [{ kind: 'dense', inUnits: 4, outUnits: 3, init: 'bogus' }]), error: ValueError, message: ['Sequential: layers[0] (dense): init must be one of', 'got "bogus"'] },
  { what: 'Sequential: a plain dense spec with l2 -1', call: (f) => model(f, [{ kind: 'dense', inUnits: 4, outUnits: 3, l2: -1 }]), error: ValueError, message: ['Sequential: layers[0] (dense): l2 must be a finite number >= 0, got -1'] },
  { what: 'Sequential: a plain dense spec without outUnits', call: (f) => model(f, [{ kind: 'dense', inUnits: 4 }]), error: ValueError, message: ['Sequential: layers[0] (dense): outUnits must be a positive integer, got undefined'] },
  { what: 'Sequential: a plain dense spec with a misspelt key', call: (f) => model(f, [{ kind: 'dense', inUnits: 4, outUnits: 3, l_2: 0.1 }]), error: ValueError, message: ['Sequential: layers[0]: unknown option "l_2" in a dense spec', 'did you mean "l2"?'] },
  { what: "Sequential: kind 'toString'", call: (f) => model(f, [dense(4, 3), { kind: 'toString' }]), error: ValueError, message: ['Sequential: layers[1]: kind must be one of', 'got "toString"'] },
  { what: "Sequential: kind 'Dense'", call: (f) => model(f, [{ kind: 'Dense', inUnits: 4, outUnits: 3 }]), error: ValueError, message: ['Sequential: layers[0]: kind must be one of', "did you mean 'dense'?"] },
  { what: 'Sequential: a spec without kind', call: (f) => model(f, [dense(4, 3), { rate: 0.5 }]), error: ValueError, message: ['Sequential: layers[1]: kind must be one of', 'got undefined'] },
  { what: 'Sequential: a null layer', call: (f) => model(f, [dense(4, 3), null]), error: ValueError, message: ['Sequential: layers[1] must be a layer spec', 'got null'] },
  { what: 'Sequential: a layer factory not called', call: (f) => model(f, [dense(4, 3), relu]), error: ValueError, message: ['Sequential: layers[1] must be a layer spec', 'got a function'] },
  { what: 'Sequential: an activation spec with extra keys', call: (f) => model(f, [dense(4, 3), { kind: 'relu', units: 3 }]), error: ValueError, message: ['Sequential: layers[1]: unknown option "units" in a relu spec', 'expected kind'] },
  { what: 'Sequential: a plain dropout spec with rate 1', call: (f) => model(f, [dense(4, 3), { kind: 'dropout', rate: 1 }]), error: ValueError, message: ['Sequential: layers[1] (dropout): rate must be in [0, 1), got 1'] },
  { what: 'Sequential: a plain maxout spec with 0 pieces', call: (f) => model(f, [dense(4, 6), { kind: 'maxout', units: 3, pieces: 0 }, dense(3, 2)]), error: ValueError, message: ['Sequential: layers[1] (maxout): pieces must be a positive integer, got 0'] },
];
