// Argument checks for the public functions: counts and buffer lengths, each failure one sentence that names the
// function, the argument and the problem. Constant time per call: no per-element work (finite checks are per dataset,
// and predict's, which is no hot loop).
import type { BatchInput } from './backends/types.js';
import type { FloatArray } from './tensor.js';

/** `v` must be an integer ≥ min (1 by default): a row count, a width, a batch size. */
export function checkCount(where: string, name: string, v: unknown, min = 1): asserts v is number {
  if (!Number.isInteger(v) || (v as number) < min) {
    const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new RangeError(`${where}: ${name} must be ${what}, got ${show(v)}`);
  }
}

/**
 * `buf` must be an array-like of numbers holding at least a·b values; `dims` names the factors for the message
 * ("rows×cols" with a = rows, b = cols; "n" with a = n). Builds no string unless it throws.
 */
export function checkLength(where: string, name: string, buf: unknown, dims: string, a: number, b = 1): void {
  const length = (buf as { length?: unknown } | null | undefined)?.length;
  if (typeof buf !== 'object' || buf === null || typeof length !== 'number') {
    throw new TypeError(`${where}: ${name} must be a Float32Array (or another array of numbers), got ${show(buf)}`);
  }
  if (length < a * b) {
    throw new RangeError(`${where}: ${name} has ${length} values, but ${dims} = ${dims.includes('×') ? `${a}×${b}` : a} needs ${a * b}`);
  }
}

/** `v` must be a finite number. */
export function checkFinite(where: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}: ${name} must be a finite number, got ${show(v)}`);
}

/** A short form of any value for a message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (v === null || typeof v !== 'object') return String(v);
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'a plain object';
}

/**
 * A (rows, cols) operation on flat buffers: rows ≥ minRows and cols ≥ 1 integers, and each buffer b0, b1, b2 given
 * (named in order by the space-separated `names`) holding at least rows·cols values. Returns rows·cols.
 */
export function checkRowsCols(where: string, rows: number, cols: number, minRows: number, names: string, b0: unknown, b1?: unknown, b2?: unknown): number {
  checkCount(where, 'rows', rows, minRows);
  checkCount(where, 'cols', cols);
  checkBuffers(where, names, 'rows×cols', rows, cols, b0, b1, b2);
  return rows * cols;
}

/** An elementwise operation over the first n values: n a non-negative integer within each buffer given. */
export function checkSpan(where: string, n: number, names: string, b0: unknown, b1?: unknown, b2?: unknown): void {
  checkCount(where, 'n', n, 0);
  checkBuffers(where, names, 'n', n, 1, b0, b1, b2);
}

function checkBuffers(where: string, names: string, dims: string, a: number, b: number, b0: unknown, b1: unknown, b2: unknown): void {
  for (let i = 0; i < 3; i++) {
    const buf = i === 0 ? b0 : i === 1 ? b1 : b2;
    if (i > 0 && buf === undefined) continue;
    const length = (buf as { length?: unknown } | null | undefined)?.length;
    // The name is looked up only to throw: the common path builds nothing.
    if (typeof buf !== 'object' || buf === null || typeof length !== 'number' || length < a * b) checkLength(where, names.split(' ')[i]!, buf, dims, a, b);
  }
}

/** Whether forward's input is a BatchInput (it has a kind), not floats. */
export function isBatchInput(input: FloatArray | BatchInput): input is BatchInput {
  return typeof (input as Partial<BatchInput> | null)?.kind === 'string';
}

/** Throws unless a batch input fits n rows of F inputs, with finite scaling (MLP.forward's check). */
export function checkInput(input: BatchInput, n: number, F: number): void {
  const where = 'forward';
  checkCount(where, 'n (the number of rows)', n);
  if (input.kind === 'floats') return checkLength(where, 'x', input.x, 'n×inputSize', n, F);
  checkFinite(where, 'mul', input.mul);
  checkFinite(where, 'add', input.add);
  if (input.kind === 'bytes') return checkLength(where, 'raw', input.raw, 'n×inputSize', n, F);
  checkCount(where, 'start', input.start, 0);
  checkLength(where, 'rows', input.rows, 'start + n', input.start + n);
  checkLength(where, 'inputs', input.inputs, 'inputSize', F);
}

/** Throws unless targets y fit the first n rows of a forward pass of `rows` rows and `outputs` outputs (MLP.loss, backward). */
export function checkTargets(where: string, y: FloatArray, n: number, rows: number, outputs: number): void {
  checkCount(where, 'n (the number of rows)', n);
  if (n > rows) throw new RangeError(`${where}: n is ${n}, but the last forward pass had ${rows} rows (call forward first)`);
  checkLength(where, 'y', y, 'n×outputSize', n, outputs);
}

/** Throws unless x holds exactly n rows of F finite inputs (MLP.predict, which is not for hot loops: it checks each value). */
export function checkPredictInput(x: ArrayLike<number>, n: number, F: number): void {
  checkCount('predict', 'n (the number of rows)', n);
  checkLength('predict', 'x', x, 'any length', 0);
  if (x.length !== n * F) throw new RangeError(`predict: x has ${x.length} values, but ${n} row${n === 1 ? '' : 's'} of ${F} inputs need exactly ${n * F}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`predict: x[${i}] is ${x[i]} (row ${Math.floor(i / F)}, input ${i % F}); inputs must be finite`);
  }
}

/** Throws unless `out` is a float array of at least n values; returns it. */
export function checkOut<T extends FloatArray>(where: string, out: T, n: number): T {
  if (!(out instanceof Float32Array || out instanceof Float64Array) || out.length < n) {
    throw new RangeError(`${where}: out must be a Float32Array or Float64Array of at least ${n} values`);
  }
  return out;
}

/** Throws unless `values` holds exactly n numbers; returns them. */
export function checkValues(what: string, values: ArrayLike<number>, n: number): ArrayLike<number> {
  if (values?.length !== n) throw new RangeError(`${what} need ${n} values, got ${values?.length}`);
  return values;
}
