// The machine half of a benchmark report's `environment` (the adapter half
// comes from the engine): shared by scripts/bench.mjs and
// scripts/device-bench-run.mjs so both describe a run the same way.
import os from 'node:os';

export function machineEnvironment({ runtime, command, browser = null, peerNote }) {
  const cpus = os.cpus();
  return {
    runtime,
    date: new Date().toISOString(),
    command,
    browser,
    node: process.version,
    cpu: { model: cpus[0]?.model ?? 'unknown', cores: cpus.length },
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    ...(peerNote ? { peerNote } : {}),
  };
}
