// The one storage type: a flat row-major Float32Array plus a shape. No strides, no views with offsets, no broadcasting.
// Element (i, j) of a (rows, cols) tensor lives at data[i * cols + j]; higher ranks extend the same rule.

/** Float storage accepted by every kernel. The library computes in Float32; Float64 exists for gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** A tensor: flat row-major storage and its shape. */
export interface Tensor<A extends FloatArray = Float32Array> {
  /** The elements, row-major; length = the product of `shape`. */
  data: A;
  /** The dimensions, outermost first, e.g. [rows, cols]. */
  shape: readonly number[];
}

/** The number of elements of a tensor of this shape; a RangeError for a negative or fractional dimension. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid dimension ${d} in shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/** A zero-filled Float32 tensor, or one wrapping `data` (not copied) after checking its length. */
export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const n = sizeOf(shape);
  if (data && data.length !== n) throw new RangeError(`data has ${data.length} elements, shape [${shape.join(', ')}] needs ${n}`);
  return { data: data ?? new Float32Array(n), shape: [...shape] };
}

/** A Float32 tensor from nested arrays, e.g. fromArray([[1, 2], [3, 4]]). */
export function fromArray(rows: readonly (readonly number[])[]): Tensor {
  const r = rows.length;
  const c = rows[0]?.length ?? 0;
  const t = tensor([r, c]);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`row ${i} has ${row.length} values, expected ${c}`);
    t.data.set(row, i * c);
  });
  return t;
}

/** (rows, cols) of a rank-2 tensor, with a clear error otherwise. */
export function dims2(t: Tensor<FloatArray>, name = 'tensor'): [number, number] {
  if (t.shape.length !== 2) throw new RangeError(`${name} must be 2-D, got shape [${t.shape.join(', ')}]`);
  const [r, c] = t.shape as [number, number];
  if (t.data.length < r * c) throw new RangeError(`${name} has ${t.data.length} elements, shape needs ${r * c}`);
  return [r, c];
}
