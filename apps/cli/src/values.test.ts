import { PRESETS } from '@mlp/recipe';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from './commands/train.js';
import * as v from './values.js';

describe('flag values', () => {
  it('parses good values', () => {
    expect(v.SETTINGS.layers('784, 50,10')).toEqual([784, 50, 10]);
    expect(v.SETTINGS.lr('0.1')).toBe(0.1);
    expect(v.SETTINGS.batch('100')).toBe(100);
    expect(v.SETTINGS.valid('0')).toBe(0);
    expect(v.SETTINGS.seed('3')).toBe(3);
    expect(v.SETTINGS.momentum('0.9')).toBe(0.9);
    expect(v.SETTINGS.lrDecay('1')).toBe(1);
    expect(v.SETTINGS.scale('-1,1')).toBe('-1,1');
    expect(v.SETTINGS.hidden('relu')).toBe('relu');
    expect(v.positiveInt('100')).toBe(100);
    expect(v.presetName('best')).toBe('best');
    expect(v.datasetName('my-data.json')).toBe('my-data.json');
    expect(v.collect('b', ['a'])).toEqual(['a', 'b']);
  });
  it('refuses a network no model file can hold before anything trains', () => {
    expect(() => v.SETTINGS.layers('784,15000,15000,10')).toThrow(/236,940,010 weights and biases, more than the 50,000,000 a model file holds/);
    expect(v.SETTINGS.layers('784,5000,1000,10')).toEqual([784, 5000, 1000, 10]);
  });
  it('rejects bad values with InvalidArgumentError naming the setting and its range (the recipe’s bounds)', () => {
    const bad: [(s: string) => unknown, string][] = [
      [v.SETTINGS.layers, '784'],
      [v.SETTINGS.layers, '784,0,10'],
      [v.SETTINGS.layers, '784,x'],
      [v.SETTINGS.layers, Array(65).fill(2).join(',')],
      [v.SETTINGS.lr, '0'],
      [v.SETTINGS.lr, ''],
      [v.SETTINGS.lr, '101'],
      [v.SETTINGS.batch, '1e3'],
      [v.SETTINGS.epochs, '0'],
      [v.SETTINGS.l2, '-1'],
      [v.SETTINGS.seed, '1.5'],
      [v.SETTINGS.momentum, '1'],
      [v.SETTINGS.lrDecay, '0'],
      [v.SETTINGS.scale, '0,255'],
      [v.SETTINGS.hidden, 'softmax'],
      [v.SETTINGS.output, 'gelu'],
      [v.SETTINGS.loss, 'hinge'],
      [v.SETTINGS.init, 'zeros'],
      [v.positiveInt, '0'],
      [v.presetName, 'fast'],
      [v.datasetName, 'emnist'],
    ];
    for (const [f, s] of bad) expect(() => f(s), `${f.name}(${s})`).toThrow(InvalidArgumentError);
    expect(() => v.SETTINGS.lr('1000')).toThrow(/^lr must be a number in \(0, 100\]\.$/);
    expect(() => v.SETTINGS.momentum('1')).toThrow(/^momentum must be a number in \[0, 1\)\.$/);
  });
  it('names each setting’s flag', () => {
    expect(v.flagOf('lr')).toBe('--lr');
    expect(v.flagOf('initStd')).toBe('--init-std');
    expect(v.flagOf('lrDecay')).toBe('--lr-decay');
  });
});

describe('presets', () => {
  it('flags override single settings; anything but the seed makes the run custom', () => {
    expect(resolveSettings({})).toEqual({ preset: 'seed', settings: PRESETS.seed });
    expect(resolveSettings({ preset: 'best', seed: 5 })).toMatchObject({ preset: 'best', settings: { ...PRESETS.best, seed: 5 } });
    const r = resolveSettings({ preset: 'seed', lr: 0.5 });
    expect(r.preset).toBe('custom');
    expect(r.settings.lr).toBe(0.5);
    expect(r.settings.layers).toEqual([784, 50, 10]);
    expect(resolveSettings({ lr: 0.1 }).preset).toBe('seed');
    r.settings.layers.push(1);
    expect(PRESETS.seed.layers).toEqual([784, 50, 10]);
  });
});
