// Activation functions, each forward beside its backward. Forward: out = f(z). Backward: dz = dout ⊙ f'(z),
// written in terms of the forward output where that is cheaper and stable. Softmax is row-wise; the rest elementwise.
import { checkRowsCols, checkSpan } from './check.js';
import type { FloatArray } from './tensor.js';

/** An activation function by name. */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'softmax' | 'linear';
/** Every activation name. */
export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'softmax', 'linear'];

/** σ(z) = 1 / (1 + e^−z), computed without overflow for large |z|. */
export function sigmoidForward(out: FloatArray, z: FloatArray, n = z.length): void {
  checkSpan('sigmoidForward', n, 'out z', out, z);
  for (let i = 0; i < n; i++) {
    const x = z[i]!;
    if (x >= 0) out[i] = 1 / (1 + Math.exp(-x));
    else {
      const e = Math.exp(x);
      out[i] = e / (1 + e);
    }
  }
}
/** σ'(z) = σ(z)(1 − σ(z)) = out(1 − out). */
export function sigmoidBackward(dz: FloatArray, dout: FloatArray, out: FloatArray, n = out.length): void {
  checkSpan('sigmoidBackward', n, 'dz dout out', dz, dout, out);
  for (let i = 0; i < n; i++) {
    const s = out[i]!;
    dz[i] = dout[i]! * s * (1 - s);
  }
}

/** out = tanh(z), elementwise over n values. */
export function tanhForward(out: FloatArray, z: FloatArray, n = z.length): void {
  checkSpan('tanhForward', n, 'out z', out, z);
  for (let i = 0; i < n; i++) out[i] = Math.tanh(z[i]!);
}
/** tanh'(z) = 1 − tanh²(z). */
export function tanhBackward(dz: FloatArray, dout: FloatArray, out: FloatArray, n = out.length): void {
  checkSpan('tanhBackward', n, 'dz dout out', dz, dout, out);
  for (let i = 0; i < n; i++) {
    const t = out[i]!;
    dz[i] = dout[i]! * (1 - t * t);
  }
}

/** out = max(z, 0), elementwise over n values (NaN → 0). */
export function reluForward(out: FloatArray, z: FloatArray, n = z.length): void {
  checkSpan('reluForward', n, 'out z', out, z);
  for (let i = 0; i < n; i++) {
    const x = z[i]!;
    out[i] = x > 0 ? x : 0;
  }
}
/** relu'(z) = 1 where z > 0 (equivalently out > 0), else 0. */
export function reluBackward(dz: FloatArray, dout: FloatArray, out: FloatArray, n = out.length): void {
  checkSpan('reluBackward', n, 'dz dout out', dz, dout, out);
  for (let i = 0; i < n; i++) dz[i] = out[i]! > 0 ? dout[i]! : 0;
}

/** out = z (the identity), over n values. */
export function linearForward(out: FloatArray, z: FloatArray, n = z.length): void {
  checkSpan('linearForward', n, 'out z', out, z);
  if (out !== z) for (let i = 0; i < n; i++) out[i] = z[i]!;
}
/** dz = dout: the identity's derivative is 1. */
export function linearBackward(dz: FloatArray, dout: FloatArray, _out: FloatArray, n = dout.length): void {
  checkSpan('linearBackward', n, 'dz dout', dz, dout);
  if (dz !== dout) for (let i = 0; i < n; i++) dz[i] = dout[i]!;
}

/** Row-wise softmax over (rows, cols), max-subtracted so large logits never overflow. */
export function softmaxForward(out: FloatArray, z: FloatArray, rows: number, cols: number): void {
  checkRowsCols('softmaxForward', rows, cols, 0, 'out z', out, z);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (z[o + j]! > m) m = z[o + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(z[o + j]! - m);
      out[o + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < cols; j++) out[o + j]! *= inv;
  }
}
/** Softmax Jacobian-vector product: dz_j = y_j (dout_j − Σ_k dout_k y_k), per row. */
export function softmaxBackward(dz: FloatArray, dout: FloatArray, out: FloatArray, rows: number, cols: number): void {
  checkRowsCols('softmaxBackward', rows, cols, 0, 'dz dout out', dz, dout, out);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += dout[o + j]! * out[o + j]!;
    for (let j = 0; j < cols; j++) dz[o + j] = out[o + j]! * (dout[o + j]! - dot);
  }
}

/** Apply activation `name` to a (rows, cols) buffer. */
export function activationForward(name: ActivationName, out: FloatArray, z: FloatArray, rows: number, cols: number): void {
  const n = rows * cols;
  switch (name) {
    case 'sigmoid':
      return sigmoidForward(out, z, n);
    case 'tanh':
      return tanhForward(out, z, n);
    case 'relu':
      return reluForward(out, z, n);
    case 'softmax':
      return softmaxForward(out, z, rows, cols);
    case 'linear':
      return linearForward(out, z, n);
    default:
      throw new RangeError(`activationForward: unknown activation ${JSON.stringify(name)}; use one of ${ACTIVATIONS.join(', ')}`);
  }
}

/** dz = dout ⊙ f'(z), given the forward output `out`. `dz` may be `dout`. */
export function activationBackward(
  name: ActivationName,
  dz: FloatArray,
  dout: FloatArray,
  out: FloatArray,
  rows: number,
  cols: number,
): void {
  const n = rows * cols;
  switch (name) {
    case 'sigmoid':
      return sigmoidBackward(dz, dout, out, n);
    case 'tanh':
      return tanhBackward(dz, dout, out, n);
    case 'relu':
      return reluBackward(dz, dout, out, n);
    case 'softmax':
      return softmaxBackward(dz, dout, out, rows, cols);
    case 'linear':
      return linearBackward(dz, dout, out, n);
    default:
      throw new RangeError(`activationBackward: unknown activation ${JSON.stringify(name)}; use one of ${ACTIVATIONS.join(', ')}`);
  }
}
