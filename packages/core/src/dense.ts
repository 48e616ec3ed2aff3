// The fully connected layer: forward out = x·Wᵀ + b beside its backward (dW, db, dx). Activation is separate.
import { type Gemm, gemmJs } from './matmul.js';
import { addBias, colSums } from './ops.js';
import type { FloatArray } from './tensor.js';

/**
 * out (n, outF) = x (n, inF) · Wᵀ + b, with W (outF, inF) row-major and b (outF).
 * Buffers may be longer than needed (a preallocated max batch); only the first n rows are touched. `gemm` picks the
 * matrix kernel (default the fast JS one).
 */
export function denseForward(
  out: FloatArray,
  x: FloatArray,
  W: FloatArray,
  b: FloatArray,
  n: number,
  inF: number,
  outF: number,
  gemm: Gemm = gemmJs,
): void {
  gemm(out, x, W, n, outF, inF, false, true);
  addBias(out, out, b, n, outF);
}

/**
 * Given dout (n, outF) = dL/d(out): dW (outF, inF) = doutᵀ·x, db (outF) = Σ_rows dout, and, unless `dx` is null,
 * dx (n, inF) = dout·W. Gradients overwrite (no accumulation); the 1/n of a mean loss is already inside dout.
 */
export function denseBackward(
  dx: FloatArray | null,
  dW: FloatArray,
  db: FloatArray,
  dout: FloatArray,
  x: FloatArray,
  W: FloatArray,
  n: number,
  inF: number,
  outF: number,
  gemm: Gemm = gemmJs,
): void {
  gemm(dW, dout, x, outF, inF, n, true, false);
  colSums(db, dout, n, outF);
  if (dx) gemm(dx, dout, W, n, inF, outF, false, false);
}
