// Tests for the batch iterator: coverage, last batch, buffer reuse, scaling, targets, seeded shuffle, bad options.
import { Rng } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { type Batch, batches } from './batches.js';
import type { Split } from './mnist.js';
import { scaling } from './normalize.js';

/** 10 examples of 3 pixels: example i has pixels (i, 2i, 255) and label i % 4. */
const split: Split = {
  images: Uint8Array.from({ length: 30 }, (_, k) => [Math.floor(k / 3), 2 * Math.floor(k / 3), 255][k % 3]!),
  labels: Uint8Array.from({ length: 10 }, (_, i) => i % 4),
  count: 10,
  rows: 1,
  cols: 3,
};
const copy = (b: Batch) => ({ x: Array.from(b.x), y: Array.from(b.y), labels: Array.from(b.labels), size: b.size });

describe('batches', () => {
  it('covers every example once in file order, the last batch smaller', () => {
    const got = [...batches(split, { batchSize: 4, classes: 4 })].map((b) => b.size);
    expect(got).toEqual([4, 4, 2]);
    const seen: number[] = [];
    for (const b of batches(split, { batchSize: 4, classes: 4 })) for (let r = 0; r < b.size; r++) seen.push(b.x[r * 3]!);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('yields views into buffers reused from batch to batch', () => {
    const it = batches(split, { batchSize: 4, classes: 4 });
    const a = it.next().value as Batch;
    const bufX = a.x.buffer;
    const firstX = a.x[3];
    const b = it.next().value as Batch;
    const c = it.next().value as Batch;
    expect(b).toBe(a);
    expect(b.x.buffer).toBe(bufX);
    expect(c.x.buffer).toBe(bufX);
    expect(c.x.length).toBe(2 * 3);
    expect(c.y.length).toBe(2 * 4);
    expect(a.x[3]).not.toBe(firstX); // overwritten by the second batch: the documented contract
  });

  it('applies the scaling and builds one-hot targets and labels', () => {
    const first = copy(batches(split, { batchSize: 10, scaling: scaling('0,1'), classes: 4 }).next().value as Batch);
    expect(first.x[0 * 3 + 2]).toBeCloseTo(1, 6);
    expect(first.x[5 * 3 + 1]).toBeCloseTo(10 / 255, 6);
    expect(first.labels).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(first.y.slice(4 * 7, 4 * 8)).toEqual([0, 0, 0, 1]);
  });

  it('supports per-feature scaling arrays', () => {
    const s = { mul: Float32Array.of(1, 0, 0), add: Float32Array.of(0, 5, 0) };
    const b = copy(batches(split, { batchSize: 10, scaling: s, classes: 4 }).next().value as Batch);
    expect(b.x.slice(9 * 3, 10 * 3)).toEqual([9, 5, 0]);
  });

  it('shuffles with a seed: a permutation, reproducible, different per seed', () => {
    const order = (seed: number) => {
      const seen: number[] = [];
      for (const b of batches(split, { batchSize: 3, shuffle: true, seed, classes: 4 })) for (let r = 0; r < b.size; r++) seen.push(b.x[r * 3]!);
      return seen;
    };
    const a = order(1);
    expect([...a].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order(1)).toEqual(a);
    expect(order(2)).not.toEqual(a);
    for (const b of batches(split, { batchSize: 3, shuffle: true, seed: 4, classes: 4 })) {
      b.labels.forEach((l, r) => {
        expect(l).toBe(b.x[r * 3]! % 4);
        expect(b.y[r * 4 + l]).toBe(1);
      });
    }
  });

  it('draws from a supplied Rng, which advances between epochs', () => {
    const rng = new Rng(9);
    const epoch = () => copy(batches(split, { batchSize: 10, shuffle: true, rng, classes: 4 }).next().value as Batch).labels;
    expect(epoch()).not.toEqual(epoch());
  });

  it('rejects bad options and labels beyond classes', () => {
    expect(() => batches(split, { batchSize: 0 }).next()).toThrow(/batchSize/);
    expect(() => batches(split, { batchSize: 2.5 }).next()).toThrow(/batchSize/);
    expect(() => batches(split, { batchSize: 2, classes: 1 }).next()).toThrow(/classes/);
    expect(() => batches(split, { batchSize: 2, scaling: { mul: new Float32Array(2), add: 0 } }).next()).toThrow(/scaling.mul/);
    expect(() => [...batches(split, { batchSize: 4, classes: 3 })]).toThrow(/label 3/);
  });
});
