/**
 * Philox-4x32-10, the counter-based random number generator of Salmon et al.,
 * "Parallel random numbers: as easy as 1, 2, 3" (SC'11), as used by Random123,
 * cuRAND and JAX. A counter-based generator is a pure function
 * (counter, key) -> 4 random u32, so every GPU thread computes the numbers for
 * its own elements with no shared state, and this CPU copy produces the same
 * bits: shaders/dropout.wgsl implements the same steps line for line.
 *
 * Only 32-bit arithmetic is used, because WGSL has no 64-bit integers: the
 * 32x32 -> 64-bit product Philox needs is built from 16-bit halves (mulHiLo).
 */

/** Philox's round multipliers and key increments ("Weyl" constants). */
export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;

/**
 * The high and low 32 bits of the 64-bit product a * b (a, b u32), from
 * 16-bit halves: every partial product fits in 32 bits.
 */
export function mulHiLo(a: number, b: number): [hi: number, lo: number] {
  const aLo = a & 0xffff, aHi = a >>> 16;
  const bLo = b & 0xffff, bHi = b >>> 16;
  const ll = Math.imul(aLo, bLo) >>> 0;
  const lh = Math.imul(aLo, bHi) >>> 0;
  const hl = Math.imul(aHi, bLo) >>> 0;
  const hh = Math.imul(aHi, bHi) >>> 0;
  // Carry out of bits 16..31 of the product: at most 3 * 0xffff, no overflow.
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
  const lo = Math.imul(a, b) >>> 0;
  return [hi, lo];
}

/** Four random u32 for a 4-word counter and a 2-word key. */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number]): Uint32Array {
  let [c0, c1, c2, c3] = counter.map((v) => v >>> 0) as [number, number, number, number];
  let k0 = key[0] >>> 0, k1 = key[1] >>> 0;
  for (let round = 0; round < PHILOX_ROUNDS; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const [hi0, lo0] = mulHiLo(PHILOX_M0, c0);
    const [hi1, lo1] = mulHiLo(PHILOX_M1, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return Uint32Array.of(c0, c1, c2, c3);
}

/**
 * The random u32 for element `index` of a stream (seed, step): element i uses
 * word i % 4 of philox4x32(counter = [i / 4, step, 0, 0], key = [seed, 0]), so
 * one Philox call serves four consecutive elements (one GPU thread's share).
 */
export function randomU32(seed: number, step: number, index: number): number {
  return philox4x32([Math.floor(index / 4), step, 0, 0], [seed, 0])[index % 4]!;
}
