// Inverted dropout on a hidden layer's activations, forward and backward side by side, and its seeded mask. Training
// only: evaluation never calls these, so nothing is rescaled there. The reference kernels (the naive and js backends
// run them; wasm has SIMD twins); the mask is drawn here for every backend, into the backend's buffer.
//
//   forward:    h = f(z);  a = h ⊙ m,   m[i] = 1/(1−p) with probability 1−p, else 0
//   backward:   ∂L/∂h = ∂L/∂a ⊙ m, then f' at h: where m ≠ 0, h = a·(1−p), so a is scaled back by (1−p) first
//               (where m = 0 the gradient is 0 whatever f' is)
import type { ActivationName } from './activations.js';
import type { Rng } from './rng.js';
import type { FloatArray } from './tensor.js';

/** Scratch for the draws (grown as needed; module-level so that a hot loop allocates nothing). */
let draws = new Uint32Array(0);

/**
 * Fill mask[0 .. count) with 1/(1−p) (kept) or 0 (dropped). Each uint32 drawn from rng decides two units by its
 * 16-bit halves (low, then high): a unit drops when its half is below round(p·2¹⁶), so p acts to 1/65536.
 */
export function dropoutMask(mask: FloatArray, count: number, p: number, rng: Rng): void {
  const keep = 1 / (1 - p);
  const threshold = Math.round(p * 65536);
  const words = (count + 1) >> 1;
  if (draws.length < words) draws = new Uint32Array(words);
  rng.fillU32(draws, words);
  // Branch-free (the outcomes are random, so branches would mispredict): ((h − threshold) >> 31) + 1 is 1 when h ≥ threshold.
  for (let j = 0, i = 0; j < words; j++, i += 2) {
    const w = draws[j]!;
    mask[i] = ((((w & 0xffff) - threshold) >> 31) + 1) * keep;
    if (i + 1 < count) mask[i + 1] = ((((w >>> 16) - threshold) >> 31) + 1) * keep;
  }
}

/** a ⊙= m over the first count values (count = rows × width). */
export function dropoutForward(a: FloatArray, mask: FloatArray, count: number): void {
  for (let i = 0; i < count; i++) a[i]! *= mask[i]!;
}

/**
 * δ ⊙= m, and a ⊙= back (1 − p) so that the activation's backward step sees h = f(z) on the kept units. back = 1
 * leaves a alone: right for relu and linear, whose derivative reads only the sign of a (dropoutRescales).
 */
export function dropoutBackward(delta: FloatArray, a: FloatArray, mask: FloatArray, count: number, back: number): void {
  for (let i = 0; i < count; i++) delta[i]! *= mask[i]!;
  if (back !== 1) for (let i = 0; i < count; i++) a[i]! *= back;
}

/** The factor dropoutBackward scales a by for an activation: 1 − p where f' reads a's value, 1 where only its sign. */
export function dropoutRescale(act: ActivationName, p: number): number {
  return act === 'relu' || act === 'linear' ? 1 : 1 - p;
}
