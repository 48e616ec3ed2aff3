import { describe, expect, it } from 'vitest';
import { BOUNDS, type NumberBound, SettingError, allowed, checkSetting, choices, checkTrainSettings, parseSetting, type SettingKey } from './bounds.js';
import { PRESETS, SETTING_KEYS } from './settings.js';

const numeric = SETTING_KEYS.filter((k) => BOUNDS[k].kind === 'number' || BOUNDS[k].kind === 'whole');

describe('bounds', () => {
  it('has one bound per setting', () => {
    expect(Object.keys(BOUNDS).sort()).toEqual([...SETTING_KEYS].sort());
  });
  it('says each range the way the README table does', () => {
    expect(allowed('lr')).toBe('a number in (0, 100]');
    expect(allowed('momentum')).toBe('a number in [0, 1)');
    expect(allowed('batch')).toBe('a whole number in [1, 60,000]');
    expect(allowed('seed')).toBe('a whole number in [0, 4,294,967,295]');
    expect(allowed('hidden')).toBe('one of sigmoid, tanh, relu, linear');
  });
  it('lists the choices of text settings for menus, and none for the others', () => {
    expect(choices('hidden')).toEqual(['sigmoid', 'tanh', 'relu', 'linear']);
    expect(choices('scale')).toEqual(['-1,1', '0,1', 'standard']);
    expect(choices('lr')).toEqual([]);
    expect(choices('layers')).toEqual([]);
  });
  it('accepts each number at its closed ends and refuses it at its open ends and beyond', () => {
    for (const k of numeric) {
      const b = BOUNDS[k] as NumberBound;
      const step = b.kind === 'whole' ? 1 : 1e-9;
      const at = (v: number) => () => checkSetting(k, v);
      if (b.minOpen) expect(at(b.min), `${k} = min`).toThrow(SettingError);
      else expect(at(b.min)()).toBe(b.min);
      if (b.maxOpen) expect(at(b.max), `${k} = max`).toThrow(SettingError);
      else expect(at(b.max)()).toBe(b.max);
      expect(at(b.min - step), `${k} below`).toThrow(SettingError);
      expect(at(b.max + step * Math.max(1, b.max)), `${k} above`).toThrow(SettingError);
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '1', null, undefined]) expect(at(bad as number), `${k} = ${bad}`).toThrow(SettingError);
    }
    expect(() => checkSetting('batch', 10.5)).toThrow(/batch must be a whole number in \[1, 60,000\], got 10.5/);
  });
  it('names the setting and the allowed range in every refusal', () => {
    const cases: [SettingKey, unknown, RegExp][] = [
      ['lr', 0, /^lr must be a number in \(0, 100\], got 0$/],
      ['lr', 1000, /^lr must be a number in \(0, 100\], got 1000$/],
      ['momentum', 1, /^momentum must be a number in \[0, 1\), got 1$/],
      ['lrDecay', 0, /^lrDecay must be a number in \(0, 1\]/],
      ['epochs', 1001, /^epochs must be a whole number in \[1, 1000\], got 1001$/],
      ['seed', -1, /^seed must be a whole number/],
      ['hidden', 'softmax', /^hidden must be one of sigmoid, tanh, relu, linear, got "softmax"$/],
      ['scale', '0,255', /^scale must be one of -1,1, 0,1, standard/],
      ['layers', [784], /^layers must be 2 to 64 comma-separated positive widths .*, got \[784\]$/],
      ['layers', [784, 2.5, 10], /^layers must be 2 to 64/],
      ['layers', 'x', /^layers must be 2 to 64/],
      ['layers', [784, 15000, 15000, 10], /^layers 784-15000-15000-10 has 236,940,010 weights and biases, more than the 50,000,000 a model file holds$/],
    ];
    for (const [k, v, message] of cases) {
      let caught: unknown;
      try {
        checkSetting(k, v);
      } catch (e) {
        caught = e;
      }
      expect(caught, `${k} = ${JSON.stringify(v)}`).toBeInstanceOf(SettingError);
      expect((caught as SettingError).setting).toBe(k);
      expect((caught as Error).message).toMatch(message);
    }
  });
  it('parses flag text with the same bounds', () => {
    expect(parseSetting('layers', '784, 50,10')).toEqual([784, 50, 10]);
    expect(parseSetting('lr', '0.5')).toBe(0.5);
    expect(parseSetting('lr', '100')).toBe(100);
    expect(parseSetting('batch', ' 20 ')).toBe(20);
    expect(parseSetting('seed', '4294967295')).toBe(4294967295);
    expect(parseSetting('scale', '-1,1')).toBe('-1,1');
    expect(parseSetting('layers', '784,5000,1000,10')).toEqual([784, 5000, 1000, 10]);
    const bad: [SettingKey, string][] = [
      ['lr', 'fast'],
      ['lr', ''],
      ['lr', '100.5'],
      ['lr', 'Infinity'],
      ['momentum', '1'],
      ['batch', '1e3'],
      ['batch', '0'],
      ['epochs', '2.5'],
      ['seed', '-3'],
      ['valid', '-1'],
      ['layers', '784'],
      ['layers', '784,,10'],
      ['layers', '784,0,10'],
      ['layers', Array(65).fill(2).join(',')],
      ['hidden', 'softmax'],
      ['init', 'zeros'],
    ];
    for (const [k, text] of bad) expect(() => parseSetting(k, text), `${k} ${text}`).toThrow(SettingError);
    // A flag's message says what is allowed; the CLI shows the text itself.
    expect(() => parseSetting('lr', 'fast')).toThrow(/^lr must be a number in \(0, 100\]$/);
  });
  it('checks whole settings: a clean copy with only known fields', () => {
    const input = { ...PRESETS.seed, evil: '<script>' };
    const s = checkTrainSettings(input);
    expect(s).toEqual(PRESETS.seed);
    expect(s).not.toHaveProperty('evil');
    expect(s.layers).not.toBe(PRESETS.seed.layers);
    expect(() => checkTrainSettings(null)).toThrow(/must be an object/);
    expect(() => checkTrainSettings([1])).toThrow(/must be an object/);
    expect(() => checkTrainSettings({ ...PRESETS.seed, lr: '0.1' })).toThrow(/^lr must be a number in \(0, 100\], got "0.1"$/);
    const { batch: _, ...noBatch } = PRESETS.seed;
    expect(() => checkTrainSettings(noBatch)).toThrow(/^batch must be .*, got undefined$/);
  });
  it('refuses the pairs core cannot train', () => {
    expect(() => checkTrainSettings({ ...PRESETS.seed, loss: 'ce', output: 'linear' })).toThrow(/^loss 'ce' needs a softmax or sigmoid output, got output linear$/);
    expect(() => checkTrainSettings({ ...PRESETS.best, layers: [784, 1] })).toThrow(/^output softmax needs at least 2 output units/);
    expect(checkTrainSettings({ ...PRESETS.seed, loss: 'ce' }).loss).toBe('ce');
  });
});
