/**
 * The options of `createEngine(options)`, checked before any device is asked
 * for: a wrong value here would otherwise reach Dawn or the scheduler's
 * arena sizes (a fractional `maxDispatchesPerSubmit` sized a native buffer
 * and could abort the Node process).
 */
import { ValueError } from './errors.js';
import { checkChoice, checkFinite, checkOptions, describeValue } from './options.js';

/** Every key createEngine understands (src/engine.ts EngineOptions and src/gpu/device.ts DeviceOptions). */
export const ENGINE_OPTION_KEYS = ['device', 'adapter', 'powerPreference', 'maxPooledBytes', 'maxDispatchesPerSubmit', 'onWarning', 'tuning'] as const;

/**
 * The profiler keeps two timestamps per dispatch of one submit in a single
 * query set, and WebGPU allows at most 4096 queries in a set.
 */
export const MAX_DISPATCHES_PER_SUBMIT = 2048;

const POWER_PREFERENCES = ['low-power', 'high-performance'] as const;

/** Throws a ValueError naming the option unless `options` is something createEngine can use. */
export function checkEngineOptions(options: unknown): void {
  const fn = 'createEngine';
  const o = checkOptions<Record<string, unknown>>(fn, options as Record<string, unknown> | undefined, ENGINE_OPTION_KEYS);
  const device = o['device'];
  if (device !== undefined) {
    const d = device as { queue?: unknown; createBuffer?: unknown };
    if (device === null || typeof device !== 'object' || typeof d.createBuffer !== 'function' || typeof d.queue !== 'object' || d.queue === null) {
      throw new ValueError(`${fn}: options.device must be a GPUDevice (from adapter.requestDevice()), got ${describeValue(device)}`);
    }
  }
  const adapter = o['adapter'];
  if (adapter !== undefined && (typeof adapter !== 'string' || adapter.trim() === '')) {
    throw new ValueError(`${fn}: options.adapter must be a non-empty string ('gpu', 'lavapipe', 'swiftshader' or part of an adapter's name), got ${describeValue(adapter)}`);
  }
  if (o['powerPreference'] !== undefined) checkChoice(fn, 'options.powerPreference', o['powerPreference'], POWER_PREFERENCES);
  if (o['maxPooledBytes'] !== undefined) checkFinite(fn, 'options.maxPooledBytes', o['maxPooledBytes'], { integer: true, min: 0 });
  if (o['onWarning'] !== undefined && typeof o['onWarning'] !== 'function') {
    throw new ValueError(`${fn}: options.onWarning must be a function (message: string) => void, got ${describeValue(o['onWarning'])}`);
  }
  const tuning = o['tuning'];
  if (tuning !== undefined && tuning !== 'auto' && tuning !== 'fixed') {
    const cache = tuning as { get?: unknown; set?: unknown };
    if (tuning === null || typeof tuning !== 'object' || typeof cache.get !== 'function' || typeof cache.set !== 'function') {
      throw new ValueError(`${fn}: options.tuning must be 'auto', 'fixed' or a cache { get(key), set(key, value) }, got ${describeValue(tuning)}`);
    }
  }
  if (o['maxDispatchesPerSubmit'] !== undefined) {
    checkFinite(fn, 'options.maxDispatchesPerSubmit', o['maxDispatchesPerSubmit'], { integer: true, min: 1, max: MAX_DISPATCHES_PER_SUBMIT });
  }
}
