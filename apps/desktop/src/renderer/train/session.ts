// The training session that runs inside the Web Worker: owns the dataset, the model and core's Trainer, and turns
// their events into throttled messages (batch points ≤ 10/s, weight copies ≤ 10/s and only once the UI drew the last).
// No DOM and no worker globals: `post` is injected, so the whole session is unit-tested in Node.
import { type Dataset, DivergenceError, type EpochReport, type Evaluation as CoreEvaluation, MLP, type ModelMeta, type Trainer, crc32, evaluate, loadModel, saveModel } from '@mlp/core';
import { EXTENSIONS, exportModel } from '@mlp/export';
import { type Mnist, loadMnistFromBytes, toDataset } from '@mlp/mnist';
import { PRESET_NAMES, type PresetName, type RunData, type RunScaling, type TrainSettings, type TrainValidation, checkTrainSettings, prepareData, prepareRun } from '@mlp/recipe';
import type { AppSettings } from '../../shared/settings.js';
import type { Analysis, AnalysisSet, BatchPoints, Evaluation, FileFormat, FromWorker, Initialisation, Progress, RunState, ToWorker } from './protocol.js';
import { readBiases, readGradients, readWeights } from './read-model.js';
import { snapshot } from './stats.js';

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Minimum milliseconds between two batch-point messages and between two weight messages. */
export const MESSAGE_INTERVAL_MS = 100;

type Scaling = RunScaling;

/** Held-out images the activation statistics are measured on, and statistics snapshots per epoch. */
export const STATS_IMAGES = 100;
export const STATS_PER_EPOCH = 10;

/** How many held-out images a Step's loss is measured on, before and after the update. */
export const PROBE_COUNT = 1000;

/** What a model without a stored scaling is fed: the presets' [-1, 1]. */
const DEFAULT_SCALING: Scaling = { mode: '-1,1', mul: 2 / 255, add: -1 };

export class TrainingSession {
  private mnist: Mnist | null = null;
  private splitCache: ({ key: string } & TrainValidation) | null = null;
  private model: MLP | null = null;
  private trainer: Trainer | null = null;
  private settings: AppSettings | null = null;
  private scale: Scaling | null = null;
  private history: EpochReport[] = [];
  private state: RunState = 'idle';
  private abort: AbortController | null = null;
  private evaluated = false;
  private modelName = 'model';
  /** The held-out images statistics are measured on (pixel bytes, (n, inputs)). */
  private statsImages: { pixels: Uint8Array; n: number } | null = null;

  // Pace: batches a second (0: full speed); the paced loop's pause request; a hand-over between the two loops.
  private pace = 0;
  private pacing = false;
  private pauseAsked = false;
  private switchPace = false;

  // Throttling state.
  private weightsInFlight = false;
  private lastWeightsAt = Number.NEGATIVE_INFINITY;
  private lastPointsAt = 0;
  private points: { x: number[]; loss: number[]; accuracy: number[] } = { x: [], loss: [], accuracy: [] };
  private examplesSince = 0;
  private rate = 0;

  constructor(
    private readonly post: Post,
    private readonly now: () => number = () => performance.now(),
    /** Threads to train with (threads.ts decides): 2 shares the first layer with the core's helper, same results. */
    private readonly threads: 1 | 2 = 1,
    /** How a paced run waits between batches (injected so tests step through it). */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.post({ type: 'engine', threads });
  }

  async handle(m: ToWorker): Promise<void> {
    try {
      switch (m.type) {
        case 'dataset':
          return await this.loadDataset(m.files);
        case 'start':
          return await this.start(m.settings);
        case 'resume':
          return await this.resume();
        case 'pause':
          if (this.pacing) this.pauseAsked = true;
          else this.trainer?.pause();
          return;
        case 'set-pace':
          return this.setPace(m.batchesPerSecond);
        case 'stop':
          return this.stop();
        case 'step':
          return this.step(m.settings);
        case 'set-lr':
          if (Number.isFinite(m.lr) && m.lr > 0) this.trainer?.setLearningRate(m.lr);
          if (this.settings) this.settings.train.lr = m.lr;
          if (this.state !== 'running') this.postState();
          return;
        case 'weights-ack':
          this.weightsInFlight = false;
          return;
        case 'export':
          return this.exportModel(m.id, m.format);
        case 'load-model':
          return this.loadModelBytes(m.bytes, m.name);
        case 'analyse':
          if (this.state === 'running') throw new Error('Pause training before evaluating.');
          if (!this.model) throw new Error('There is no model yet: train or open one first.');
          this.needData();
          return this.evaluateModel();
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message, ...('id' in m ? { id: m.id } : {}) });
    }
  }

  private async loadDataset(files: Extract<ToWorker, { type: 'dataset' }>['files']): Promise<void> {
    this.mnist = await loadMnistFromBytes(files);
    this.splitCache = null;
    const { train, test } = this.mnist;
    const testSet = { count: test.count, images: test.images.slice(), labels: test.labels.slice() };
    this.post({ type: 'dataset-ready', train: train.count, test: test.count, rows: train.rows, cols: train.cols, testSet }, [testSet.images.buffer, testSet.labels.buffer]);
    if (this.state === 'idle') this.setState('ready');
    if (this.model && !this.evaluated) this.evaluateModel();
  }

  private needData(): Mnist {
    if (!this.mnist) throw new Error('Load the dataset first.');
    return this.mnist;
  }

  /** The split kept from the last run or evaluation, when these settings part the data the same way. */
  private cachedSplit(s: TrainSettings): { split?: TrainValidation } {
    const c = this.splitCache;
    return c?.key === `${s.valid}/${s.seed}` ? { split: { train: c.train, validation: c.validation } } : {};
  }

  private keepSplit(s: TrainSettings, d: RunData): void {
    this.splitCache = { key: `${s.valid}/${s.seed}`, ...d.split };
  }

  /** Train/validation/test datasets for these settings (@mlp/recipe's); `fixed` reuses a loaded model's stored scaling. */
  private prepare(s: TrainSettings, fixed?: Scaling): RunData {
    const d = prepareData(s, this.needData(), { ...this.cachedSplit(s), ...(fixed ? { scaling: fixed } : {}) });
    this.keepSplit(s, d);
    return d;
  }

  /** A new model and trainer for these settings: @mlp/recipe's run, as `mlp train` builds it. */
  private newTrainer(settings: AppSettings): Trainer {
    const s = checkTrainSettings(settings.train);
    const run = prepareRun(s, this.needData(), { ...this.cachedSplit(s), threads: this.threads });
    this.keepSplit(s, run);
    const t = run.trainer;
    this.settings = { preset: settings.preset, train: s };
    this.scale = run.scaling;
    this.model = run.model;
    this.trainer = t;
    this.history = t.history;
    this.evaluated = false;
    this.modelName = `mnist-${s.layers.join('-')}-${settings.preset}`;
    this.points = { x: [], loss: [], accuracy: [] };
    // What the model really uses (the core falls back to one thread where its helper cannot start).
    this.post({ type: 'engine', threads: run.model.threads });
    const sample = run.validation ?? run.test;
    const n = Math.min(STATS_IMAGES, sample.count);
    this.statsImages = { pixels: (sample.inputs as Uint8Array).slice(0, n * sample.inputSize), n };
    this.sendWeights(true);
    this.sendStats(0, false);
    return t;
  }

  private async start(settings: AppSettings): Promise<void> {
    if (this.state === 'running') throw new Error('Training is already running; stop it first.');
    this.newTrainer(settings);
    await this.run();
  }

  private async resume(): Promise<void> {
    if (this.state !== 'paused' || !this.trainer) throw new Error('Nothing is paused.');
    await this.run();
  }

  private async run(): Promise<void> {
    const t = this.trainer!;
    this.abort = new AbortController();
    this.lastPointsAt = this.now();
    this.examplesSince = 0;
    this.setState('running');
    let status: 'done' | 'paused' | 'stopped';
    try {
      // Full speed in core's run loop, or paced here one step at a time; a change of pace mid-run hands over between
      // the two after the current batch.
      for (;;) {
        if (this.pace > 0) status = await this.runPaced(t, this.abort.signal);
        else
          ({ status } = await t.run({
            signal: this.abort.signal,
            onBatch: (b) => this.onBatch(b.epoch, b.batch, b.batches, b.size, b.loss, b.accuracy),
            onEpoch: (r) => this.onEpoch(r),
            yieldMs: 16,
          }));
        if (status !== 'paused' || !this.switchPace) break;
        this.switchPace = false;
      }
    } catch (e) {
      // Divergence (or any other failure) ends the run; the model stays as it was before the failing batch.
      this.post({ type: 'error', message: e instanceof DivergenceError ? e.message : `Training failed: ${(e as Error).message}` });
      status = 'stopped';
    }
    this.pacing = false;
    this.abort = null;
    this.flushPoints();
    this.sendWeights(true);
    this.finish(status);
  }

  /** Train at `pace` batches a second: one step, its points and weights out at once, then wait out the rest. */
  private async runPaced(t: Trainer, signal: AbortSignal): Promise<'done' | 'paused' | 'stopped'> {
    this.pacing = true;
    try {
      while (!t.done) {
        if (signal.aborted) return 'stopped';
        if (this.pauseAsked) return 'paused';
        if (this.pace === 0) {
          this.switchPace = true;
          return 'paused';
        }
        const began = this.now();
        const r = t.step();
        this.onBatch(r.batch.epoch, r.batch.batch, r.batch.batches, r.batch.size, r.batch.loss, r.batch.accuracy);
        if (r.epoch) this.onEpoch(r.epoch);
        this.flushPoints();
        await this.sleep(Math.max(0, 1000 / this.pace - (this.now() - began)));
      }
      return 'done';
    } finally {
      this.pacing = false;
      this.pauseAsked = false;
    }
  }

  /** Batches per second (0: as fast as possible), from the next batch on. */
  private setPace(batchesPerSecond: number): void {
    const pace = Number.isFinite(batchesPerSecond) && batchesPerSecond > 0 ? batchesPerSecond : 0;
    const wasFull = this.pace === 0;
    this.pace = pace;
    // A full-speed run hands over to the paced loop after its current batch.
    if (this.state === 'running' && !this.pacing && wasFull && pace > 0) {
      this.switchPace = true;
      this.trainer?.pause();
    }
  }

  private stop(): void {
    if (this.state === 'running') this.abort?.abort();
    else if (this.state === 'paused') this.finish('stopped');
  }

  private step(settings: AppSettings): void {
    if (this.state === 'running') throw new Error('Pause before stepping.');
    if (this.state !== 'paused' || !this.trainer) this.newTrainer(settings);
    const t = this.trainer!;
    const m = this.model!;
    const probe = this.probe();
    const before = readWeights(m)[0]!;
    const lossBefore = evaluate(m, probe).loss;
    const r = t.step();
    const delta = readWeights(m)[0]!;
    for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! - before[i]!;
    const lossAfter = evaluate(m, probe).loss;
    this.post({ type: 'step-change', delta, lossBefore, lossAfter, batchLoss: r.batch.loss, batch: r.batch.batch, epoch: r.batch.epoch, probe: probe.count }, [delta.buffer]);
    this.onBatch(r.batch.epoch, r.batch.batch, r.batch.batches, r.batch.size, r.batch.loss, r.batch.accuracy);
    if (r.epoch) this.onEpoch(r.epoch);
    this.flushPoints();
    this.sendWeights(true);
    this.finish(t.done ? 'done' : 'paused');
  }

  /** The images a step's loss is measured on before and after it: the first PROBE_COUNT validation images (else test). */
  private probe(): Dataset {
    const s = this.settings!.train;
    const d = this.prepare(s, this.scale ?? undefined);
    const set = d.validation ?? d.test;
    const n = Math.min(PROBE_COUNT, set.count);
    return { ...set, count: n, inputs: set.inputs.subarray(0, n * set.inputSize), labels: Uint8Array.from({ length: n }, (_, i) => set.labels[i]!) };
  }

  private finish(status: 'done' | 'paused' | 'stopped'): void {
    this.setState(status);
    if (status !== 'paused') this.evaluateModel();
  }

  private onBatch(epoch: number, batch: number, batches: number, size: number, loss: number, acc: number): void {
    this.points.x.push(epoch - 1 + batch / batches);
    this.points.loss.push(loss);
    this.points.accuracy.push(acc);
    this.examplesSince += size;
    if (batch % Math.ceil(batches / STATS_PER_EPOCH) === 0 || batch === batches) this.sendStats(epoch - 1 + batch / batches, true);
    const t = this.now();
    if (t - this.lastPointsAt >= MESSAGE_INTERVAL_MS) this.flushPoints();
    this.sendWeights(false);
  }

  /** An epoch ended: its batch points go out first, so the per-batch curve and the epoch points always agree. */
  private onEpoch(report: EpochReport): void {
    this.flushPoints();
    this.post({ type: 'epoch', report });
  }

  private progress(): Progress | null {
    const t = this.trainer;
    if (!t) return null;
    const done = t.done;
    return {
      // Early stopping may end the run before its last epoch: the epochs done, not the epochs asked for.
      epoch: done ? t.epoch : t.epoch + 1,
      epochs: t.options.epochs,
      batch: done ? t.batchesPerEpoch : t.batch,
      batches: t.batchesPerEpoch,
      examplesPerSecond: this.rate,
      lr: t.currentLr,
      keptEpoch: t.keptEpoch ?? null,
      stoppedEarly: t.stoppedEarly,
    };
  }

  private flushPoints(): void {
    const t = this.now();
    const dt = t - this.lastPointsAt;
    if (dt > 0 && this.examplesSince > 0) {
      const r = (this.examplesSince * 1000) / dt;
      this.rate = this.rate === 0 ? r : 0.7 * this.rate + 0.3 * r;
    }
    this.lastPointsAt = t;
    this.examplesSince = 0;
    if (this.points.x.length === 0) return;
    const points: BatchPoints = {
      x: Float64Array.from(this.points.x),
      loss: Float64Array.from(this.points.loss),
      accuracy: Float64Array.from(this.points.accuracy),
    };
    this.points = { x: [], loss: [], accuracy: [] };
    this.post({ type: 'batches', points, progress: this.progress()! }, [points.x.buffer, points.loss.buffer, points.accuracy.buffer]);
  }

  /** A statistics snapshot (weights, activations on the sample images, last gradients) at fractional epoch x. */
  private sendStats(x: number, withGradients: boolean): void {
    const m = this.model;
    const img = this.statsImages;
    if (!m || !img) return;
    const { mul, add } = this.scale ?? DEFAULT_SCALING;
    const net = { layers: [...m.config.layers], W: readWeights(m), b: readBiases(m), hidden: m.config.hidden, output: m.config.output, scaling: { mul, add } };
    this.post({ type: 'stats', snapshot: snapshot(x, net, img.pixels, img.n, withGradients ? readGradients(m) : null) });
  }

  /** Post copies of the weights: `force` for state changes; otherwise at most every 100 ms and only after the UI's ack. */
  private sendWeights(force: boolean): void {
    const m = this.model;
    if (!m) return;
    const t = this.now();
    if (!force && (this.weightsInFlight || t - this.lastWeightsAt < MESSAGE_INTERVAL_MS)) return;
    this.lastWeightsAt = t;
    this.weightsInFlight = true;
    const W = readWeights(m);
    const b = readBiases(m);
    const { mul, add } = this.scale ?? DEFAULT_SCALING;
    const weights = { layers: [...m.config.layers], W, b, hidden: m.config.hidden, output: m.config.output, scaling: { mul, add } };
    this.post({ type: 'weights', weights }, [...W, ...b].map((a) => a.buffer));
  }

  private setState(state: RunState): void {
    this.state = state;
    this.postState();
  }

  private postState(): void {
    this.post({ type: 'state', state: this.state, settings: this.settings?.train ?? null, progress: this.progress() });
  }

  /**
   * Validation and test accuracy of the current model and its test-prediction fingerprint, then each set's
   * outputs as an 'analysis' (confusion matrix, mistakes, inspector). Needs the dataset.
   */
  private evaluateModel(): void {
    const m = this.model;
    if (!m || !this.mnist) return;
    const s = this.settings?.train;
    const d = s ? this.prepare(s, this.scale ?? undefined) : null;
    const testData = d?.test ?? toDataset(this.mnist.test, this.scale ?? DEFAULT_SCALING);
    const test = evaluate(m, testData, { keepOutputs: true });
    const valid = d?.validation ? evaluate(m, d.validation, { keepOutputs: true }) : null;
    const evaluation: Evaluation = {
      validationAccuracy: valid?.accuracy ?? null,
      validationLoss: valid?.loss ?? null,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      fingerprint: crc32(new Uint8Array(test.predictions.buffer, test.predictions.byteOffset, test.predictions.byteLength)).toString(16).padStart(8, '0'),
    };
    this.evaluated = true;
    this.post({ type: 'evaluation', evaluation });
    if (valid && d?.validation) this.postAnalysis('validation', d.validation, valid);
    this.postAnalysis('test', testData, test);
  }

  private postAnalysis(set: AnalysisSet, data: Dataset, e: CoreEvaluation): void {
    const m = this.model!;
    const analysis: Analysis = {
      set,
      count: data.count,
      classes: m.outputSize,
      images: (data.inputs as Uint8Array).slice(0, data.count * data.inputSize),
      labels: Uint8Array.from({ length: data.count }, (_, i) => data.labels[i]!),
      predictions: e.predictions,
      outputs: e.outputs!,
      output: m.config.output,
      when: this.describeModel(),
    };
    this.post({ type: 'analysis', analysis }, [analysis.images.buffer, analysis.labels.buffer, analysis.predictions.buffer, analysis.outputs.buffer]);
  }

  /** Which model an analysis describes, for its caption. */
  private describeModel(): string {
    const t = this.trainer;
    if (!t) return `the opened model ${this.modelName}`;
    const p = this.progress()!;
    return t.done ? `after epoch ${p.epochs} of ${p.epochs}` : `at epoch ${p.epoch} of ${p.epochs}, batch ${p.batch} of ${p.batches}`;
  }

  private exportModel(id: number, format: FileFormat): void {
    const m = this.model;
    if (!m) throw new Error('There is no model to save yet: train or load one first.');
    const meta: ModelMeta = {
      tool: 'mlp-desktop',
      preset: this.settings?.preset ?? 'custom',
      dataset: 'mnist',
      dataDir: null,
      settings: this.settings?.train ?? null,
      scaling: this.scale,
      history: this.history,
      // Enough to draw the weights again at their initialisation (the "change since start" view of an opened model).
      initialisation: this.settings ? initialisationOf(this.settings.train) : null,
      validationAccuracy: this.history.at(-1)?.validationAccuracy ?? null,
      trainedAt: new Date().toISOString(),
    };
    const bytes = format === 'mlp' ? saveModel(m, meta) : exportModel(m, meta, format);
    this.post({ type: 'exported', id, bytes, name: `${this.modelName}${format === 'mlp' ? '.mlp' : EXTENSIONS[format]}` }, [bytes.buffer]);
  }

  private loadModelBytes(bytes: Uint8Array, name: string): void {
    if (this.state === 'running') throw new Error('Stop training before loading a model.');
    const { model, meta } = loadModel(bytes);
    let settings: TrainSettings | null = null;
    try {
      settings = checkTrainSettings(meta.settings);
    } catch {
      settings = null;
    }
    const sc = meta.scaling as Partial<Scaling> | undefined;
    this.scale = sc && typeof sc.mul === 'number' && typeof sc.add === 'number' ? { mode: String(sc.mode ?? 'custom'), mul: sc.mul, add: sc.add } : null;
    const preset = typeof meta.preset === 'string' ? meta.preset : null;
    this.settings = settings ? { preset: PRESET_NAMES.includes(preset as PresetName) ? (preset as PresetName) : 'custom', train: settings } : null;
    this.model = model;
    this.trainer = null;
    // The file is untrusted: its history is shown only where each report is well-formed, and what is left out is said.
    const history = Array.isArray(meta.history) ? meta.history : [];
    this.history = history.filter(isEpochReport);
    const dropped = history.length - this.history.length;
    if (dropped > 0) this.post({ type: 'error', message: `${name}: ${dropped} of its ${history.length} training-history entries are damaged and are not shown.` });
    this.evaluated = false;
    this.modelName = name.replace(/\.(mlp|ckpt)$/i, '');
    this.post({ type: 'model-loaded', name, settings, history: this.history, preset });
    const initial = initialWeights(model, meta.initialisation ?? (settings ? initialisationOf(settings) : null));
    if (initial) this.post({ type: 'initial-weights', W: initial }, initial.map((w) => w.buffer));
    this.sendWeights(true);
    this.setState(this.mnist ? 'stopped' : 'idle');
    this.evaluateModel();
  }
}

/** A well-formed epoch report from an untrusted file: a whole epoch number, finite numbers where the views read them. */
export function isEpochReport(x: unknown): x is EpochReport {
  if (typeof x !== 'object' || x === null) return false;
  const h = x as Record<string, unknown>;
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const optional = (v: unknown) => v === undefined || v === null || finite(v);
  return Number.isInteger(h.epoch) && (h.epoch as number) >= 1 && ['loss', 'trainAccuracy', 'seconds', 'lr'].every((k) => finite(h[k])) && optional(h.validationLoss) && optional(h.validationAccuracy);
}

/** What regenerates a run's initial weights: its seed and initialisation (the layers and activations are the model's). */
export function initialisationOf(s: TrainSettings): Initialisation {
  return { seed: s.seed, init: s.init, initStd: s.initStd };
}

/**
 * The weights `model` started from, drawn again from a stored initialisation (as @mlp/recipe's prepareRun seeds a new
 * model); null when the file holds none or it does not describe a model of this shape.
 */
export function initialWeights(model: MLP, stored: unknown): Float32Array[] | null {
  const i = stored as Partial<Initialisation> | null | undefined;
  if (!i || typeof i.seed !== 'number' || typeof i.init !== 'string' || typeof i.initStd !== 'number') return null;
  const c = model.config;
  try {
    const fresh = new MLP({ layers: [...c.layers], hidden: c.hidden, output: c.output, loss: c.loss, init: i.init as typeof c.init, initStd: i.initStd }, { seed: i.seed });
    return readWeights(fresh);
  } catch {
    return null;
  }
}
