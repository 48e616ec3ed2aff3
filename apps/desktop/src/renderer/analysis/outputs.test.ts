import { describe, expect, it } from 'vitest';
import { formatOutput, outputsMeaning } from './outputs.js';

describe('output values in words', () => {
  it('prints softmax outputs as percentages and every other activation as a plain number, never "%"', () => {
    expect(formatOutput(0.834, 'softmax')).toBe('83%');
    expect(formatOutput(0.05, 'softmax')).toBe('5.0%');
    expect(formatOutput(1, 'softmax')).toBe('100%');
    expect(formatOutput(0.834, 'sigmoid')).toBe('0.83');
    expect(formatOutput(0.004, 'sigmoid')).toBe('0.00');
    expect(formatOutput(-0.5, 'tanh')).toBe('-0.50');
    expect(formatOutput(3.216, 'linear')).toBe('3.22');
    for (const a of ['sigmoid', 'tanh', 'relu', 'linear'] as const) for (const v of [0, 0.07, 0.5, 0.999, 1]) expect(formatOutput(v, a)).not.toContain('%');
  });

  it('says what the outputs are: probabilities only for softmax', () => {
    expect(outputsMeaning('softmax')).toBe('softmax probabilities (they sum to 1)');
    expect(outputsMeaning('sigmoid')).toBe('sigmoid activations, 0 to 1 — not probabilities (they need not sum to 1)');
    expect(outputsMeaning('linear')).toBe('linear activations — not probabilities (they need not sum to 1)');
  });
});
