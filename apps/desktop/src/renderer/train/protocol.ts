// Messages between the UI thread and the training worker. Typed arrays in them are transferred, never shared.
import type { ActivationName, EpochReport, InitName } from '@mlp/core';
import type { DatasetFiles, ExportFormat } from '../../shared/api.js';
import type { TrainSettings } from '@mlp/recipe';
import type { AppSettings } from '../../shared/settings.js';
import type { StatsSnapshot } from './stats.js';

/** What a model can be written as: this project's .mlp file, or an export. */
export type FileFormat = 'mlp' | ExportFormat;

export type RunState = 'idle' | 'ready' | 'running' | 'paused' | 'stopped' | 'done';

export type ToWorker =
  | { type: 'dataset'; files: Omit<DatasetFiles, 'origin'> }
  | { type: 'start'; settings: AppSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'step'; settings: AppSettings }
  | { type: 'set-lr'; lr: number }
  /** Train at most this many batches a second from the next batch on; 0 for as fast as possible. */
  | { type: 'set-pace'; batchesPerSecond: number }
  /** The UI drew the last weights message; the worker may send the next. */
  | { type: 'weights-ack' }
  /** The current model's bytes: the .mlp file, or an export made by @mlp/export. */
  | { type: 'export'; id: number; format: FileFormat }
  | { type: 'load-model'; bytes: Uint8Array; name: string }
  /** Evaluate the current model now (when it is not training): an 'evaluation' and an 'analysis' per set follow. */
  | { type: 'analyse' };

/** Per-batch training points since the previous message: x is the fractional epoch (epoch − 1 + batch / batches). */
export interface BatchPoints {
  x: Float64Array;
  loss: Float64Array;
  accuracy: Float64Array;
}

export interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  examplesPerSecond: number;
  lr: number;
  /** Early stopping: the 1-based epoch whose weights the model holds (the best on validation so far); null when off. */
  keptEpoch: number | null;
  /** Early stopping ended the run before its last epoch. */
  stoppedEarly: boolean;
}

export interface Evaluation {
  validationAccuracy: number | null;
  validationLoss: number | null;
  testAccuracy: number;
  testLoss: number;
  /** CRC-32 of the test-set predictions: equal fingerprints mean the same predictions on all 10,000 images. */
  fingerprint: string;
}

/** A snapshot of the whole network: enough to draw its weights and to run its forward pass on the UI thread. */
export interface Weights {
  layers: number[];
  /** W[l]: (layers[l+1], layers[l]) row-major, copies owned by the receiver. */
  W: Float32Array[];
  /** b[l]: (layers[l+1]). */
  b: Float32Array[];
  hidden: ActivationName;
  output: ActivationName;
  /** How pixel bytes u become inputs: x = u·mul + add (the scaling the model was trained with). */
  scaling: { mul: number; add: number };
}

/** How a run's weights were drawn: stored in a saved model's metadata so its change since initialisation can be shown. */
export interface Initialisation {
  seed: number;
  init: InitName;
  initStd: number;
}

export type AnalysisSet = 'validation' | 'test';

/** One set's images with the model's outputs on them, for the confusion matrix, the gallery and the inspector. */
export interface Analysis {
  set: AnalysisSet;
  count: number;
  classes: number;
  /** (count, 784) pixel bytes, 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
  predictions: Int32Array;
  /** (count, classes) output activations (probabilities for a softmax output). */
  outputs: Float32Array;
  output: ActivationName;
  /** What model it describes, e.g. "after epoch 3 of 3". */
  when: string;
}

/** The test images and labels, sent once with the dataset so any test image can be inspected. */
export interface TestSet {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export type FromWorker =
  /** How many threads training uses: planned at start, then the trainer's own with each new run. */
  | { type: 'engine'; threads: number }
  | { type: 'dataset-ready'; train: number; test: number; rows: number; cols: number; testSet: TestSet }
  | { type: 'state'; state: RunState; settings: TrainSettings | null; progress: Progress | null }
  | { type: 'batches'; points: BatchPoints; progress: Progress }
  | { type: 'epoch'; report: EpochReport }
  | { type: 'weights'; weights: Weights }
  | { type: 'evaluation'; evaluation: Evaluation }
  | { type: 'analysis'; analysis: Analysis }
  | { type: 'model-loaded'; name: string; settings: TrainSettings | null; history: EpochReport[]; preset: string | null }
  /**
   * What one Step changed: the first layer's update ΔW[0] (same shape as W[0]), and the loss on `probe` held-out
   * images before and after it (batchLoss: the batch's own loss, before the update).
   */
  | { type: 'step-change'; delta: Float32Array; lossBefore: number; lossAfter: number; batchLoss: number; epoch: number; batch: number; probe: number }
  /** Per-layer distributions of weights, activations and gradient sizes, a few times an epoch (see stats.ts). */
  | { type: 'stats'; snapshot: StatsSnapshot }
  /** An opened model's initial weights, drawn again from its stored seed and initialisation. */
  | { type: 'initial-weights'; W: Float32Array[] }
  | { type: 'exported'; id: number; bytes: Uint8Array; name: string }
  | { type: 'error'; message: string; id?: number };
