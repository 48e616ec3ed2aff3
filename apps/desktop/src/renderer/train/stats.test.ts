import { describe, expect, it } from 'vitest';
import type { Weights } from './protocol.js';
import { QUANTILES, quantiles, rms, snapshot } from './stats.js';

describe('training statistics', () => {
  it('summarises a distribution by its quantiles, min to max', () => {
    const q = quantiles(Float32Array.from({ length: 101 }, (_, i) => 100 - i));
    expect(q).toHaveLength(QUANTILES.length);
    expect(q[0]).toBe(0);
    expect(q[4]).toBe(50);
    expect(q.at(-1)).toBe(100);
    expect(quantiles([])).toEqual(QUANTILES.map(() => 0));
  });

  it('finds saturated sigmoid units: large weights push every activation to 0 or 1; small ones leave it near 0.5', () => {
    const net = (scale: number): Weights => ({
      layers: [4, 3, 2],
      W: [Float32Array.from({ length: 12 }, (_, i) => (i % 2 ? scale : -scale) * (1 + (i % 3))), Float32Array.from({ length: 6 }, () => 0.1)],
      b: [new Float32Array(3), new Float32Array(2)],
      hidden: 'sigmoid',
      output: 'sigmoid',
      scaling: { mul: 1 / 255, add: 0 },
    });
    const pixels = Uint8Array.from([255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255]);
    const big = snapshot(0.5, net(50), pixels, 4, null);
    expect(big.x).toBe(0.5);
    expect(big.layers[0]!.saturated).toBe(1);
    expect(big.layers[0]!.gradients).toBeNull();
    const small = snapshot(0.5, net(0.01), pixels, 4, [new Float32Array(12).fill(-2e-3), new Float32Array(6).fill(1e-4)]);
    expect(small.layers[0]!.saturated).toBe(0);
    expect(small.layers[0]!.activations[4]).toBeCloseTo(0.5, 2);
    // Gradient sizes are magnitudes.
    expect(small.layers[0]!.gradients).toEqual(QUANTILES.map(() => Math.fround(2e-3)));
    expect(small.layers[1]!.weights).toEqual(QUANTILES.map(() => Math.fround(0.1)));
    expect(small.layers[0]!.gradientRms).toBeCloseTo(2e-3, 9);
    expect(big.layers[0]!.gradientRms).toBeNull();
    expect(rms([3, 4, 0, 0])).toBe(2.5);
  });
});
