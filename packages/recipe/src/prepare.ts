// From settings and a loaded dataset to a ready run: validation split, input scaling, the MLP and its Trainer, in the
// one order that makes a run reproducible bit for bit. Does not train, load files or save anything.
import { type BackendName, type Dataset, MLP, Trainer, type TrainerSnapshot } from '@mlp/core';
import { type Mnist, type Split, scaling as scalingFor, splitTrainValidation, toDataset } from '@mlp/mnist';
import { SettingError, checkTrainSettings } from './bounds.js';
import type { TrainSettings } from './settings.js';

/** How pixel bytes u become inputs, x = u·mul + add, as model files store it (`meta.scaling`). */
export interface RunScaling {
  /** The scale setting it came from ('custom' or other text for a model file's own). */
  mode: string;
  mul: number;
  add: number;
}

/** The official training split, parted by `valid` and `seed`. */
export interface TrainValidation {
  train: Split;
  validation: Split;
}

export interface DataOptions {
  /** Use this scaling (a model's or checkpoint's stored one) instead of computing it from the training split. */
  scaling?: RunScaling;
  /** The split of these settings' valid and seed, kept from an earlier call (splitting copies every image). */
  split?: TrainValidation;
}

export interface RunData {
  train: Dataset;
  /** Absent when `valid` is 0. */
  validation: Dataset | undefined;
  test: Dataset;
  scaling: RunScaling;
  split: TrainValidation;
}

export interface RunOptions extends DataOptions {
  /** Continue this snapshot (a checkpoint's) instead of starting a new network; pass its stored `scaling` too. */
  snapshot?: TrainerSnapshot;
  /** false: a finite blow-up of the loss does not end the run (NaN/∞ always does). A safety switch, not a setting, so it also overrides a snapshot's. Default true. */
  divergenceCheck?: boolean;
  /** Kernels and threads of the model (results are the same bits with 1 or 2 threads). Default: core's. */
  backend?: BackendName;
  threads?: number;
  /** false: the trainer gets no validation set (a benchmark timing training alone); `validation` is still returned. Default true. */
  trackValidation?: boolean;
}

export interface PreparedRun extends RunData {
  model: MLP;
  trainer: Trainer;
}

/**
 * The datasets of a run. Throws a SettingError when the settings do not fit this dataset: the input width is not the
 * image size, `valid` leaves no training images, or `batch` is larger than the training split.
 */
export function prepareData(settings: TrainSettings, mnist: Mnist, options: DataOptions = {}): RunData {
  const s = checkTrainSettings(settings);
  const pixels = mnist.train.rows * mnist.train.cols;
  if (s.layers[0] !== pixels) {
    throw new SettingError('layers', `starts with ${s.layers[0]} inputs, but the images have ${pixels} pixels; start the list with ${pixels}`);
  }
  if (s.valid >= mnist.train.count) throw new SettingError('valid', `${s.valid} leaves no training data (the training set has ${mnist.train.count} images)`);
  const split = options.split ?? splitTrainValidation(mnist.train, { validation: s.valid, seed: s.seed });
  if (s.batch > split.train.count) {
    throw new SettingError('batch', `${s.batch} is larger than the ${split.train.count} training images (after ${s.valid} held out for validation); use ${split.train.count} or less`);
  }
  const sc = options.scaling ?? { mode: s.scale, ...(scalingFor(s.scale, split.train) as { mul: number; add: number }) };
  const affine = { mul: sc.mul, add: sc.add };
  return {
    train: toDataset(split.train, affine),
    validation: split.validation.count > 0 ? toDataset(split.validation, affine) : undefined,
    test: toDataset(mnist.test, affine),
    scaling: sc,
    split,
  };
}

/** The datasets, a seeded MLP (or the snapshot's) and its Trainer with the settings' optimiser: ready to run. */
export function prepareRun(settings: TrainSettings, mnist: Mnist, options: RunOptions = {}): PreparedRun {
  const s = checkTrainSettings(settings);
  const data = prepareData(s, mnist, options);
  const validation = options.trackValidation === false ? undefined : data.validation;
  const engine = { ...(options.backend ? { backend: options.backend } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) };
  let trainer: Trainer;
  if (options.snapshot) {
    const snap = options.snapshot;
    const snapshot = options.divergenceCheck === false ? { ...snap, options: { ...snap.options, divergenceCheck: false } } : snap;
    trainer = Trainer.restore(snapshot, data.train, validation, engine);
  } else {
    const model = new MLP({ layers: s.layers, hidden: s.hidden, output: s.output, loss: s.loss, init: s.init, initStd: s.initStd }, { seed: s.seed, ...engine });
    const optimiser = {
      epochs: s.epochs,
      batchSize: s.batch,
      lr: s.lr,
      momentum: s.momentum,
      l2: s.l2,
      lrDecay: s.lrDecay,
      seed: s.seed,
      optimizer: s.optimizer,
      weightDecay: s.weightDecay,
      beta1: s.beta1,
      beta2: s.beta2,
      eps: s.eps,
      clipNorm: s.clipNorm,
      maxNorm: s.maxNorm,
      dropout: s.dropout,
      schedule: s.schedule,
      stepEvery: s.stepEvery,
      warmup: s.warmup,
      earlyStop: s.earlyStop,
      patience: s.patience,
    };
    trainer = new Trainer(model, data.train, { ...optimiser, divergenceCheck: options.divergenceCheck !== false }, validation);
  }
  return { ...data, model: trainer.model, trainer };
}
