/**
 * A small line chart drawn on a canvas: several named series, each a list of
 * (x, y) points, with axes, ticks and a legend. Enough for loss/accuracy
 * curves; no charting library needed.
 */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

export class LineChart {
  readonly series: Series[] = [];
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement, readonly title: string,
    readonly options: { yMin?: number; yMax?: number; xLabel?: string; logY?: boolean } = {}) {
    this.ctx = canvas.getContext('2d')!;
    this.draw();
  }

  clear(): void {
    this.series.length = 0;
    this.draw();
  }

  /** Get (or create) a series by name. */
  line(name: string, color: string, dashed = false): Series {
    let s = this.series.find((x) => x.name === name);
    if (!s) {
      s = { name, color, points: [], dashed };
      this.series.push(s);
    }
    return s;
  }

  add(name: string, color: string, x: number, y: number, dashed = false): void {
    if (!Number.isFinite(y)) return;
    this.line(name, color, dashed).points.push([x, y]);
    this.draw();
  }

  /** Total points across series (the e2e test watches this grow). */
  get pointCount(): number {
    return this.series.reduce((n, s) => n + s.points.length, 0);
  }

  draw(): void {
    const { ctx, canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    const pad = { l: 48, r: 12, t: 22, b: 28 };
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = '#222';
    ctx.font = '13px system-ui, sans-serif';
    ctx.fillText(this.title, pad.l, 15);
    const all = this.series.flatMap((s) => s.points);
    const xMin = all.length ? Math.min(...all.map((p) => p[0])) : 0;
    let xMax = Math.max(xMin + 1e-9, ...all.map((p) => p[0]));
    const tf = (y: number) => (this.options.logY ? Math.log10(Math.max(y, 1e-6)) : y);
    let yMin = this.options.yMin ?? Math.min(...all.map((p) => tf(p[1])));
    let yMax = this.options.yMax ?? Math.max(...all.map((p) => tf(p[1])));
    if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) { yMin = 0; yMax = 1; }
    if (yMax - yMin < 1e-9) { yMax += 0.5; yMin -= 0.5; }
    if (xMax <= xMin) xMax = xMin + 1;
    const X = (x: number) => pad.l + ((x - xMin) / (xMax - xMin)) * (w - pad.l - pad.r);
    const Y = (y: number) => h - pad.b - ((tf(y) - yMin) / (yMax - yMin)) * (h - pad.t - pad.b);
    // axes and ticks
    ctx.strokeStyle = '#bbb';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(pad.l, pad.t); ctx.lineTo(pad.l, h - pad.b); ctx.lineTo(w - pad.r, h - pad.b);
    ctx.stroke();
    ctx.fillStyle = '#555';
    ctx.font = '11px system-ui, sans-serif';
    for (let k = 0; k <= 4; k++) {
      const v = yMin + ((yMax - yMin) * k) / 4;
      const label = this.options.logY ? (10 ** v).toPrecision(2) : Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(0);
      const y = h - pad.b - (k / 4) * (h - pad.t - pad.b);
      ctx.fillText(label, 4, y + 4);
      ctx.strokeStyle = '#eee';
      ctx.beginPath(); ctx.moveTo(pad.l + 1, y); ctx.lineTo(w - pad.r, y); ctx.stroke();
    }
    ctx.fillText(`${this.options.xLabel ?? 'epoch'} (max ${+xMax.toFixed(2)})`, w - pad.r - 110, h - 8);
    // series
    this.series.forEach((s, i) => {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dashed ? [5, 4] : []);
      ctx.beginPath();
      s.points.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(X(x), Y(y)) : ctx.lineTo(X(x), Y(y))));
      ctx.stroke();
      if (s.points.length === 1) {
        ctx.fillStyle = s.color;
        ctx.fillRect(X(s.points[0]![0]) - 2, Y(s.points[0]![1]) - 2, 4, 4);
      }
      ctx.setLineDash([]);
      ctx.fillStyle = s.color;
      ctx.fillText(s.name, pad.l + 8 + (i % 3) * 150, pad.t + 12 + Math.floor(i / 3) * 13);
    });
  }
}
