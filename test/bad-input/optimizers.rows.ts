/**
 * Misuse of the optimizer factories (sgd, adagrad, rmsprop, adam): other
 * libraries' option names, values of the wrong type, NaN, values that are
 * fine in float64 but 0 or ∞ in the f32 the kernels compute in.
 */
import { sgd, adagrad, rmsprop, adam, ValueError } from '../../src/index.js';
import type { Row } from '../helpers/bad-input-table.js';

export const optimizerRows: Row[] = [
  { what: 'rmsprop: learningRate instead of lr', call: () => rmsprop({ learningRate: 0.01 } as never), error: ValueError, message: ['rmsprop: unknown option "learningRate"', 'did you mean "lr"?'] },
  { what: 'rmsprop: decay instead of rho', call: () => rmsprop({ decay: 0.9 } as never), error: ValueError, message: ['rmsprop: unknown option "decay"', 'did you mean "rho"?'] },
  { what: 'adam: beta_2 instead of beta2', call: () => adam({ beta_2: 0.99 } as never), error: ValueError, message: ['adam: unknown option "beta_2"', 'did you mean "beta2"?'] },
  { what: 'adagrad: epsilon instead of eps', call: () => adagrad({ epsilon: 1e-8 } as never), error: ValueError, message: ['adagrad: unknown option "epsilon"', 'did you mean "eps"?'] },
  { what: 'sgd: a misspelt nesterov', call: () => sgd({ momentum: 0.9, nestrov: true } as never), error: ValueError, message: ['sgd: unknown option "nestrov"', 'did you mean "nesterov"?'] },
  { what: 'sgd: null options', call: () => sgd(null as never), error: ValueError, message: ['sgd: options must be an object, got null'] },
  { what: 'adam: an array as options', call: () => adam([] as never), error: ValueError, message: ['adam: options must be an object, got an array'] },
  { what: 'sgd: lr as a string', call: () => sgd({ lr: '0.1' as never }), error: ValueError, message: ['sgd: lr must be a finite number > 0, got "0.1"'] },
  { what: 'sgd: lr null (not a missing lr)', call: () => sgd({ lr: null as never }), error: ValueError, message: ['sgd: lr must be a finite number > 0, got null'] },
  { what: 'adam: eps 0 in f32', call: () => adam({ eps: 1e-50 }), error: ValueError, message: ['adam: eps must be non-zero in f32', 'got 1e-50'] },
  { what: 'rmsprop: eps below the smallest f32', call: () => rmsprop({ eps: 1e-46 }), error: ValueError, message: ['rmsprop: eps must be non-zero in f32'] },
  { what: 'adagrad: lr beyond f32', call: () => adagrad({ lr: 1e39 }), error: ValueError, message: ['adagrad: lr must fit in f32, got 1e+39'] },
  { what: 'adam: beta1 NaN', call: () => adam({ beta1: NaN }), error: ValueError, message: ['adam: beta1 must be in [0, 1), got NaN'] },
  { what: 'sgd: momentum as a string', call: () => sgd({ momentum: '0.9' as never }), error: ValueError, message: ['sgd: momentum must be in [0, 1), got "0.9"'] },
  { what: 'rmsprop: epsInsideSqrt 1', call: () => rmsprop({ epsInsideSqrt: 1 as never }), error: ValueError, message: ['rmsprop: epsInsideSqrt must be true or false, got 1'] },
];
