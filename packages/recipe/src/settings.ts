// The training settings and the two presets, declared once for the CLI, the desktop app and the benchmarks.
// Values only: their bounds and checks live in bounds.ts, turning them into a run in prepare.ts.
import type { ActivationName, EarlyStopName, InitName, LossName, OptimizerName, ScheduleName } from '@mlp/core';
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
  /** The learning rate is multiplied by this after each epoch (exponential) or every stepEvery epochs (step). */
  lrDecay: number;
  /** sgd, nesterov, adam or adamw (core's Optimizer). */
  optimizer: OptimizerName;
  /** Decoupled weight decay (sgd, nesterov, adamw). */
  weightDecay: number;
  /** Adam's β1, β2 and ε. */
  beta1: number;
  beta2: number;
  eps: number;
  /** Clip the gradient to this global norm; 0 = off. */
  clipNorm: number;
  /** Max-norm on every unit's incoming weights; 0 = off. */
  maxNorm: number;
  /** Inverted dropout rate on the hidden layers while training. */
  dropout: number;
  /** The learning-rate schedule: exponential (lrDecay per epoch), step, cosine (with warm-up) or onecycle. */
  schedule: ScheduleName;
  /** step: epochs between decays. */
  stepEvery: number;
  /** cosine and onecycle: warm-up epochs (fractional allowed; onecycle with 0 uses 30% of the run). */
  warmup: number;
  /** Early stopping on the validation loss or accuracy, keeping the best epoch's weights; off, loss or accuracy. */
  earlyStop: EarlyStopName;
  /** Early stopping: epochs without improvement before stopping. */
  patience: number;
  batch: number;
  epochs: number;
  /** Seeds the initialisation, the train/validation split and the per-epoch shuffles. */
  seed: number;
  scale: ScaleMode;
  /** Examples moved from the official training set to validation. */
  valid: number;
}

export type PresetName = 'seed' | 'best' | 'long';
export const PRESET_NAMES: readonly PresetName[] = ['seed', 'best', 'long'];

/**
 * The settings added with the optimisers, at the values that train exactly as before they existed (plain SGD with
 * momentum, no dropout, the per-epoch decay, no early stopping). Settings from older files lack them and get these.
 */
export const PLAIN: Pick<
  TrainSettings,
  'optimizer' | 'weightDecay' | 'beta1' | 'beta2' | 'eps' | 'clipNorm' | 'maxNorm' | 'dropout' | 'schedule' | 'stepEvery' | 'warmup' | 'earlyStop' | 'patience'
> = {
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
};

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
  'optimizer',
  'weightDecay',
  'beta1',
  'beta2',
  'eps',
  'clipNorm',
  'maxNorm',
  'dropout',
  'schedule',
  'stepEvery',
  'warmup',
  'earlyStop',
  'patience',
  'batch',
  'epochs',
  'seed',
  'scale',
  'valid',
];

/**
 * What best and long share: one wide ReLU layer, softmax + cross-entropy, He init, AdamW (lr 0.002, decoupled decay
 * 0.01) with inverted dropout on the hidden layer, a cosine schedule after one warm-up epoch, batches of 128.
 */
const ADAMW_DROPOUT = {
  hidden: 'relu',
  output: 'softmax',
  loss: 'ce',
  init: 'he',
  initStd: 0.1,
  lr: 0.002,
  momentum: 0,
  l2: 0,
  lrDecay: 1,
  ...PLAIN,
  optimizer: 'adamw',
  weightDecay: 0.01,
  schedule: 'cosine',
  warmup: 1,
  batch: 128,
} as const;

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
    ...PLAIN,
    batch: 100,
    epochs: 50,
    seed: 123,
    scale: '-1,1',
    valid: 5000,
  },
  // Chosen on the validation split only (tools/bench/tune.mjs prints validation accuracy, never test): see the README.
  best: { layers: [784, 1024, 10], ...ADAMW_DROPOUT, dropout: 0.4, epochs: 20, seed: 123, scale: '0,1', valid: 0 },
  long: { layers: [784, 2048, 10], ...ADAMW_DROPOUT, dropout: 0.5, epochs: 80, seed: 123, scale: '0,1', valid: 0 },
};

/** A fresh, mutable copy of a preset (its layers array included). */
export function presetSettings(name: PresetName): TrainSettings {
  const p = PRESETS[name];
  return { ...p, layers: [...p.layers] };
}
