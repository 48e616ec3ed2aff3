import { describe, expect, it } from 'vitest';
import { checkTrainSettings } from './bounds.js';
import { PLAIN, PRESETS, PRESET_NAMES, SETTING_KEYS, type TrainSettings, presetSettings } from './settings.js';

describe('presets', () => {
  it('seed is exactly the article’s run, every field (the optimiser settings at their plain values)', () => {
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
      optimizer: 'sgd',
      weightDecay: 0,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      clipNorm: 0,
      maxNorm: 0,
      dropout: 0,
      schedule: 'exponential',
      stepEvery: 1,
      warmup: 0,
      earlyStop: 'off',
      patience: 5,
      batch: 100,
      epochs: 50,
      seed: 123,
      scale: '-1,1',
      valid: 5000,
    });
  });
  it('best is AdamW with dropout on 784-1024-10, a cosine schedule with a warm-up epoch; long the same, wider and longer', () => {
    expect(PRESETS.best).toMatchObject({
      layers: [784, 1024, 10],
      hidden: 'relu',
      output: 'softmax',
      loss: 'ce',
      init: 'he',
      optimizer: 'adamw',
      schedule: 'cosine',
      warmup: 1,
      earlyStop: 'off',
      seed: 123,
      scale: '0,1',
      valid: 0, // chosen on the 55k/5k split, trained on all 60,000 (the README says how)
    });
    expect(PRESETS.long).toMatchObject({ ...PRESETS.best, layers: [784, 2048, 10], dropout: 0.5, epochs: 80 });
  });
  it('settings from before the optimisers existed read as plain SGD: the same run as they trained', () => {
    const { optimizer, weightDecay, beta1, beta2, eps, clipNorm, maxNorm, dropout, schedule, stepEvery, warmup, earlyStop, patience, ...old } = PRESETS.seed;
    expect(checkTrainSettings(old)).toEqual(PRESETS.seed);
    expect(checkTrainSettings({ ...old, lrDecay: 0.9 })).toEqual({ ...PRESETS.seed, ...PLAIN, lrDecay: 0.9 });
  });
  it('refuses the combinations core would refuse, naming the setting', () => {
    const refusal = (over: Partial<TrainSettings>) => {
      try {
        checkTrainSettings({ ...PRESETS.best, ...over });
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ optimizer: 'adam' })).toBe('weightDecay must be 0 with adam (decoupled decay is adamw; coupled decay is l2)');
    expect(refusal({ momentum: 0.9 })).toBe('momentum must be 0 with adamw (beta1 plays its part)');
    expect(refusal({ optimizer: 'nesterov', momentum: 0 })).toBe('momentum must be above 0 with nesterov');
    expect(refusal({ earlyStop: 'loss', valid: 0 })).toBe('earlyStop loss needs a validation split (valid > 0)');
    expect(refusal({ optimizer: 'nesterov', momentum: 0.9 })).toBe('accepted');
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
