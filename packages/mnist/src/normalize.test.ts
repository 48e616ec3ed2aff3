// Tests for scale modes, one-hot encoding and the Split → core Dataset bridge.
import { checkDataset, gatherInputs } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { Split } from './mnist.js';
import { type ScaleMode, oneHot, pixelStats, scaling, toDataset } from './normalize.js';

const allValues: Split = { images: Uint8Array.from({ length: 256 }, (_, i) => i), labels: new Uint8Array(1), count: 1, rows: 16, cols: 16 };
const apply = (s: ReturnType<typeof scaling>, x: number) => x * (s.mul as number) + (s.add as number);

describe('scaling', () => {
  it("'-1,1' equals the seed's (x/255 - 0.5) * 2 for every byte", () => {
    const s = scaling('-1,1');
    for (let x = 0; x < 256; x++) expect(apply(s, x)).toBeCloseTo((x / 255 - 0.5) * 2, 12);
  });

  it("'0,1' is x/255", () => {
    const s = scaling('0,1');
    expect(apply(s, 0)).toBe(0);
    expect(apply(s, 255)).toBeCloseTo(1, 12);
  });

  it("'standard' uses the training split's mean and std, giving it mean 0 and std 1", () => {
    const train: Split = { images: Uint8Array.of(0, 0, 0, 255, 10, 20, 30, 40), labels: new Uint8Array(2), count: 2, rows: 2, cols: 2 };
    const { mean, std } = pixelStats(train);
    expect(mean).toBeCloseTo(355 / 8, 12);
    const s = scaling('standard', train);
    const z = Array.from(train.images, (x) => apply(s, x));
    const zMean = z.reduce((a, b) => a + b) / z.length;
    expect(zMean).toBeCloseTo(0, 12);
    expect(Math.sqrt(z.reduce((a, b) => a + (b - zMean) ** 2, 0) / z.length)).toBeCloseTo(1, 12);
    expect(apply(s, mean + std)).toBeCloseTo(1, 12);
  });

  it('pixelStats is exact on a known distribution', () => {
    const { mean, std } = pixelStats(allValues);
    expect(mean).toBe(127.5);
    expect(std).toBeCloseTo(Math.sqrt((256 * 256 - 1) / 12), 10);
  });

  it('rejects standard without a training split, a constant split, and unknown modes', () => {
    expect(() => scaling('standard')).toThrow(/needs the training split/);
    const flat: Split = { images: new Uint8Array(4).fill(9), labels: new Uint8Array(1), count: 1, rows: 2, cols: 2 };
    expect(() => scaling('standard', flat)).toThrow(/std 0/);
    expect(() => scaling('0..1' as ScaleMode)).toThrow(/unknown scale mode/);
  });
});

describe('toDataset', () => {
  it("gives core's Dataset over the same Uint8 pixels, and core gathers them scaled", () => {
    const d = toDataset(allValues, scaling('-1,1'));
    expect(() => checkDataset(d)).not.toThrow();
    expect(d.inputs).toBe(allValues.images);
    expect(d.inputSize).toBe(256);
    const out = new Float32Array(256);
    gatherInputs(d, [0], 0, 1, out);
    expect(out[0]).toBeCloseTo(-1, 6);
    expect(out[255]).toBeCloseTo(1, 6);
  });
});

describe('oneHot', () => {
  it('encodes rows and reuses out, clearing stale ones', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    const out = new Float32Array(8).fill(7);
    const y = oneHot(Uint8Array.of(1), 3, out);
    expect(y).toBe(out);
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 1, 0]);
  });

  it('rejects labels out of range, bad classes and a short out', () => {
    expect(() => oneHot([3], 3)).toThrow(/label 3 at 0 is outside 0..2/);
    expect(() => oneHot([-1], 3)).toThrow(RangeError);
    expect(() => oneHot([0.5], 3)).toThrow(RangeError);
    expect(() => oneHot([0], 0)).toThrow(/classes/);
    expect(() => oneHot([0, 1], 3, new Float32Array(5))).toThrow(/need 6/);
  });
});
