// Test of the benchmark harness itself (not of speed): runs `npm run bench --
// --tiny` in Node and in headless Chromium into temporary JSON files and
// checks each report's shape:
//  - the environment fields (adapter, browser version, CPU, date, command, peers),
//  - every suite present, in the default order,
//  - every figure (min/median/max over repetitions) a positive finite number,
//    every count a finite number >= 0,
//  - a figure skipped only for one of the documented reasons (bench/suite.ts SKIP),
//  - the markdown table printed at the end.
// Prints "bench: N passed, N failed" (read by scripts/test.mjs).
//   node scripts/test-bench.mjs --check FILE   check an existing report
//   (e.g. a full run's) instead of running the tiny ones.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SUITES = ['matmul', 'step', 'kernels', 'epoch', 'memory'];
// The only reasons a figure may be missing (keep in sync with SKIP in bench/suite.ts).
const SKIP_REASONS = [
  'no timestamp-query',
  'slow peer: matmuls above 1024³ take minutes',
  'slow peer: quick runs time the mlp step only',
  'slow peer: tiny runs time its matmuls only',
];
const PEERS = ['tfjs-webgpu', 'tfjs-wasm'];

const results = [];
function check(name, fn) {
  try {
    const detail = fn();
    results.push(true);
    console.log(`  ✓ ${name}${detail ? ` (${detail})` : ''}`);
  } catch (err) {
    results.push(false);
    console.log(`  ✗ ${name}\n    ${err?.message ?? err}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Run the harness; resolves with its exit code, output and wall time. */
function runBench(args, timeoutMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['scripts/bench.mjs', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Parallel test runs (TEST_BUILD_DIR) keep their bundles apart.
      env: { ...process.env, BENCH_BUILD_DIR: process.env.BENCH_BUILD_DIR ?? (process.env.TEST_BUILD_DIR ? `${process.env.TEST_BUILD_DIR}-bench` : 'build/bench-test') },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const isStat = (x) => x && typeof x === 'object' && 'min' in x && 'median' in x && 'max' in x;

/** Walk the report: every Stat, every other number, every skipped entry, with its path. */
function walk(x, at, visit) {
  if (isStat(x)) return visit.stat(x, at);
  if (typeof x === 'number') return visit.number(x, at);
  if (Array.isArray(x)) return x.forEach((v, i) => walk(v, `${at}[${i}]`, visit));
  if (x && typeof x === 'object') {
    if ('skipped' in x) visit.skipped(x, at);
    for (const [k, v] of Object.entries(x)) walk(v, `${at}.${k}`, visit);
  }
}

function checkReport(runtime, file, run) {
  const label = (s) => `${runtime}: ${s}`;
  let report;
  check(label(existing ? 'the JSON report parses' : 'bench --tiny ran and wrote its JSON report'), () => {
    assert(run.code === 0, `exit code ${run.code}\n${run.out.slice(-3000)}`);
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert(report.schema === 'wgsl-tensor-bench/1', `schema ${report.schema}`);
    return `${run.seconds.toFixed(1)} s`;
  });
  if (!report) return;

  check(label('environment: adapter, runtime, browser, CPU, cores, date, command, peers'), () => {
    const env = report.environment;
    assert(env.runtime === runtime, `runtime ${env.runtime}`);
    assert(['tiny', 'quick', 'full'].includes(env.mode) && (existing || env.mode === 'tiny'), `mode ${env.mode}`);
    for (const k of ['vendor', 'architecture', 'description']) assert(typeof env.adapter?.[k] === 'string', `adapter.${k}: ${env.adapter?.[k]}`);
    assert(env.adapter.vendor || env.adapter.architecture || env.adapter.description, 'adapter has no name at all');
    assert(typeof env.adapterName === 'string' && env.adapterName.length > 0, 'adapterName');
    assert(!Number.isNaN(Date.parse(env.date)), `date ${env.date}`);
    // `npm run bench ...`, or the packed runner of a GPU machine (scripts/device-bench-run.mjs)
    assert(typeof env.command === 'string' && /^(npm run bench|node scripts\/device-bench-run\.mjs)/.test(env.command), `command ${env.command}`);
    assert(typeof env.cpu?.model === 'string' && Number.isInteger(env.cpu?.cores) && env.cpu.cores > 0, `cpu ${JSON.stringify(env.cpu)}`);
    assert(typeof env.node === 'string' && typeof env.os === 'string', 'node / os');
    assert(typeof env.timing === 'string' && env.timing.length > 0, 'timing note');
    if (runtime === 'chromium') {
      assert(/Chrome\/\d+/.test(env.browser ?? ''), `browser ${env.browser}`);
      assert(JSON.stringify(env.peers.map((p) => p.name)) === JSON.stringify(PEERS), `peers ${env.peers.map((p) => p.name)}`);
      assert(env.peers.every((p) => p.version === '4.22.0'), `peer versions ${env.peers.map((p) => p.version)}`);
      const wasm = env.peers.find((p) => p.name === 'tfjs-wasm');
      assert(Number.isInteger(wasm.details.threads) && wasm.details.threads > 0, `wasm threads ${wasm.details.threads}`);
    } else {
      assert(env.browser === null, `browser ${env.browser}`);
      assert(env.peers.length === 0 && typeof env.peerNote === 'string', 'Node runs have no peers and say why');
    }
  });

  check(label('every suite present, in order'), () => {
    const names = Object.keys(report.suites ?? {});
    assert(JSON.stringify(names) === JSON.stringify(SUITES), `suites ${names.join(', ')}`);
  });

  check(label('every figure is a positive finite number; every count finite and >= 0'), () => {
    let stats = 0;
    let numbers = 0;
    walk(report.suites, 'suites', {
      stat: (s, at) => {
        stats++;
        for (const k of ['min', 'median', 'max']) assert(Number.isFinite(s[k]) && s[k] > 0, `${at}.${k} = ${s[k]}`);
        assert(s.min <= s.median && s.median <= s.max, `${at}: min ${s.min} median ${s.median} max ${s.max}`);
        assert(Number.isInteger(s.n) && s.n >= 1 && s.samples?.length === s.n, `${at}: n ${s.n}, ${s.samples?.length} samples`);
        assert(s.samples.every((v) => Number.isFinite(v) && v > 0), `${at}.samples: ${s.samples}`);
      },
      number: (x, at) => { numbers++; assert(Number.isFinite(x) && x >= 0, `${at} = ${x}`); },
      skipped: () => {},
    });
    assert(stats > 0, 'no figures at all');
    return `${stats} figures, ${numbers} other numbers`;
  });

  check(label('figures are skipped only for documented reasons'), () => {
    const skipped = [];
    walk(report.suites, 'suites', {
      stat: () => {}, number: () => {},
      skipped: (s, at) => {
        assert(SKIP_REASONS.includes(s.skipped), `${at}: undocumented reason "${s.skipped}"`);
        // Only a peer's entry, or the kernel breakdown (timestamp-query), may be skipped: never ours.
        assert(/\.peers\.[\w-]+$/.test(at) || at === 'suites.kernels', `${at} may not be skipped`);
        skipped.push(at.replace(/^suites\./, ''));
      },
    });
    return skipped.length ? `skipped: ${skipped.join(', ')}` : 'none skipped';
  });

  check(label('each suite has its cases, ours in every one, a peer entry per peer'), () => {
    const { matmul, step, kernels, epoch, memory } = report.suites;
    const peerNames = report.environment.peers.map((p) => p.name).sort();
    const samePeers = (entry, at) => assert(JSON.stringify(Object.keys(entry.peers).sort()) === JSON.stringify(peerNames), `${at}: peers ${Object.keys(entry.peers)}`);
    assert(matmul.cases.length > 0, 'matmul: no cases');
    matmul.cases.forEach((c, i) => { assert(isStat(c.ours.gflops) && isStat(c.ours.ms), `matmul[${i}]: ours`); samePeers(c, `matmul[${i}]`); });
    assert(step.configs.length > 0, 'step: no configs');
    step.configs.forEach((c, i) => {
      assert(isStat(c.ours.ms) && isStat(c.ours.samplesPerSecond), `step[${i}]: ours`);
      assert(c.ours.dispatchesPerStep > 0 && c.ours.submitsPerStep > 0 && c.ours.readsPerStep >= 0, `step[${i}]: engine counters`);
      assert(c.ours.recordMs && c.ours.recordMs.median > 0 && c.ours.recordMs.n > 0, `step[${i}]: CPU time to record + submit a step`);
      assert(c.ours.bindGroupsCreatedPerStep === 0, `step[${i}]: a step after warm-up replays its bind groups (built ${c.ours.bindGroupsCreatedPerStep} per step)`);
      samePeers(c, `step[${i}]`);
    });
    if (!('skipped' in kernels)) {
      assert(kernels.configs.length > 0 && kernels.configs.every((k) => k.kernels.length > 0), 'kernels: empty breakdown');
      const pct = kernels.configs[0].kernels.reduce((s, k) => s + k.percent, 0);
      assert(Math.abs(pct - 100) < 1, `kernels: percentages add up to ${pct}`);
    }
    assert(isStat(epoch.ours.trainSeconds) && epoch.ours.testAccuracy.median <= 1, 'epoch: ours');
    samePeers(epoch, 'epoch');
    assert(memory.configs.length > 0 && memory.configs.every((m) => m.peakLiveBytes.max >= m.liveBytes.max
      && m.peakAllocatedBytes.max >= m.liveBytes.max + m.pooledBytes.max), 'memory: configs');
  });

  if (existing) return;
  check(label('the markdown table is printed at the end'), () => {
    assert(/\| figure \| ours/.test(run.out), 'no "| figure | ours" table in the output');
    if (runtime === 'chromium') assert(/speed-up vs TF\.js WebGPU/.test(run.out), 'no ratio columns');
    else assert(/no peer columns/.test(run.out), 'Node table does not say why there are no peer columns');
  });
}

const checkAt = process.argv.indexOf('--check');
const existing = checkAt >= 0 ? process.argv[checkAt + 1] : null;
if (existing) {
  const { runtime } = JSON.parse(fs.readFileSync(existing, 'utf8')).environment;
  console.log(`bench report ${existing}`);
  checkReport(runtime, existing, { code: 0, out: '', seconds: 0 });
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgsl-tensor-bench-'));
  try {
    for (const runtime of ['node', 'chromium']) {
      console.log(`bench --tiny (${runtime})`);
      const file = path.join(dir, `${runtime}.json`);
      const run = await runBench(['--tiny', ...(runtime === 'node' ? ['--node'] : []), '--out', file], 180_000);
      checkReport(runtime, file, run);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const passed = results.filter(Boolean).length;
console.log(`bench: ${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed > 0 ? 1 : 0);
