// `npm test`: type check, check the dependency rules, bundle the specs, run
// them in Node (Dawn) and in headless Chromium, and end with one line
// "N passed, N failed" summing every part.
//   npm test -- --grep <pattern>    only matching tests
//   npm test -- --node | --browser | --demo | --bench | --consumer | --server | --deps  one part only (demo: the page's end-to-end test;
//                                   bench: the benchmark harness in --tiny mode, scripts/test-bench.mjs;
//                                   consumer: the packed package installed into a fresh project, scripts/test-consumer.mjs;
//                                   server: the static server under abuse, scripts/test-server.mjs;
//                                   deps: the import rules of .dependency-cruiser.cjs, scripts/test-deps.mjs, also run with filters)
//   TEST_FILES=matmul,softmax npm test  only spec files whose path contains one of these
//   TEST_BUILD_DIR=build/test-x        keep parallel runs apart
//   npm test -- --no-typecheck          skip tsc (quick iterations)
import { spawn, spawnSync } from 'node:child_process';
import { buildTests } from './build-tests.mjs';

const args = process.argv.slice(2);
const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? args[grepAt + 1] : undefined;
/**
 * The parts of a run, in order: name (`--name` runs it alone), script, and
 * whether it comes only with the full run (not with --grep / TEST_FILES filters:
 * the demo's end-to-end test, the bench harness's tiny run, the consumer test
 * and the server's tests).
 */
const suites = [
  ['deps', 'scripts/test-deps.mjs', false], ['node', 'scripts/test-node.mjs', false], ['browser', 'scripts/test-browser.mjs', false],
  ['demo', 'scripts/test-demo.mjs', true], ['bench', 'scripts/test-bench.mjs', true], ['consumer', 'scripts/test-consumer.mjs', true],
  ['server', 'scripts/test-server.mjs', true],
];
const only = suites.map(([name]) => name).find((name) => args.includes(`--${name}`)) ?? null;

const typecheck = !args.includes('--no-typecheck');
if (typecheck) console.log('typecheck: tsc --noEmit');
const tsc = !typecheck ? { status: 0 } : spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.log('typecheck failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (only !== 'deps') await buildTests();

/** Run one runtime's script, echo its output, and parse its summary line. */
function runSuite(name, script) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(grep ? { TEST_GREP: grep } : {}) },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => {
      // Dawn's lavapipe prints harmless limit warnings on every device creation.
      const text = String(d).split('\n').filter((l) => !/artificially reduced/.test(l)).join('\n');
      if (text.trim()) process.stderr.write(text.endsWith('\n') ? text : text + '\n');
    });
    child.on('close', (code) => {
      const m = out.match(new RegExp(`^${name}: (\\d+) passed, (\\d+) failed`, 'm'));
      const passed = m ? Number(m[1]) : 0;
      let failed = m ? Number(m[2]) : 0;
      if (code !== 0 && failed === 0) failed = 1; // crashed before its summary
      resolve({ passed, failed });
    });
  });
}

let passed = 0;
let failed = 0;
for (const [name, script, fullRunOnly] of suites) {
  if (only && only !== name) continue;
  if (fullRunOnly && !only && (grep || process.env.TEST_FILES)) continue;
  const r = await runSuite(name, script);
  passed += r.passed;
  failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
