/**
 * Benchmark entry point, bundled once for Node and once for the browser page
 * by scripts/bench.mjs. Runs the suites in order on one engine (the memory
 * suite makes fresh engines of its own) and returns the report; bench.mjs adds
 * what only the Node side knows (browser version, CPU, command) and prints the
 * markdown table.
 */
import { createEngine } from '../src/index.js';
import type { Peer } from './peer.js';
import { TIMING_NOTE, type BenchReport } from './report.js';
import type { Mode, SuiteContext } from './suite.js';
import { epochSuite } from './suites/epoch.js';
import { kernelsSuite } from './suites/kernels.js';
import { matmulSuite } from './suites/matmul.js';
import { memorySuite } from './suites/memory.js';
import { stepSuite } from './suites/step.js';

export interface BenchOptions {
  suites?: string[];
  mode: Mode;
  /** Node only: passed to createEngine({ adapter }). */
  adapter?: string;
  /** Browser only: where the page serves MNIST (e.g. '/data/'). */
  mnistUrl?: string;
}

/** The default order: cheapest first, so a broken harness fails early. */
export const SUITES = {
  matmul: matmulSuite,
  step: stepSuite,
  kernels: kernelsSuite,
  epoch: epochSuite,
  memory: memorySuite,
} as const;

export type SuiteName = keyof typeof SUITES;

export async function runBenchmarks(options: BenchOptions, peers: Peer[] = [], log: (line: string) => void = console.log) {
  const names = options.suites?.length ? options.suites : Object.keys(SUITES);
  for (const name of names) {
    if (!(name in SUITES)) throw new Error(`unknown benchmark suite "${name}" (known: ${Object.keys(SUITES).join(', ')})`);
  }
  const engine = await createEngine(options.adapter ? { adapter: options.adapter } : {});
  log(`adapter: ${engine.adapterName}`);
  for (const p of peers) log(`peer: ${p.info.label} ${p.info.version} ${JSON.stringify(p.info.details)}`);
  const ctx: SuiteContext = {
    engine, mode: options.mode, peers, log,
    ...(options.mnistUrl ? { mnistUrl: options.mnistUrl } : {}),
    ...(options.adapter ? { adapter: options.adapter } : {}),
  };
  const suites: Record<string, unknown> = {};
  try {
    for (const name of names) {
      log(`\n== ${name} (${options.mode}) ==`);
      const started = performance.now();
      suites[name] = await SUITES[name as SuiteName](ctx);
      log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    engine.destroy();
  }
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return {
    schema: 'wgsl-tensor-bench/1',
    // Partial: scripts/bench.mjs completes it (runtime, browser, CPU, command).
    environment: {
      mode: options.mode,
      adapter: engine.adapter,
      adapterName: engine.adapterName,
      userAgent: nav?.userAgent ?? null,
      peers: peers.map((p) => p.info),
      timing: TIMING_NOTE,
    },
    suites,
  } as unknown as BenchReport;
}
