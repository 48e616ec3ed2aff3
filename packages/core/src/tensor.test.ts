import { describe, expect, it } from 'vitest';
import { dims2, fromArray, sizeOf, tensor } from './tensor.js';

describe('tensor', () => {
  it('sizeOf multiplies the dimensions (a scalar [] has one element, a 0 dimension none)', () => {
    expect(sizeOf([3, 4])).toBe(12);
    expect(sizeOf([2, 3, 5])).toBe(30);
    expect(sizeOf([7])).toBe(7);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([4, 0])).toBe(0);
  });

  it('sizeOf rejects negative, fractional and NaN dimensions, showing the shape', () => {
    expect(() => sizeOf([2, -1])).toThrow(new RangeError('invalid dimension -1 in shape [2, -1]'));
    expect(() => sizeOf([1.5])).toThrow(/invalid dimension 1.5 in shape \[1.5\]/);
    expect(() => sizeOf([Number.NaN, 2])).toThrow(/invalid dimension NaN/);
  });

  it('tensor(shape) is zero-filled and keeps its own copy of the shape', () => {
    const shape = [2, 3];
    const t = tensor(shape);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0, 0, 0]);
    shape[0] = 9;
    expect(t.shape).toEqual([2, 3]);
  });

  it('tensor(shape, data) wraps data without copying, and rejects a length mismatch', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const t = tensor([3, 2], data);
    expect(t.data).toBe(data);
    data[5] = 60;
    expect(t.data[5]).toBe(60);
    expect(() => tensor([2, 2], data)).toThrow(new RangeError('data has 6 elements, shape [2, 2] needs 4'));
    expect(() => tensor([7], data)).toThrow(/data has 6 elements, shape \[7\] needs 7/);
    expect(() => tensor([-2, 3])).toThrow(/invalid dimension -2/);
  });

  it('fromArray lays nested rows out row-major: element (i, j) at data[i * cols + j]', () => {
    const t = fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.data[1 * 3 + 2]).toBe(6);
    const empty = fromArray([]);
    expect([empty.shape, empty.data.length]).toEqual([[0, 0], 0]);
  });

  it('fromArray rejects ragged rows, naming the row', () => {
    expect(() => fromArray([[1, 2], [3]])).toThrow(new RangeError('row 1 has 1 values, expected 2'));
    expect(() => fromArray([[1], [2], [3, 4]])).toThrow(/row 2 has 2 values, expected 1/);
  });

  it('dims2 returns (rows, cols) and rejects other ranks and short data', () => {
    expect(dims2(tensor([4, 5]))).toEqual([4, 5]);
    expect(() => dims2(tensor([4]), 'x')).toThrow(/x must be 2-D, got shape \[4\]/);
    expect(() => dims2({ data: new Float32Array(3), shape: [2, 2] }, 'w')).toThrow(/w has 3 elements, shape needs 4/);
  });
});
