// Training presets: `seed` is the article's reference run; `best` is our recipe built only from the library's parts.
// A preset fills every setting; explicit flags override single settings.
import type { ActivationName, InitName, LossName } from '@mlp/core';
import type { ScaleMode } from '@mlp/mnist';

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

export const PRESETS: Record<PresetName, TrainSettings> = {
  // 784-50-10, sigmoid/sigmoid, MSE on one-hot, SGD lr 0.1, batch 100, 50 epochs, [-1,1], 55k/5k, N(0, 0.1).
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
  // Two ReLU layers (LeCun's 300-100), softmax + cross-entropy, He init, momentum, per-epoch decay, a little L2.
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
