import { confusionMatrix } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { cellIndices, confidence, gridMove, mistakes, pageOf, rowShares, sortByConfidence } from './confusion.js';

const labels = Uint8Array.from([7, 7, 1, 7, 9, 4, 9, 7, 1, 0]);
const preds = Int32Array.from([7, 1, 1, 1, 4, 4, 9, 1, 1, 0]);

describe('confusion-matrix cell selection', () => {
  it('selects exactly the images of one cell, as many as its count', () => {
    const cm = confusionMatrix(preds, labels, 10);
    expect(cellIndices(preds, labels, 7, 1)).toEqual([1, 3, 7]);
    expect(cellIndices(preds, labels, 9, 4)).toEqual([4]);
    expect(cellIndices(preds, labels, 1, 7)).toEqual([]);
    for (let t = 0; t < 10; t++) for (let p = 0; p < 10; p++) expect(cellIndices(preds, labels, t, p)).toHaveLength(cm.counts[t * 10 + p]!);
    expect(() => cellIndices(preds, labels.subarray(1), 0, 0)).toThrow(RangeError);
  });

  it('lists the mistakes and colours cells by their share of the row', () => {
    expect(mistakes(preds, labels)).toEqual([1, 3, 4, 7]);
    const shares = rowShares(confusionMatrix(preds, labels, 10));
    expect(shares[7 * 10 + 1]).toBeCloseTo(3 / 4);
    expect(shares[7 * 10 + 7]).toBeCloseTo(1 / 4);
    expect(shares[1 * 10 + 1]).toBe(1);
    expect(shares[3 * 10 + 3]).toBe(0); // an empty row
  });

  it('sorts by the confidence of the predicted class, either way, ties by index', () => {
    // 3 classes, 4 examples.
    const outputs = Float32Array.from([0.1, 0.8, 0.1, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6, 0.1, 0.8, 0.1]);
    const p = [1, 0, 2, 1];
    expect(confidence(outputs, 3, p, 2)).toBeCloseTo(0.6);
    expect(sortByConfidence([0, 1, 2, 3], outputs, 3, p, 'asc')).toEqual([1, 2, 0, 3]);
    expect(sortByConfidence([0, 1, 2, 3], outputs, 3, p, 'desc')).toEqual([0, 3, 2, 1]);
  });

  it('pages a long list, clamping the page number', () => {
    const items = Array.from({ length: 250 }, (_, i) => i);
    expect(pageOf(items, 0, 100)).toMatchObject({ page: 0, pages: 3, items: expect.arrayContaining([0, 99]) });
    expect(pageOf(items, 2, 100).items).toHaveLength(50);
    expect(pageOf(items, 9, 100).page).toBe(2);
    expect(pageOf([], 0, 100)).toEqual({ items: [], page: 0, pages: 1 });
  });

  it('moves focus with the arrow keys inside the grid and stops at its edges', () => {
    // 10 × 10 matrix.
    expect(gridMove(11, 'ArrowRight', 10, 100)).toBe(12);
    expect(gridMove(19, 'ArrowRight', 10, 100)).toBeNull();
    expect(gridMove(10, 'ArrowLeft', 10, 100)).toBeNull();
    expect(gridMove(11, 'ArrowDown', 10, 100)).toBe(21);
    expect(gridMove(5, 'ArrowUp', 10, 100)).toBeNull();
    expect(gridMove(95, 'ArrowDown', 10, 100)).toBeNull();
    expect(gridMove(55, 'Home', 10, 100)).toBe(50);
    expect(gridMove(55, 'End', 10, 100)).toBe(59);
    expect(gridMove(55, 'End', 10, 100, true)).toBe(99);
    // A ragged last row: 7 per row, 10 items.
    expect(gridMove(5, 'ArrowDown', 7, 10)).toBeNull();
    expect(gridMove(8, 'End', 7, 10)).toBe(9);
    expect(gridMove(3, 'a', 7, 10)).toBeNull();
  });
});
