// The trainer's options, reports and snapshot: their types, their defaults, and the checks that a snapshot (from
// trainer.snapshot() or a checkpoint file) is consistent before anything is built from it. No training here.
import { BACKENDS, type BackendName } from './backend.js';
import type { FullConfig, ParamInfo } from './config.js';
import { stateCount } from './optim.js';
import { type OptimizerOptions, checkOptimizerOptions } from './optimizer.js';
import { Rng, type RngState } from './rng.js';
import { SCHEDULES, type ScheduleName } from './schedule.js';
import { checkLearningRate } from './sgd.js';

/** What early stopping watches: nothing, the validation loss (lower is better) or the validation accuracy. */
export const EARLY_STOPS = ['off', 'loss', 'accuracy'] as const;
/** One of EARLY_STOPS. */
export type EarlyStopName = (typeof EARLY_STOPS)[number];

/** How to train: epochs, batch size and the optimiser's settings (OptimizerOptions); the rest have defaults. */
export interface TrainOptions extends OptimizerOptions {
  /** Epochs to train (1 to MAX_EPOCHS). */
  epochs: number;
  /** Examples per minibatch (the last batch of an epoch may be smaller). */
  batchSize: number;
  /** Base (peak) learning rate (> 0); the schedule scales it (default: epoch e uses lr · lrDecay^e). */
  lr: number;
  /** The learning-rate schedule (schedule.ts). Default 'exponential'. */
  schedule?: ScheduleName;
  /** exponential: epoch e's rate is lr · lrDecay^e; step: lr · lrDecay^⌊e/stepEvery⌋. In (0, 1]. Default 1 (constant). */
  lrDecay?: number;
  /** step schedule: epochs between decays, a whole number ≥ 1. Default 1. */
  stepEvery?: number;
  /** cosine and onecycle: warm-up epochs ≥ 0 (may be fractional; at most the run less one batch; onecycle with 0 warms up for 30% of the run). Default 0. */
  warmup?: number;
  /** Inverted dropout rate on every hidden layer during training, in [0, 1). Default 0 (off). */
  dropout?: number;
  /** Early stopping on the validation loss or accuracy (needs validation data); the best epoch's weights are kept. Default 'off'. */
  earlyStop?: EarlyStopName;
  /** Early stopping: epochs without improvement before stopping, a whole number ≥ 1. Default 5. */
  patience?: number;
  /** Seed of the per-epoch shuffles. Default 0. */
  seed?: number;
  /** Shuffle each epoch. Default true. */
  shuffle?: boolean;
  /**
   * End the run with a DivergenceError when it has blown up although its loss is finite (the rule: README,
   * "Divergence"). Default true; NaN and infinite losses always end it.
   */
  divergenceCheck?: boolean;
}

/** What Trainer.step reports for one minibatch. */
export interface BatchReport {
  /** 1-based epoch and batch numbers. */
  epoch: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Examples in this batch. */
  size: number;
  /** Mean loss of this batch (before its update). */
  loss: number;
  /** Accuracy on this batch, measured during its forward pass (before the update). */
  accuracy: number;
  /** Learning rate this batch's update used. */
  lr: number;
  /** Seconds this batch took to train (gather, forward, backward, update); they add up to the epoch's `seconds`. */
  seconds: number;
}

/** What one epoch of training measured. */
export interface EpochReport {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weights changing as it goes, as in Keras). */
  loss: number;
  /** Running training accuracy over the epoch, measured the same way. */
  trainAccuracy: number;
  /** Mean loss on the validation data after the epoch, when there is validation data. */
  validationLoss?: number;
  /** Accuracy on the validation data after the epoch, when there is validation data. */
  validationAccuracy?: number;
  /** The class the network predicted for every training example of the epoch, when it predicted only one. */
  oneClass?: number;
  /** Seconds spent training this epoch (pauses excluded), and evaluating validation afterwards. */
  seconds: number;
  /** Seconds the validation took (0 without validation data). */
  evalSeconds: number;
  /** Learning rate of the epoch's last batch (per-epoch schedules: the epoch's rate). */
  lr: number;
}

/** Early stopping's progress: the best value so far, its epoch (1-based, 0 before the first), epochs since, and whether it stopped. */
export interface EarlyStopState {
  /** The best validation value so far (0 before the first epoch). */
  best: number;
  /** Its 1-based epoch (0 before the first). */
  bestEpoch: number;
  /** Epochs since it. */
  since: number;
  /** Whether patience ran out. */
  stopped: boolean;
}

/** Why Trainer.run returned: every epoch done, a pause() honoured, or the signal aborted. */
export type RunStatus = 'done' | 'paused' | 'stopped';

/** What Trainer.step returns: the batch's report, and the epoch's when that batch ended one. */
export interface StepResult {
  /** The batch just trained. */
  batch: BatchReport;
  /** The epoch's report (with validation), when this batch was its last. */
  epoch?: EpochReport;
}

/** What Trainer.run resolves to. */
export interface RunResult {
  /** done (every epoch, or early stopping), paused (pause() was honoured) or stopped (the signal aborted). */
  status: RunStatus;
  /** Every finished epoch's report (the trainer's history). */
  history: EpochReport[];
}

/** How Trainer.run reports and can be stopped. */
export interface RunOptions {
  /** Stop after the current batch when aborted; the trainer stays resumable. */
  signal?: AbortSignal;
  /** Called after every batch. */
  onBatch?: (r: BatchReport) => void;
  /** Called after every epoch (after its validation). */
  onEpoch?: (r: EpochReport) => void;
  /** Yield to the event loop at least this often (ms), so pause/abort messages and UI get through. Default 16. */
  yieldMs?: number;
}

/** Everything needed to continue training exactly where it left off. Plain data (typed arrays are copies). */
export interface TrainerSnapshot {
  /** The network's config. */
  config: FullConfig;
  /** The training options, defaults filled in. */
  options: Required<TrainOptions>;
  /** Parameters in model.paramInfo() order: W0, b0, W1, b1, … */
  params: Float32Array[];
  /** Momentum velocity (or Adam's first moment m) in the same order, or null. */
  velocity: Float32Array[] | null;
  /** Adam's second moment v in the same order; absent or null for the other optimisers. */
  secondMoments?: Float32Array[] | null;
  /** Early stopping: the best epoch's parameters so far; absent or null without early stopping. */
  bestParams?: Float32Array[] | null;
  /** Optimiser steps taken (Adam's t). Absent in older snapshots (0). */
  optimizerSteps?: number;
  /** The dropout masks' generator state. Absent in older snapshots and runs without dropout. */
  dropoutRng?: RngState;
  /** Early stopping's progress; absent without early stopping. */
  earlyStop?: EarlyStopState;
  /** 0-based epoch in progress and the next batch within it. */
  epoch: number;
  /** The next batch within that epoch (0-based). */
  batch: number;
  /** Shuffle generator state at the start of the current epoch (the permutation is re-derived from it). */
  epochRng: RngState;
  /**
   * Sums over the epoch's batches so far; `oneClass`: the class predicted for every example so far (−1 before the
   * first, −2 once two differ; absent in older snapshots).
   */
  running: {
    /** Sum of the batch losses so far this epoch (each weighted by its batch size). */
    lossSum: number;
    /** Training examples classified correctly so far this epoch. */
    correct: number;
    /** Training examples seen so far this epoch. */
    seen: number;
    /** Training seconds so far this epoch. */
    seconds: number;
    /** The one class every prediction so far named (−1 none yet, −2 more than one); absent in older snapshots. */
    oneClass?: number;
  };
  /** Reports of the finished epochs. */
  history: EpochReport[];
  /**
   * The network's storage type, backend and thread count, which restore() reuses. Absent in snapshots from older
   * versions: those restore with the defaults (float32, getBackend(), getThreads()).
   */
  dtype?: 'float32' | 'float64';
  /** The network's backend. */
  backend?: BackendName;
  /** The network's thread count. */
  threads?: number;
  /** The untrained network's mean loss, the divergence rule's reference; absent until the first batch (and in older snapshots). */
  startLoss?: number;
}

/** The most epochs one run may ask for (a guard against absurd values in options and checkpoints). */
export const MAX_EPOCHS = 1_000_000;

/** TrainOptions with defaults, checked: a RangeError says what is wrong. */
export function resolveOptions(o: TrainOptions): Required<TrainOptions> {
  if (typeof o !== 'object' || o === null) throw new RangeError(`training options are missing: pass { epochs, batchSize, lr, … }, got ${o}`);
  const full = {
    lr: checkLearningRate(o.lr),
    ...checkOptimizerOptions(o),
    epochs: o.epochs,
    batchSize: o.batchSize,
    lrDecay: o.lrDecay ?? 1,
    schedule: o.schedule ?? 'exponential',
    stepEvery: o.stepEvery ?? 1,
    warmup: o.warmup ?? 0,
    dropout: o.dropout ?? 0,
    earlyStop: o.earlyStop ?? 'off',
    patience: o.patience ?? 5,
    seed: o.seed ?? 0,
    shuffle: o.shuffle ?? true,
    divergenceCheck: o.divergenceCheck ?? true,
  };
  if (!Number.isInteger(full.epochs) || full.epochs < 1 || full.epochs > MAX_EPOCHS) {
    throw new RangeError(`epochs must be a positive integer up to ${MAX_EPOCHS.toLocaleString('en-US')}, got ${o.epochs}`);
  }
  if (!Number.isInteger(full.batchSize) || full.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${o.batchSize}`);
  if (!(full.lrDecay > 0 && full.lrDecay <= 1)) throw new RangeError(`lrDecay must be in (0, 1], got ${full.lrDecay}`);
  if (!SCHEDULES.includes(full.schedule)) throw new RangeError(`schedule must be one of ${SCHEDULES.join(', ')}, got ${full.schedule}`);
  if (!(Number.isInteger(full.stepEvery) && full.stepEvery >= 1)) throw new RangeError(`stepEvery must be a whole number ≥ 1, got ${full.stepEvery}`);
  if (!(full.warmup >= 0 && Number.isFinite(full.warmup))) throw new RangeError(`warmup must be a non-negative number of epochs, got ${full.warmup}`);
  if (!(full.dropout >= 0 && full.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${full.dropout}`);
  if (!EARLY_STOPS.includes(full.earlyStop)) throw new RangeError(`earlyStop must be one of ${EARLY_STOPS.join(', ')}, got ${full.earlyStop}`);
  if (!(Number.isInteger(full.patience) && full.patience >= 1)) throw new RangeError(`patience must be a whole number ≥ 1, got ${full.patience}`);
  if (!Number.isFinite(full.seed)) throw new RangeError(`seed must be a finite number, got ${full.seed}`);
  if (typeof full.shuffle !== 'boolean') throw new RangeError(`shuffle must be true or false, got ${full.shuffle}`);
  if (typeof full.divergenceCheck !== 'boolean') throw new RangeError(`divergenceCheck must be true or false, got ${full.divergenceCheck}`);
  return full;
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Check the trainer state of a snapshot apart from its tensors and dataset: options, cursor, shuffle state, running
 * sums, history and the optional dtype/backend/threads. Throws a RangeError saying what is wrong; returns the options
 * resolved. Trainer.restore calls it, and loadCheckpoint (turning the error into a ModelFormatError).
 */
export function checkTrainerState(s: Omit<TrainerSnapshot, 'config' | 'params' | 'velocity' | 'secondMoments' | 'bestParams'>): Required<TrainOptions> {
  if (typeof s !== 'object' || s === null) throw new RangeError(`trainer state must be an object from trainer.snapshot(), got ${s}`);
  if (typeof s.options !== 'object' || s.options === null) throw new RangeError('options (the training settings: epochs, batchSize, lr, …) are missing');
  let options: Required<TrainOptions>;
  try {
    options = resolveOptions(s.options);
  } catch (e) {
    throw new RangeError(`training options are invalid: ${(e as Error).message}`);
  }
  if (!isCount(s.epoch) || s.epoch > options.epochs) {
    throw new RangeError(`epoch must be an integer from 0 to ${options.epochs} (the options' epochs), got ${s.epoch}`);
  }
  if (!isCount(s.batch)) throw new RangeError(`batch must be a non-negative integer, got ${s.batch}`);
  if (s.batch * options.batchSize >= 2 ** 32) {
    throw new RangeError(`batch ${s.batch} of ${options.batchSize} examples starts past example 2^32, more than any dataset holds`);
  }
  if (s.epoch === options.epochs && s.batch !== 0) throw new RangeError(`all ${options.epochs} epochs are finished, so batch must be 0, got ${s.batch}`);
  try {
    Rng.fromState(s.epochRng);
  } catch (e) {
    throw new RangeError(`shuffle generator state (epochRng) is invalid: ${(e as Error).message}`);
  }
  const r = s.running;
  if (typeof r !== 'object' || r === null) throw new RangeError('running sums (running: { lossSum, correct, seen, seconds }) are missing');
  for (const k of ['lossSum', 'correct', 'seen', 'seconds'] as const) {
    if (!isFiniteNumber(r[k])) throw new RangeError(`running.${k} must be a finite number, got ${r[k]}`);
  }
  if (r.oneClass !== undefined && !(Number.isInteger(r.oneClass) && r.oneClass >= -2)) {
    throw new RangeError(`running.oneClass must be an integer ≥ −2 when present, got ${r.oneClass}`);
  }
  if (!isCount(r.seen) || !isCount(r.correct) || r.correct > r.seen) {
    throw new RangeError(`running counts must be integers with 0 ≤ correct ≤ seen, got correct ${r.correct}, seen ${r.seen}`);
  }
  if (!Array.isArray(s.history)) throw new RangeError(`history must be an array of epoch reports, got ${typeof s.history}`);
  if (s.history.length !== s.epoch) {
    throw new RangeError(`history has ${s.history.length} epoch reports, but ${s.epoch} epochs are finished (one report each)`);
  }
  s.history.forEach((h, i) => {
    if (typeof h !== 'object' || h === null) throw new RangeError(`history[${i}] must be an epoch report object, got ${h}`);
    if (h.epoch !== i + 1) throw new RangeError(`history[${i}].epoch must be ${i + 1}, got ${h.epoch}`);
    for (const k of ['loss', 'trainAccuracy', 'seconds', 'evalSeconds', 'lr'] as const) {
      if (!isFiniteNumber(h[k])) throw new RangeError(`history[${i}].${k} must be a finite number, got ${h[k]}`);
    }
    if (h.oneClass !== undefined && !isCount(h.oneClass)) throw new RangeError(`history[${i}].oneClass must be a class index when present, got ${h.oneClass}`);
    for (const k of ['validationLoss', 'validationAccuracy'] as const) {
      if (h[k] !== undefined && !isFiniteNumber(h[k])) throw new RangeError(`history[${i}].${k} must be a finite number when present, got ${h[k]}`);
    }
  });
  if (s.dtype !== undefined && s.dtype !== 'float32' && s.dtype !== 'float64') throw new RangeError(`dtype must be float32 or float64, got ${s.dtype}`);
  if (s.backend !== undefined && !BACKENDS.includes(s.backend)) throw new RangeError(`backend must be one of ${BACKENDS.join(', ')}, got ${s.backend}`);
  if (s.threads !== undefined && s.threads !== 1 && s.threads !== 2) throw new RangeError(`threads must be 1 or 2, got ${s.threads}`);
  if (s.startLoss !== undefined && !(isFiniteNumber(s.startLoss) && s.startLoss >= 0)) {
    throw new RangeError(`startLoss must be a finite number ≥ 0 when present, got ${s.startLoss}`);
  }
  if (s.optimizerSteps !== undefined && !isCount(s.optimizerSteps)) throw new RangeError(`optimizerSteps must be a whole number ≥ 0 when present, got ${s.optimizerSteps}`);
  if (s.dropoutRng !== undefined) {
    try {
      Rng.fromState(s.dropoutRng);
    } catch (e) {
      throw new RangeError(`dropout generator state (dropoutRng) is invalid: ${(e as Error).message}`);
    }
  }
  const es = s.earlyStop;
  if (es !== undefined) {
    const ok = typeof es === 'object' && es !== null && isFiniteNumber(es.best) && isCount(es.bestEpoch) && es.bestEpoch <= s.epoch && isCount(es.since) && typeof es.stopped === 'boolean';
    if (!ok) throw new RangeError(`earlyStop must be { best, bestEpoch ≤ epoch, since, stopped } when present, got ${JSON.stringify(es)}`);
  }
  return options;
}


/**
 * A snapshot's tensors against the network's parameters (count and sizes of the weights, the optimiser's state and the
 * kept best weights) and its optimiser: returns the state sets for Optimizer.restore, or throws saying what is wrong.
 */
export function checkSnapshotTensors(s: TrainerSnapshot, params: readonly ParamInfo[], layers: readonly number[]): ArrayLike<number>[][] {
  const sizes = params.map((p) => p.shape.reduce((a, d) => a * d, 1));
  const check = (list: readonly ArrayLike<number>[], what: string, prefix: string): void => {
    if (!Array.isArray(list) || list.length !== params.length) {
      throw new RangeError(`it has ${Array.isArray(list) ? list.length : 'no'} ${what} tensors, the network ${layers.join('-')} needs ${params.length}`);
    }
    params.forEach((p, i) => {
      const n = list[i]?.length;
      if (n !== sizes[i]) throw new RangeError(`its tensor ${prefix}${p.name} has ${n} values, shape [${p.shape}] needs ${sizes[i]}`);
    });
  };
  check(s.params, 'parameter', '');
  if (s.velocity) check(s.velocity, 'velocity', 'v_');
  if (s.secondMoments) check(s.secondMoments, 'second-moment', 'v2_');
  if (s.bestParams) check(s.bestParams, 'best-parameter', 'best_');
  const sets = s.velocity ? [s.velocity, ...(s.secondMoments ? [s.secondMoments] : [])] : [];
  // Once it has stepped, the optimiser's state must all be there: a lost v would make Adam's next step m/√ε.
  const o = checkOptimizerOptions(s.options);
  const want = stateCount({ rule: o.optimizer === 'adamw' ? 'adam' : o.optimizer, mu: o.momentum });
  if ((s.epoch > 0 || s.batch > 0) && sets.length !== want) {
    throw new RangeError(`its ${o.optimizer} optimiser keeps ${['no state', 'the velocity', 'the moments m and v'][want]}, but it has ${sets.length} state tensor sets`);
  }
  if (sets[1]?.some((v) => Array.prototype.some.call(v, (x: number) => x < 0))) throw new RangeError("its second moments (Adam's v, a running mean of squares) hold negative values");
  return sets;
}
