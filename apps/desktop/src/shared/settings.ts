// Training settings and the two presets, plus the validator that main and the renderer both trust.
// The presets mirror apps/cli/src/presets.ts, the source of truth (apps never import apps): keep them in step.
import type { ActivationName, InitName, LossName } from '@mlp/core';
import type { ScaleMode } from '@mlp/mnist';

/** Same fields and meaning as the CLI's TrainSettings, so model files written by either tool read the same. */
export interface TrainSettings {
  layers: number[];
  hidden: ActivationName;
  output: ActivationName;
  loss: LossName;
  init: InitName;
  initStd: number;
  lr: number;
  momentum: number;
  l2: number;
  lrDecay: number;
  batch: number;
  epochs: number;
  seed: number;
  scale: ScaleMode;
  /** Examples moved from the official training set to validation. */
  valid: number;
}

export type PresetName = 'seed' | 'best';
export const PRESET_NAMES: readonly PresetName[] = ['seed', 'best'];

export const PRESETS: Record<PresetName, TrainSettings> = {
  // The article's run: 784-50-10, sigmoid/sigmoid, MSE on one-hot, SGD lr 0.1, batch 100, 50 epochs, [-1,1], 55k/5k, N(0, 0.1).
  seed: {
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
  },
  // The CLI's `best`: two ReLU layers (LeCun's 300-100), softmax + cross-entropy, He init, momentum, per-epoch decay, a little L2.
  best: {
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
  },
};

/** A one-line description of a preset for menus: "784-50-10 sigmoid, MSE". */
export function describePreset(name: PresetName): string {
  const p = PRESETS[name];
  const head = p.hidden === p.output ? p.hidden : `${p.hidden}/${p.output}`;
  return `${p.layers.join('-')} ${head}, ${p.loss === 'ce' ? 'cross-entropy' : 'MSE'}`;
}

/** What the app remembers between runs. */
export interface AppSettings {
  /** The preset the settings started from; 'custom' once any value differs from it. */
  preset: PresetName | 'custom';
  train: TrainSettings;
}

export const HIDDEN_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'linear'] as const;
export const OUTPUT_ACTIVATIONS = ['sigmoid', 'softmax', 'linear', 'tanh', 'relu'] as const;
export const LOSS_NAMES = ['mse', 'ce'] as const;
export const INIT_NAMES = ['normal', 'xavier', 'he'] as const;
export const SCALE_NAMES = ['-1,1', '0,1', 'standard'] as const;

/** Largest network the app accepts (per layer), so a typo cannot allocate gigabytes. */
export const MAX_WIDTH = 4096;

function fail(what: string): never {
  throw new TypeError(`invalid settings: ${what}`);
}

function num(o: Record<string, unknown>, k: string, min: number, max: number, integer = false): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    fail(`${k} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

function oneOf<T extends string>(o: Record<string, unknown>, k: string, allowed: readonly T[]): T {
  const v = o[k];
  if (typeof v !== 'string' || !allowed.includes(v as T)) fail(`${k} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Check untrusted data (IPC, localStorage, a settings file) and return a clean copy, or throw a TypeError saying what is wrong. */
export function checkTrainSettings(x: unknown): TrainSettings {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail('expected an object');
  const o = x as Record<string, unknown>;
  const layers = o.layers;
  if (!Array.isArray(layers) || layers.length < 2 || layers.length > 10) fail('layers must list 2 to 10 widths');
  for (const w of layers) {
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > MAX_WIDTH) fail(`layer widths must be integers in [1, ${MAX_WIDTH}], got ${JSON.stringify(w)}`);
  }
  const s: TrainSettings = {
    layers: [...(layers as number[])],
    hidden: oneOf(o, 'hidden', HIDDEN_ACTIVATIONS),
    output: oneOf(o, 'output', OUTPUT_ACTIVATIONS),
    loss: oneOf(o, 'loss', LOSS_NAMES),
    init: oneOf(o, 'init', INIT_NAMES),
    initStd: num(o, 'initStd', 1e-6, 10),
    lr: num(o, 'lr', 1e-9, 100),
    momentum: num(o, 'momentum', 0, 0.999),
    l2: num(o, 'l2', 0, 1),
    lrDecay: num(o, 'lrDecay', 1e-6, 1),
    batch: num(o, 'batch', 1, 60000, true),
    epochs: num(o, 'epochs', 1, 1000, true),
    seed: num(o, 'seed', 0, 2 ** 32 - 1, true),
    scale: oneOf(o, 'scale', SCALE_NAMES),
    valid: num(o, 'valid', 0, 59000, true),
  };
  if (s.loss === 'ce' && s.output !== 'softmax' && s.output !== 'sigmoid') fail("loss 'ce' needs a softmax or sigmoid output");
  return s;
}

export function checkAppSettings(x: unknown): AppSettings {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail('expected an object');
  const o = x as Record<string, unknown>;
  const preset = o.preset;
  if (preset !== 'custom' && !PRESET_NAMES.includes(preset as PresetName)) fail(`preset must be seed, best or custom, got ${JSON.stringify(preset)}`);
  return { preset: preset as AppSettings['preset'], train: checkTrainSettings(o.train) };
}

/** The preset these settings equal (ignoring the seed and epochs, which a learner changes freely), else 'custom'. */
export function presetOf(s: TrainSettings): PresetName | 'custom' {
  for (const name of PRESET_NAMES) {
    const p = PRESETS[name];
    const same = (Object.keys(p) as (keyof TrainSettings)[]).every((k) => k === 'seed' || k === 'epochs' || JSON.stringify(p[k]) === JSON.stringify(s[k]));
    if (same) return name;
  }
  return 'custom';
}
