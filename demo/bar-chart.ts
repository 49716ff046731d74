/**
 * Grouped bars on a log axis: one group of bars per layer, one bar per
 * configuration (lesson 3's per-layer gradient norms, which span several
 * decades). Titled axes with tick labels, and the legend beside the plot,
 * like the line charts (chart.ts).
 */
import { logTicks, formatTick } from './ticks.js';

export interface BarGroup {
  label: string;
  color: string;
  values: number[];
}

const FONT = 'system-ui, sans-serif';
const LEGEND_WIDTH = 150;

export function drawBars(canvas: HTMLCanvasElement, title: string, yTitle: string, xTitle: string, groups: BarGroup[]): void {
  canvas.hidden = false;
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const pad = { l: 62, r: LEGEND_WIDTH + 10, t: 24, b: 44 };
  const plotW = w - pad.l - pad.r;
  const plotH = h - pad.t - pad.b;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#222';
  ctx.font = `13px ${FONT}`;
  ctx.textAlign = 'left';
  ctx.fillText(title, pad.l, 15);

  const values = groups.flatMap((g) => g.values).map((v) => Math.max(v, 1e-12));
  if (values.length === 0) return;
  const ticks = logTicks(Math.min(...values), Math.max(...values));
  // the axis starts a little below the smallest bar, so every bar has a visible height
  const lo = Math.log10(Math.min(...values)) - 0.3;
  const hi = Math.log10(Math.max(...values)) + 0.1;
  const Y = (v: number) => pad.t + plotH - ((Math.log10(v) - lo) / (hi - lo)) * plotH;

  ctx.font = `11px ${FONT}`;
  ctx.fillStyle = '#555';
  ctx.textAlign = 'right';
  for (const v of ticks) {
    const y = Y(v);
    if (y < pad.t - 1 || y > pad.t + plotH + 1) continue;
    ctx.strokeStyle = '#eee';
    ctx.beginPath(); ctx.moveTo(pad.l + 1, y); ctx.lineTo(pad.l + plotW, y); ctx.stroke();
    ctx.fillText(formatTick(v), pad.l - 6, y + 4);
  }
  const layers = Math.max(...groups.map((g) => g.values.length));
  const slot = plotW / layers;
  const barW = slot / (groups.length + 1);
  groups.forEach((g, gi) => {
    ctx.fillStyle = g.color;
    g.values.forEach((v, i) => {
      const top = Y(Math.max(v, 1e-12));
      ctx.fillRect(pad.l + i * slot + (gi + 0.5) * barW, top, barW - 1, pad.t + plotH - top);
    });
  });
  ctx.fillStyle = '#555';
  ctx.textAlign = 'center';
  for (let i = 0; i < layers; i++) ctx.fillText(String(i + 1), pad.l + (i + 0.5) * slot, pad.t + plotH + 16);
  ctx.strokeStyle = '#999';
  ctx.beginPath();
  ctx.moveTo(pad.l, pad.t); ctx.lineTo(pad.l, pad.t + plotH); ctx.lineTo(pad.l + plotW, pad.t + plotH);
  ctx.stroke();
  ctx.fillStyle = '#333';
  ctx.font = `12px ${FONT}`;
  ctx.fillText(xTitle, pad.l + plotW / 2, h - 8);
  ctx.save();
  ctx.translate(14, pad.t + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`${yTitle} (log scale)`, 0, 0);
  ctx.restore();

  ctx.textAlign = 'left';
  ctx.font = `11px ${FONT}`;
  groups.forEach((g, i) => {
    const ly = pad.t + 8 + i * 16;
    ctx.fillStyle = g.color;
    ctx.fillRect(pad.l + plotW + 14, ly - 9, 12, 10);
    ctx.fillStyle = '#333';
    ctx.fillText(g.label, pad.l + plotW + 32, ly);
  });
}
