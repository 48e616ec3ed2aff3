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
  checkDense('denseForward', { out, x, W, b }, n, inF, outF);
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
  checkDense('denseBackward', dx ? { dx, dW, db, dout, x, W } : { dW, db, dout, x, W }, n, inF, outF);
  gemm(dW, dout, x, outF, inF, n, true, false);
  colSums(db, dout, n, outF);
  if (dx) gemm(dx, dout, W, n, inF, outF, false, false);
}

/** The counts, and each named buffer's length for its role: (n, inF) inputs, (n, outF) outputs, (outF, inF) weights, (outF) biases. */
function checkDense(where: string, buffers: Record<string, unknown>, n: number, inF: number, outF: number): void {
  checkCount(where, 'n', n, 0);
  checkCount(where, 'inF', inF);
  checkCount(where, 'outF', outF);
  const shapes: Record<string, [number, string]> = {
    x: [n * inF, `n×inF = ${n}×${inF}`],
    dx: [n * inF, `n×inF = ${n}×${inF}`],
    out: [n * outF, `n×outF = ${n}×${outF}`],
    dout: [n * outF, `n×outF = ${n}×${outF}`],
    W: [outF * inF, `outF×inF = ${outF}×${inF}`],
    dW: [outF * inF, `outF×inF = ${outF}×${inF}`],
    b: [outF, `outF = ${outF}`],
    db: [outF, `outF = ${outF}`],
  };
  for (const [name, buf] of Object.entries(buffers)) checkLength(where, name, buf, shapes[name]![0], shapes[name]![1]);
}
