import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, mostConfused, perClass } from './metrics.js';

describe('metrics', () => {
  const actual = [0, 0, 0, 1, 1, 2, 2, 2, 2, 7 % 3];
  const predicted = [0, 0, 1, 1, 2, 2, 2, 1, 1, 1];
  it('accuracy', () => {
    expect(accuracy(predicted, actual)).toBeCloseTo(0.6, 10);
    expect(accuracy([], [])).toBe(0);
    expect(() => accuracy([1], [1, 2])).toThrow(/1 predictions for 2 labels/);
  });
  it('confusion matrix: rows are true classes, columns predictions', () => {
    const cm = confusionMatrix(predicted, actual, 3);
    expect(Array.from(cm.counts)).toEqual([2, 1, 0, 0, 2, 1, 0, 2, 2]);
    expect(() => confusionMatrix([3], [0], 3)).toThrow(/out of range/);
  });
  it('per-class precision, recall, F1, support', () => {
    const r = perClass(confusionMatrix(predicted, actual, 3));
    expect(r[0]).toMatchObject({ precision: 1, recall: 2 / 3, support: 3 });
    expect(r[1]!.precision).toBeCloseTo(2 / 5, 10);
    expect(r[1]!.recall).toBeCloseTo(2 / 3, 10);
    expect(r[2]!.f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5), 10);
    const empty = perClass(confusionMatrix([0], [0], 2))[1]!;
    expect(Number.isNaN(empty.precision) && Number.isNaN(empty.recall)).toBe(true);
  });
  it('most confused pairs, largest first', () => {
    expect(mostConfused(confusionMatrix(predicted, actual, 3), 2)).toEqual([
      { actual: 2, predicted: 1, count: 2 },
      { actual: 0, predicted: 1, count: 1 },
    ]);
  });
});
