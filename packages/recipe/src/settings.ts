// The training settings and the two presets, declared once for the CLI, the desktop app and the benchmarks.
// Values only: their bounds and checks live in bounds.ts, turning them into a run in prepare.ts.
import type { ActivationName, InitName, LossName } from '@mlp/core';
import type { ScaleMode } from '@mlp/mnist';

/** Everything that decides a run's result. Model and checkpoint files store it as `meta.settings`. */
export interface TrainSettings {
  /** Widths from input to output, e.g. [784, 50, 10]. */
  layers: number[];
  hidden: ActivationName;
  output: ActivationName;
  loss: LossName;
  init: InitName;
  /** σ of the 'normal' initialisation. */
  initStd: number;
  lr: number;
  momentum: number;
  l2: number;
  /** The learning rate is multiplied by this after each epoch. */
  lrDecay: number;
  batch: number;
  epochs: number;
  /** Seeds the initialisation, the train/validation split and the per-epoch shuffles. */
  seed: number;
  scale: ScaleMode;
  /** Examples moved from the official training set to validation. */
  valid: number;
}

export type PresetName = 'seed' | 'best';
export const PRESET_NAMES: readonly PresetName[] = ['seed', 'best'];

/** The setting names, in the order the presets list them. */
export const SETTING_KEYS: readonly (keyof TrainSettings)[] = [
  'layers',
  'hidden',
  'output',
  'loss',
  'init',
  'initStd',
  'lr',
  'momentum',
  'l2',
  'lrDecay',
  'batch',
  'epochs',
  'seed',
  'scale',
  'valid',
];

export const PRESETS: Readonly<Record<PresetName, Readonly<TrainSettings>>> = {
  // The article's run, exactly: 784-50-10, sigmoid/sigmoid, MSE on one-hot, SGD lr 0.1, batch 100, 50 epochs, [-1,1],
  // 55k/5k, N(0, 0.1). Its test accuracy is 95.16%.
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
  // Our recipe from the library's parts: two ReLU layers (LeCun's 300-100), softmax + cross-entropy, He init,
  // momentum, per-epoch decay, a little L2.
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

/** A fresh, mutable copy of a preset (its layers array included). */
export function presetSettings(name: PresetName): TrainSettings {
  const p = PRESETS[name];
  return { ...p, layers: [...p.layers] };
}
