import { describe, expect, it } from 'vitest';
import { type ScheduleOptions, scheduledRate } from './schedule.js';

const o: ScheduleOptions = { schedule: 'exponential', lr: 0.1, lrDecay: 0.5, stepEvery: 2, warmup: 1, epochs: 4 };
const rate = (p: Partial<ScheduleOptions>, epoch: number, batch: number) => scheduledRate({ ...o, ...p }, epoch, batch, 10);

describe('learning-rate schedules', () => {
  it('exponential: lr·d^e per epoch (the formula of earlier versions, bit for bit)', () => {
    for (const e of [0, 1, 3]) expect(rate({}, e, 7)).toBe(0.1 * 0.5 ** e);
  });
  it('step: lr·d^⌊e/k⌋', () => {
    expect([0, 1, 2, 3].map((e) => rate({ schedule: 'step' }, e, 0))).toEqual([0.1, 0.1, 0.05, 0.05]);
  });
  it('cosine: linear warm-up over the warm-up batches to lr, then half a cosine down to near 0, per batch', () => {
    const c = { schedule: 'cosine' } as const;
    expect(rate(c, 0, 0)).toBeCloseTo(0.01, 15);
    expect(rate(c, 0, 9)).toBeCloseTo(0.1, 15);
    expect(rate(c, 1, 0)).toBeCloseTo(0.1, 15);
    expect(rate(c, 2, 5)).toBeCloseTo(0.05, 15); // half-way through the 30 batches after warm-up
    expect(rate(c, 3, 9)).toBeGreaterThan(0);
    expect(rate(c, 3, 9)).toBeLessThan(0.001);
  });
  it('a warm-up as long as the run (or longer) ends at its last batch', () => {
    const c = { schedule: 'cosine', warmup: 10 } as const;
    expect(rate(c, 3, 8)).toBeCloseTo((0.1 * 39) / 39, 15);
    expect(rate(c, 0, 0)).toBeCloseTo(0.1 / 39, 15);
    expect(rate({ ...c, schedule: 'onecycle' }, 3, 9)).toBeCloseTo(0.1, 15); // the peak, at the last batch
  });
  it('one-cycle: from lr/25 up to lr at the end of warm-up, then down to lr/25/10⁴ at the last batch', () => {
    const c = { schedule: 'onecycle' } as const;
    expect(rate(c, 0, 0)).toBeCloseTo(0.004, 15);
    expect(rate(c, 1, 0)).toBeCloseTo(0.1, 15);
    expect(rate(c, 3, 9)).toBeCloseTo(0.004 / 1e4, 15);
    // Without a warm-up it takes 30% of the run.
    expect(rate({ ...c, warmup: 0 }, 1, 2)).toBeCloseTo(0.1, 15);
  });
});
