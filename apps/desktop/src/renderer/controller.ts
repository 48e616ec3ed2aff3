// The renderer's actions: talk to the DesktopApi (dataset, files, settings) and the training worker, and fold
// their answers into the store. Views call these; they never touch the worker or the API themselves.
import type { DatasetProgress, DesktopApi } from '../shared/api.js';
import { type AppSettings, PRESETS, type PresetName, checkAppSettings, presetOf } from '../shared/settings.js';
import type { Store } from './store.js';
import type { FromWorker, ToWorker } from './train/protocol.js';

export interface WorkerLike {
  postMessage(message: ToWorker, options?: { transfer?: Transferable[] }): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromWorker>) => void): void;
}

export const defaultSettings = (): AppSettings => ({ preset: 'seed', train: { ...PRESETS.seed, layers: [...PRESETS.seed.layers] } });

export class Controller {
  private exportId = 0;
  private exports = new Map<number, { resolve: (m: { bytes: Uint8Array; name: string }) => void; reject: (e: Error) => void }>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;

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
    const p = PRESETS[name];
    const keep = this.store.state.settings.train;
    this.updateSettings({ preset: name, train: { ...p, layers: [...p.layers], seed: keep.seed } });
  }

  private onProgress = (p: DatasetProgress): void => {
    const d = this.store.state.dataset;
    d.files[p.file] = { done: p.bytesDone, total: p.bytesTotal };
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

  start(): void {
    this.store.set({ history: [], batches: { x: [], loss: [], accuracy: [] }, evaluation: null, message: null, model: null, initialWeights: null });
    this.send({ type: 'start', settings: this.store.state.settings });
  }
  pause(): void {
    this.send({ type: 'pause' });
  }
  resume(): void {
    this.send({ type: 'resume' });
  }
  stop(): void {
    this.send({ type: 'stop' });
  }
  step(): void {
    const s = this.store.state;
    if (s.run !== 'paused') this.store.set({ history: [], batches: { x: [], loss: [], accuracy: [] }, evaluation: null, model: null, initialWeights: null });
    this.send({ type: 'step', settings: s.settings });
  }
  showChange(on: boolean): void {
    this.store.set({ showChange: on });
  }
  selectUnit(unit: number): void {
    this.store.set({ selectedUnit: unit });
  }
  setTab(tab: string): void {
    this.store.set({ tab });
  }
  /** The views drew the latest weights: let the worker send the next copy. */
  ackWeights(): void {
    this.send({ type: 'weights-ack' });
  }

  async saveModel(): Promise<void> {
    try {
      const id = ++this.exportId;
      const file = await new Promise<{ bytes: Uint8Array; name: string }>((resolve, reject) => {
        this.exports.set(id, { resolve, reject });
        this.send({ type: 'export', id });
      });
      const saved = await this.api.saveModel(file.bytes, file.name);
      if (saved) this.info(`Saved ${saved.location}`);
    } catch (e) {
      this.fail(e);
    }
  }

  async openModel(): Promise<void> {
    try {
      const file = await this.api.openModel();
      if (!file) return;
      this.send({ type: 'load-model', bytes: file.bytes, name: file.name }, [file.bytes.buffer]);
    } catch (e) {
      this.fail(e);
    }
  }

  private onWorker(m: FromWorker): void {
    const s = this.store.state;
    switch (m.type) {
      case 'dataset-ready':
        this.store.set({ dataset: { ...s.dataset, status: 'ready', train: m.train, test: m.test } });
        return;
      case 'state':
        this.store.set({ run: m.state, progress: m.progress ?? s.progress });
        if (m.state === 'running' && !s.model) this.store.set({ model: { name: 'trained model', source: 'trained' } });
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
        return;
      }
      case 'epoch':
        s.history.push(m.report);
        this.store.touch('history');
        return;
      case 'weights':
        // The first copy after Start/Step is the initialisation: kept to show what training changed.
        if (!s.initialWeights && s.model?.source !== 'loaded') {
          this.store.set({ initialWeights: { layers: m.weights.layers, W: m.weights.W.map((w) => w.slice()) } });
        }
        this.store.set({ weights: m.weights });
        return;
      case 'evaluation':
        this.store.set({ evaluation: m.evaluation });
        return;
      case 'model-loaded': {
        const settings = m.settings ? { preset: presetOf(m.settings), train: m.settings } : s.settings;
        this.store.set({
          model: { name: m.name, source: 'loaded' },
          history: [...m.history],
          batches: { x: [], loss: [], accuracy: [] },
          evaluation: null,
          progress: null,
          initialWeights: null,
          showChange: false,
          settings,
          selectedUnit: 0,
        });
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
