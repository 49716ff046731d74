// The dependency rules (.dependency-cruiser.cjs), checked with dependency-cruiser:
// no import loops in src/, ops see only a KernelContext, gpu/ is the bottom
// layer, nn/ goes through ops, the CPU reference has no GPU code, and demo/ and
// bench/ use only the public entries. Ends with "deps: N passed, N failed",
// one per rule (a rule fails when anything breaks it, or when it does not
// catch the violation of it planted in test/fixtures/deps).
//
// dependency-cruiser is a devDependency (with @swc/core, its TypeScript parser:
// TypeScript 7 has no compiler API for it to use). DEPCRUISE=/path/to/depcruise
// runs another installation.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = '.dependency-cruiser.cjs';
const SCOPE = ['src', 'bench', 'demo'];

const binary = process.env.DEPCRUISE ?? path.join(ROOT, 'node_modules', '.bin', 'depcruise');
if (!fs.existsSync(binary)) {
  console.log(`deps: dependency-cruiser is not installed (${path.relative(ROOT, binary)} is missing): npm install -D dependency-cruiser @swc/core`);
  console.log('deps: 0 passed, 1 failed');
  process.exit(1);
}

/** dependency-cruiser's JSON summary of `scope`, cruised from `cwd`, or null when it could not run. */
function cruise(cwd, config, extra, scope) {
  const run = spawnSync(binary, ['--config', config, '--output-type', 'json', ...extra, ...scope], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  try {
    return JSON.parse(run.stdout).summary;
  } catch {
    process.stdout.write(run.stdout ?? '');
    process.stderr.write(run.stderr ?? '');
    console.log(`deps: dependency-cruiser failed in ${path.relative(ROOT, cwd) || '.'} (exit status ${run.status})`);
    return null;
  }
}

const summary = cruise(ROOT, CONFIG, [], SCOPE);
// test/fixtures/deps breaks every rule once: each must fire there, or its pattern has stopped matching anything.
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'deps');
const fixture = cruise(FIXTURE, path.relative(FIXTURE, path.join(ROOT, CONFIG)), [], ['src', 'bench']);
if (!summary || !fixture) {
  console.log('deps: 0 passed, 1 failed');
  process.exit(1);
}

const rules = createRequire(import.meta.url)(path.join(ROOT, CONFIG)).forbidden.map((r) => r.name);
const describe = (v) => v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' -> ') : `${v.from} -> ${v.to}`;
const broken = new Set();
for (const v of summary.violations) {
  broken.add(v.rule.name);
  console.log(`deps: ${v.rule.name}: ${describe(v)}`);
}
const fired = new Set(fixture.violations.map((v) => v.rule.name));
for (const name of rules) {
  if (!fired.has(name)) {
    broken.add(name);
    console.log(`deps: ${name} did not fire on test/fixtures/deps, which breaks it: its pattern matches nothing`);
  }
  console.log(`deps: ${broken.has(name) ? '✗' : '✓'} ${name}`);
}
console.log(`deps: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports`);
console.log(`deps: ${rules.length - broken.size} passed, ${broken.size} failed`);
process.exit(broken.size > 0 ? 1 : 0);
