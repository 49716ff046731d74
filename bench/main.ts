/**
 * Benchmark entry point, bundled once for Node and once for the browser by
 * scripts/bench.mjs. Runs the named suites on one engine and returns JSON.
 */
import { createEngine } from '../src/index.js';
import { benchMatmul } from './matmul.js';

export interface BenchOptions {
  suites: string[];
  quick: boolean;
  /** Node only: passed to createEngine({ adapter }). */
  adapter?: string;
}

const SUITES = { matmul: benchMatmul } as const;

export async function runBenchmarks(options: BenchOptions, log: (line: string) => void = console.log) {
  const engine = await createEngine(options.adapter ? { adapter: options.adapter } : {});
  log(`adapter: ${engine.adapterName}`);
  const results: Record<string, unknown> = {};
  try {
    for (const name of options.suites) {
      const suite = SUITES[name as keyof typeof SUITES];
      if (!suite) throw new Error(`unknown benchmark suite "${name}" (known: ${Object.keys(SUITES).join(', ')})`);
      log(`\n== ${name}${options.quick ? ' (quick)' : ''} ==`);
      results[name] = await suite(engine, options.quick, log);
    }
  } finally {
    engine.destroy();
  }
  return { adapter: engine.adapterName, date: new Date().toISOString(), quick: options.quick, results };
}
