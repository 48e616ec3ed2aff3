// Argument checks for the public functions: counts and buffer lengths, each failure one sentence that names the
// function, the argument and the problem. Constant time per call: no per-element work (finite checks are per dataset).

/** `v` must be an integer ≥ min (1 by default): a row count, a width, a batch size. */
export function checkCount(where: string, name: string, v: unknown, min = 1): asserts v is number {
  if (!Number.isInteger(v) || (v as number) < min) {
    const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
    throw new RangeError(`${where}: ${name} must be ${what}, got ${show(v)}`);
  }
}

/** `buf` must be an array-like of numbers holding at least `need` values (`shape` says why, e.g. "rows×cols = 3×4"). */
export function checkLength(where: string, name: string, buf: unknown, need: number, shape: string): void {
  const length = (buf as { length?: unknown } | null | undefined)?.length;
  if (typeof buf !== 'object' || buf === null || typeof length !== 'number') {
    throw new TypeError(`${where}: ${name} must be a Float32Array (or another array of numbers), got ${show(buf)}`);
  }
  if (length < need) throw new RangeError(`${where}: ${name} has ${length} values, but ${shape} needs ${need}`);
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
 * A (rows, cols) operation on flat buffers: rows ≥ minRows and cols ≥ 1 integers, and every buffer in `buffers`
 * (named by its key) holding at least rows·cols values. Returns rows·cols.
 */
export function checkRowsCols(where: string, rows: unknown, cols: unknown, buffers: Record<string, unknown>, minRows = 1): number {
  checkCount(where, 'rows', rows, minRows);
  checkCount(where, 'cols', cols);
  const n = rows * cols;
  for (const [name, buf] of Object.entries(buffers)) checkLength(where, name, buf, n, `rows×cols = ${rows}×${cols}`);
  return n;
}

/** An elementwise operation over the first n values: n a non-negative integer within every buffer. */
export function checkSpan(where: string, n: unknown, buffers: Record<string, unknown>): void {
  checkCount(where, 'n', n, 0);
  for (const [name, buf] of Object.entries(buffers)) checkLength(where, name, buf, n, `n = ${n}`);
}
