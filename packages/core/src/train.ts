// The training loop: seeded shuffling, minibatches with dropout, the optimiser's steps at the schedule's rate,
// per-batch and per-epoch reports, early stopping, stop/pause and exact resume. It schedules work and keeps state;
// the maths lives in mlp.ts, optim.ts and schedule.ts, persistence in format.ts.
import { backendAvailable } from './backend.js';
import { type Dataset, byteScaling, checkDataset, gatherInputs, gatherTargets } from './data.js';
import { evaluate } from './evaluate.js';
import { type BatchInput, MLP, type MLPOptions } from './mlp.js';
import { Rng, type RngState } from './rng.js';
import { DIVERGENCE, DivergenceError, divergence } from './divergence.js';
import { Optimizer } from './optimizer.js';
import { scheduledRate } from './schedule.js';
import { checkLearningRate } from './sgd.js';
import {
  type BatchReport,
  EARLY_STOPS,
  type EarlyStopName,
  type EarlyStopState,
  type EpochReport,
  MAX_EPOCHS,
  type RunOptions,
  type RunResult,
  type RunStatus,
  type StepResult,
  type TrainOptions,
  type TrainerSnapshot,
  checkSnapshotTensors,
  checkTrainerState,
  resolveOptions,
} from './train-state.js';
import type { FloatArray } from './tensor.js';

export { type BatchReport, type EarlyStopName, type EarlyStopState, EARLY_STOPS, type EpochReport, MAX_EPOCHS, type RunOptions, type RunResult, type RunStatus, type StepResult, type TrainOptions, type TrainerSnapshot, checkTrainerState };

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Resolve after letting other tasks run: setImmediate in Node, a MessageChannel round trip in browsers/workers. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** Trains an MLP on a Dataset with minibatch SGD: seeded shuffles, reports, pause and abort, and bit-identical resume from a snapshot. */
export class Trainer {
  /** The network being trained. */
  readonly model: MLP;
  /** The optimiser (its hyperparameters and state); each step gets the schedule's learning rate from the trainer. */
  readonly optimizer: Optimizer;
  /** The options, defaults filled in; `lr` changes through setLearningRate. */
  readonly options: Required<TrainOptions>;
  /** One report per finished epoch. */
  readonly history: EpochReport[] = [];
  /** 0-based epoch in progress (equals options.epochs when done) and next batch within it. */
  epoch = 0;
  /** Next batch within the epoch (0-based). */
  batch = 0;

  private readonly train: Dataset;
  private readonly validation: Dataset | undefined;
  private readonly x: FloatArray;
  private readonly y: FloatArray;
  private readonly pred: Int32Array;
  private rng: Rng;
  private epochRng: RngState;
  /** The dropout masks' generator (seeded apart from the shuffles), or null without dropout. */
  private dropoutRng: Rng | null;
  /** Early stopping's progress and the best epoch's parameters, or null when it is off. */
  private early: EarlyStopState | null = null;
  private bestParams: Float32Array[] | null = null;
  private perm: Uint32Array;
  private running: TrainerSnapshot['running'] = freshRunning();
  private pauseRequested = false;
  /** The untrained network's mean loss on the run's first examples (measured before the first batch). */
  private startLoss: number | undefined;
  /** Accuracy of always guessing the most common training label. */
  private readonly chance: number;

  constructor(model: MLP, train: Dataset, options: TrainOptions, validation?: Dataset) {
    if (typeof (model as Partial<MLP> | null)?.forward !== 'function') throw new TypeError(`Trainer needs an MLP as its first argument, got ${model}`);
    checkDataset(train, 'training data', model.outputSize);
    if (validation) checkDataset(validation, 'validation data', model.outputSize);
    for (const [d, name] of [[train, 'training'], [validation, 'validation']] as const) {
      if (d && d.inputSize !== model.inputSize) {
        throw new RangeError(`${name} data has ${d.inputSize} features per example; the network's input layer has ${model.inputSize}`);
      }
    }
    this.model = model;
    this.train = train;
    this.validation = validation;
    this.options = resolveOptions(options);
    this.optimizer = new Optimizer(this.options);
    if (this.options.earlyStop !== 'off') {
      if (!validation) throw new RangeError(`early stopping on the validation ${this.options.earlyStop} needs validation data`);
      this.early = { best: 0, bestEpoch: 0, since: 0, stopped: false };
    }
    this.dropoutRng = this.options.dropout > 0 ? new Rng((this.options.seed ^ 0x5bd1e995) >>> 0) : null;
    const B = Math.min(this.options.batchSize, train.count);
    const make = (n: number) => (model.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
    this.x = make(byteScaling(train) ? 0 : B * model.inputSize);
    this.y = make(B * model.outputSize);
    this.pred = new Int32Array(B);
    this.rng = new Rng(this.options.seed);
    this.epochRng = this.rng.state();
    this.perm = this.shuffled();
    this.chance = majorityShare(train);
  }

  /**
   * Continue from a snapshot (from snapshot() or a checkpoint file) on the same data, with the snapshot's dtype,
   * backend and threads (a backend that cannot run here falls back to getBackend(): the same maths, not bit-identical).
   * `options` overrides backend and threads. Throws a RangeError saying what is wrong with an inconsistent snapshot.
   */
  static restore(s: TrainerSnapshot, train: Dataset, validation?: Dataset, options: Pick<MLPOptions, 'backend' | 'threads'> = {}): Trainer {
    const bad = (msg: string) => new RangeError(`Trainer.restore: the snapshot is unusable: ${msg}`);
    if (typeof s !== 'object' || s === null) throw bad(`expected an object from trainer.snapshot() or loadCheckpoint(), got ${s}`);
    try {
      checkTrainerState(s);
    } catch (e) {
      throw bad((e as Error).message);
    }
    const backend = options.backend ?? (s.backend && backendAvailable(s.backend) ? s.backend : undefined);
    const model = new MLP(s.config, { dtype: s.dtype, backend, threads: options.threads ?? s.threads });
    try {
      let sets: ArrayLike<number>[][];
      try {
        sets = checkSnapshotTensors(s, model.paramInfo(), model.config.layers);
      } catch (e) {
        throw bad((e as Error).message);
      }
      model.writeParams(s.params);
      const t = new Trainer(model, train, s.options, validation);
      if (s.epoch < t.options.epochs && s.batch >= t.batchesPerEpoch) {
        throw bad(
          `its batch ${s.batch} is past the end of an epoch: this data makes ${t.batchesPerEpoch} batches of ${t.options.batchSize} (restore on the data it was trained on)`,
        );
      }
      t.optimizer.restore(sets, s.optimizerSteps ?? 0);
      if (s.dropoutRng && t.dropoutRng) t.dropoutRng = Rng.fromState(s.dropoutRng);
      if (t.early) {
        if (!s.earlyStop) throw bad('its options ask for early stopping but it has no early-stopping state');
        t.early = { ...s.earlyStop };
        t.bestParams = s.bestParams ? s.bestParams.map((p) => Float32Array.from(p)) : null;
      }
      t.epoch = s.epoch;
      t.batch = s.batch;
      t.rng = Rng.fromState(s.epochRng);
      t.epochRng = [...s.epochRng];
      t.perm = t.shuffled();
      t.running = { ...s.running };
      t.history.push(...s.history.map((h) => ({ ...h })));
      t.startLoss = s.startLoss;
      return t;
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  /** Minibatches per epoch: ceil(training examples / batch size). */
  get batchesPerEpoch(): number {
    return Math.ceil(this.train.count / this.options.batchSize);
  }
  /** Whether training is over: every epoch finished, or early stopping ended it. */
  get done(): boolean {
    return this.epoch >= this.options.epochs || this.early?.stopped === true;
  }
  /** Learning rate the next batch will use (the schedule's, from the base rate). */
  get currentLr(): number {
    return scheduledRate(this.options, this.epoch, this.batch, this.batchesPerEpoch);
  }
  /**
   * Early stopping: the 1-based epoch whose weights the model holds once training is done (the best on validation),
   * or undefined when early stopping is off or no epoch has finished.
   */
  get keptEpoch(): number | undefined {
    return this.early && this.early.bestEpoch > 0 ? this.early.bestEpoch : undefined;
  }
  /** Whether early stopping ended the run before its last epoch. */
  get stoppedEarly(): boolean {
    return this.early?.stopped === true && this.epoch < this.options.epochs;
  }

  /** Change the base learning rate from the next batch on (e.g. from a UI slider). */
  setLearningRate(lr: number): void {
    this.options.lr = checkLearningRate(lr);
  }

  /**
   * Ask run() to return 'paused' after the current batch, or before its first batch when it is not running yet.
   * The request stands until a run honours it; a run that ends otherwise (done, stopped, thrown) drops it.
   */
  pause(): void {
    this.pauseRequested = true;
  }

  /** Train one minibatch. Returns its report, and the epoch's report when this batch finished an epoch. */
  step(): StepResult {
    if (this.done) throw new Error('training is already complete');
    const t0 = now();
    // Measured only on an untrained network: a run resumed from a snapshot without it skips the rules that need it.
    if (this.startLoss === undefined && this.options.divergenceCheck && this.epoch === 0 && this.batch === 0) {
      const start = this.measureStart();
      if (Number.isFinite(start)) this.startLoss = start; // a NaN start is the first batch's NaN loss, reported there
    }
    const B = this.options.batchSize;
    const m = this.model;
    const start = this.batch * B;
    const n = Math.min(B, this.train.count - start);
    const loss = this.batchLoss(start, n, true);
    if (Number.isFinite(loss)) m.backward(this.y, n);
    const lr = this.currentLr;
    if (!Number.isFinite(loss)) throw new DivergenceError(this.epoch + 1, this.batch + 1, loss, lr);
    m.outputClasses(this.pred, n);
    let correct = 0;
    let one = this.running.oneClass ?? -2; // older snapshots: unknown for the rest of this epoch
    for (let r = 0; r < n; r++) {
      const p = this.pred[r]!;
      if (p === this.train.labels[this.perm[start + r]!]) correct++;
      if (one !== p && one !== -2) one = one === -1 ? p : -2;
    }
    this.running.oneClass = one;
    this.optimizer.step(m, lr);
    this.running.lossSum += loss * n;
    this.running.correct += correct;
    this.running.seen += n;
    const seconds = (now() - t0) / 1000;
    this.running.seconds += seconds;
    const batch: BatchReport = { epoch: this.epoch + 1, batch: this.batch + 1, batches: this.batchesPerEpoch, size: n, loss, accuracy: correct / n, lr, seconds };
    this.batch++;
    if (this.batch < this.batchesPerEpoch) return { batch };
    return { batch, epoch: this.finishEpoch(lr) };
  }

  /** Train until done, paused or aborted. Resolves with why it returned; throws DivergenceError on NaN/Inf loss. */
  async run(options: RunOptions = {}): Promise<RunResult> {
    const yieldMs = options.yieldMs ?? 16;
    let lastYield = now();
    try {
      while (!this.done) {
        if (options.signal?.aborted) return { status: 'stopped', history: this.history };
        if (this.pauseRequested) return { status: 'paused', history: this.history };
        const r = this.step();
        options.onBatch?.(r.batch);
        if (r.epoch) options.onEpoch?.(r.epoch);
        if (now() - lastYield >= yieldMs) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      return { status: 'done', history: this.history };
    } finally {
      this.pauseRequested = false; // honoured, or dropped because the run ended otherwise
    }
  }

  /** A deep copy of the whole training state; Trainer.restore(snapshot, data) continues bit-identically. */
  snapshot(): TrainerSnapshot {
    return {
      config: { ...this.model.config, layers: [...this.model.config.layers] },
      options: { ...this.options },
      params: this.model.readParams().map((p) => Float32Array.from(p)),
      velocity: this.optimizer.moments()[0]?.map((v) => Float32Array.from(v)) ?? null,
      secondMoments: this.optimizer.moments()[1]?.map((v) => Float32Array.from(v)) ?? null,
      bestParams: this.bestParams ? this.bestParams.map((p) => Float32Array.from(p)) : null,
      optimizerSteps: this.optimizer.steps,
      ...(this.dropoutRng ? { dropoutRng: this.dropoutRng.state() } : {}),
      ...(this.early ? { earlyStop: { ...this.early } } : {}),
      epoch: this.epoch,
      batch: this.batch,
      epochRng: [...this.epochRng] as RngState,
      running: { ...this.running },
      history: this.history.map((h) => ({ ...h })),
      dtype: this.model.dtype,
      backend: this.model.backend,
      threads: this.model.threads,
      ...(this.startLoss === undefined ? {} : { startLoss: this.startLoss }),
    };
  }

  /** Forward rows start..start+n of this epoch's order (with dropout when training) and return their mean loss (targets left in this.y). */
  private batchLoss(start: number, n: number, training = false): number {
    const m = this.model;
    gatherTargets(this.train, this.perm, start, n, m.outputSize, this.y);
    const bytes = byteScaling(this.train);
    // Byte data goes to the model as it is (the wasm backend reads it through its sparse kernels).
    if (!bytes) gatherInputs(this.train, this.perm, start, n, this.x);
    const input: BatchInput = bytes
      ? { kind: 'rows', inputs: this.train.inputs as Uint8Array, rows: this.perm, start, mul: bytes.mul, add: bytes.add }
      : { kind: 'floats', x: this.x };
    const dropout = training && this.dropoutRng ? { p: this.options.dropout, rng: this.dropoutRng } : undefined;
    m.forward(input, n, dropout);
    return m.loss(this.y, n);
  }

  /** The divergence rule's reference: the untrained network's mean loss on the first examples of the run (no update). */
  private measureStart(): number {
    const B = this.options.batchSize;
    const total = Math.min(this.train.count, DIVERGENCE.startExamples);
    let sum = 0;
    for (let done = 0; done < total; done += B) {
      const n = Math.min(B, total - done);
      sum += this.batchLoss(done, n) * n;
    }
    return sum / total;
  }

  private finishEpoch(lr: number): EpochReport {
    const r = this.running;
    const report: EpochReport = {
      epoch: this.epoch + 1,
      loss: r.lossSum / r.seen,
      trainAccuracy: r.correct / r.seen,
      seconds: r.seconds,
      evalSeconds: 0,
      lr,
    };
    if (r.oneClass !== undefined && r.oneClass >= 0) report.oneClass = r.oneClass;
    if (this.validation) {
      const t0 = now();
      const v = evaluate(this.model, this.validation);
      report.validationLoss = v.loss;
      report.validationAccuracy = v.accuracy;
      report.evalSeconds = (now() - t0) / 1000;
    }
    this.history.push(report);
    this.epoch++;
    this.watch(report);
    this.batch = 0;
    this.running = freshRunning();
    this.epochRng = this.rng.state();
    if (!this.done) this.perm = this.shuffled();
    const seen = this.options.divergenceCheck ? divergence(this.history, this.startLoss, this.chance) : null;
    if (seen) throw new DivergenceError(report.epoch, this.batchesPerEpoch, report.loss, lr, seen);
    return report;
  }

  /**
   * Early stopping after an epoch's validation: a better value keeps a copy of the weights; `patience` epochs without
   * one stop the run. When the run ends either way, the best epoch's weights go back into the model.
   */
  private watch(report: EpochReport): void {
    const e = this.early;
    if (!e) return;
    const lossWatched = this.options.earlyStop === 'loss';
    const value = (lossWatched ? report.validationLoss : report.validationAccuracy)!;
    if (e.bestEpoch === 0 || (lossWatched ? value < e.best : value > e.best)) {
      e.best = value;
      e.bestEpoch = report.epoch;
      e.since = 0;
      this.bestParams = this.model.readParams().map((p) => Float32Array.from(p));
    } else if (++e.since >= this.options.patience) e.stopped = true;
    if (this.done && this.bestParams) this.model.writeParams(this.bestParams);
  }

  /** The current epoch's order of examples, drawn from this.rng (identity when shuffling is off). */
  private shuffled(): Uint32Array {
    const n = this.train.count;
    if (!this.options.shuffle) {
      const p = new Uint32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      return p;
    }
    return this.rng.permutation(n);
  }
}

/** The share of the most common label among the dataset's examples: the accuracy of always guessing it. */
function majorityShare(d: Dataset): number {
  const counts = new Map<number, number>();
  let best = 0;
  for (let i = 0; i < d.count; i++) {
    const c = (counts.get(d.labels[i]!) ?? 0) + 1;
    counts.set(d.labels[i]!, c);
    if (c > best) best = c;
  }
  return best / d.count;
}

function freshRunning(): TrainerSnapshot['running'] {
  return { lossSum: 0, correct: 0, seen: 0, seconds: 0, oneClass: -1 };
}
