// Tests for the seeded train/validation split: sizes, disjointness, determinism, order, stratification, bad input.
import { describe, expect, it } from 'vitest';
import type { Split } from './mnist.js';
import { splitTrainValidation } from './split.js';

/** 1,000 examples, 2x2 pixels; pixel 0..3 of example i encode i, so every example can be traced. Class sizes are uneven. */
function traced(count = 1000): Split {
  const images = new Uint8Array(count * 4);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.set([i & 255, i >> 8, 0, 1], i * 4);
    labels[i] = i % 10 < 5 ? 0 : i % 3; // class 0 holds about half
  }
  return { images, labels, count, rows: 2, cols: 2 };
}
const ids = (s: Split): number[] => Array.from({ length: s.count }, (_, r) => s.images[r * 4]! + 256 * s.images[r * 4 + 1]!);

describe('splitTrainValidation', () => {
  it('splits into disjoint compact parts that cover every example, order kept', () => {
    const all = traced();
    const { train, validation } = splitTrainValidation(all, { validation: 100, seed: 3 });
    expect(train.count).toBe(900);
    expect(validation.count).toBe(100);
    expect(train.images.length).toBe(900 * 4);
    expect(validation.labels.length).toBe(100);
    const t = ids(train);
    const v = ids(validation);
    expect(new Set([...t, ...v]).size).toBe(1000);
    expect(t).toEqual([...t].sort((a, b) => a - b));
    expect(v).toEqual([...v].sort((a, b) => a - b));
    // labels travel with their images
    v.forEach((id, r) => expect(validation.labels[r]).toBe(all.labels[id]));
  });

  it('is deterministic per seed and differs across seeds', () => {
    const all = traced();
    const a = ids(splitTrainValidation(all, { validation: 50, seed: 1 }).validation);
    const b = ids(splitTrainValidation(all, { validation: 50, seed: 1 }).validation);
    const c = ids(splitTrainValidation(all, { validation: 50, seed: 2 }).validation);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('defaults to 5,000 validation examples (55,000/5,000 on MNIST)', () => {
    const { train, validation } = splitTrainValidation(traced(6000));
    expect([train.count, validation.count]).toEqual([1000, 5000]);
  });

  it('stratified keeps class shares (largest remainder, exact total)', () => {
    const all = traced();
    const counts = (s: Split) => Array.from({ length: 3 }, (_, c) => s.labels.filter((l) => l === c).length);
    const whole = counts(all);
    const { train, validation } = splitTrainValidation(all, { validation: 101, seed: 5, stratified: true });
    expect(validation.count).toBe(101);
    const got = counts(validation);
    got.forEach((g, c) => expect(Math.abs(g - (101 * whole[c]!) / 1000)).toBeLessThan(1));
    expect(counts(train).map((n, c) => n + got[c]!)).toEqual(whole);
  });

  it('allows an empty validation split and rejects impossible sizes', () => {
    expect(splitTrainValidation(traced(10), { validation: 0 }).validation.count).toBe(0);
    expect(() => splitTrainValidation(traced(10), { validation: 10 })).toThrow(/0\.\.9/);
    expect(() => splitTrainValidation(traced(10), { validation: -1 })).toThrow(RangeError);
    expect(() => splitTrainValidation(traced(10), { validation: 2.5 })).toThrow(RangeError);
  });
});
