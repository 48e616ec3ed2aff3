// The one comparison for float results in tests, with named tolerances. Test-only; not exported from the package.
import { expect } from 'vitest';

export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Named tolerances: float64 maths, float32 kernels vs a reference, float32 vs an outside (numpy) reference. */
export const TOL = {
  f64: { atol: 1e-12, rtol: 1e-10 },
  f32: { atol: 1e-5, rtol: 1e-4 },
  golden: { atol: 1e-6, rtol: 1e-4 },
  gradcheck: { atol: 1e-7, rtol: 1e-5 },
} as const satisfies Record<string, Tolerance>;

/** Worst |a − e| − (atol + rtol·|e|) over all elements; ≤ 0 means close. Also reports where. */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): { excess: number; index: number } {
  let excess = Number.NEGATIVE_INFINITY;
  let index = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const d = Number.isNaN(a) || Number.isNaN(e) ? Number.POSITIVE_INFINITY : Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (d > excess) {
      excess = d;
      index = i;
    }
  }
  return { excess, index };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label = 'values'): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const { excess, index } = closeness(actual, expected, tol);
  if (excess > 0) {
    expect.fail(`${label}: element ${index} is ${actual[index]}, expected ${expected[index]} (atol ${tol.atol}, rtol ${tol.rtol})`);
  }
}
