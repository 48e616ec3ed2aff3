// The training loop: seeded shuffling, minibatch SGD, per-batch and per-epoch reports, stop/pause and exact resume.
// It schedules work and keeps state; the maths lives in mlp.ts and sgd.ts, persistence in format.ts.
import { BACKENDS, type BackendName, backendAvailable } from './backend.js';
import { type Dataset, byteScaling, checkDataset, gatherInputs, gatherTargets } from './data.js';
import { evaluate } from './evaluate.js';
import { type BatchInput, type FullConfig, MLP, type MLPOptions } from './mlp.js';
import { Rng, type RngState } from './rng.js';
import { DIVERGENCE, DivergenceError, divergence } from './divergence.js';
import { SGD, checkLearningRate, checkSGDOptions } from './sgd.js';
import type { FloatArray } from './tensor.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum?: number;
  l2?: number;
  /** Learning rate of epoch e (0-based) is lr · lrDecay^e. Default 1 (constant). */
  lrDecay?: number;
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

export interface BatchReport {
  /** 1-based epoch and batch numbers. */
  epoch: number;
  batch: number;
  batches: number;
  size: number;
  loss: number;
  /** Accuracy on this batch, measured during its forward pass (before the update). */
  accuracy: number;
  lr: number;
  /** Seconds this batch took to train (gather, forward, backward, update); they add up to the epoch's `seconds`. */
  seconds: number;
}

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weights changing as it goes, as in Keras). */
  loss: number;
  /** Running training accuracy over the epoch, measured the same way. */
  trainAccuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
  /** The class the network predicted for every training example of the epoch, when it predicted only one. */
  oneClass?: number;
  /** Seconds spent training this epoch (pauses excluded), and evaluating validation afterwards. */
  seconds: number;
  evalSeconds: number;
  lr: number;
}

export type RunStatus = 'done' | 'paused' | 'stopped';

export interface RunOptions {
  /** Stop after the current batch when aborted; the trainer stays resumable. */
  signal?: AbortSignal;
  onBatch?: (r: BatchReport) => void;
  onEpoch?: (r: EpochReport) => void;
  /** Yield to the event loop at least this often (ms), so pause/abort messages and UI get through. Default 16. */
  yieldMs?: number;
}

/** Everything needed to continue training exactly where it left off. Plain data (typed arrays are copies). */
export interface TrainerSnapshot {
  config: FullConfig;
  options: Required<TrainOptions>;
  /** Parameters in model.paramInfo() order: W0, b0, W1, b1, … */
  params: Float32Array[];
  /** Momentum velocity in the same order, or null. */
  velocity: Float32Array[] | null;
  /** 0-based epoch in progress and the next batch within it. */
  epoch: number;
  batch: number;
  /** Shuffle generator state at the start of the current epoch (the permutation is re-derived from it). */
  epochRng: RngState;
  /**
   * Sums over the epoch's batches so far; `oneClass`: the class predicted for every example so far (−1 before the
   * first, −2 once two differ; absent in older snapshots).
   */
  running: { lossSum: number; correct: number; seen: number; seconds: number; oneClass?: number };
  history: EpochReport[];
  /**
   * The network's storage type, backend and thread count, which restore() reuses. Absent in snapshots from older
   * versions: those restore with the defaults (float32, getBackend(), getThreads()).
   */
  dtype?: 'float32' | 'float64';
  backend?: BackendName;
  threads?: number;
  /** The untrained network's mean loss, the divergence rule's reference; absent until the first batch (and in older snapshots). */
  startLoss?: number;
}

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

/** The most epochs one run may ask for (a guard against absurd values in options and checkpoints). */
export const MAX_EPOCHS = 1_000_000;

function resolveOptions(o: TrainOptions): Required<TrainOptions> {
  if (typeof o !== 'object' || o === null) throw new RangeError(`training options are missing: pass { epochs, batchSize, lr, … }, got ${o}`);
  const sgd = checkSGDOptions(o);
  const full = {
    lr: checkLearningRate(o.lr),
    ...sgd,
    epochs: o.epochs,
    batchSize: o.batchSize,
    lrDecay: o.lrDecay ?? 1,
    seed: o.seed ?? 0,
    shuffle: o.shuffle ?? true,
    divergenceCheck: o.divergenceCheck ?? true,
  };
  if (!Number.isInteger(full.epochs) || full.epochs < 1 || full.epochs > MAX_EPOCHS) {
    throw new RangeError(`epochs must be a positive integer up to ${MAX_EPOCHS.toLocaleString('en-US')}, got ${o.epochs}`);
  }
  if (!Number.isInteger(full.batchSize) || full.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${o.batchSize}`);
  if (!(full.lrDecay > 0 && full.lrDecay <= 1)) throw new RangeError(`lrDecay must be in (0, 1], got ${full.lrDecay}`);
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
export function checkTrainerState(s: Omit<TrainerSnapshot, 'config' | 'params' | 'velocity'>): Required<TrainOptions> {
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
  return options;
}

export class Trainer {
  readonly model: MLP;
  readonly optimizer: SGD;
  readonly options: Required<TrainOptions>;
  readonly history: EpochReport[] = [];
  /** 0-based epoch in progress (equals options.epochs when done) and next batch within it. */
  epoch = 0;
  batch = 0;

  private readonly train: Dataset;
  private readonly validation: Dataset | undefined;
  private readonly x: FloatArray;
  private readonly y: FloatArray;
  private readonly pred: Int32Array;
  private rng: Rng;
  private epochRng: RngState;
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
    this.optimizer = new SGD(this.options);
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
      const params = model.paramInfo().map((p) => ({ ...p, size: p.shape.reduce((a, d) => a * d, 1) }));
      const checkTensors = (list: readonly ArrayLike<number>[], what: string, prefix: string): void => {
        if (!Array.isArray(list) || list.length !== params.length) {
          throw bad(`it has ${Array.isArray(list) ? list.length : 'no'} ${what} tensors, the network ${model.config.layers.join('-')} needs ${params.length}`);
        }
        params.forEach((p, i) => {
          const n = list[i]?.length;
          if (n !== p.size) throw bad(`its tensor ${prefix}${p.name} has ${n} values, shape [${p.shape}] needs ${p.size}`);
        });
      };
      checkTensors(s.params, 'parameter', '');
      if (s.velocity) checkTensors(s.velocity, 'velocity', 'v_');
      model.writeParams(s.params);
      const t = new Trainer(model, train, s.options, validation);
      if (s.epoch < t.options.epochs && s.batch >= t.batchesPerEpoch) {
        throw bad(
          `its batch ${s.batch} is past the end of an epoch: this data makes ${t.batchesPerEpoch} batches of ${t.options.batchSize} (restore on the data it was trained on)`,
        );
      }
      if (s.velocity) t.optimizer.velocity = s.velocity.map((v) => Float32Array.from(v));
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

  get batchesPerEpoch(): number {
    return Math.ceil(this.train.count / this.options.batchSize);
  }
  get done(): boolean {
    return this.epoch >= this.options.epochs;
  }
  /** Learning rate the next batch will use. */
  get currentLr(): number {
    return this.options.lr * this.options.lrDecay ** this.epoch;
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
  step(): { batch: BatchReport; epoch?: EpochReport } {
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
    const loss = this.batchLoss(start, n);
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
  async run(options: RunOptions = {}): Promise<{ status: RunStatus; history: EpochReport[] }> {
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
      velocity: this.optimizer.velocity ? this.optimizer.velocity.map((v) => Float32Array.from(v)) : null,
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

  /** Forward rows start..start+n of this epoch's order and return their mean loss (targets left in this.y). */
  private batchLoss(start: number, n: number): number {
    const m = this.model;
    gatherTargets(this.train, this.perm, start, n, m.outputSize, this.y);
    const bytes = byteScaling(this.train);
    // Byte data goes to the model as it is (the wasm backend reads it through its sparse kernels).
    if (!bytes) gatherInputs(this.train, this.perm, start, n, this.x);
    const input: BatchInput = bytes
      ? { kind: 'rows', inputs: this.train.inputs as Uint8Array, rows: this.perm, start, mul: bytes.mul, add: bytes.add }
      : { kind: 'floats', x: this.x };
    m.forwardBatch(input, n);
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
    this.batch = 0;
    this.running = freshRunning();
    this.epochRng = this.rng.state();
    if (!this.done) this.perm = this.shuffled();
    const seen = this.options.divergenceCheck ? divergence(this.history, this.startLoss, this.chance) : null;
    if (seen) throw new DivergenceError(report.epoch, this.batchesPerEpoch, report.loss, lr, seen);
    return report;
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
