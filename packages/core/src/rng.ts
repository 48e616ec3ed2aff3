// Seeded PRNG (xoshiro128**, seeded by splitmix32) with snapshot/restore; the only randomness the library uses. Not
// cryptographic. Same seed → same integers, float() and int() on every engine; normal() uses Math.log/Math.cos, whose
// last bits are engine-defined, so it is bit-identical only on the same engine (tests run on V8: Node and Chromium).
import { checkCount } from './check.js';

/** The whole generator state: four uint32 words. Plain data, safe to JSON.stringify. */
export type RngState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A seeded pseudo-random generator (xoshiro128**): integers, floats, normals and permutations; its state can be saved and restored exactly. */
export class Rng {
  private s: Uint32Array;

  /** `seed` is any integer; it is reduced to 32 bits. */
  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.trunc(seed));
    this.s = new Uint32Array([sm(), sm(), sm(), sm()]);
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** A generator that continues exactly from a saved state(). */
  static fromState(state: RngState): Rng {
    if (!Array.isArray(state) || state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError('Rng state must be four uint32 words');
    }
    if (state.every((w) => w === 0)) throw new RangeError('Rng state must not be all zero');
    const r = new Rng(0);
    r.s.set(state);
    return r;
  }

  /** The generator's state, to continue later with Rng.fromState. */
  state(): RngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  /** An independent generator at the same point of the same stream. */
  clone(): Rng {
    return Rng.fromState(this.state());
  }

  /** Next uint32. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Fill out[0 .. count) with the next `count` uint32s: the same values as `count` calls of nextU32, faster. */
  fillU32(out: Uint32Array, count: number): void {
    const st = this.s;
    let [s0, s1, s2, s3] = [st[0]!, st[1]!, st[2]!, st[3]!];
    for (let i = 0; i < count; i++) {
      const x = Math.imul(s1, 5);
      out[i] = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** Standard normal N(0, 1) by Box–Muller (one value per call, nothing cached, so state is just the four words). */
  normal(): number {
    let u = this.float();
    while (u === 0) u = this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<
    T extends {
      /** How many elements to shuffle. */
      length: number;
      [i: number]: number;
    },
  >(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /** A fresh permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    checkCount('Rng.permutation', 'n', n, 0);
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
