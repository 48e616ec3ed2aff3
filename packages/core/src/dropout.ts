// Inverted dropout on a hidden layer's activations, forward and backward side by side, and its seeded mask. Training
// only: evaluation never calls these, so nothing is rescaled there. Every backend uses these JS kernels on its views.
//
//   forward:    h = f(z);  a = h ⊙ m,   m[i] = 1/(1−p) with probability 1−p, else 0
//   backward:   ∂L/∂h = ∂L/∂a ⊙ m, then f' at h: where m ≠ 0, h = a·(1−p), so a is scaled back by (1−p) first
//               (where m = 0 the gradient is 0 whatever f' is)
import type { Rng } from './rng.js';
import type { FloatArray } from './tensor.js';

/** Fill mask[0 .. count) with 1/(1−p) (kept, probability 1−p) or 0 (dropped), one draw of rng per value. */
export function dropoutMask(mask: FloatArray, count: number, p: number, rng: Rng): void {
  const keep = 1 / (1 - p);
  // A unit drops when a uniform 32-bit draw falls below p·2³²: one integer comparison per value.
  const threshold = Math.floor(p * 2 ** 32);
  for (let i = 0; i < count; i++) mask[i] = rng.nextU32() < threshold ? 0 : keep;
}

/** a ⊙= m over the first count values (count = rows × width). */
export function dropoutForward(a: FloatArray, mask: FloatArray, count: number): void {
  for (let i = 0; i < count; i++) a[i]! *= mask[i]!;
}

/** δ ⊙= m, and a ⊙= (1−p) so that the activation's backward step sees h = f(z) on the kept units. */
export function dropoutBackward(delta: FloatArray, a: FloatArray, mask: FloatArray, count: number, p: number): void {
  const back = 1 - p;
  for (let i = 0; i < count; i++) {
    delta[i]! *= mask[i]!;
    a[i]! *= back;
  }
}
