import { describe, expect, it } from 'vitest';
import { type ActivationName, activationBackward, activationForward, sigmoidForward, softmaxForward } from './activations.js';
import { TOL } from './testing/expect-close.js';
import { gradCheck, randn64 } from './testing/gradcheck.js';

// L(z) = Σ w ⊙ f(z) for fixed random w; dL/dz from the backward must match central differences in float64.
function check(name: ActivationName, backward = activationBackward) {
  const rows = 3;
  const cols = 5;
  const z = randn64(rows * cols, 11, 2);
  const w = randn64(rows * cols, 12);
  const out = new Float64Array(rows * cols);
  const loss = () => {
    activationForward(name, out, z, rows, cols);
    let s = 0;
    for (let i = 0; i < out.length; i++) s += w[i]! * out[i]!;
    return s;
  };
  loss();
  const dz = new Float64Array(rows * cols);
  backward(name, dz, w, out, rows, cols);
  return gradCheck(loss, z, dz, TOL.gradcheck);
}

describe('activations: gradient checks', () => {
  for (const name of ['sigmoid', 'tanh', 'relu', 'softmax', 'linear'] as const) {
    it(`${name} backward matches finite differences`, () => {
      const r = check(name);
      expect(r.worst, `worst excess at ${r.index}`).toBeLessThanOrEqual(0);
    });
  }

  it('the check rejects a wrong backward (sigmoid derivative missing its (1 − σ) factor)', () => {
    const wrong: typeof activationBackward = (_name, dz, dout, out, rows, cols) => {
      for (let i = 0; i < rows * cols; i++) dz[i] = dout[i]! * out[i]!;
    };
    expect(check('sigmoid', wrong).ok).toBe(false);
  });

  it('the check rejects a softmax backward without the Σ term', () => {
    const wrong: typeof activationBackward = (_n, dz, dout, out, rows, cols) => {
      for (let i = 0; i < rows * cols; i++) dz[i] = dout[i]! * out[i]! * (1 - out[i]!);
    };
    expect(check('softmax', wrong).ok).toBe(false);
  });
});

describe('activations: numerical stability', () => {
  it('sigmoid is finite and saturates for huge |z|', () => {
    const out = new Float32Array(4);
    sigmoidForward(out, Float32Array.from([-1000, -80, 80, 1000]));
    expect(Array.from(out).every(Number.isFinite)).toBe(true);
    expect(out[0]).toBe(0);
    expect(out[3]).toBe(1);
    expect(out[1]! > 0).toBe(true);
  });
  it('softmax handles huge logits and rows sum to 1', () => {
    const out = new Float32Array(6);
    softmaxForward(out, Float32Array.from([1000, 1001, 999, -1000, -1000, -1000]), 2, 3);
    expect(Array.from(out).every(Number.isFinite)).toBe(true);
    expect(out[0]! + out[1]! + out[2]!).toBeCloseTo(1, 6);
    expect(out[3]).toBeCloseTo(1 / 3, 6);
    expect(out[1]! > out[0]! && out[0]! > out[2]!).toBe(true);
  });
});
