import { describe, expect, it } from 'vitest';
import { parseHiddenLayers } from './controls.js';

describe('the hidden-layers field', () => {
  it('reads "50" and "128, 64", and names what is not a number of units instead of saying "got null"', () => {
    expect(parseHiddenLayers('50')).toEqual([50]);
    expect(parseHiddenLayers(' 128, 64 ')).toEqual([128, 64]);
    expect(parseHiddenLayers('')).toEqual([]);
    expect(() => parseHiddenLayers('50, abc')).toThrow('Hidden layers: “abc” is not a number of units; write e.g. 50 or 128, 64.');
    expect(() => parseHiddenLayers('1.5')).toThrow('“1.5”');
  });
});
