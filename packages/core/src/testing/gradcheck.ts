// Finite-difference gradient checking in float64: central differences of a scalar loss against an analytic gradient.
// Test-only helper (tinygrad's gradcheck idea); the loss closure must read the perturbed buffer each call.
import type { Tolerance } from './expect-close.js';

export interface GradCheckResult {
  ok: boolean;
  /** Largest |numeric − analytic| − (atol + rtol·|numeric|) and where it occurred. */
  worst: number;
  index: number;
  numeric: Float64Array;
}

/**
 * For each i: numeric[i] = (L(x + eps·e_i) − L(x − eps·e_i)) / 2eps, perturbing `x` in place (restored afterwards),
 * compared with analytic[i].
 */
export function gradCheck(loss: () => number, x: Float64Array, analytic: ArrayLike<number>, tol: Tolerance, eps = 1e-6): GradCheckResult {
  const numeric = new Float64Array(x.length);
  let worst = Number.NEGATIVE_INFINITY;
  let index = -1;
  for (let i = 0; i < x.length; i++) {
    const orig = x[i]!;
    x[i] = orig + eps;
    const lp = loss();
    x[i] = orig - eps;
    const lm = loss();
    x[i] = orig;
    const g = (lp - lm) / (2 * eps);
    numeric[i] = g;
    const a = analytic[i]!;
    const d = Number.isFinite(a) ? Math.abs(g - a) - (tol.atol + tol.rtol * Math.abs(g)) : Number.POSITIVE_INFINITY;
    if (d > worst) {
      worst = d;
      index = i;
    }
  }
  return { ok: worst <= 0, worst, index, numeric };
}

/** Float64 array of n normal-ish values from a tiny deterministic generator (tests need no Rng coupling). */
export function randn64(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * scale;
  return out;
}
