import { PRESETS, PRESET_NAMES } from '@mlp/recipe';
import { describe, expect, it } from 'vitest';
import { checkAppSettings, describeOptimiser, describePreset, fitToChange, presetOf } from './settings.js';

describe('app settings', () => {
  it('accepts both presets as they are, and returns copies', () => {
    for (const name of PRESET_NAMES) {
      const s = checkAppSettings({ preset: name, train: PRESETS[name] });
      expect(s).toEqual({ preset: name, train: PRESETS[name] });
      expect(s.train.layers).not.toBe(PRESETS[name].layers);
    }
    expect(checkAppSettings({ preset: 'custom', train: { ...PRESETS.seed, lr: 0.5 } }).train.lr).toBe(0.5);
  });

  it('describes the presets for the menu', () => {
    expect(describePreset('seed')).toBe('784-50-10 sigmoid, MSE');
    expect(describePreset('best')).toBe('784-1024-10 relu/softmax, cross-entropy, AdamW, dropout 0.4, cosine schedule');
    expect(describePreset('seed')).toBe('784-50-10 sigmoid, MSE');
  });

  it('rejects a bad preset or bad training settings with a message naming the field (the recipe’s bounds)', () => {
    const bad: [unknown, RegExp][] = [
      [{ preset: 'fast', train: PRESETS.seed }, /^preset must be seed, best, long or custom, got "fast"$/],
      [{ preset: 'seed', train: { ...PRESETS.seed, lr: 0 } }, /^lr must be a number in \(0, 100\], got 0$/],
      [{ preset: 'seed', train: { ...PRESETS.seed, momentum: 1 } }, /^momentum must be a number in \[0, 1\)/],
      [{ preset: 'seed', train: { ...PRESETS.seed, layers: [784] } }, /^layers must be 2 to 64/],
      [{ preset: 'seed', train: { ...PRESETS.seed, loss: 'ce', output: 'linear' } }, /needs a softmax or sigmoid output/],
      [{ preset: 'seed', train: null }, /must be an object/],
      [{ preset: 'seed' }, /must be an object/],
      [null, /must be an object/],
      [[1], /must be an object/],
    ];
    for (const [x, message] of bad) expect(() => checkAppSettings(x), JSON.stringify(x)).toThrow(message);
  });

  it('drops unknown fields', () => {
    const s = checkAppSettings({ preset: 'seed', train: { ...PRESETS.seed, evil: '<script>' }, evil: 1 });
    expect(s).not.toHaveProperty('evil');
    expect(s.train).not.toHaveProperty('evil');
  });

  it('names the preset the settings equal, ignoring seed and epochs', () => {
    expect(presetOf(PRESETS.seed)).toBe('seed');
    expect(presetOf({ ...PRESETS.best, epochs: 3, seed: 9 })).toBe('best');
    expect(presetOf({ ...PRESETS.seed, lr: 0.2 })).toBe('custom');
    expect(presetOf({ ...PRESETS.seed, layers: [784, 64, 10] })).toBe('custom');
  });
});

describe('the optimiser section', () => {
  it('sums up the optimiser, regularisation and schedule in one line', () => {
    expect(describeOptimiser(PRESETS.seed)).toBe('plain SGD');
    expect(describeOptimiser(PRESETS.best)).toBe('AdamW · decay 0.01 · dropout 0.4 · cosine');
    expect(describeOptimiser({ ...PRESETS.seed, momentum: 0.9, lrDecay: 0.95, earlyStop: 'loss', maxNorm: 3, clipNorm: 5 })).toBe(
      'SGD, momentum 0.9 · max-norm 3 · clip 5 · lr ×0.95/epoch · early stop on loss',
    );
    expect(describeOptimiser({ ...PRESETS.seed, optimizer: 'nesterov', momentum: 0.9, schedule: 'step', lrDecay: 0.5, stepEvery: 10 })).toBe('Nesterov 0.9 · lr ×0.5 every 10');
  });

  it('moves what no longer fits when the optimiser changes, so that choosing one never leaves an error', () => {
    const sgd = { ...PRESETS.seed, momentum: 0.9, weightDecay: 0.01 };
    expect(fitToChange({ ...sgd, optimizer: 'adam' }, 'optimizer')).toMatchObject({ momentum: 0, weightDecay: 0 });
    expect(fitToChange({ ...sgd, optimizer: 'adamw' }, 'optimizer')).toMatchObject({ momentum: 0, weightDecay: 0.01 });
    expect(fitToChange({ ...PRESETS.seed, optimizer: 'nesterov' }, 'optimizer')).toMatchObject({ momentum: 0.9 });
    for (const optimizer of ['sgd', 'nesterov', 'adam', 'adamw'] as const) {
      expect(() => checkAppSettings({ preset: 'custom', train: fitToChange({ ...sgd, optimizer }, 'optimizer') })).not.toThrow();
    }
    // A change elsewhere is the user's to fix, and the checker names it.
    const adam = { ...PRESETS.best, optimizer: 'adam' as const, weightDecay: 0, momentum: 0.5 };
    expect(fitToChange(adam, 'momentum')).toBe(adam);
    expect(() => checkAppSettings({ preset: 'custom', train: adam })).toThrow(/momentum must be 0 with adam/);
  });
});
