// The fully connected layer: forward out = x·Wᵀ + b beside its backward (dW, db, dx). Activation is separate.
import { checkCount, checkLength } from './check.js';
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
  checkDense('denseForward', x, W, n, inF, outF);
  checkLength('denseForward', 'out', out, 'n×outF', n, outF);
  checkLength('denseForward', 'b', b, 'outF', outF);
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
  checkDense('denseBackward', x, W, n, inF, outF);
  if (dx) checkLength('denseBackward', 'dx', dx, 'n×inF', n, inF);
  checkLength('denseBackward', 'dW', dW, 'outF×inF', outF, inF);
  checkLength('denseBackward', 'db', db, 'outF', outF);
  checkLength('denseBackward', 'dout', dout, 'n×outF', n, outF);
  gemm(dW, dout, x, outF, inF, n, true, false);
  colSums(db, dout, n, outF);
  if (dx) gemm(dx, dout, W, n, inF, outF, false, false);
}

/** The counts, and the lengths of the buffers every call has: (n, inF) x, (outF, inF) weights; the callers check the rest. */
function checkDense(where: string, x: FloatArray, W: FloatArray, n: number, inF: number, outF: number): void {
  checkCount(where, 'n', n, 0);
  checkCount(where, 'inF', inF);
  checkCount(where, 'outF', outF);
  checkLength(where, 'x', x, 'n×inF', n, inF);
  checkLength(where, 'W', W, 'outF×inF', outF, inF);
}
