import { describe, expect, it } from 'vitest';
import { denseBackward, denseForward } from './dense.js';
import { TOL } from './testing/expect-close.js';
import { gradCheck, randn64 } from './testing/gradcheck.js';

// L = Σ w ⊙ (x·Wᵀ + b); check dW, db and dx against finite differences in float64.
describe('dense layer', () => {
  const n = 3;
  const inF = 5;
  const outF = 4;
  const x = randn64(n * inF, 1);
  const W = randn64(outF * inF, 2);
  const b = randn64(outF, 3);
  const w = randn64(n * outF, 4);
  const out = new Float64Array(n * outF);
  const loss = () => {
    denseForward(out, x, W, b, n, inF, outF);
    let s = 0;
    for (let i = 0; i < out.length; i++) s += w[i]! * out[i]!;
    return s;
  };
  const dW = new Float64Array(W.length);
  const db = new Float64Array(b.length);
  const dx = new Float64Array(x.length);
  denseBackward(dx, dW, db, w, x, W, n, inF, outF);

  it('computes x·Wᵀ + b', () => {
    denseForward(out, x, W, b, n, inF, outF);
    let ref = b[1]!;
    for (let k = 0; k < inF; k++) ref += x[2 * inF + k]! * W[1 * inF + k]!;
    expect(out[2 * outF + 1]).toBeCloseTo(ref, 12);
  });
  it('dW matches finite differences', () => expect(gradCheck(loss, W, dW, TOL.gradcheck).ok).toBe(true));
  it('db matches finite differences', () => expect(gradCheck(loss, b, db, TOL.gradcheck).ok).toBe(true));
  it('dx matches finite differences', () => expect(gradCheck(loss, x, dx, TOL.gradcheck).ok).toBe(true));
  it('the check rejects a transposed-wrong dW', () => {
    const bad = Float64Array.from(dW);
    [bad[0], bad[1]] = [bad[1]!, bad[0]!];
    expect(gradCheck(loss, W, bad, TOL.gradcheck).ok).toBe(false);
  });
  it('uses only the first n rows of longer (preallocated) buffers', () => {
    const big = new Float64Array(10 * outF).fill(7);
    denseForward(big, x, W, b, n, inF, outF);
    expect(big[n * outF]).toBe(7);
  });
});
