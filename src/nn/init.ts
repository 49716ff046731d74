/**
 * Seeded weight initialisation, on the CPU (uploaded once).
 * Glorot uniform (Glorot & Bengio 2010): U(−a, a), a = sqrt(6 / (fanIn + fanOut)),
 * keeps activation variance roughly constant for tanh/linear units.
 * He (He et al. 2015): std sqrt(2 / fanIn), compensating ReLU zeroing half its inputs.
 */
import { ValueError } from '../errors.js';
import { lookup } from '../options.js';

/** xoshiro128**: a small, fast, well-tested PRNG with a 128-bit state, seeded by splitmix32. */
export class SeededRandom {
  private s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!; s[3]! ^= s[1]!; s[1]! ^= s[2]!; s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle of 0..n−1. */
  permutation(n: number): Uint32Array {
    const p = identityOrder(n);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = p[i]!; p[i] = p[j]!; p[j] = t;
    }
    return p;
  }
}

/** 0, 1, …, n−1: the sample order when nothing is shuffled. */
export function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fills w [fanIn, fanOut] (row-major) from `random`; 'zeros' leaves it 0. */
type Fill = (w: Float32Array, fanIn: number, fanOut: number, random: SeededRandom) => void;

/** The initialisers by name: dense layers' `init` option is one of these keys. */
const INITIALIZERS = {
  glorotUniform: (w, fanIn, fanOut, random) => {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < w.length; i++) w[i] = (2 * random.next() - 1) * a;
  },
  heNormal: (w, fanIn, _fanOut, random) => {
    const std = Math.sqrt(2 / fanIn);
    for (let i = 0; i < w.length; i++) w[i] = random.normal() * std;
  },
  heUniform: (w, fanIn, _fanOut, random) => {
    const a = Math.sqrt(6 / fanIn);
    for (let i = 0; i < w.length; i++) w[i] = (2 * random.next() - 1) * a;
  },
  zeros: () => { /* a new Float32Array is already 0 */ },
} satisfies Record<string, Fill>;

export type Initializer = keyof typeof INITIALIZERS;
export const INITIALIZER_NAMES = Object.keys(INITIALIZERS) as Initializer[];

export function initWeights(init: Initializer, fanIn: number, fanOut: number, random: SeededRandom): Float32Array {
  // An own-key look-up: a name such as 'toString' must not find Object.prototype's function.
  const fill: Fill | undefined = lookup(INITIALIZERS, init);
  if (!fill) throw new ValueError(`initWeights: init must be one of ${INITIALIZER_NAMES.map((n) => `'${n}'`).join(', ')}, got ${String(init)}`);
  const w = new Float32Array(fanIn * fanOut);
  fill(w, fanIn, fanOut, random);
  return w;
}
