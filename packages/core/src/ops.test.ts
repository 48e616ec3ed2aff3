import { describe, expect, it } from 'vitest';
import { addBias, allFinite, argmaxRows, axpy, colSums, map, rowSums } from './ops.js';

describe('ops', () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6]); // (2, 3)
  it('adds a bias to every row', () => {
    const out = new Float32Array(6);
    addBias(out, x, Float32Array.from([10, 20, 30]), 2, 3);
    expect(Array.from(out)).toEqual([11, 22, 33, 14, 25, 36]);
  });
  it('sums columns and rows', () => {
    const c = new Float32Array(3);
    colSums(c, x, 2, 3);
    expect(Array.from(c)).toEqual([5, 7, 9]);
    const r = new Float32Array(2);
    rowSums(r, x, 2, 3);
    expect(Array.from(r)).toEqual([6, 15]);
  });
  it('argmax per row, first on ties, threshold for one column', () => {
    const out = new Int32Array(3);
    argmaxRows(out, Float32Array.from([0, 5, 5, 9, 1, 2, 0, 0, 0]), 3, 3);
    expect(Array.from(out)).toEqual([1, 0, 0]);
    argmaxRows(out, Float32Array.from([0.2, 0.5, 0.9]), 3, 1);
    expect(Array.from(out)).toEqual([0, 1, 1]);
  });
  it('axpy, map and allFinite', () => {
    const y = Float32Array.from([1, 1, 1]);
    axpy(y, 2, Float32Array.from([1, 2, 3]));
    expect(Array.from(y)).toEqual([3, 5, 7]);
    map(y, y, (v) => v * v);
    expect(Array.from(y)).toEqual([9, 25, 49]);
    expect(allFinite(y)).toBe(true);
    expect(allFinite(Float32Array.from([1, Number.NaN]))).toBe(false);
    expect(allFinite(Float32Array.from([Number.POSITIVE_INFINITY]))).toBe(false);
  });
});
