import { describe, expect, it } from 'vitest';
import { sigmoidForward, softmaxForward } from './activations.js';
import {
  mseBackward,
  mseLoss,
  sigmoidCrossEntropyBackward,
  sigmoidCrossEntropyLoss,
  softmaxCrossEntropyBackward,
  softmaxCrossEntropyLoss,
} from './losses.js';
import { TOL, expectClose } from './testing/expect-close.js';
import { gradCheck, randn64 } from './testing/gradcheck.js';

const rows = 4;
const cols = 3;
function oneHot(labels: number[]): Float64Array {
  const y = new Float64Array(labels.length * cols);
  labels.forEach((l, r) => {
    y[r * cols + l] = 1;
  });
  return y;
}
const y = oneHot([0, 2, 1, 2]);

describe('losses', () => {
  it('MSE follows the textbook: summed over outputs, averaged over the batch', () => {
    const a = Float32Array.from([1, 0, 0, 0.5, 0.5, 0]); // 2 rows of 3
    const t = Float32Array.from([0, 0, 0, 0, 1, 0]);
    expect(mseLoss(a, t, 2, 3)).toBeCloseTo((1 + 0.25 + 0.25) / 2, 7);
    const g = new Float32Array(6);
    mseBackward(g, a, t, 2, 3);
    expect(Array.from(g)).toEqual([1, 0, 0, 0.5, -0.5, 0]); // 2(a − y)/n
  });

  it('MSE gradient check', () => {
    const a = randn64(rows * cols, 3);
    const g = new Float64Array(rows * cols);
    mseBackward(g, a, y, rows, cols);
    expect(gradCheck(() => mseLoss(a, y, rows, cols), a, g, TOL.gradcheck).ok).toBe(true);
  });

  it('softmax + cross-entropy gradient check (w.r.t. logits)', () => {
    const z = randn64(rows * cols, 4, 3);
    const p = new Float64Array(rows * cols);
    softmaxCrossEntropyLoss(p, z, y, rows, cols);
    const g = new Float64Array(rows * cols);
    softmaxCrossEntropyBackward(g, p, y, rows, cols);
    const r = gradCheck(() => softmaxCrossEntropyLoss(new Float64Array(rows * cols), z, y, rows, cols), z, g, TOL.gradcheck);
    expect(r.ok).toBe(true);
  });

  it('sigmoid + binary cross-entropy gradient check (w.r.t. logits)', () => {
    const z = randn64(rows * cols, 5, 3);
    const p = new Float64Array(rows * cols);
    sigmoidCrossEntropyLoss(p, z, y, rows, cols);
    const g = new Float64Array(rows * cols);
    sigmoidCrossEntropyBackward(g, p, y, rows, cols);
    expect(gradCheck(() => sigmoidCrossEntropyLoss(new Float64Array(rows * cols), z, y, rows, cols), z, g, TOL.gradcheck).ok).toBe(true);
  });

  it('cross-entropy values equal the textbook definitions and write the probabilities', () => {
    const z = randn64(rows * cols, 6);
    const p = new Float64Array(rows * cols);
    const ce = softmaxCrossEntropyLoss(p, z, y, rows, cols);
    const sm = new Float64Array(rows * cols);
    softmaxForward(sm, z, rows, cols);
    let ref = 0;
    for (let i = 0; i < sm.length; i++) ref -= (y[i]! * Math.log(sm[i]!)) / rows;
    expect(ce).toBeCloseTo(ref, 12);
    expectClose(p, sm, TOL.f64, 'probabilities');
    const s = new Float64Array(rows * cols);
    sigmoidForward(s, z);
    let bce = 0;
    for (let i = 0; i < s.length; i++) bce -= (y[i]! * Math.log(s[i]!) + (1 - y[i]!) * Math.log(1 - s[i]!)) / rows;
    expect(sigmoidCrossEntropyLoss(new Float64Array(rows * cols), z, y, rows, cols)).toBeCloseTo(bce, 12);
  });

  it('cross-entropy stays finite for huge logits', () => {
    const z = Float32Array.from([1000, -1000, 0, -1000, 1000, 0]);
    const t = Float32Array.from([0, 1, 0, 1, 0, 0]); // confidently wrong
    const p = new Float32Array(6);
    const ce = softmaxCrossEntropyLoss(p, z, t, 2, 3);
    expect(ce).toBeCloseTo(2000, 3);
    expect(sigmoidCrossEntropyLoss(p, z, t, 2, 3)).toBeGreaterThan(1000);
    expect(Number.isFinite(sigmoidCrossEntropyLoss(p, z, t, 2, 3))).toBe(true);
  });
});
