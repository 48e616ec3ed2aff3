import { describe, expect, it } from 'vitest';
import { epochRange, epochTicks, niceStep, tickLabels } from './ticks.js';

/** Ticks and labels for an epoch axis from 0 to `span`, at most `maxTicks` of them. */
const axis = (span: number, maxTicks = 8) => {
  const [min, max] = epochRange(0, span);
  const ticks = epochTicks(min, max, maxTicks);
  return { ticks, labels: tickLabels(ticks) };
};

describe('the epoch axis', () => {
  it('has distinct, increasing labels at every zoom: one batch, a few, half an epoch, one, fifty', () => {
    for (const span of [1 / 550, 3 / 550, 0.05, 0.5, 1, 50, 1000])
      for (const maxTicks of [3, 5, 8, 12]) {
        const { ticks, labels } = axis(span, maxTicks);
        expect(ticks.length, `${span} with ${maxTicks} ticks`).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(maxTicks);
        expect(ticks[0]).toBe(0);
        expect(ticks.at(-1)!).toBeLessThanOrEqual(span * (1 + 1e-9));
        expect(new Set(labels).size, `${span}: ${labels.join(' ')}`).toBe(labels.length);
        const read = labels.map(Number);
        for (let i = 1; i < read.length; i++) expect(read[i]!, `${span}: ${labels.join(' ')}`).toBeGreaterThan(read[i - 1]!);
        // Each label reads back as its tick (no rounding to a neighbour).
        read.forEach((r, i) => expect(r).toBeCloseTo(ticks[i]!, 12));
      }
  });

  it('reads well: nice steps, just enough decimals, 0 as "0"', () => {
    expect(axis(1 / 550).labels).toEqual(['0', '0.0005', '0.0010', '0.0015']);
    expect(axis(3 / 550).labels).toEqual(['0', '0.001', '0.002', '0.003', '0.004', '0.005']);
    expect(axis(3 / 550, 4).labels).toEqual(['0', '0.002', '0.004']);
    expect(axis(0.5).labels).toEqual(['0', '0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(axis(1).labels).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(axis(5).labels).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(axis(50).labels).toEqual(['0', '10', '20', '30', '40', '50']);
    expect(niceStep(0, 1 / 550, 8)).toBe(0.0005);
    expect(niceStep(0, 50, 8)).toBe(10);
    expect(niceStep(0, 0, 8)).toBe(1);
  });

  it('starts at epoch 0 and copes with no data', () => {
    expect(epochRange(1 / 550, 1 / 550)).toEqual([0, 1 / 550]);
    expect(epochRange(null, null)).toEqual([0, 1]);
    expect(epochRange(0, 0)).toEqual([0, 1]);
    expect(epochTicks(0, 1, 1)).toEqual([0, 1]); // at least two ticks
    expect(epochTicks(1, 0, 5)).toEqual([]);
    expect(tickLabels([0, null, 2.5, 5])).toEqual(['0', '', '2.5', '5.0']);
    // uPlot's own formatting (at most 3 decimals) gives repeats for one Step's ticks; these do not.
    expect(tickLabels([0.0012, 0.0014, 0.0016, 0.0018])).toEqual(['0.0012', '0.0014', '0.0016', '0.0018']);
  });
});
