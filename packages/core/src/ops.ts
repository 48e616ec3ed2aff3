// Small allocation-free tensor ops on flat row-major buffers: bias add, row/column sums, argmax, axpy, map.
// Each writes into its first argument; none allocates or checks more than its counts and lengths.
import { checkLength, checkRowsCols, checkSpan } from './check.js';
import type { FloatArray } from './tensor.js';

/** out[i, j] = x[i, j] + bias[j] for a (rows, cols) x. `out` may be `x`. */
export function addBias(out: FloatArray, x: FloatArray, bias: FloatArray, rows: number, cols: number): void {
  checkRowsCols('addBias', rows, cols, 0, 'out x', out, x);
  checkLength('addBias', 'bias', bias, 'cols', cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j]! + bias[j]!;
  }
}

/** out[j] = Σ_i x[i, j]: the gradient of a broadcast bias. */
export function colSums(out: FloatArray, x: FloatArray, rows: number, cols: number): void {
  checkRowsCols('colSums', rows, cols, 0, 'x', x);
  checkLength('colSums', 'out', out, 'cols', cols);
  out.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j]! += x[o + j]!;
  }
}

/** out[i] = Σ_j x[i, j]. */
export function rowSums(out: FloatArray, x: FloatArray, rows: number, cols: number): void {
  checkRowsCols('rowSums', rows, cols, 0, 'x', x);
  checkLength('rowSums', 'out', out, 'rows', rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += x[o + j]!;
    out[i] = s;
  }
}

/** out[i] = index of the largest x[i, :] (first one on ties). With cols = 1, a 0.5 threshold: the binary case. */
export function argmaxRows(out: Uint8Array | Uint16Array | Int32Array | Uint32Array, x: FloatArray, rows: number, cols: number): void {
  checkRowsCols('argmaxRows', rows, cols, 0, 'x', x);
  checkLength('argmaxRows', 'out', out, 'rows', rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    if (cols === 1) {
      out[i] = x[o]! >= 0.5 ? 1 : 0;
      continue;
    }
    let best = 0;
    let bv = x[o]!;
    for (let j = 1; j < cols; j++) {
      const v = x[o + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
}

/** y[i] += alpha * x[i] for i < n. */
export function axpy(y: FloatArray, alpha: number, x: FloatArray, n = y.length): void {
  checkSpan('axpy', n, 'y x', y, x);
  for (let i = 0; i < n; i++) y[i]! += alpha * x[i]!;
}

/** out[i] = f(x[i]) for i < n. Convenient, not for hot loops (a call per element). */
export function map(out: FloatArray, x: FloatArray, f: (v: number) => number, n = x.length): void {
  checkSpan('map', n, 'out x', out, x);
  if (typeof f !== 'function') throw new TypeError(`map: f must be a function, got ${typeof f}`);
  for (let i = 0; i < n; i++) out[i] = f(x[i]!);
}

/** True when every value is finite. */
export function allFinite(x: FloatArray): boolean {
  checkLength('allFinite', 'x', x, 'any length', 0);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}
