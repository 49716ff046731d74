/**
 * The benchmark report: the shape of the JSON document, and the markdown
 * table printed at the end of a run.
 *
 * Ratios are speed-ups: how many times faster ours is than the peer. For
 * throughputs (GFLOP/s, samples/s) that is ours / peer; for times (ms/step,
 * seconds per epoch) peer / ours — so "10×" always means ours is ten times
 * faster, and "0.5×" that the peer is twice as fast. Only figures taken in
 * the same run are compared: this machine's speed drifts between runs.
 */
import type { AdapterDescription } from '../src/index.js';
import type { PeerInfo } from './peer.js';
import type { Stat } from './stats.js';
import { isSkipped, type Mode, type Skipped } from './suite.js';
import type { EpochResult } from './suites/epoch.js';
import type { KernelBreakdown } from './suites/kernels.js';
import type { MatmulCaseResult } from './suites/matmul.js';
import type { MemoryFigure } from './suites/memory.js';
import type { StepConfigResult } from './suites/step.js';

export interface Environment {
  runtime: 'chromium' | 'node';
  mode: Mode;
  date: string;
  command: string;
  adapter: AdapterDescription;
  adapterName: string;
  /** Chromium's version (puppeteer's browser.version()); null in Node. */
  browser: string | null;
  userAgent: string | null;
  node: string;
  cpu: { model: string; cores: number };
  os: string;
  peers: PeerInfo[];
  /** Why there are no peers, when there are none. */
  peerNote?: string;
  timing: string;
}

export interface BenchReport {
  schema: 'wgsl-tensor-bench/1';
  environment: Environment;
  suites: {
    matmul?: { cases: MatmulCaseResult[] };
    step?: { configs: StepConfigResult[] };
    kernels?: { configs: KernelBreakdown[] } | Skipped;
    epoch?: EpochResult;
    memory?: { configs: MemoryFigure[] };
  };
}

export const TIMING_NOTE = 'median over repetitions after warm-up; one repetition = K back-to-back calls closed by one wait ' +
  '(ours: engine.sync(); TF.js: await data() of the last result, readback included, nothing subtracted)';

type Direction = 'higher' | 'lower';

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function ratio(ours: number, peer: number, direction: Direction): string {
  const r = direction === 'higher' ? ours / peer : peer / ours;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** A peer's median for a row, or why there is none. */
type PeerCell = { value: number; note?: string } | { text: string };

export function renderMarkdown(report: BenchReport): string {
  const env = report.environment;
  const peers = env.peers;
  const lines: string[] = [];
  lines.push(`## wgsl-tensor benchmark — ${env.runtime}, ${env.mode} run, ${env.date}`);
  lines.push('');
  lines.push(`- command: \`${env.command}\``);
  lines.push(`- adapter: ${env.adapterName}${env.browser ? `; browser: ${env.browser}` : ''}`);
  lines.push(`- CPU: ${env.cpu.model} × ${env.cpu.cores} cores; ${env.os}; Node ${env.node}`);
  if (peers.length) {
    for (const p of peers) lines.push(`- peer ${p.label} ${p.version}: ${Object.entries(p.details).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } else {
    lines.push(`- no peer columns: ${env.peerNote ?? 'no peers ran'}`);
  }
  lines.push(`- timing: ${env.timing}`);
  lines.push('');

  // ---- the side-by-side table ------------------------------------------------------
  const header = ['figure', 'ours', ...peers.map((p) => p.label), ...peers.map((p) => `speed-up vs ${p.label}`)];
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|---|${header.slice(1).map(() => '---:').join('|')}|`);
  const row = (label: string, ours: number, cells: PeerCell[], direction: Direction | null) => {
    const values = cells.map((c) => ('text' in c ? c.text : `${fmt(c.value)}${c.note ?? ''}`));
    const ratios = cells.map((c) => ('text' in c || direction === null ? '—' : ratio(ours, c.value, direction)));
    lines.push(`| ${[label, fmt(ours), ...values, ...ratios].join(' | ')} |`);
  };
  /** A peer's figure for a row: `key` names the Stat ('gflops', 'ms'...) in a suite's peer entry. */
  const cell = (x: object | undefined, key: string): PeerCell =>
    x === undefined ? { text: '—' } : isSkipped(x) ? { text: 'skipped' } : { value: (x as Record<string, Stat>)[key]!.median };

  const { matmul, step, kernels, epoch, memory } = report.suites;
  for (const c of matmul?.cases ?? []) {
    row(`matmul ${c.name} (GFLOP/s)`, c.ours.gflops.median,
      peers.map((p) => cell(c.peers[p.name], 'gflops')), 'higher');
  }
  for (const c of step?.configs ?? []) {
    row(`step ${c.model} batch ${c.batch} (samples/s)`, c.ours.samplesPerSecond.median,
      peers.map((p) => cell(c.peers[p.name], 'samplesPerSecond')), 'higher');
    row(`step ${c.model} batch ${c.batch} (ms/step)`, c.ours.ms.median,
      peers.map((p) => cell(c.peers[p.name], 'ms')), 'lower');
  }
  if (epoch) {
    const samples = epoch.ours.trainSamples;
    row(`epoch ${epoch.description}, ${samples} images, batch ${epoch.batch} (s)`, epoch.ours.trainSeconds.median,
      peers.map((p): PeerCell => {
        const e = epoch.peers[p.name];
        if (!e) return { text: '—' };
        if (isSkipped(e)) return { text: 'skipped' };
        return { value: e.trainSeconds.median, ...('extrapolated' in e ? { note: ' (extrapolated)' } : {}) };
      }), 'lower');
    row(`epoch test accuracy, ${epoch.testSamples} images (%)`, 100 * epoch.ours.testAccuracy.median,
      peers.map((p): PeerCell => {
        const e = epoch.peers[p.name];
        return !e || isSkipped(e) || 'extrapolated' in e ? { text: '—' } : { value: 100 * e.testAccuracy.median };
      }), null);
  }
  lines.push('');
  lines.push('Medians; min and max of every figure are in the JSON. Speed-up = how many times faster ours is ' +
    '(ours/peer for throughputs, peer/ours for times).');

  // ---- ours only: plumbing, kernels, memory ------------------------------------------
  if (step?.configs.length) {
    lines.push('');
    lines.push('| step (ours) | ms/step | samples/s | CPU ms to record + submit | dispatches/step | submits/step | reads/step | bind groups built/step |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const c of step.configs) {
      lines.push(`| ${c.model} (${c.description}) batch ${c.batch} | ${fmt(c.ours.ms.median)} | ${fmt(c.ours.samplesPerSecond.median)} | ` +
        `${c.ours.recordMs.median.toFixed(3)} | ${c.ours.dispatchesPerStep} | ${c.ours.submitsPerStep} | ${c.ours.readsPerStep} | ${c.ours.bindGroupsCreatedPerStep} |`);
    }
  }
  if (kernels && isSkipped(kernels)) {
    lines.push('');
    lines.push(`Kernel breakdown: skipped (${kernels.skipped}).`);
  } else if (kernels) {
    for (const k of kernels.configs) {
      lines.push('');
      lines.push(`| kernels of one ${k.model} step, batch ${k.batch} (timestamp-query, ${fmt(k.stepGpuMs.median)} ms GPU) | dispatches | ms | % of step |`);
      lines.push('|---|---:|---:|---:|');
      for (const r of k.kernels) lines.push(`| ${r.kernel} | ${r.count} | ${r.ms.median.toFixed(3)} | ${r.percent.toFixed(1)} |`);
    }
  }
  if (memory?.configs.length) {
    lines.push('');
    lines.push('| memory (ours) | parameters | live between steps | pooled (one step\'s scratch) | peak live | peak held by the pool | buffers created/step |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const m of memory.configs) {
      lines.push(`| ${m.model} batch ${m.batch} | ${m.parameters} | ${MiB(m.liveBytes.max)} | ${MiB(m.pooledBytes.max)} | ${MiB(m.peakLiveBytes.max)} | ${MiB(m.peakAllocatedBytes.max)} | ${m.buffersCreatedPerStep} |`);
    }
  }
  return lines.join('\n') + '\n';
}
