// Losses over a batch of n rows, each forward (returns the mean loss) beside its backward (writes the gradient).
// Convention (the textbook's): error summed over the outputs, averaged over the batch.
import type { ActivationName } from './activations.js';
import { checkRowsCols } from './check.js';
import type { FloatArray } from './tensor.js';

/** A loss by name: 'mse' (summed over outputs, averaged over the batch) or 'ce' (cross-entropy). */
export type LossName = 'mse' | 'ce';
/** Every loss name. */
export const LOSSES: readonly LossName[] = ['mse', 'ce'];

/** L = (1/n) Σ_rows Σ_j (a − y)². Not divided by the number of outputs (Keras/PyTorch do; at lr 0.1 that matters). */
export function mseLoss(a: FloatArray, y: FloatArray, rows: number, cols: number): number {
  let s = 0;
  const m = checkRowsCols('mseLoss', rows, cols, 1, 'a y', a, y);
  for (let i = 0; i < m; i++) {
    const d = a[i]! - y[i]!;
    s += d * d;
  }
  return s / rows;
}
/** dL/da = 2(a − y)/n. */
export function mseBackward(da: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number): void {
  const m = checkRowsCols('mseBackward', rows, cols, 1, 'da a y', da, a, y);
  const k = 2 / rows;
  for (let i = 0; i < m; i++) da[i] = k * (a[i]! - y[i]!);
}

/**
 * Softmax + cross-entropy, fused and stable: L = −(1/n) Σ_rows Σ_j y_j log softmax(z)_j, using log-sum-exp.
 * Also writes the probabilities softmax(z) into `probs` (the layer's output).
 */
export function softmaxCrossEntropyLoss(probs: FloatArray, z: FloatArray, y: FloatArray, rows: number, cols: number): number {
  checkRowsCols('softmaxCrossEntropyLoss', rows, cols, 1, 'probs z y', probs, z, y);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (z[o + j]! > m) m = z[o + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(z[o + j]! - m);
      probs[o + j] = e;
      s += e;
    }
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) {
      probs[o + j]! /= s;
      const t = y[o + j]!;
      if (t !== 0) total -= t * (z[o + j]! - lse);
    }
  }
  return total / rows;
}
/** dL/dz = (softmax(z) − y)/n (targets summing to 1 per row). */
export function softmaxCrossEntropyBackward(dz: FloatArray, probs: FloatArray, y: FloatArray, rows: number, cols: number): void {
  const m = checkRowsCols('softmaxCrossEntropyBackward', rows, cols, 1, 'dz probs y', dz, probs, y);
  const k = 1 / rows;
  for (let i = 0; i < m; i++) dz[i] = k * (probs[i]! - y[i]!);
}

/**
 * Sigmoid + binary cross-entropy per output, fused and stable:
 * L = (1/n) Σ [softplus(z) − y z] = −(1/n) Σ [y log σ(z) + (1 − y) log(1 − σ(z))]. Writes σ(z) into `probs`.
 */
export function sigmoidCrossEntropyLoss(probs: FloatArray, z: FloatArray, y: FloatArray, rows: number, cols: number): number {
  let total = 0;
  const m = checkRowsCols('sigmoidCrossEntropyLoss', rows, cols, 1, 'probs z y', probs, z, y);
  for (let i = 0; i < m; i++) {
    const x = z[i]!;
    // softplus(x) = max(x, 0) + log1p(e^−|x|)
    const ax = Math.abs(x);
    const e = Math.exp(-ax);
    total += Math.max(x, 0) + Math.log1p(e) - y[i]! * x;
    probs[i] = x >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
  return total / rows;
}
/** dL/dz = (σ(z) − y)/n. */
export function sigmoidCrossEntropyBackward(dz: FloatArray, probs: FloatArray, y: FloatArray, rows: number, cols: number): void {
  checkRowsCols('sigmoidCrossEntropyBackward', rows, cols, 1, 'dz probs y', dz, probs, y);
  softmaxCrossEntropyBackward(dz, probs, y, rows, cols);
}

/**
 * The loss `name` of a network's output, mean over n rows of targets y (n, cols): a = f(z) with f the output activation
 * `output`. Cross-entropy recomputes a from the logits z with log-sum-exp, for stability (and writes it back into a).
 */
export function lossForward(name: LossName, output: ActivationName, a: FloatArray, z: FloatArray, y: FloatArray, n: number, cols: number): number {
  if (name === 'mse') return mseLoss(a, y, n, cols);
  return (output === 'softmax' ? softmaxCrossEntropyLoss : sigmoidCrossEntropyLoss)(a, z, y, n, cols);
}
/**
 * Its gradient into d: ∂loss/∂a for mse (the caller then applies f'), ∂loss/∂z for cross-entropy, where the softmax or
 * sigmoid's own derivative cancels (fused).
 */
export function lossBackward(name: LossName, output: ActivationName, d: FloatArray, a: FloatArray, y: FloatArray, n: number, cols: number): void {
  if (name === 'mse') mseBackward(d, a, y, n, cols);
  else (output === 'softmax' ? softmaxCrossEntropyBackward : sigmoidCrossEntropyBackward)(d, a, y, n, cols);
}
