import { describe, expect, it } from 'vitest';
import { SURE_MARGIN, verdict } from './verdict.js';

describe('the pad’s verdict', () => {
  it('says "Not sure" when the top two outputs are within the margin (the issue’s 0.17 against 0.15)', () => {
    const out = [0.01, 0.15, 0.02, 0.03, 0.01, 0.02, 0.01, 0.17, 0.04, 0.05];
    const v = verdict(out, 'sigmoid');
    expect(v).toMatchObject({ top: 7, second: 1, sure: false });
    expect(v.text).toBe(`Not sure: 7 (0.17) or 1 (0.15)? They are within ${SURE_MARGIN} of each other.`);
    expect(v.text).not.toContain('%');
  });

  it('names the digit with the runner-up when the gap is wide enough; softmax outputs as percentages', () => {
    const out = [0.02, 0.9, 0.01, 0, 0, 0, 0, 0.05, 0.01, 0.01];
    expect(verdict(out, 'softmax').text).toBe('It looks like a 1: 1 (90%), then 7 (5.0%).');
    expect(verdict(out, 'sigmoid').text).toBe('It looks like a 1: 1 (0.90), then 7 (0.05).');
    expect(verdict([0.4, 0.25], 'sigmoid').sure).toBe(true); // exactly at the margin
    expect(verdict([0.39, 0.25], 'sigmoid').sure).toBe(false);
    expect(verdict([0.1, 0.1], 'softmax')).toMatchObject({ top: 0, second: 1, sure: false });
  });
});
