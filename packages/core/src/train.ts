// The training loop: seeded shuffling, minibatch SGD, per-batch and per-epoch reports, stop/pause and exact resume.
// It schedules work and keeps state; the maths lives in mlp.ts and sgd.ts, persistence in format.ts.
import { type Dataset, byteScaling, checkDataset, gatherInputs, gatherTargets } from './data.js';
import { evaluate } from './evaluate.js';
import { type FullConfig, MLP } from './mlp.js';
import { Rng, type RngState } from './rng.js';
import { SGD, checkSGDOptions } from './sgd.js';
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
  /** Parameters in model.params() order: W0, b0, W1, b1, … */
  params: Float32Array[];
  /** Momentum velocity in the same order, or null. */
  velocity: Float32Array[] | null;
  /** 0-based epoch in progress and the next batch within it. */
  epoch: number;
  batch: number;
  /** Shuffle generator state at the start of the current epoch (the permutation is re-derived from it). */
  epochRng: RngState;
  running: { lossSum: number; correct: number; seen: number; seconds: number };
  history: EpochReport[];
}

/** Thrown when the loss becomes NaN or ±Infinity. Parameters are left as they were before the failing batch's update. */
export class DivergenceError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
    lr: number,
  ) {
    super(
      `Training diverged at epoch ${epoch}, batch ${batch}: the loss became ${loss}. ` +
        `Try a lower learning rate (it was ${lr}).`,
    );
    this.name = 'DivergenceError';
  }
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

function resolveOptions(o: TrainOptions): Required<TrainOptions> {
  const sgd = checkSGDOptions(o);
  const full = { ...sgd, epochs: o.epochs, batchSize: o.batchSize, lrDecay: o.lrDecay ?? 1, seed: o.seed ?? 0, shuffle: o.shuffle ?? true };
  if (!Number.isInteger(full.epochs) || full.epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(full.batchSize) || full.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${o.batchSize}`);
  if (!(full.lrDecay > 0 && full.lrDecay <= 1)) throw new RangeError(`lrDecay must be in (0, 1], got ${full.lrDecay}`);
  return full;
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
  private running = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
  private pauseRequested = false;

  constructor(model: MLP, train: Dataset, options: TrainOptions, validation?: Dataset) {
    checkDataset(train, 'training data');
    if (validation) checkDataset(validation, 'validation data');
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
  }

  /** Continue from a snapshot (from snapshot() or a checkpoint file) on the same data. */
  static restore(s: TrainerSnapshot, train: Dataset, validation?: Dataset): Trainer {
    const model = new MLP(s.config);
    const params = model.params();
    if (s.params.length !== params.length) throw new RangeError(`snapshot has ${s.params.length} parameter tensors, the network needs ${params.length}`);
    params.forEach((p, i) => {
      const src = s.params[i]!;
      if (src.length !== p.data.length) throw new RangeError(`snapshot tensor ${p.name} has ${src.length} values, expected ${p.data.length}`);
      p.data.set(src);
    });
    const t = new Trainer(model, train, s.options, validation);
    if (s.velocity) t.optimizer.velocity = s.velocity.map((v) => Float32Array.from(v));
    t.epoch = s.epoch;
    t.batch = s.batch;
    t.rng = Rng.fromState(s.epochRng);
    t.epochRng = s.epochRng;
    t.perm = t.shuffled();
    t.running = { ...s.running };
    t.history.push(...s.history.map((h) => ({ ...h })));
    return t;
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
    checkSGDOptions({ lr });
    this.options.lr = lr;
  }

  /** Ask run() to return 'paused' after the current batch. */
  pause(): void {
    this.pauseRequested = true;
  }

  /** Train one minibatch. Returns its report, and the epoch's report when this batch finished an epoch. */
  step(): { batch: BatchReport; epoch?: EpochReport } {
    if (this.done) throw new Error('training is already complete');
    const t0 = now();
    const B = this.options.batchSize;
    const m = this.model;
    const start = this.batch * B;
    const n = Math.min(B, this.train.count - start);
    gatherTargets(this.train, this.perm, start, n, m.outputSize, this.y);
    const bytes = byteScaling(this.train);
    if (bytes) {
      // The model reads the raw bytes itself (the wasm backend through its sparse kernels).
      m.forwardRows(this.train.inputs as Uint8Array, this.perm, start, n, bytes.mul, bytes.add);
    } else {
      gatherInputs(this.train, this.perm, start, n, this.x);
      m.forward(this.x, n);
    }
    const loss = m.loss(this.y, n);
    if (Number.isFinite(loss)) m.backward(this.y, n);
    const lr = this.currentLr;
    if (!Number.isFinite(loss)) throw new DivergenceError(this.epoch + 1, this.batch + 1, loss, lr);
    m.outputClasses(this.pred, n);
    let correct = 0;
    for (let r = 0; r < n; r++) if (this.pred[r] === this.train.labels[this.perm[start + r]!]) correct++;
    this.optimizer.lr = lr;
    this.optimizer.step(m);
    this.running.lossSum += loss * n;
    this.running.correct += correct;
    this.running.seen += n;
    this.running.seconds += (now() - t0) / 1000;
    const batch: BatchReport = { epoch: this.epoch + 1, batch: this.batch + 1, batches: this.batchesPerEpoch, size: n, loss, accuracy: correct / n, lr };
    this.batch++;
    if (this.batch < this.batchesPerEpoch) return { batch };
    return { batch, epoch: this.finishEpoch(lr) };
  }

  /** Train until done, paused or aborted. Resolves with why it returned; throws DivergenceError on NaN/Inf loss. */
  async run(options: RunOptions = {}): Promise<{ status: RunStatus; history: EpochReport[] }> {
    this.pauseRequested = false;
    const yieldMs = options.yieldMs ?? 16;
    let lastYield = now();
    while (!this.done) {
      if (options.signal?.aborted) return { status: 'stopped', history: this.history };
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return { status: 'paused', history: this.history };
      }
      const r = this.step();
      options.onBatch?.(r.batch);
      if (r.epoch) options.onEpoch?.(r.epoch);
      if (now() - lastYield >= yieldMs) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    return { status: 'done', history: this.history };
  }

  /** A deep copy of the whole training state; Trainer.restore(snapshot, data) continues bit-identically. */
  snapshot(): TrainerSnapshot {
    return {
      config: { ...this.model.config, layers: [...this.model.config.layers] },
      options: { ...this.options },
      params: this.model.params().map((p) => Float32Array.from(p.data)),
      velocity: this.optimizer.velocity ? this.optimizer.velocity.map((v) => Float32Array.from(v)) : null,
      epoch: this.epoch,
      batch: this.batch,
      epochRng: [...this.epochRng] as RngState,
      running: { ...this.running },
      history: this.history.map((h) => ({ ...h })),
    };
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
    this.running = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
    this.epochRng = this.rng.state();
    if (!this.done) this.perm = this.shuffled();
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
