/**
 * Misuse of fit's schedules (lrSchedule, momentumSchedule) and of the schedule
 * factories (src/nn/schedules.ts). The fixture's model is dense(4,8) relu
 * dropout(0.2) dense(8,3) with RMSprop: it has no momentum to schedule.
 * A schedule whose first value is wrong is refused before anything is allocated.
 */
import {
  Sequential, dense, relu, sgd, adam, stepDecay, exponentialDecay, cosineDecay, linearRamp, ValueError,
} from '../../src/index.js';
import type { Fixture, Row } from '../helpers/bad-input-table.js';

const fitRow = (what: string, options: object, message: string[]): Row =>
  ({ what: `fit: ${what}`, call: (f) => f.model.fit(f.x, f.y, options as never), error: ValueError, message });

/** A model of the fixture's shape with another optimizer, disposed after the row. */
const withOptimizer = (f: Fixture, optimizer: ReturnType<typeof sgd>) =>
  f.own(new Sequential(f.engine, [dense(4, 8), relu(), dense(8, 3)], { optimizer }));

const factoryRow = (what: string, call: () => unknown, message: string[]): Row => ({ what, call, error: ValueError, message });

export const scheduleRows: Row[] = [
  // the options themselves
  fitRow('lrSchedule a number', { lrSchedule: 0.5 }, ['fit: lrSchedule must be a function (epoch, step) => number', 'got 0.5']),
  fitRow('momentumSchedule a string', { momentumSchedule: 'linear' }, ['fit: momentumSchedule must be a function', 'got "linear"']),
  fitRow('unknown option lr_schedule', { lr_schedule: () => 1 }, ['fit: unknown option "lr_schedule"', '(did you mean "lrSchedule"?)']),
  // optimizers a momentum schedule cannot drive
  fitRow('momentumSchedule with rmsprop', { momentumSchedule: () => 0.5 },
    ['fit: momentumSchedule cannot drive this optimizer: rmsprop has no momentum to schedule', 'sgd({ lr, momentum }) with momentum > 0']),
  { what: 'fit: momentumSchedule with sgd without momentum', call: (f) => withOptimizer(f, sgd({ lr: 0.1 })).fit(f.x, f.y, { momentumSchedule: () => 0.5 }),
    error: ValueError, message: ['fit: momentumSchedule cannot drive this optimizer: this sgd has momentum 0 and keeps no velocity'] },
  { what: 'fit: momentumSchedule with adam', call: (f) => withOptimizer(f, adam()).fit(f.x, f.y, { momentumSchedule: () => 0.5 }),
    error: ValueError, message: ['fit: momentumSchedule cannot drive this optimizer: adam has no momentum to schedule (its beta1'] },
  // a first value that is wrong
  fitRow('lrSchedule returning NaN', { lrSchedule: () => NaN }, ['fit: lrSchedule(epoch 0, step ', ') returned NaN', "multiplier of the optimizer's lr (0.001) > 0"]),
  fitRow('lrSchedule returning -1', { lrSchedule: () => -1 }, ['fit: lrSchedule(epoch 0, step ', ') returned -1']),
  fitRow('lrSchedule returning 0', { lrSchedule: () => 0 }, [') returned 0; it must return a multiplier', '(the product is 0)']),
  fitRow('lrSchedule returning 1e-50 (0 in f32)', { lrSchedule: () => 1e-50 }, [') returned 1e-50', 'whose product is a non-zero f32']),
  fitRow('lrSchedule returning Infinity', { lrSchedule: () => Infinity }, [') returned Infinity']),
  fitRow('lrSchedule returning a string', { lrSchedule: () => '0.5' }, [') returned "0.5"']),
  fitRow('lrSchedule returning nothing', { lrSchedule: () => undefined }, [') returned undefined']),
  fitRow('lrSchedule wrong at initialEpoch', { epochs: 3, initialEpoch: 2, lrSchedule: (e: number) => (e === 2 ? NaN : 1) }, ['fit: lrSchedule(epoch 2, step ']),
  { what: 'fit: momentumSchedule returning 1', call: (f) => withOptimizer(f, sgd({ lr: 0.1, momentum: 0.5 })).fit(f.x, f.y, { momentumSchedule: () => 1 }),
    error: ValueError, message: ['fit: momentumSchedule(epoch 0, step 0) returned 1; it must return the momentum itself, in [0, 1)'] },
  { what: 'fit: momentumSchedule returning 1 - 1e-9 (1 in f32)', call: (f) => withOptimizer(f, sgd({ lr: 0.1, momentum: 0.5 })).fit(f.x, f.y, { momentumSchedule: () => 1 - 1e-9 }),
    error: ValueError, message: ['returned 0.999999999', '(also once rounded to f32)'] },
  { what: 'fit: momentumSchedule returning -0.1', call: (f) => withOptimizer(f, sgd({ lr: 0.1, momentum: 0.5 })).fit(f.x, f.y, { momentumSchedule: () => -0.1 }),
    error: ValueError, message: ['fit: momentumSchedule(epoch 0, step 0) returned -0.1'] },
  // the factories
  factoryRow('stepDecay: every 0', () => stepDecay({ every: 0, factor: 0.5 }), ['stepDecay: every must be a positive integer, got 0']),
  factoryRow('stepDecay: factor -1', () => stepDecay({ every: 2, factor: -1 }), ['stepDecay: factor must be > 0, got -1']),
  factoryRow('stepDecay: misspelt every', () => stepDecay({ evry: 2, factor: 0.5 } as never), ['stepDecay: unknown option "evry"', '(did you mean "every"?)']),
  factoryRow('stepDecay: no options', () => (stepDecay as (o?: object) => unknown)(), ['stepDecay: every must be a positive integer, got undefined']),
  factoryRow('exponentialDecay: rate NaN', () => exponentialDecay({ rate: NaN, steps: 10 }), ['exponentialDecay: rate must be a finite number, got NaN']),
  factoryRow('exponentialDecay: steps 1.5', () => exponentialDecay({ rate: 0.5, steps: 1.5 }), ['exponentialDecay: steps must be a positive integer, got 1.5']),
  factoryRow('exponentialDecay: min -1', () => exponentialDecay({ rate: 0.5, steps: 10, min: -1 }), ['exponentialDecay: min must be >= 0, got -1']),
  factoryRow('exponentialDecay: options a number', () => exponentialDecay(0.5 as never), ['exponentialDecay: options must be an object, got 0.5']),
  factoryRow('cosineDecay: neither epochs nor steps', () => cosineDecay({}), ['cosineDecay: give exactly one of epochs or steps', 'got neither']),
  factoryRow('cosineDecay: both epochs and steps', () => cosineDecay({ epochs: 10, steps: 100 }), ['cosineDecay: give exactly one of epochs or steps', 'got both']),
  factoryRow('cosineDecay: min Infinity', () => cosineDecay({ epochs: 10, min: Infinity }), ['cosineDecay: min must be a finite number, got Infinity']),
  factoryRow('cosineDecay: epochs 0', () => cosineDecay({ epochs: 0 }), ['cosineDecay: epochs must be a positive integer, got 0']),
  factoryRow('linearRamp: endEpoch = startEpoch', () => linearRamp({ from: 0.5, to: 0.7, startEpoch: 5, endEpoch: 5 }), ['linearRamp: endEpoch must be > startEpoch (5), got 5']),
  factoryRow('linearRamp: from a string', () => linearRamp({ from: '0.5' as never, to: 0.7, endEpoch: 3 }), ['linearRamp: from must be a finite number, got "0.5"']),
  factoryRow('linearRamp: no endEpoch', () => linearRamp({ from: 0.5, to: 0.7 } as never), ['linearRamp: endEpoch must be an integer >= 0, got undefined']),
  factoryRow('linearRamp: end_epoch', () => linearRamp({ from: 0.5, to: 0.7, end_epoch: 3 } as never), ['linearRamp: unknown option "end_epoch"', '(did you mean "endEpoch"?)']),
  factoryRow('linearRamp: startEpoch -1', () => linearRamp({ from: 0.5, to: 0.7, startEpoch: -1, endEpoch: 3 }), ['linearRamp: startEpoch must be an integer >= 0, got -1']),
];
