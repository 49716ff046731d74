/**
 * A drawing pad: the user draws a digit with the mouse (or a finger) on a
 * 280×280 canvas; `pixels()` downsamples it to MNIST's 28×28 u8 format, with
 * the drawing centred by its centre of mass the way MNIST digits are.
 */
export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: [number, number] | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private readonly onChange: () => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    const pos = (e: PointerEvent): [number, number] => {
      const r = canvas.getBoundingClientRect();
      return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
    };
    canvas.addEventListener('pointerdown', (e) => { this.drawing = true; this.last = pos(e); this.stroke(pos(e)); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener('pointermove', (e) => { if (this.drawing) this.stroke(pos(e)); });
    const end = () => { if (this.drawing) { this.drawing = false; this.last = null; this.onChange(); } };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointerleave', end);
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Draw a line segment from the last point (also used by tests to "draw"). */
  stroke(to: [number, number]): void {
    const from = this.last ?? to;
    this.ctx.strokeStyle = '#fff';
    this.ctx.lineWidth = this.canvas.width / 12;
    this.ctx.lineCap = 'round';
    this.ctx.beginPath();
    this.ctx.moveTo(from[0], from[1]);
    this.ctx.lineTo(to[0], to[1]);
    this.ctx.stroke();
    this.last = to;
  }

  /** Draw a polyline in canvas coordinates, then notify. */
  drawPath(points: [number, number][]): void {
    this.last = null;
    for (const p of points) this.stroke(p);
    this.last = null;
    this.onChange();
  }

  /** 28×28 u8 pixels, MNIST style (white digit on black, centred by mass in a 20×20 box). */
  pixels(): Uint8Array {
    const { width, height } = this.canvas;
    const src = this.ctx.getImageData(0, 0, width, height).data;
    // bounding box of the ink
    let x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      if (src[(y * width + x) * 4]! > 20) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
    const out = new Uint8Array(28 * 28);
    if (x1 < 0) return out;
    // scale the box to fit 20×20, then place its centre of mass at (14, 14)
    const size = Math.max(x1 - x0 + 1, y1 - y0 + 1);
    const scale = 20 / size;
    const small = new Float32Array(28 * 28);
    let mass = 0, mx = 0, my = 0;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      const v = src[(y * width + x) * 4]! / 255;
      if (v === 0) continue;
      const sx = (x - x0) * scale + 4 + (20 - (x1 - x0 + 1) * scale) / 2;
      const sy = (y - y0) * scale + 4 + (20 - (y1 - y0 + 1) * scale) / 2;
      const ix = Math.min(27, Math.max(0, Math.floor(sx)));
      const iy = Math.min(27, Math.max(0, Math.floor(sy)));
      small[iy * 28 + ix]! += v * scale * scale;
      mass += v; mx += v * sx; my += v * sy;
    }
    const dx = Math.round(14 - mx / mass);
    const dy = Math.round(14 - my / mass);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx < 0 || sy < 0 || sx >= 28 || sy >= 28) continue;
      out[y * 28 + x] = Math.min(255, Math.round(small[sy * 28 + sx]! * 255));
    }
    return out;
  }
}
