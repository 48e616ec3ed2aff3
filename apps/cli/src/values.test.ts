import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets.js';
import { resolveSettings } from './commands/train.js';
import * as v from './values.js';

describe('flag values', () => {
  it('parses good values', () => {
    expect(v.layers('784, 50,10')).toEqual([784, 50, 10]);
    expect(v.positiveNumber('0.1')).toBe(0.1);
    expect(v.positiveInt('100')).toBe(100);
    expect(v.nonNegativeInt('0')).toBe(0);
    expect(v.integer('-3')).toBe(-3);
    expect(v.momentum('0.9')).toBe(0.9);
    expect(v.fraction('1')).toBe(1);
    expect(v.scale('-1,1')).toBe('-1,1');
    expect(v.hiddenActivation('relu')).toBe('relu');
    expect(v.datasetName('my-data.json')).toBe('my-data.json');
    expect(v.collect('b', ['a'])).toEqual(['a', 'b']);
  });
  it('refuses a network no model file can hold before anything trains', () => {
    expect(() => v.layers('784,15000,15000,10')).toThrow(/236,940,010 weights and biases, more than the 50,000,000 a model file holds/);
    expect(v.layers('784,5000,1000,10')).toEqual([784, 5000, 1000, 10]);
  });
  it('rejects bad values with InvalidArgumentError', () => {
    const bad: [(s: string) => unknown, string][] = [
      [v.layers, '784'],
      [v.layers, '784,0,10'],
      [v.layers, '784,x'],
      [v.layers, '784,15000,15000,10'],
      [v.layers, Array(65).fill(2).join(',')],
      [v.positiveNumber, '0'],
      [v.positiveNumber, ''],
      [v.positiveNumber, 'Infinity'],
      [v.positiveInt, '1e3'],
      [v.positiveInt, '0'],
      [v.nonNegativeNumber, '-1'],
      [v.integer, '1.5'],
      [v.momentum, '1'],
      [v.fraction, '0'],
      [v.scale, '0,255'],
      [v.hiddenActivation, 'softmax'],
      [v.outputActivation, 'gelu'],
      [v.loss, 'hinge'],
      [v.init, 'zeros'],
      [v.presetName, 'fast'],
      [v.datasetName, 'emnist'],
    ];
    for (const [f, s] of bad) expect(() => f(s), `${f.name}(${s})`).toThrow(InvalidArgumentError);
  });
});

describe('presets', () => {
  it('seed is exactly the article’s run', () => {
    expect(PRESETS.seed).toMatchObject({
      layers: [784, 50, 10],
      hidden: 'sigmoid',
      output: 'sigmoid',
      loss: 'mse',
      init: 'normal',
      initStd: 0.1,
      lr: 0.1,
      momentum: 0,
      l2: 0,
      batch: 100,
      epochs: 50,
      scale: '-1,1',
      valid: 5000,
    });
  });
  it('flags override single settings; anything but the seed makes the run custom', () => {
    expect(resolveSettings({}).preset).toBe('seed');
    expect(resolveSettings({ preset: 'best', seed: 5 })).toMatchObject({ preset: 'best', settings: { ...PRESETS.best, seed: 5 } });
    const r = resolveSettings({ preset: 'seed', lr: 0.5 });
    expect(r.preset).toBe('custom');
    expect(r.settings.lr).toBe(0.5);
    expect(r.settings.layers).toEqual([784, 50, 10]);
    expect(resolveSettings({ lr: 0.1 }).preset).toBe('seed');
  });
});
