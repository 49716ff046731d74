/**
 * One engine per test run (creating devices is slow on CPU adapters). The
 * adapter's name is recorded so each runner can print which adapter it used.
 */
import { createEngine, type Engine } from '../../src/index.js';

let shared: Promise<Engine> | null = null;

export function getEngine(): Promise<Engine> {
  shared ??= createEngine().then((engine) => {
    (globalThis as { __wgslTensorAdapter?: string }).__wgslTensorAdapter = engine.adapterName;
    return engine;
  });
  return shared;
}

/** A fresh engine for tests that destroy or break theirs. */
export function newEngine(): Promise<Engine> {
  return createEngine();
}
