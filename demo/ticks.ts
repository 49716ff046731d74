/**
 * Tick positions for chart axes: "nice" round steps (1, 2 or 5 times a power
 * of ten) on a linear axis, and powers of ten (with 2 and 5 between them when
 * the axis spans three decades or less) on a log axis. Pure functions, so the
 * spec can check them without a canvas.
 */

/**
 * About `count` ticks covering [min, max], at a round step; the first tick is
 * at or below min and the last at or above max. `integers`: no step below 1
 * (epoch axes).
 */
export function niceTicks(min: number, max: number, count: number, integers = false): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  let step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * power;
  if (integers) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step - 1e-9 * step; v += step) ticks.push(roundTo(v, step));
  return ticks;
}

/** Ticks for a log axis over [min, max] (both > 0): the decades, with 2 and 5 between them when the span is short. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.ceil(Math.log10(max) - 1e-9);
  const mantissas = hi - lo <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (const m of mantissas) {
      const v = roundTo(m * 10 ** e, 10 ** e);
      if (v >= 10 ** lo && v <= 10 ** hi) ticks.push(v);
    }
  }
  return ticks;
}

/** A tick label: no trailing zeros, no floating-point dust (0.30000000000000004). */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(6)));
}

/** v rounded to the decimals that `step` needs. */
function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(decimals, 20)));
}
