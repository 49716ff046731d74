/**
 * Device acquisition: the one place that knows whether we run in a browser
 * (navigator.gpu) or in Node (Dawn), or on a device the app handed us.
 *
 * This file is part of the browser-safe entry, so it imports nothing of Node.
 * Node's way to an adapter (src/gpu/node-adapter.ts, Dawn) is registered by the
 * Node entry (src/node.ts) through `provideNodeAdapters`: a web app's bundle
 * never contains it, and a Node user gets it by importing the package, whose
 * `node` export condition loads the Node entry.
 */
import { MissingDependencyError, WgslTensorError } from '../errors.js';
import { isCpuAdapter } from './tuning.js';

export interface DeviceOptions {
  /** Use the app's own device; the engine will never destroy it. */
  device?: GPUDevice;
  /** Node only: 'gpu' | 'lavapipe' | 'swiftshader' | an adapter name substring. */
  adapter?: string;
  /** Browser only: passed to requestAdapter. */
  powerPreference?: GPUPowerPreference;
}

/** What the Node entry provides: an adapter, and the object that keeps Dawn alive. */
export interface NodeAdapterSource {
  (choice: string | undefined): Promise<{ adapter: GPUAdapter; keepAlive: unknown }>;
}

let nodeAdapters: NodeAdapterSource | null = null;

/** Called once by src/node.ts: from then on createEngine() in Node finds Dawn. */
export function provideNodeAdapters(source: NodeAdapterSource): void {
  nodeAdapters = source;
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapterInfo: AdapterDescription;
  /** True when we created the device and so must destroy it. */
  ownsDevice: boolean;
  /** Keeps Dawn's GPU object alive in Node. */
  keepAlive?: unknown;
}

/** What we tell users and benchmark logs about the adapter. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  runtime: 'browser' | 'node' | 'app-device';
  /** A CPU implementation of WebGPU (SwiftShader, Mesa's lavapipe/llvmpipe): timings there say little about a GPU. */
  cpu: boolean;
}

function describe(info: GPUAdapterInfo | undefined, runtime: AdapterDescription['runtime']): AdapterDescription {
  const names = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
  return { ...names, runtime, cpu: isCpuAdapter(names) };
}

/** Human-readable one-liner, e.g. "google swiftshader (SwiftShader driver 5.0.0) [node]". */
export function adapterName(a: AdapterDescription): string {
  const what = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = a.description || a.device;
  return `${what}${detail ? ` (${detail})` : ''} [${a.runtime}]`;
}

/** Limits we raise to the adapter's maximum: the defaults (128 MiB buffers, 8 storage buffers) are too small. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

async function requestDeviceFrom(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  // timestamp-query lets benchmarks time each kernel; ask for it where it exists.
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  return adapter.requestDevice({ requiredLimits, requiredFeatures });
}

export async function acquireDevice(options: DeviceOptions = {}): Promise<AcquiredDevice> {
  if (options.device) {
    const info = (options.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return { device: options.device, adapterInfo: describe(info, 'app-device'), ownsDevice: false };
  }
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  if (nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter(
      options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
    if (!adapter) {
      throw new WgslTensorError('wgsl-tensor: navigator.gpu exists but no adapter was returned. ' +
        'In Chrome, WebGPU needs a secure context (https or localhost) and a supported GPU; ' +
        'headless Chromium needs --enable-unsafe-webgpu (see the README).');
    }
    const device = await requestDeviceFrom(adapter);
    return { device, adapterInfo: describe(adapter.info, 'browser'), ownsDevice: true };
  }
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) {
    throw new WgslTensorError('wgsl-tensor: this browser has no WebGPU (navigator.gpu is undefined). ' +
      'Use a recent Chrome/Edge, or enable WebGPU in your browser settings.');
  }
  if (!nodeAdapters) {
    throw new MissingDependencyError('createEngine: this is the browser build of wgsl-tensor, and it has no WebGPU in Node. ' +
      "Import the package by its name in Node (its 'node' export condition loads Dawn), or import 'wgsl-tensor/node'; " +
      'Dawn itself comes from `npm install webgpu`.');
  }
  const { adapter, keepAlive } = await nodeAdapters(options.adapter);
  const device = await requestDeviceFrom(adapter);
  return { device, adapterInfo: describe(adapter.info, 'node'), ownsDevice: true, keepAlive };
}
