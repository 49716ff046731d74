/**
 * Comparing GPU results with the CPU reference: |gpu - ref| <= atol + rtol |ref|,
 * NaN must match NaN, infinities must match exactly. On failure the message
 * shows the first mismatching indices with both values.
 */
import { expect } from 'chai';

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}): string[] {
  const atol = tol.atol ?? 1e-6;
  const rtol = tol.rtol ?? 1e-5;
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) {
      bad.push(`[${i}] gpu ${a} vs ref ${e}`);
      if (bad.length >= 8) break;
    }
  }
  return bad;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}, what = 'values'): void {
  expect(actual.length, `${what}: length`).to.equal(expected.length);
  const bad = mismatches(actual, expected, tol);
  expect(bad, `${what} differ beyond atol ${tol.atol ?? 1e-6} rtol ${tol.rtol ?? 1e-5}: ${bad.join('; ')}`).to.deep.equal([]);
}

/** Bit-exact equality (f32 bit patterns, so -0 vs 0 and NaN payloads count). */
export function expectBitEqual(actual: Float32Array | Int32Array | Uint32Array, expected: Float32Array | Int32Array | Uint32Array, what = 'values'): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  expect(a.length, `${what}: length`).to.equal(e.length);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) expect.fail(`${what}: first difference at [${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}
