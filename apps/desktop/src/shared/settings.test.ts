import { describe, expect, it } from 'vitest';
import { PRESETS as RECIPE_PRESETS } from '@mlp/recipe';
import { PRESETS, PRESET_NAMES, checkAppSettings, checkTrainSettings, describePreset, presetOf } from './settings.js';

describe('settings', () => {
  it('accepts both presets as they are, and returns copies', () => {
    for (const name of PRESET_NAMES) {
      const s = checkTrainSettings(PRESETS[name]);
      expect(s).toEqual(PRESETS[name]);
      expect(s.layers).not.toBe(PRESETS[name].layers);
    }
  });

  it('are the shared presets (@mlp/recipe), every field', () => {
    // The app and `mlp train --preset` must train the same network from the same numbers, so a model saved by one
    // matches the other's run bit for bit.
    expect(PRESETS).toEqual(RECIPE_PRESETS);
    expect(PRESETS.seed).toMatchObject({ layers: [784, 50, 10], hidden: 'sigmoid', output: 'sigmoid', loss: 'mse', init: 'normal', initStd: 0.1, lr: 0.1, batch: 100, epochs: 50, seed: 123, scale: '-1,1', valid: 5000 });
    expect(describePreset('seed')).toBe('784-50-10 sigmoid, MSE');
    expect(describePreset('best')).toBe('784-300-100-10 relu/softmax, cross-entropy');
  });

  it('rejects every kind of bad value with a message naming the field', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ layers: [784] }, /layers must list 2 to 10/],
      [{ layers: 'x' }, /layers must list/],
      [{ layers: [784, 0, 10] }, /layer widths/],
      [{ layers: [784, 2.5, 10] }, /layer widths/],
      [{ hidden: 'softmax' }, /hidden must be one of/],
      [{ output: 'gelu' }, /output must be one of/],
      [{ loss: 'hinge' }, /loss must be one of/],
      [{ lr: 0 }, /lr must be a number/],
      [{ lr: Number.NaN }, /lr must be a number/],
      [{ lr: '0.1' }, /lr must be a number/],
      [{ momentum: 1 }, /momentum/],
      [{ batch: 0 }, /batch must be an integer/],
      [{ batch: 10.5 }, /batch must be an integer/],
      [{ epochs: 1e6 }, /epochs/],
      [{ seed: -1 }, /seed/],
      [{ scale: '0,255' }, /scale must be one of/],
      [{ valid: 60000 }, /valid/],
      [{ loss: 'ce', output: 'linear' }, /needs a softmax or sigmoid output/],
    ];
    for (const [patch, message] of bad) expect(() => checkTrainSettings({ ...PRESETS.seed, ...patch }), JSON.stringify(patch)).toThrow(message);
    expect(() => checkTrainSettings(null)).toThrow(/expected an object/);
    expect(() => checkTrainSettings([1])).toThrow(/expected an object/);
    expect(() => checkAppSettings({ preset: 'fast', train: PRESETS.seed })).toThrow(/preset must be/);
  });

  it('drops unknown fields', () => {
    expect(checkTrainSettings({ ...PRESETS.seed, evil: '<script>' })).not.toHaveProperty('evil');
  });

  it('names the preset the settings equal, ignoring seed and epochs', () => {
    expect(presetOf(PRESETS.seed)).toBe('seed');
    expect(presetOf({ ...PRESETS.best, epochs: 3, seed: 9 })).toBe('best');
    expect(presetOf({ ...PRESETS.seed, lr: 0.2 })).toBe('custom');
    expect(presetOf({ ...PRESETS.seed, layers: [784, 64, 10] })).toBe('custom');
  });
});
