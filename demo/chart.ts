/**
 * A small line chart drawn on a canvas: several named series, each a list of
 * (x, y) points, with titled axes, tick labels on both, and a legend to the
 * right of the plot (never over a curve). Enough for loss/accuracy curves; no
 * charting library needed.
 *
 * Two choices make the curves readable from the first point on:
 *  - the x range is the planned one (`setXRange(0, epochs)`), widened only if
 *    a point falls outside it, so one epoch's point is not squeezed onto the
 *    y axis;
 *  - with `yScale: 'auto'` the y axis turns logarithmic when the values span
 *    more than a factor of LOG_SPAN (say cross-entropy next to square loss),
 *    so the smaller curve is not drawn flat on the floor.
 */
import { niceTicks, logTicks, formatTick } from './ticks.js';

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** The legend's entry: series of one group (a configuration's training and validation curves) share one line. */
  group?: string;
}

export interface ChartOptions {
  /** Fixed ends of the y axis (accuracy: 0..1); otherwise from the data. */
  yMin?: number;
  yMax?: number;
  /** Axis titles. */
  xTitle?: string;
  yTitle?: string;
  /** 'auto': logarithmic when the positive values span more than LOG_SPAN. */
  yScale?: 'linear' | 'log' | 'auto';
}

/** The span (max / min) above which 'auto' draws a log axis. */
const LOG_SPAN = 10;
const LEGEND_WIDTH = 150;
const FONT = 'system-ui, sans-serif';

export class LineChart {
  readonly series: Series[] = [];
  private readonly ctx: CanvasRenderingContext2D;
  private xRange: [number, number] | null = null;
  /** Whether the last draw used a log y axis (the e2e test reads it). */
  logY = false;

  constructor(readonly canvas: HTMLCanvasElement, public title: string, readonly options: ChartOptions = {}) {
    this.ctx = canvas.getContext('2d')!;
    this.draw();
  }

  clear(): void {
    this.series.length = 0;
    this.xRange = null;
    this.draw();
  }

  /** The x range planned for this run (e.g. 0..epochs); points outside it widen it. */
  setXRange(min: number, max: number, title?: string): void {
    this.xRange = [min, max];
    if (title !== undefined) this.options.xTitle = title;
    this.draw();
  }

  /** Get (or create) a series by name. */
  line(name: string, color: string, dashed = false, group = name): Series {
    let s = this.series.find((x) => x.name === name);
    if (!s) {
      s = { name, color, points: [], dashed, group };
      this.series.push(s);
    }
    return s;
  }

  add(name: string, color: string, x: number, y: number, dashed = false, group = name): void {
    if (!Number.isFinite(y)) return;
    this.line(name, color, dashed, group).points.push([x, y]);
    this.draw();
  }

  /** Total points across series (the e2e test watches this grow). */
  get pointCount(): number {
    return this.series.reduce((n, s) => n + s.points.length, 0);
  }

  private useLog(ys: number[]): boolean {
    const scale = this.options.yScale ?? 'linear';
    if (scale === 'linear' || ys.length === 0 || ys.some((y) => y <= 0)) return false;
    if (scale === 'log') return true;
    return Math.max(...ys) / Math.min(...ys) > LOG_SPAN;
  }

  draw(): void {
    const { ctx, canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    // plot area: room for the y tick labels and title on the left, the x ticks and title below, the legend on the right
    const pad = { l: 62, r: LEGEND_WIDTH + 10, t: 24, b: 44 };
    const plotW = w - pad.l - pad.r;
    const plotH = h - pad.t - pad.b;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = '#222';
    ctx.font = `13px ${FONT}`;
    ctx.textAlign = 'left';
    ctx.fillText(this.title, pad.l, 15);

    const all = this.series.flatMap((s) => s.points);
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]);
    let xMin = Math.min(this.xRange?.[0] ?? Infinity, ...xs);
    let xMax = Math.max(this.xRange?.[1] ?? -Infinity, ...xs);
    if (!Number.isFinite(xMin) || !Number.isFinite(xMax)) { xMin = 0; xMax = 1; }
    if (xMax - xMin < 1e-9) { xMin = Math.min(0, xMin); xMax = xMin + 1; }

    this.logY = this.useLog(ys);
    const tf = (y: number) => (this.logY ? Math.log10(y) : y);
    let yMin = this.options.yMin ?? (ys.length ? Math.min(...ys) : 0);
    let yMax = this.options.yMax ?? (ys.length ? Math.max(...ys) : 1);
    if (yMax - yMin < 1e-9) { yMax += 0.5; yMin = this.logY ? yMin / 2 : yMin - 0.5; }
    const yTicks = this.logY ? logTicks(yMin, yMax) : niceTicks(yMin, yMax, 5);
    if (this.logY) {
      // a little room above and below, in the log domain
      const margin = 0.04 * Math.log10(yMax / yMin);
      yMin /= 10 ** margin;
      yMax *= 10 ** margin;
    } else {
      // a linear axis ends on ticks, so every curve lies inside labelled ground
      if (this.options.yMin === undefined) yMin = Math.min(yMin, yTicks[0]!);
      if (this.options.yMax === undefined) yMax = Math.max(yMax, yTicks[yTicks.length - 1]!);
    }
    const xTicks = niceTicks(xMin, xMax, 6, this.options.xTitle?.startsWith('epoch'));

    const X = (x: number) => pad.l + ((x - xMin) / (xMax - xMin)) * plotW;
    const Y = (y: number) => pad.t + plotH - ((tf(y) - tf(yMin)) / (tf(yMax) - tf(yMin))) * plotH;

    // grid, ticks and tick labels
    ctx.font = `11px ${FONT}`;
    ctx.lineWidth = 1;
    ctx.fillStyle = '#555';
    ctx.textAlign = 'right';
    for (const v of yTicks) {
      if (v < yMin - 1e-12 || v > yMax + 1e-12) continue;
      const y = Y(v);
      ctx.strokeStyle = '#eee';
      ctx.beginPath(); ctx.moveTo(pad.l + 1, y); ctx.lineTo(pad.l + plotW, y); ctx.stroke();
      ctx.strokeStyle = '#999';
      ctx.beginPath(); ctx.moveTo(pad.l - 4, y); ctx.lineTo(pad.l, y); ctx.stroke();
      ctx.fillText(formatTick(v), pad.l - 6, y + 4);
    }
    ctx.textAlign = 'center';
    for (const v of xTicks) {
      const x = X(v);
      ctx.strokeStyle = '#999';
      ctx.beginPath(); ctx.moveTo(x, pad.t + plotH); ctx.lineTo(x, pad.t + plotH + 4); ctx.stroke();
      ctx.fillText(formatTick(v), x, pad.t + plotH + 16);
    }
    // axes
    ctx.strokeStyle = '#999';
    ctx.beginPath();
    ctx.moveTo(pad.l, pad.t); ctx.lineTo(pad.l, pad.t + plotH); ctx.lineTo(pad.l + plotW, pad.t + plotH);
    ctx.stroke();
    // axis titles
    ctx.fillStyle = '#333';
    ctx.font = `12px ${FONT}`;
    ctx.fillText(this.options.xTitle ?? 'epoch', pad.l + plotW / 2, h - 8);
    ctx.save();
    ctx.translate(14, pad.t + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`${this.options.yTitle ?? ''}${this.logY ? ' (log scale)' : ''}`, 0, 0);
    ctx.restore();

    // series, clipped to the plot area
    ctx.save();
    ctx.beginPath();
    ctx.rect(pad.l, pad.t - 2, plotW + 2, plotH + 4);
    ctx.clip();
    for (const s of this.series) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dashed ? [5, 4] : []);
      ctx.beginPath();
      s.points.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(X(x), Y(y)) : ctx.lineTo(X(x), Y(y))));
      ctx.stroke();
      ctx.setLineDash([]);
      // a dot on every point, so a one-point series (after the first epoch) is visible too
      for (const [x, y] of s.points) { ctx.beginPath(); ctx.arc(X(x), Y(y), 2.5, 0, 2 * Math.PI); ctx.fill(); }
    }
    ctx.restore();

    this.drawLegend(pad.l + plotW + 14, pad.t + 8);
  }

  /**
   * Right of the plot: one line per group in its colour, then — when both
   * kinds are drawn — what solid and dashed mean, once, in grey.
   */
  private drawLegend(lx: number, top: number): void {
    const { ctx } = this;
    const entries: { label: string; color: string; dashed: boolean }[] = [];
    for (const s of this.series) {
      const label = s.group ?? s.name;
      if (!entries.some((e) => e.label === label)) entries.push({ label, color: s.color, dashed: !!s.dashed && s.group === undefined });
    }
    const styles = new Set(this.series.map((s) => !!s.dashed));
    if (styles.size === 2 && this.series.every((s) => s.group !== undefined)) {
      entries.push({ label: 'training', color: '#777', dashed: false }, { label: 'validation', color: '#777', dashed: true });
    }
    ctx.textAlign = 'left';
    ctx.font = `11px ${FONT}`;
    entries.forEach((e, i) => {
      const ly = top + i * 16;
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(e.dashed ? [4, 3] : []);
      ctx.beginPath(); ctx.moveTo(lx, ly - 4); ctx.lineTo(lx + 18, ly - 4); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#333';
      ctx.fillText(fitText(ctx, e.label, LEGEND_WIDTH - 26), lx + 24, ly);
    });
  }
}

/** Shortens `text` with an ellipsis to fit `width` pixels. */
function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return `${t}…`;
}
