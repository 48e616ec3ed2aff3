// The renderer's actions: talk to the DesktopApi (dataset, files, settings) and the training worker, and fold
// their answers into the store. Views call these; they never touch the worker or the API themselves.
import type { DatasetProgress, DesktopApi, ExportFormat, ModelFile } from '../shared/api.js';
import type { EpochReport } from '@mlp/core';
import { type PresetName, presetSettings } from '@mlp/recipe';
import { type AppSettings, OPTIMISER_NAMES, checkAppSettings, describeOptimiser, presetOf } from '../shared/settings.js';
import { type BatchSeries, lossName } from './draw/curves.js';
import type { InspectTarget, RunRecord, Store } from './store.js';
import type { AnalysisSet, FileFormat, FromWorker, ToWorker } from './train/protocol.js';

/** Distinct colours for compared runs (Tableau 10), and how many runs a session keeps. */
export const RUN_COLORS = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];
export const MAX_RUNS = RUN_COLORS.length;

/** "sigmoid" when hidden and output share the activation, else "relu→softmax". */
const activationsOf = (t: { hidden: string; output: string }): string => (t.hidden === t.output ? t.hidden : `${t.hidden}→${t.output}`);

/** A short label for a run's settings (what usually differs between compared runs) and the full list for a tooltip. */
export function runLabel(id: number, s: AppSettings): { label: string; detail: string } {
  const t = s.train;
  const optimiser = t.optimizer === 'sgd' ? '' : `${OPTIMISER_NAMES[t.optimizer]} `;
  const label = `#${id} ${s.preset} · ${t.layers.join('-')} ${activationsOf(t)}/${lossName(t.loss)} · ${optimiser}lr ${t.lr}`;
  const detail = `${t.hidden}/${t.output}, ${t.loss === 'ce' ? 'cross-entropy' : 'MSE'}, init ${t.init}, ${describeOptimiser(t)}, L2 ${t.l2}, batch ${t.batch}, ${t.epochs} epochs, seed ${t.seed}`;
  return { label, detail };
}

export interface WorkerLike {
  postMessage(message: ToWorker, options?: { transfer?: Transferable[] }): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromWorker>) => void): void;
}

export const defaultSettings = (): AppSettings => ({ preset: 'seed', train: presetSettings('seed') });

export class Controller {
  private exportId = 0;
  private exports = new Map<number, { resolve: (m: { bytes: Uint8Array; name: string }) => void; reject: (e: Error) => void }>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private runId = 0;
  /** The run that Start or a first Step asked for, recorded once the worker says it began. */
  private pendingRun: AppSettings | null = null;
  private currentRun: RunRecord | null = null;

  constructor(
    private readonly store: Store,
    private readonly api: DesktopApi,
    private readonly worker: WorkerLike,
  ) {
    worker.addEventListener('message', (e) => this.onWorker(e.data));
  }

  private send(m: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, { transfer });
  }

  private info(text: string): void {
    this.store.set({ message: { kind: 'info', text } });
  }

  private fail(e: unknown): void {
    this.store.set({ message: { kind: 'error', text: e instanceof Error ? e.message : String(e) } });
  }

  async restoreSettings(): Promise<void> {
    const saved = await this.api.loadSettings().catch(() => null);
    if (saved) this.store.set({ settings: saved });
  }

  /** New settings from the form: remembered (debounced) and, for the learning rate, applied to a running trainer. */
  updateSettings(next: AppSettings): void {
    const prev = this.store.state.settings;
    const settings = checkAppSettings({ ...next, preset: presetOf(next.train) });
    this.store.set({ settings, settingsError: null });
    if (settings.train.lr !== prev.train.lr) this.send({ type: 'set-lr', lr: settings.train.lr });
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.api.saveSettings(settings).catch((e) => this.fail(e)), 300);
  }

  applyPreset(name: PresetName): void {
    const keep = this.store.state.settings.train;
    this.updateSettings({ preset: name, train: { ...presetSettings(name), seed: keep.seed } });
  }

  private onProgress = (p: DatasetProgress): void => {
    const d = this.store.state.dataset;
    d.files[p.file] = p.source === 'lock' ? { done: 0, total: p.bytesTotal, waitingFor: p.waitingFor ?? 'another download' } : { done: p.bytesDone, total: p.bytesTotal };
    this.store.touch('dataset');
  };

  async loadDataset(fromFolder = false): Promise<void> {
    const d = this.store.state.dataset;
    this.store.set({ dataset: { ...d, status: 'loading', files: {} }, message: null });
    try {
      const files = fromFolder ? await this.api.importDataset(this.onProgress) : await this.api.loadDataset(this.onProgress);
      if (!files) {
        this.store.set({ dataset: { ...this.store.state.dataset, status: d.status === 'ready' ? 'ready' : 'none' } });
        return;
      }
      const { origin, ...bytes } = files;
      this.store.set({ dataset: { ...this.store.state.dataset, origin } });
      this.send({ type: 'dataset', files: bytes }, [bytes.trainImages.buffer, bytes.trainLabels.buffer, bytes.testImages.buffer, bytes.testLabels.buffer]);
    } catch (e) {
      this.store.set({ dataset: { ...this.store.state.dataset, status: 'error' } });
      this.fail(e);
    }
  }

  /** Fresh curves and no evaluation, for a run about to start. */
  private resetRun(): void {
    this.pendingRun = this.store.state.settings;
    this.currentRun = null;
    this.store.set({ history: [], batches: { x: [], loss: [], accuracy: [] }, evaluation: null, model: null, initialWeights: null, lastStep: null, showStep: false, stats: [], analyses: { validation: null, test: null } });
  }

  start(): void {
    this.resetRun();
    this.store.set({ message: null });
    this.send({ type: 'start', settings: this.store.state.settings });
  }
  pause(): void {
    this.send({ type: 'pause' });
  }
  resume(): void {
    this.store.set({ lastStep: null, showStep: false });
    this.send({ type: 'resume' });
  }
  stop(): void {
    this.send({ type: 'stop' });
  }
  step(): void {
    const s = this.store.state;
    if (s.run !== 'paused') this.resetRun();
    this.send({ type: 'step', settings: s.settings });
  }
  /** What the tiles show: the change since initialisation, the weights, or the last Step's update. */
  setWeightView(view: 'change' | 'weights' | 'step'): void {
    this.store.set(view === 'step' ? { showStep: this.store.state.lastStep !== null } : { showChange: view === 'change', showStep: false });
  }
  /** Train at most this many batches a second (0: full speed), from the next batch on. */
  setPace(batchesPerSecond: number): void {
    this.store.set({ pace: batchesPerSecond });
    this.send({ type: 'set-pace', batchesPerSecond });
  }
  perTileScale(on: boolean): void {
    this.store.set({ perTile: on });
  }
  selectUnit(unit: number): void {
    this.store.set({ selectedUnit: unit });
  }
  setTab(tab: string): void {
    this.store.set({ tab });
  }
  /** Evaluate the current (paused, stopped or finished) model on both sets now. */
  analyse(): void {
    this.send({ type: 'analyse' });
  }
  setAnalysisSet(analysisSet: AnalysisSet): void {
    this.store.set({ analysisSet });
  }
  /** Show an image (or the drawn digit) in the inspector; `show` switches to its tab. */
  inspect(target: InspectTarget, show = true): void {
    this.store.set(show ? { inspect: target, tab: 'inspect' } : { inspect: target });
  }
  setDrawn(drawn: Uint8Array | null): void {
    this.store.set({ drawn });
  }
  selectRun(id: number, selected: boolean): void {
    const run = this.store.state.runs.find((r) => r.id === id);
    if (!run) return;
    run.selected = selected;
    this.store.touch('runs');
  }

  /** Keep a run for comparison (the oldest finished one goes when there are too many). */
  private addRun(settings: AppSettings, history: EpochReport[], batches: BatchSeries, status: RunRecord['status'], name?: string): RunRecord {
    const id = ++this.runId;
    const { label, detail } = runLabel(id, settings);
    const run: RunRecord = { id, label: name ? `#${id} ${name} · ${activationsOf(settings.train)}/${lossName(settings.train.loss)}` : label, detail, loss: settings.train.loss, color: RUN_COLORS[(id - 1) % RUN_COLORS.length]!, status, history, batches, testAccuracy: null, selected: true };
    const runs = [...this.store.state.runs, run];
    if (runs.length > MAX_RUNS) runs.splice(runs.findIndex((r) => r !== this.currentRun), 1);
    this.store.set({ runs });
    return run;
  }
  /** The views drew the latest weights: let the worker send the next copy. */
  ackWeights(): void {
    this.send({ type: 'weights-ack' });
  }

  /** The current model's bytes in `format`, made by the worker. */
  private modelBytes(format: FileFormat): Promise<{ bytes: Uint8Array; name: string }> {
    const id = ++this.exportId;
    return new Promise((resolve, reject) => {
      this.exports.set(id, { resolve, reject });
      this.send({ type: 'export', id, format });
    });
  }

  async saveModel(): Promise<void> {
    try {
      const file = await this.modelBytes('mlp');
      const saved = await this.api.saveModel(file.bytes, file.name);
      if (!saved) return;
      const model = this.store.state.model;
      if (model) this.store.set({ model: { ...model, name: saved.location.split(/[\\/]/).pop() || model.name, saved: true } });
      this.info(`Saved ${saved.location}`);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Export the current model as ONNX or safetensors (@mlp/export), through a save dialog or as a download. */
  async exportModel(format: ExportFormat): Promise<void> {
    try {
      const file = await this.modelBytes(format);
      const saved = await this.api.exportModel(file.bytes, file.name, format);
      if (saved) this.info(`Exported ${saved.location}`);
    } catch (e) {
      this.fail(e);
    }
  }

  async openModel(): Promise<void> {
    try {
      const file = await this.api.openModel();
      if (file) this.openModelFile(file);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Open a model file's bytes (from the open dialog, or handed over by the OS). */
  openModelFile(file: ModelFile): void {
    this.send({ type: 'load-model', bytes: file.bytes, name: file.name }, [file.bytes.buffer]);
  }

  private onWorker(m: FromWorker): void {
    const s = this.store.state;
    switch (m.type) {
      case 'engine':
        this.store.set({ threads: m.threads });
        return;
      case 'dataset-ready':
        this.store.set({ dataset: { ...s.dataset, status: 'ready', train: m.train, test: m.test }, testSet: m.testSet });
        return;
      case 'state':
        this.store.set({ run: m.state, progress: m.progress ?? s.progress });
        // Start and Step (which pauses after its batch) both make a trained model.
        if ((m.state === 'running' || m.state === 'paused') && !s.model) this.store.set({ model: { name: 'trained model', source: 'trained' } });
        if (this.pendingRun && (m.state === 'running' || m.state === 'paused')) {
          this.currentRun = this.addRun(this.pendingRun, s.history, s.batches, m.state);
          this.pendingRun = null;
        } else if (this.currentRun && this.currentRun.status !== 'opened' && m.state !== 'idle' && m.state !== 'ready') {
          this.currentRun.status = m.state;
          this.store.touch('runs');
        }
        return;
      case 'batches': {
        const b = s.batches;
        for (let i = 0; i < m.points.x.length; i++) {
          b.x.push(m.points.x[i]!);
          b.loss.push(m.points.loss[i]!);
          b.accuracy.push(m.points.accuracy[i]!);
        }
        this.store.set({ progress: m.progress });
        this.store.touch('batches');
        // A saved model that trains on (Step, Resume) has unsaved changes again.
        if (s.model?.saved) this.store.set({ model: { ...s.model, saved: false } });
        return;
      }
      case 'epoch':
        s.history.push(m.report);
        this.store.touch('history');
        return;
      case 'weights':
        // The first copy after Start/Step is the initialisation: kept to show what training changed.
        if (!s.initialWeights && s.model?.source !== 'loaded') {
          this.store.set({ initialWeights: m.weights.W.map((w) => w.slice()) });
        }
        this.store.set({ weights: m.weights });
        return;
      case 'stats':
        s.stats.push(m.snapshot);
        this.store.touch('stats');
        return;
      case 'step-change': {
        const { type: _, ...step } = m;
        this.store.set({ lastStep: step, showStep: true });
        return;
      }
      case 'initial-weights':
        this.store.set({ initialWeights: m.W });
        return;
      case 'evaluation':
        this.store.set({ evaluation: m.evaluation });
        if (this.currentRun) {
          this.currentRun.testAccuracy = m.evaluation.testAccuracy;
          this.store.touch('runs');
        }
        return;
      case 'analysis': {
        const analyses = { ...s.analyses, [m.analysis.set]: m.analysis };
        // Without a validation set (none held out, or an opened model without settings) show the test set.
        const analysisSet = m.analysis.set === 'test' && !analyses.validation ? 'test' : s.analysisSet;
        this.store.set({ analyses, analysisSet });
        return;
      }
      case 'model-loaded': {
        const settings = m.settings ? { preset: presetOf(m.settings), train: m.settings } : s.settings;
        this.store.set({
          model: { name: m.name, source: 'loaded' },
          history: [...m.history],
          batches: { x: [], loss: [], accuracy: [] },
          evaluation: null,
          progress: null,
          initialWeights: null,
          lastStep: null,
          showStep: false,
          stats: [],
          settings,
          selectedUnit: 0,
          analyses: { validation: null, test: null },
        });
        this.pendingRun = null;
        this.currentRun = this.addRun(settings, this.store.state.history, this.store.state.batches, 'opened', m.name);
        this.info(`Loaded ${m.name}`);
        return;
      }
      case 'exported': {
        this.exports.get(m.id)?.resolve({ bytes: m.bytes, name: m.name });
        this.exports.delete(m.id);
        return;
      }
      case 'error':
        if (m.id !== undefined && this.exports.has(m.id)) {
          this.exports.get(m.id)!.reject(new Error(m.message));
          this.exports.delete(m.id);
          return;
        }
        if (s.dataset.status === 'loading') this.store.set({ dataset: { ...s.dataset, status: 'error' } });
        this.fail(m.message);
        return;
    }
  }
}
