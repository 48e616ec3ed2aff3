import { describe, expect, it } from 'vitest';
import { checkTrainSettings } from './bounds.js';
import { PRESETS, PRESET_NAMES, SETTING_KEYS, presetSettings } from './settings.js';

describe('presets', () => {
  it('seed is exactly the article’s run, every field', () => {
    expect(PRESETS.seed).toEqual({
      layers: [784, 50, 10],
      hidden: 'sigmoid',
      output: 'sigmoid',
      loss: 'mse',
      init: 'normal',
      initStd: 0.1,
      lr: 0.1,
      momentum: 0,
      l2: 0,
      lrDecay: 1,
      batch: 100,
      epochs: 50,
      seed: 123,
      scale: '-1,1',
      valid: 5000,
    });
  });
  it('best is the 784-300-100-10 ReLU/softmax recipe', () => {
    expect(PRESETS.best).toEqual({
      layers: [784, 300, 100, 10],
      hidden: 'relu',
      output: 'softmax',
      loss: 'ce',
      init: 'he',
      initStd: 0.1,
      lr: 0.1,
      momentum: 0.9,
      l2: 1e-4,
      lrDecay: 0.9,
      batch: 100,
      epochs: 20,
      seed: 123,
      scale: '0,1',
      valid: 5000,
    });
  });
  it('every preset lists every setting and passes the validator unchanged', () => {
    for (const name of PRESET_NAMES) {
      expect(Object.keys(PRESETS[name])).toEqual(SETTING_KEYS);
      expect(checkTrainSettings(PRESETS[name])).toEqual(PRESETS[name]);
    }
  });
  it('presetSettings hands out copies, so editing one never changes the preset', () => {
    const s = presetSettings('seed');
    s.layers.push(5);
    s.lr = 9;
    expect(PRESETS.seed.layers).toEqual([784, 50, 10]);
    expect(PRESETS.seed.lr).toBe(0.1);
  });
});
